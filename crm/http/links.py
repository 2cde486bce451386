"""The links an answer carries (`next`, `last`, ...): this request's address with a few
query parameters set anew, and every value of every other one kept.

A filter may repeat ("any of": `kind=chamber&kind=job_centre`); a link that kept only its
first value would silently narrow the list for whoever follows it.
"""

from urllib.parse import urlencode

from flask import request


def this_url_with(**replaced: str | None) -> str:
    """This request's URL with the named parameters replaced (`None` drops one)."""
    args = request.args.copy()
    for name, value in replaced.items():
        args.pop(name, None)
        if value is not None:
            args[name] = value
    return f"{request.base_url}?{urlencode(list(args.items(multi=True)))}"
