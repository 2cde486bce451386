"""What a generated client needs from every operation, added to the contract in one place.

Client generators (openapi-typescript, openapi-python-client) name their methods after
`operationId`, type response headers from `headers`, and take a field for granted only
where the schema says `required`. So every operation gets a stable, readable
`operationId` made from its method and path (`GET /partners` is `listPartners`,
`PATCH /steering-groups/{group_id}/memberships/{membership_id}` is
`updateSteeringGroupMembership`); the headers the server sends are documented where it
sends them; every PATCH documents `application/merge-patch+json` (RFC 7396), which it
accepts; and `responses_required` marks, in the schemas of responses only, the envelope
and the fields the server always sets.
"""

import copy
import re

from apispec import BasePlugin
from marshmallow import validate

from crm.models.base import singular

# The last segment of a POST that acts on what precedes it: the verb it names, and
# whether the segment stays in the name (`runPrivacyRetention`, but `mergePartner`).
ACTIONS = {
    "search": ("search", False),
    "merge": ("merge", False),
    "withdrawal": ("withdraw", False),
    "erasure": ("erase", False),
    "rotation": ("rotate", False),
    "retention": ("run", True),
}
ITEM_VERBS = {"get": "get", "put": "replace", "patch": "update", "delete": "delete"}
MERGE_PATCH = "application/merge-patch+json"

ETAG = {
    "description": "The record's version, for `If-Match` on the next write.",
    "schema": {"type": "string", "example": '"v3"'},
}
LOCATION = {
    "description": "The address of the record made.",
    "schema": {"type": "string", "format": "uri"},
}
REQUEST_ID = {
    "description": "The request's id as given in `X-Request-ID`, or one made for it; "
    "the logs name it.",
    "schema": {"type": "string"},
}
REPLAYED = {
    "description": "`true` when this is the stored answer to an earlier request with the "
    "same `Idempotency-Key`: nothing was changed again.",
    "schema": {"type": "string", "enum": ["true"]},
}


def operation_id(method: str, path: str) -> str:
    """`listPartners`, `createPartner`, `getPartner`, `updatePartner`, `deletePartner`,
    `mergePartner`, `getSteeringGroupReport`, ...: a verb, then the path's segments, each
    in the singular where an id follows it."""
    segments = [s for s in path.removeprefix("/api/v1/").split("/") if s]
    words = [
        singular(name) if following.startswith("{") else name
        for name, following in zip(segments, [*segments[1:], ""], strict=True)
        if not name.startswith("{")
    ]
    if segments[-1].startswith("{"):
        verb = ITEM_VERBS[method]
    elif method == "post" and words[-1] in ACTIONS:
        verb, keep = ACTIONS[words[-1]]
        words = words if keep else words[:-1]
    elif method == "post":
        verb, words[-1] = "create", singular(words[-1])
    else:
        verb = "list" if method == "get" and words[-1].endswith("s") else method
    return verb + "".join(part.capitalize() for word in words for part in re.split("[-_]", word))


class Operations(BasePlugin):
    """Adds `operationId`, response headers and the merge-patch body to each operation."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        if not path or not path.startswith("/api/"):
            return
        on_item = path.rstrip("/").endswith("}")
        for method, operation in operations.items():
            operation.setdefault("operationId", operation_id(method, path))
            for status, response in operation.get("responses", {}).items():
                if not isinstance(response, dict) or not str(status).startswith("2"):
                    continue
                headers = response.setdefault("headers", {})
                headers["X-Request-ID"] = REQUEST_ID
                if str(status) == "201":
                    headers |= {"ETag": ETAG, "Location": LOCATION}
                elif on_item and method in ("get", "put", "patch"):
                    headers["ETag"] = ETAG
                if method == "post":
                    headers["Idempotent-Replayed"] = REPLAYED
            content = operation.get("requestBody", {}).get("content", {})
            if method == "patch" and "application/json" in content:
                content.setdefault(MERGE_PATCH, copy.deepcopy(content["application/json"]))


def exclusive_bounds(converter, field, ret, **kwargs) -> dict:
    """A marshmallow `Range` that leaves out a bound (`min_inclusive=False`), published as
    JSON Schema's `exclusiveMinimum`/`exclusiveMaximum`, not as the `minimum` apispec
    would state, which the server refuses."""
    found = {}
    for validator in getattr(field, "validators", ()):
        if isinstance(validator, validate.Range):
            if validator.min is not None and not validator.min_inclusive:
                ret.pop("minimum", None)
                found["exclusiveMinimum"] = validator.min
            if validator.max is not None and not validator.max_inclusive:
                ret.pop("maximum", None)
                found["exclusiveMaximum"] = validator.max
    return found
