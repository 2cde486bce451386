"""Columns and types that every resource shares."""

import uuid
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import DateTime, Enum, Index, String, TypeDecorator, Uuid, event
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from crm.errors import InvalidInput
from crm.text import fold, search_key


def singular(table_name: str) -> str:
    """`partners` -> `partner`, `municipalities` -> `municipality`."""
    if table_name.endswith("ies"):
        return table_name[:-3] + "y"
    return table_name.removesuffix("s")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Stores naive UTC, returns aware UTC: SQLite keeps no time zone."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is not UTC:  # most are UTC already (utcnow): no conversion then
            value = value.astimezone(UTC)
        return value.replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect):
        return value.replace(tzinfo=UTC) if value is not None else None


def enum_column(enum: type[StrEnum]) -> Enum:
    """An enumeration stored as its string value, checked by the database."""
    return Enum(
        enum,
        native_enum=False,
        create_constraint=True,
        length=40,
        name=enum.__name__.lower(),
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class Resource:
    """`id`, timestamps and a version that makes every write conditional.

    `__spans__` names (start, end) date pairs: an end before its start is refused on every
    write, whichever field the write changed.
    """

    __spans__: tuple[tuple[str, str], ...] = ()

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, index=True
    )
    version: Mapped[int] = mapped_column(default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        # UPDATE and DELETE carry "WHERE version = <the version read>": the
        # If-Match check is atomic with the write.
        return {"version_id_col": cls.__table__.c.version}


@event.listens_for(Resource, "before_insert", propagate=True)
@event.listens_for(Resource, "before_update", propagate=True)
def _check_spans(_mapper, _connection, target: Resource) -> None:
    errors = {
        end: [f"Must not be before {start} ({getattr(target, start)})."]
        for start, end in target.__spans__
        if getattr(target, start)
        and getattr(target, end)
        and getattr(target, end) < getattr(target, start)
    }
    if errors:
        raise InvalidInput("A time span ends before it starts.", errors=errors)


class Searchable:
    """A folded copy of the searchable fields, kept up to date on every flush.

    `search_text` is indexed for `q` (`LIKE '%word%'`): on PostgreSQL with trigrams (GIN,
    pg_trgm), so that a search reads the matching rows only. SQLite cannot use an index for
    such a pattern; it gets a plain one, so that both databases have the same schema.
    `sort_name` is indexed with `id`, the order of every list sorted by name, so that a
    page is read straight from the index, by keyset or by offset.
    """

    __search_fields__: tuple[str, ...] = ()
    __sort_name_field__: str = "name"

    search_text: Mapped[str] = mapped_column(String, default="")
    sort_name: Mapped[str] = mapped_column(String(300), default="")

    def refresh_search_columns(self) -> None:
        self.search_text = search_key(*(getattr(self, f) for f in self.__search_fields__))
        self.sort_name = fold(getattr(self, self.__sort_name_field__) or "")[:300]


@event.listens_for(Searchable, "instrument_class", propagate=True)
def _index_search_columns(_mapper, cls: type[Searchable]) -> None:
    columns = cls.__table__.c
    Index(f"ix_{cls.__tablename__}_sort_name", columns.sort_name, columns.id)
    Index(
        None,
        columns.search_text,
        postgresql_using="gin",
        postgresql_ops={"search_text": "gin_trgm_ops"},
    )


@event.listens_for(Searchable, "before_insert", propagate=True)
@event.listens_for(Searchable, "before_update", propagate=True)
def _refresh_search_columns(_mapper, _connection, target: Searchable) -> None:
    target.refresh_search_columns()
