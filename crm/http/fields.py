"""Schema fields shared by the resources: length-checked text, references by id, vocabularies.

What a field accepts it stores as given, or refuses: text that is a line (names, titles,
labels) holds no line breaks or other control characters, since it ends up in file
names, mail subjects and one-line listings; free text (notes, descriptions) may span
lines. Whole numbers are not rounded, and a point in time must exist in UTC.
"""

import uuid
from datetime import UTC, datetime
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate
from sqlalchemy import select

from crm.database import db
from crm.http.patterns import Pattern
from crm.models import TargetGroup, Topic
from crm.models.base import singular

LANGUAGE_CODE = r"^[a-z]{2,3}$"
PHONE_NUMBER = r"^\+?[0-9 ()/-]+$"


# No control characters (C0, DEL, C1) and no Unicode line or paragraph separators.
LINE = r"^[^\x00-\x1f\x7f-\x9f\u2028\u2029]*$"
# Line breaks and tabs, but no other C0 control characters (XLSX and PDF cannot hold them).
PROSE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


def text(max_length: int, *, required: bool = False, **kwargs) -> fields.String:
    """One line of text (a name, a title, a label), refused, not truncated, when too long
    or when it holds a line break or another control character; blank means absent."""
    return _text(max_length, ONE_LINE, required, kwargs)


def free_text(max_length: int, *, required: bool = False, **kwargs) -> fields.String:
    """Text that may span lines (notes, descriptions); no other control characters."""
    return _text(max_length, PROSE_ONLY, required, kwargs)


def _text(max_length: int, characters: validate.Validator, required: bool, kwargs: dict):
    return fields.String(
        required=required,
        allow_none=not required,
        validate=[validate.Length(min=1 if required else 0, max=max_length), characters],
        **kwargs,
    )


class WholeNumber(fields.Integer):
    """An integer, refused when given with a fraction (`1.5`), never rounded."""

    def _validated(self, value):
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid")
        return super()._validated(value)


class Instant(fields.AwareDateTime):
    """A point in time with an offset; refused when it lies outside the years 1 to 9999 in
    UTC (`0001-01-01T00:00:00+14:00`), where it could be neither compared nor stored."""

    def _deserialize(self, value, attr, data, **kwargs) -> datetime:
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            return moment.astimezone(UTC)
        except OverflowError as error:
            raise ma.ValidationError("Lies outside the years 1 to 9999 in UTC.") from error


def optional(field_class: type[fields.Field], **kwargs) -> fields.Field:
    return field_class(allow_none=True, **kwargs)


def enum(enum_class, *, required: bool = False, nullable: bool = True, **kwargs) -> fields.Enum:
    """An enumeration by value. `nullable=False` for an optional field whose column has a
    default but may not be cleared (`status`)."""
    return fields.Enum(
        enum_class, by_value=True, required=required, allow_none=nullable and not required, **kwargs
    )


def language_code(**kwargs) -> fields.String:
    return fields.String(
        validate=Pattern(LANGUAGE_CODE, error="Use an ISO 639 code such as 'de' or 'prs'."),
        **_with_metadata(kwargs, example="ar"),
    )


class Ref(fields.UUID):
    """The id of an existing record of `model`; refused with a precise message otherwise."""

    def __init__(self, model: type, **kwargs: Any):
        self.model = model
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> uuid.UUID:
        record_id = super()._deserialize(value, attr, data, **kwargs)
        if db.session.get(self.model, record_id) is None:
            raise ma.ValidationError(f"No {_label(self.model)} has the id {record_id}.")
        return record_id


class RefList(fields.List):
    """A list of ids, loaded as the records themselves (`topic_ids` -> `topics`)."""

    def __init__(self, model: type, **kwargs: Any):
        self.model = model
        super().__init__(fields.UUID(), **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else [str(record.id) for record in value]

    def _deserialize(self, value, attr, data, **kwargs) -> list:
        ids = list(dict.fromkeys(super()._deserialize(value, attr, data, **kwargs)))
        # Those the session holds are not asked for again (an import holds its batch's).
        session = db.session
        held = (session.identity_map.get(session.identity_key(self.model, i)) for i in ids)
        records = [record for record in held if record is not None]
        wanted = set(ids) - {record.id for record in records}
        if wanted:
            records += session.scalars(select(self.model).where(self.model.id.in_(wanted)))
        missing = set(ids) - {record.id for record in records}
        if missing:
            listed = ", ".join(sorted(str(i) for i in missing))
            raise ma.ValidationError(f"No {_label(self.model)} has the id {listed}.")
        return sorted(records, key=lambda record: ids.index(record.id))


class VocabularyCode(fields.String):
    """The code of an entry of a managed vocabulary (`kind=chamber`)."""

    def __init__(self, model: type, **kwargs: Any):
        self.model = model
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        code = super()._deserialize(value, attr, data, **kwargs)
        # Asked once per request and code: an import checks the same code on every row.
        known = db.session.info.setdefault("known_codes", set())
        if (self.model, code) in known:
            return code
        if db.session.scalar(select(self.model.id).where(self.model.code == code)) is None:
            collection = self.model.__tablename__.replace("_", "-")
            raise ma.ValidationError(
                f"Unknown {_label(self.model)} '{code}': see /api/v1/{collection}."
            )
        known.add((self.model, code))
        return code


def _label(model: type) -> str:
    return singular(model.__tablename__).replace("_", " ")


class Timestamp(fields.DateTime):
    """RFC 3339 in UTC with `Z`."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else self.rfc3339(value)

    @staticmethod
    def rfc3339(value: datetime) -> str:
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


class ResourceSchema(ma.Schema):
    """What every resource carries: a server-made id and its timestamps."""

    id = fields.UUID(dump_only=True)
    created_at = Timestamp(dump_only=True)
    updated_at = Timestamp(dump_only=True)


class ClassifiedSchema(ma.Schema):
    """Topics (Handlungsfelder) and target groups (Zielgruppen), by id."""

    topic_ids = RefList(
        Topic, attribute="topics", metadata={"description": "Ids from /api/v1/topics."}
    )
    target_group_ids = RefList(
        TargetGroup,
        attribute="target_groups",
        metadata={"description": "Ids from /api/v1/target-groups."},
    )


class MergePatch:
    """Mixed into a resource schema for PATCH (RFC 7396): every field is optional, `null`
    clears an optional field and is refused for a required one."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, partial=True, **kwargs)


def email(**kwargs) -> fields.Email:
    return fields.Email(
        allow_none=True,
        validate=validate.Length(max=254),
        **_with_metadata(kwargs, example="info@example.org"),
    )


def phone(**kwargs) -> fields.String:
    return fields.String(
        allow_none=True,
        validate=[
            validate.Length(max=50),
            Pattern(PHONE_NUMBER, error="Use digits, spaces and + ( ) / - only."),
        ],
        **_with_metadata(kwargs, example="+49 3491 479-0"),
    )


ONE_LINE = Pattern(LINE, error="Must be one line, without control characters.")
PROSE_ONLY = Pattern(
    PROSE, error="Must not contain control characters other than line breaks and tabs."
)

_HOST_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
# A character of a path, query or fragment that RFC 3986 allows unescaped, or an escape.
_URI_CHARACTER = r"(?:[A-Za-z0-9._~!$&'()*+,;=:@/-]|%[0-9A-Fa-f]{2})"
WEB_ADDRESS = (
    rf"^https?://{_HOST_LABEL}(?:\.{_HOST_LABEL})*(?::[0-9]{{1,5}})?"
    rf"(?:/{_URI_CHARACTER}*)?(?:\?(?:{_URI_CHARACTER}|\?)*)?(?:#(?:{_URI_CHARACTER}|\?)*)?$"
)


def web_address(max_length: int, **kwargs) -> fields.String:
    """An absolute http(s) address. The contract states exactly what is accepted: `format:
    uri` and the pattern checked here (host names in ASCII, other characters %-escaped)."""
    return fields.String(
        validate=[
            validate.Length(max=max_length),
            Pattern(
                WEB_ADDRESS,
                error="Use an absolute http:// or https:// address, such as "
                "https://www.example.org/; escape spaces and umlauts as %20, %C3%A4, ...",
            ),
        ],
        **_with_metadata(kwargs, format="uri", example="https://www.example.org/"),
    )


def span_end(start_field: str, **kwargs) -> fields.Date:
    return fields.Date(
        allow_none=True,
        **_with_metadata(kwargs, description=f"Empty while open; not before `{start_field}`."),
    )


def _with_metadata(kwargs: dict, **defaults: str) -> dict:
    """Field arguments whose `metadata` adds to, or overrides, the defaults given."""
    return kwargs | {"metadata": defaults | kwargs.get("metadata", {})}
