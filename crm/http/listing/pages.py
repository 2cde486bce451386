"""Lists: query arguments every collection shares, sorting, and the paginated envelope.

A page costs one statement, whatever its size: the rows, one more as a look-ahead for
`next`, and the total, counted up to `COUNT_LIMIT` in a subquery. Above that, counting
would cost more than the page; PostgreSQL's planner estimates the total instead (one more
statement), and `pagination.total_is_estimate` says so. Deep pages are read by keyset,
not by offset: `links.next` carries a `cursor` with the last row's sort key once the
offset grows past `KEYSET_FROM`, so that page 4,000 costs what page 1 costs.
"""

import math
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import marshmallow as ma
from marshmallow import fields, validate
from sqlalchemy import (
    ColumnElement,
    Executable,
    Integer,
    Select,
    Subquery,
    bindparam,
    func,
    literal,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import RelationshipProperty
from sqlalchemy.sql.cache_key import CacheKey
from sqlalchemy.sql.expression import ClauseElement
from sqlalchemy.sql.visitors import InternalTraversal

from crm.database import db, run
from crm.http.fields import ONE_LINE, Instant, WholeNumber
from crm.http.links import this_url_with
from crm.http.listing.keyset import Cursor, CursorField
from crm.http.listing.rows import Dumped
from crm.http.listing.shapes import Shapes
from crm.http.patterns import Pattern
from crm.ordering import after
from crm.text import fold

MAX_PAGE_SIZE = 100
# Counting up to this many rows costs about what reading a page costs; more would cost more.
COUNT_LIMIT = 1_000
# From this offset on, `links.next` carries a keyset cursor.
KEYSET_FROM = 500


class SortField(fields.String):
    """`sort=name,-updated_at`: field names, `-` for descending, from an allowed set."""

    def __init__(self, allowed: Iterable[str], **kwargs: Any):
        self.allowed = tuple(allowed)
        choices = ", ".join(self.allowed)
        key = f"-?({'|'.join(self.allowed)})"
        self.pattern = Pattern(f"^{key}(,{key})*$")
        super().__init__(
            metadata={
                "description": f"Comma-separated fields, `-` for descending. One of: {choices}.",
                "example": f"-{self.allowed[-1]}",
                "pattern": self.pattern.source,
            },
            **kwargs,
        )

    def _deserialize(self, value, attr, data, **kwargs) -> list[tuple[str, bool]]:
        value = super()._deserialize(value, attr, data, **kwargs)
        if not self.pattern.accepts(value):
            names = (part.removeprefix("-") for part in value.split(","))
            unknown = ", ".join(f"'{name}'" for name in names if name not in self.allowed)
            raise ma.ValidationError(
                f"Cannot sort by {unknown or repr(value)}. "
                f"Sort by one of: {', '.join(self.allowed)}."
            )
        return [(part.removeprefix("-"), part.startswith("-")) for part in value.split(",")]


class ListArgs(ma.Schema):
    """Arguments of every list. Subclasses add the filters of their resource."""

    # Bounded so that the offset stays a 64-bit integer in every database.
    page = WholeNumber(load_default=1, validate=validate.Range(min=1, max=2**31 - 1))
    page_size = WholeNumber(load_default=25, validate=validate.Range(min=1, max=MAX_PAGE_SIZE))
    updated_since = Instant(
        metadata={"description": "Only records changed at or after this time (RFC 3339)."}
    )
    cursor = CursorField()


class SearchableListArgs(ListArgs):
    # A search term is one line of text, like the values it is compared with.
    q = fields.String(
        validate=[validate.Length(min=1, max=200), ONE_LINE],
        metadata={
            "description": "Text search, accent- and case-insensitive: "
            "'jugendforderung' finds 'Jugendförderung'."
        },
    )


def equality_filters(args: Mapping[str, Any], fields: Mapping[str, Any]) -> list:
    """Filters named after fields: `kind=chamber&kind=job_centre` means "kind is any of".

    `fields` maps a parameter to a column, or to a many-to-many relationship
    (`"topic_id": Partner.topics`), which matches records linked to any of the ids; as
    `id IN (SELECT ... FROM the link table)`, so that no record appears twice (and not as
    `any()`, whose value SQLAlchemy keeps from being bound anew: crm.http.listing.shapes).
    """
    conditions = []
    for name, target in fields.items():
        values = args.get(name)
        if not values:
            continue
        if isinstance(getattr(target, "property", None), RelationshipProperty):
            [(record_id, link_to_record)] = target.property.synchronize_pairs
            [(_, link_to_linked)] = target.property.secondary_synchronize_pairs
            linked = select(link_to_record).where(link_to_linked.in_(values))
            conditions.append(record_id.in_(linked))
        else:
            conditions.append(target.in_(values))
    return conditions


class PaginationSchema(ma.Schema):
    page = fields.Integer()
    page_size = fields.Integer()
    total = fields.Integer()
    total_pages = fields.Integer()
    total_is_estimate = fields.Boolean(
        metadata={
            "description": f"Present, and true, when more than {COUNT_LIMIT:,} records match: "
            "`total` and `total_pages` are then the database's estimate. `links.next` is "
            "always exact."
        }
    )


class LinksSchema(ma.Schema):
    self = fields.Url()
    first = fields.Url()
    prev = fields.Url()
    next = fields.Url()
    last = fields.Url()


class Items(fields.List):
    """A page's records; those dumped from rows already (`crm.http.listing.rows`) pass as they
    are."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value and all(type(item) is Dumped for item in value):
            return list(value)
        return super()._serialize(value, attr, obj, **kwargs)


class Built(fields.Nested):
    """A part of the envelope that `Page` builds in its JSON form: documented by its
    schema, passed through as it is."""

    def _serialize(self, nested_obj, attr, obj, **kwargs):
        return nested_obj


def envelope(item_schema: type[ma.Schema]) -> type[ma.Schema]:
    """The list body: `{"data": [...], "pagination": {...}, "links": {...}}`."""
    name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
    return ma.Schema.from_dict(
        {
            "data": Items(fields.Nested(item_schema)),
            "pagination": Built(PaginationSchema),
            "links": Built(LinksSchema),
        },
        name=name,
    )


@dataclass
class Page:
    data: list
    page: int
    page_size: int
    total: int
    total_is_estimate: bool = False
    has_next: bool = False
    next_cursor: str | None = None

    @property
    def pagination(self) -> dict:
        pagination = {
            "page": self.page,
            "page_size": self.page_size,
            "total": self.total,
            "total_pages": self.total_pages,
        }
        if self.total_is_estimate:
            pagination["total_is_estimate"] = True
        return pagination

    @property
    def total_pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))

    @property
    def links(self) -> dict:
        links = {"self": _page_url(self.page), "first": _page_url(1)}
        if self.page > 1:
            links["prev"] = _page_url(min(self.page - 1, self.total_pages))
        if self.has_next:
            links["next"] = _page_url(self.page + 1, self.next_cursor)
        links["last"] = _page_url(self.total_pages)
        return links


def _page_url(page: int, cursor: str | None = None) -> str:
    return this_url_with(page=str(page), cursor=cursor)


def paginate(
    statement: Select,
    args: Mapping[str, Any],
    *,
    conditions: Iterable[ColumnElement[bool]] = (),
    sortable: Mapping[str, ColumnElement],
    default_sort: str,
    item: Callable[[Any], Any] = operator.itemgetter(0),
) -> Page:
    """One page of `statement`, filtered, searched and sorted, in one statement.

    `statement` is a `select(Model)`, or a select of columns whose rows `item` turns into
    the page's records (`item` defaults to the row's first element: the model's object).
    Sorting ends with the primary key, so that the order is always deterministic.
    """
    statement_key = statement._generate_cache_key()
    model = _model(statement, statement_key)
    where = [*conditions, *_common_conditions(model, args)]
    sort = args.get("sort") or [(default_sort.removeprefix("-"), default_sort.startswith("-"))]
    keys = [(sortable[name], descending) for name, descending in sort] + [(model.id, False)]
    page, size = args["page"], args["page_size"]
    # A statement that brings its own order cannot be read by keyset.
    keyset = not statement._order_by_clauses
    cursor = Cursor.matching(args, keys) if keyset else None
    statements, values = _ListStatements.of(statement, statement_key, model, where, keys, cursor)
    offset = 0 if cursor else (page - 1) * size
    window = {"page_limit": size + 1, "page_offset": offset}
    rows = statements.rows(values | window)
    total = rows[0]._total if rows else _count_without_page(statements, values, page, cursor)
    result = Page(
        data=[item(row) for row in rows[:size]],
        page=page,
        page_size=size,
        total=total,
        has_next=len(rows) > size,
    )
    if total > COUNT_LIMIT:
        seen = (page - 1) * size + len(rows)
        result.total, result.total_is_estimate = _total_beyond_limit(statements, values, seen)
    if result.has_next and page * size >= KEYSET_FROM and keyset:
        result.next_cursor = Cursor.after_row(rows[size - 1], len(keys), page + 1)
    return result


_MODELS: dict[Any, type] = {}


def _model(statement: Select, statement_key: CacheKey | None) -> type:
    """The model `statement` selects (the first entity it names), looked up once."""
    if statement_key is None:
        return _first_entity(statement)
    model = _MODELS.get(statement_key.key)
    if model is None:
        model = _MODELS[statement_key.key] = _first_entity(statement)
    return model


def _first_entity(statement: Select) -> type:
    return next(c["entity"] for c in statement.column_descriptions if c.get("entity"))


@dataclass
class _ListStatements:
    """A list's statements for one shape of its conditions and sort (crm.http.listing.shapes): the
    page with its total, the count for a page that came back empty, and the total beyond
    `COUNT_LIMIT`; whether the rows hold model objects (read through the ORM) or columns
    (read past it, as `crm.database.run` reads)."""

    page: Select
    count: Select
    beyond_limit: Executable
    of_objects: bool

    _SHAPES: ClassVar[Shapes["_ListStatements"]] = Shapes()

    @classmethod
    def of(
        cls,
        statement: Select,
        statement_key: CacheKey | None,
        model: type,
        where: list,
        keys: list,
        cursor: Cursor | None,
    ) -> tuple["_ListStatements", dict[str, Any]]:
        """The statements and the values to bind to them."""
        dialect = db.session.get_bind().dialect.name
        parts = {
            "where": where,
            "after": [after(keys, cursor.values)] if cursor else [],
            "keys": [key for key, _ in keys],
        }

        def build(named: dict) -> _ListStatements:
            ordered = list(zip(named["keys"], (d for _, d in keys), strict=True))
            return cls.build(statement, model, named["where"], named["after"], ordered, dialect)

        if statement_key is None:
            return build(parts), {}
        # The statement's own values (a separator, say) are part of its form.
        own = tuple(bind.effective_value for bind in statement_key.bindparams)
        form = (statement_key.key, own, tuple(descending for _, descending in keys), dialect)
        return cls._SHAPES.get(parts, form, build)

    @classmethod
    def build(
        cls, statement: Select, model: type, where: list, moved: list, keys: list, dialect: str
    ) -> "_ListStatements":
        limit = bindparam("page_limit", type_=Integer, literal_execute=True)
        offset = bindparam("page_offset", type_=Integer, literal_execute=True)
        window = _window(statement, model, where, moved, keys).limit(limit).offset(offset)
        matching = select(literal(1)).select_from(model).where(*where)
        return cls(
            page=_rows_in(statement, model, window.subquery("page"), keys),
            count=select(_counted(model, where)),
            # PostgreSQL: the planner's estimate. Other databases hold a district's data,
            # not a state's: they count.
            beyond_limit=Explain(matching)
            if dialect == "postgresql"
            else select(func.count()).select_from(matching.subquery()),
            of_objects=any(isinstance(c["expr"], type) for c in statement.column_descriptions),
        )

    def rows(self, values: dict[str, Any]) -> list:
        if self.of_objects:
            return db.session.execute(self.page, values).all()
        return run(self.page, **values).all()


def _window(statement: Select, model: type, where: list, moved: list, keys: list) -> Select:
    """The page's ids, chosen on the sort keys alone, with the total: counted on `where`,
    without `moved` (the cursor's condition, which says where the page starts)."""
    return (
        statement.with_only_columns(
            model.id.label("_id"),
            _counted(model, where).label("_total"),
            *(key.label(f"_key{i}") for i, (key, _) in enumerate(keys)),
        )
        .where(*where, *moved)
        .order_by(*_ordered(keys))
    )


def _rows_in(statement: Select, model: type, window: Subquery, keys: list) -> Select:
    """The page's rows in full: what a row costs beyond its sort key (linked ids, say) is
    paid for the page only, not for every row that an offset skips."""
    window_keys = [(window.c[f"_key{i}"], descending) for i, (_, descending) in enumerate(keys)]
    return (
        statement.add_columns(window.c._total, *(key for key, _ in window_keys))
        .join(window, model.id == window.c._id)
        .order_by(*_ordered(window_keys))
    )


def inline(number: int) -> ColumnElement[int]:
    """A LIMIT or OFFSET written into the SQL, not bound: a prepared statement's generic
    plan would otherwise not know how few rows are wanted, and sort whole tables."""
    return literal(number, literal_execute=True)


def _ordered(keys: list) -> list:
    return [key.desc() if descending else key for key, descending in keys]


def _counted(model: type, where: list) -> ColumnElement[int]:
    """The number of matching rows, counted no further than `COUNT_LIMIT` + 1."""
    matching = select(literal(1)).select_from(model).where(*where).limit(inline(COUNT_LIMIT + 1))
    counted = select(func.count()).select_from(matching.correlate(None).subquery())
    return counted.correlate(None).scalar_subquery()


def _count_without_page(
    statements: _ListStatements, values: dict, page: int, cursor: Cursor | None
) -> int:
    """The total for a page that came back empty: nothing at all matches on page 1."""
    if page == 1 and cursor is None:
        return 0
    return db.session.scalar(statements.count, values)


def _total_beyond_limit(statements: _ListStatements, values: dict, seen: int) -> tuple[int, bool]:
    """The planner's estimate, but never less than what was counted or seen; or, where
    `beyond_limit` counts, the count."""
    total = db.session.scalar(statements.beyond_limit, values)
    if not isinstance(statements.beyond_limit, Explain):
        return total, False
    return max(COUNT_LIMIT + 1, seen, round(total[0]["Plan"]["Plan Rows"])), True


class Explain(Executable, ClauseElement):
    """`EXPLAIN (FORMAT JSON) <statement>`: the plan, and so the estimated row count."""

    # Cached as its statement is: compiling it anew each time cost more than running it.
    _traverse_internals = (("statement", InternalTraversal.dp_clauseelement),)
    inherit_cache = True

    def __init__(self, statement: Select):
        self.statement = statement

    @property
    def _all_selected_columns(self) -> tuple:
        return ()  # its one column, the plan, is not the statement's


@compiles(Explain, "postgresql")
def _explain(element: Explain, compiler, **kwargs) -> str:
    return "EXPLAIN (FORMAT JSON) " + compiler.process(element.statement, **kwargs)


def _common_conditions(model: type, args: Mapping[str, Any]) -> list[ColumnElement[bool]]:
    conditions = []
    if args.get("updated_since"):
        conditions.append(model.updated_at >= args["updated_since"])
    for word in fold(args.get("q") or "").split():
        conditions.append(model.search_text.contains(word, autoescape=True))
    return conditions
