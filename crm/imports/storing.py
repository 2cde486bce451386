"""Storing the records a batch of rows created, past the unit of work.

A flush of 500 new contacts costs more than reading and checking their rows: the unit of
work sorts them, compares every attribute with its history and sends one INSERT a row
(psycopg's executemany). New records that refer to none of each other need none of that:
their rows, and those of the records they own (a contact's employment, a partner's links
to its topics), go with one `insert_rows` per table. What a flush would do besides is done
here the same way: the mappers' before_insert hooks (search columns, spans, ...) and the
columns' defaults.
"""

from collections import defaultdict
from collections.abc import Callable
from functools import cache, partial
from typing import Any

from sqlalchemy import Table, inspect
from sqlalchemy.engine import Connection
from sqlalchemy.orm import (
    Mapper,
    RelationshipDirection,
    RelationshipProperty,
    Session,
)

from crm.database import Base, insert_rows


def store_new(session: Session, records: list[Any]) -> None:
    """Inserts new (transient) records and the new records they own; their attributes
    then hold what was stored (the defaults filled in). They stay out of the session:
    nothing in the import reads them from it, and a later row that updates one reads it
    from the database."""
    connection = session.connection()
    rows: dict[Table, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        _collect(connection, record, rows)
    for table in Base.metadata.sorted_tables:  # a row after those it refers to
        insert_rows(connection, table, rows.get(table, []))


def _collect(connection: Connection, record: Any, rows: dict[Table, list[dict]]) -> None:
    """The rows of `record` and of the new records it owns, into `rows`."""
    state = inspect(record)
    mapper = state.mapper
    mapper.dispatch.before_insert(mapper, connection, state)
    values = state.dict  # written past the attributes' history: the record is stored as is
    row = {}
    for name, key, default in _columns(mapper):
        value = values.get(key)
        if value is None:
            value = values[key] = default() if default else None
        row[name] = value
    rows[mapper.local_table].append(row)
    for relationship in _owned(mapper):
        linked = values.get(relationship.key)
        if not linked:
            continue
        for other in linked if relationship.uselist else [linked]:
            if relationship.secondary is not None:
                rows[relationship.secondary].append(_link(row, other, relationship))
                continue
            for column, foreign_key in relationship.synchronize_pairs:
                owned_key = inspect(other).mapper.get_property_by_column(foreign_key).key
                setattr(other, owned_key, row[column.key])
            _collect(connection, other, rows)


@cache
def _columns(mapper: Mapper) -> list[tuple[str, str, Callable[[], Any] | None]]:
    """Each column of the mapper's table: its name, its attribute and what a record
    without a value gets (a flush leaves the column out: its default fills it in)."""
    return [
        (column.key, mapper.get_property_by_column(column).key, _default(column))
        for column in mapper.local_table.columns
    ]


def _default(column) -> Callable[[], Any] | None:
    """A column's default as Python computes it. One the database computes would come
    back only by reading the row again: refused, not stored as NULL."""
    default = column.default
    computed = default is not None and not (default.is_callable or default.is_scalar)
    if column.server_default is not None or computed:
        raise NotImplementedError(f"{column}: a default the database computes")
    if default is None:
        return None
    if default.is_callable:
        return partial(default.arg, None)  # called with no execution context
    return partial(_same, default.arg)


def _same(value: Any) -> Any:
    return value


@cache
def _owned(mapper: Mapper) -> list[RelationshipProperty]:
    """The relationships to records a new record brings along: those it owns (a contact's
    employments) and those it links to (a partner's topics); not its owner."""
    return [r for r in mapper.relationships if r.direction is not RelationshipDirection.MANYTOONE]


def _link(row: dict[str, Any], other: Any, relationship) -> dict[str, Any]:
    """A row of a link table between the record (its `row`) and a stored record."""
    link = {
        foreign_key.key: row[column.key] for column, foreign_key in relationship.synchronize_pairs
    }
    other_mapper = inspect(other).mapper
    for column, foreign_key in relationship.secondary_synchronize_pairs:
        link[foreign_key.key] = getattr(other, other_mapper.get_property_by_column(column).key)
    return link
