"""Lists: query arguments every collection shares, sorting, and the paginated envelope."""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import marshmallow as ma
from flask import request
from marshmallow import fields, validate
from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import RelationshipProperty
from werkzeug.urls import urlencode

from crm.database import db
from crm.text import fold

MAX_PAGE_SIZE = 100


class SortField(fields.String):
    """`sort=name,-updated_at`: field names, `-` for descending, from an allowed set."""

    def __init__(self, allowed: Iterable[str], **kwargs: Any):
        self.allowed = tuple(allowed)
        choices = ", ".join(self.allowed)
        super().__init__(
            metadata={
                "description": f"Comma-separated fields, `-` for descending. One of: {choices}.",
                "example": f"-{self.allowed[-1]}",
            },
            **kwargs,
        )

    def _deserialize(self, value, attr, data, **kwargs) -> list[tuple[str, bool]]:
        keys = []
        for part in super()._deserialize(value, attr, data, **kwargs).split(","):
            name = part.strip().removeprefix("-")
            if name not in self.allowed:
                raise ma.ValidationError(
                    f"Cannot sort by '{name}'. Sort by one of: {', '.join(self.allowed)}."
                )
            keys.append((name, part.strip().startswith("-")))
        return keys


class ListArgs(ma.Schema):
    """Arguments of every list. Subclasses add the filters of their resource."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    page_size = fields.Integer(load_default=25, validate=validate.Range(min=1, max=MAX_PAGE_SIZE))
    updated_since = fields.AwareDateTime(
        metadata={"description": "Only records changed at or after this time (RFC 3339)."}
    )


class SearchableListArgs(ListArgs):
    q = fields.String(
        validate=validate.Length(min=1, max=200),
        metadata={
            "description": "Text search, accent- and case-insensitive: "
            "'jugendforderung' finds 'Jugendförderung'."
        },
    )


def equality_filters(args: Mapping[str, Any], fields: Mapping[str, Any]) -> list:
    """Filters named after fields: `kind=chamber&kind=job_centre` means "kind is any of".

    `fields` maps a parameter to a column, or to a many-to-many relationship
    (`"topic_id": Partner.topics`), which matches records linked to any of the ids; as an
    EXISTS, so that no record appears twice.
    """
    conditions = []
    for name, target in fields.items():
        values = args.get(name)
        if not values:
            continue
        if isinstance(getattr(target, "property", None), RelationshipProperty):
            linked = target.property.mapper.class_
            conditions.append(target.any(linked.id.in_(values)))
        else:
            conditions.append(target.in_(values))
    return conditions


class PaginationSchema(ma.Schema):
    page = fields.Integer()
    page_size = fields.Integer()
    total = fields.Integer()
    total_pages = fields.Integer()


class LinksSchema(ma.Schema):
    self = fields.Url()
    first = fields.Url()
    prev = fields.Url()
    next = fields.Url()
    last = fields.Url()


def envelope(item_schema: type[ma.Schema]) -> type[ma.Schema]:
    """The list body: `{"data": [...], "pagination": {...}, "links": {...}}`."""
    name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
    return ma.Schema.from_dict(
        {
            "data": fields.List(fields.Nested(item_schema)),
            "pagination": fields.Nested(PaginationSchema),
            "links": fields.Nested(LinksSchema),
        },
        name=name,
    )


@dataclass
class Page:
    data: list
    page: int
    page_size: int
    total: int

    @property
    def pagination(self) -> dict:
        return {
            "page": self.page,
            "page_size": self.page_size,
            "total": self.total,
            "total_pages": self.total_pages,
        }

    @property
    def total_pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))

    @property
    def links(self) -> dict:
        links = {"self": _page_url(self.page), "first": _page_url(1)}
        if self.page > 1:
            links["prev"] = _page_url(min(self.page - 1, self.total_pages))
        if self.page < self.total_pages:
            links["next"] = _page_url(self.page + 1)
        links["last"] = _page_url(self.total_pages)
        return links


def _page_url(page: int) -> str:
    args = request.args.copy()
    args["page"] = str(page)
    return f"{request.base_url}?{urlencode(args)}"


def paginate(
    statement: Select,
    args: Mapping[str, Any],
    *,
    conditions: Iterable[ColumnElement[bool]] = (),
    sortable: Mapping[str, ColumnElement],
    default_sort: str,
) -> Page:
    """One page of `statement` (a `select(Model)`), filtered, searched and sorted.

    Sorting ends with the primary key, so that the order is always deterministic.
    """
    model = statement.column_descriptions[0]["entity"]
    where = [*conditions, *_common_conditions(model, args)]
    total = db.session.scalar(select(func.count()).select_from(model).where(*where))
    sort = args.get("sort") or [(default_sort.removeprefix("-"), default_sort.startswith("-"))]
    order = [sortable[name].desc() if descending else sortable[name] for name, descending in sort]
    page, size = args["page"], args["page_size"]
    rows = db.session.scalars(
        statement.where(*where).order_by(*order, model.id).limit(size).offset((page - 1) * size)
    ).all()
    return Page(data=list(rows), page=page, page_size=size, total=total)


def _common_conditions(model: type, args: Mapping[str, Any]) -> list[ColumnElement[bool]]:
    conditions = []
    if args.get("updated_since"):
        conditions.append(model.updated_at >= args["updated_since"])
    for word in fold(args.get("q") or "").split():
        conditions.append(model.search_text.contains(word, autoescape=True))
    return conditions
