"""Keyset pagination: a cursor says where the previous page ended, so that the next page
starts there through the sort index instead of counting its way past an offset.

The cursor is a hint, never the source of truth: `page` still names the page, and a cursor
made for another page, sort or filter is ignored (the page is then read by offset).
"""

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import request
from marshmallow import fields
from sqlalchemy import ColumnElement

from crm.http import json_body
from crm.http.fields import LINE, ONE_LINE
from crm.ordering import SortKeys

IGNORED = ("page", "cursor")
_PARSERS = {datetime: datetime.fromisoformat, date: date.fromisoformat, bool: "True".__eq__}


@dataclass(frozen=True)
class Cursor:
    page: int
    query: str
    values: list

    @classmethod
    def matching(cls, args: Mapping[str, Any], keys: SortKeys) -> "Cursor | None":
        """The request's cursor with its values typed, if it was made for this page and
        query; otherwise None."""
        cursor = args.get("cursor")
        if (
            not isinstance(cursor, Cursor)
            or cursor.page != args["page"]
            or cursor.query != _fingerprint()
            or len(cursor.values) != len(keys)
        ):
            return None
        try:
            values = [
                _parse(key, value) for (key, _), value in zip(keys, cursor.values, strict=True)
            ]
        except (TypeError, ValueError, NotImplementedError):
            return None
        return cls(cursor.page, cursor.query, values)

    @staticmethod
    def after_row(row: Any, key_count: int, page: int) -> str | None:
        """The token for `page`, which starts after `row` (with its `_key<n>` columns)."""
        values = [getattr(row, f"_key{i}") for i in range(key_count)]
        if any(value is None for value in values):
            return None
        payload = [page, _fingerprint(), [_text(value) for value in values]]
        raw = json.dumps(payload, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")


class CursorField(fields.String):
    """`cursor`: opaque; comes with `links.next` on deep pages."""

    def __init__(self, **kwargs: Any):
        super().__init__(
            metadata={
                "description": "Opaque. `links.next` carries it on deep pages, so that they "
                "are read as fast as the first; follow the link rather than making one.",
                "pattern": LINE,
            },
            **kwargs,
        )

    def _deserialize(self, value, attr, data, **kwargs) -> Cursor | None:
        """A garbled cursor is ignored like a stale one: the page is read by offset. One
        with control characters is refused, like any other text that is not a line."""
        token = ONE_LINE(super()._deserialize(value, attr, data, **kwargs))
        try:
            page, query, values = json_body.loads(
                base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            )
            if not (isinstance(page, int) and isinstance(query, str) and isinstance(values, list)):
                raise ValueError
        except (binascii.Error, UnicodeDecodeError, ValueError, TypeError):
            return None
        return Cursor(page, query, values)


def _fingerprint() -> str:
    """What a cursor is valid for: the path and every query parameter but the page and the
    cursor (links carry cursors; a cursor in a body matches no link's query)."""
    query = sorted((k, v) for k, v in request.args.items(multi=True) if k not in IGNORED)
    text = json.dumps([request.method, request.path, query], separators=(",", ":"))
    return hashlib.blake2b(text.encode(), digest_size=6).hexdigest()


def _text(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def _parse(key: ColumnElement, value: Any) -> Any:
    if not isinstance(value, str):
        raise TypeError(value)
    python_type = key.type.python_type
    return _PARSERS.get(python_type, python_type)(value)
