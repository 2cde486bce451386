"""Patterns the contract publishes and the server checks, each from one definition.

A JSON Schema `pattern` is an ECMA-262 regular expression, and that is how Swagger UI,
generated validators and every other client read it; Python's `re` is a dialect of its
own. `\\Z` is Python's end of text but a literal "Z" in ECMA-262; Python's `$` also
matches before a trailing newline; Python's `\\d`, `\\w` and `\\s` take every script's
digits, letters and spaces where ECMA-262's take ASCII. So a `Pattern` is written in what
both dialects read alike (anchored `^...$`, classes spelt out: `[0-9]`, not `\\d`), the
server checks the whole value against it (`fullmatch`), and the contract publishes its
source as it is. tests/contract/test_patterns.py compiles every pattern the document
publishes with an ECMA-262 engine and holds it to what the server accepts and refuses;
every one of them must have been made here (`Pattern.defined`).
"""

from typing import Any, ClassVar

import marshmallow as ma
from marshmallow import validate


class Pattern(validate.Regexp):
    """A published pattern and the server's check, as a marshmallow validator (apispec
    publishes a `Regexp`'s source as the field's `pattern`) or on its own (`accepts`)."""

    defined: ClassVar[dict[str, "Pattern"]] = {}

    def __init__(self, source: str, *, error: str | None = None):
        if not (source.startswith("^") and source.endswith("$")):
            raise ValueError(f"A published pattern is anchored as ^...$: {source!r}")
        super().__init__(source, error=error)
        self.source = source
        Pattern.defined.setdefault(source, self)

    def accepts(self, value: str) -> bool:
        return self.regex.fullmatch(value) is not None

    def __call__(self, value: Any) -> Any:
        if not isinstance(value, str) or not self.accepts(value):
            raise ma.ValidationError(self._format_error(value))
        return value

    def schema(self, **keywords: Any) -> dict[str, Any]:
        """The JSON Schema of a string with this pattern (for headers and parameters that
        no marshmallow field describes)."""
        return {"type": "string", "pattern": self.source, **keywords}


# Text PostgreSQL can store and compare: anything but the NUL character.
NO_NUL = Pattern(r"^[^\x00]*$", error="Must not contain NUL characters.")
