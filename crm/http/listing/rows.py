"""Records dumped straight from database rows, for the read paths that must be fast.

Building ORM objects and walking them with marshmallow costs several times what the query
costs (profiled with bench/). A `RowDump` reads a resource schema once and then dumps the
rows of a plain select as that schema dumps the model's objects; the ids of linked records
(`topic_ids`) are aggregated in the same statement instead of a query per relationship.
"""

import operator
import uuid
from collections.abc import Callable
from datetime import date
from functools import cache
from typing import Any

import marshmallow as ma
from marshmallow import fields
from sqlalchemy import ColumnElement, Select, String, bindparam, cast, func, select

from crm.database import db, run
from crm.http.fields import RefList, Timestamp
from crm.records.items import not_found

CANONICAL_UUID_LENGTH = 36
# Fields whose dump is the column's value as it comes from the database.
_AS_STORED = {fields.String, fields.Email, fields.Url, fields.Integer, fields.Boolean}


class Dumped(dict):
    """A record already in its JSON form, with the `version` its ETag is made of."""

    version: int


class AcceptsDumped:
    """Mixed into a resource schema: a `Dumped` record passes through unchanged."""

    def dump(self, obj: Any, *, many: bool | None = None):
        if isinstance(obj, Dumped):
            return obj
        return super().dump(obj, many=many)


class RowDump:
    """`schema`'s dump of `model`, from the rows of `select()`."""

    def __init__(self, schema: ma.Schema, model: type):
        self.model = model
        self.fields = [
            (field.data_key or name, field.attribute or name, field)
            for name, field in schema.dump_fields.items()
        ]
        self.converters = [_converter(field) for _, _, field in self.fields]
        self.keys = [key for key, _, _ in self.fields]

    def select(self) -> Select:
        """The columns in the schema's order, then `version`; add WHERE and ORDER BY."""
        return self._select(db.session.get_bind().dialect.name)

    @cache  # noqa: B019 (one entry per dialect; the instances live as long as the app)
    def _select(self, dialect: str) -> Select:
        columns = []
        for key, attribute, field in self.fields:
            if isinstance(field, RefList):
                columns.append(_linked_ids(getattr(self.model, attribute), dialect).label(key))
            else:
                columns.append(getattr(self.model, attribute).label(key))
        return select(*columns, self.model.version.label("_version"))

    @cache  # noqa: B019 (as `_select`)
    def _by_id(self, dialect: str) -> Select:
        return self._select(dialect).where(self.model.id == bindparam("id"))

    def dump(self, row: Any) -> Dumped:
        record = Dumped(
            zip(
                self.keys,
                [
                    value if convert is None else convert(value)
                    for convert, value in zip(self.converters, row, strict=False)
                ],
                strict=True,
            )
        )
        record.version = row._version
        return record

    def get_or_404(self, record_id: uuid.UUID) -> Dumped:
        row = run(self._by_id(db.session.get_bind().dialect.name), id=record_id).first()
        if row is None:
            not_found(self.model, record_id)
        return self.dump(row)


def _converter(field: fields.Field) -> Callable[[Any], Any] | None:
    """How a column's value becomes the field's dump: `None` where it is the value as
    stored; the common types directly, the rest through the field itself."""
    if isinstance(field, RefList):
        return _ids
    if type(field) in _AS_STORED or (
        isinstance(field, fields.List) and type(field.inner) in _AS_STORED
    ):
        return None
    if isinstance(field, Timestamp):
        convert = Timestamp.rfc3339
    elif isinstance(field, fields.UUID):
        convert = str
    elif type(field) is fields.Date:
        convert = date.isoformat
    elif isinstance(field, fields.Enum) and field.by_value:
        convert = operator.attrgetter("value")
    else:
        return lambda value: None if value is None else field._serialize(value, None, None)
    return lambda value: None if value is None else convert(value)


def _ids(joined: str | None) -> list[str]:
    """The aggregated ids, spelled as the API spells a UUID on every database (PostgreSQL
    spells them so already; SQLite stores 32 hex digits)."""
    if not joined:
        return []
    return [v if len(v) == CANONICAL_UUID_LENGTH else str(uuid.UUID(v)) for v in joined.split(",")]


def _linked_ids(relationship, dialect: str) -> ColumnElement[str]:
    """The ids linked through a many-to-many relationship, comma-separated, in the
    relationship's order: `string_agg(... ORDER BY ...)` on PostgreSQL; elsewhere an
    ordered subquery, since SQLite before 3.44 cannot order inside an aggregate."""
    prop = relationship.property
    target = prop.mapper.class_
    linked = (
        select(cast(target.id, String).label("id"))
        .select_from(target)
        .join(prop.secondary, prop.secondaryjoin)
        .where(prop.primaryjoin)
    )
    order = prop.order_by or ()
    if dialect == "postgresql":
        joined = func.aggregate_strings(cast(target.id, String), ",").aggregate_order_by(*order)
        return linked.with_only_columns(joined).scalar_subquery()
    ordered = linked.order_by(*order).correlate(prop.parent.class_).subquery()
    return select(func.aggregate_strings(ordered.c.id, ",")).scalar_subquery()
