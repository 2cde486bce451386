"""/api/v1/changes: the change feed (Änderungs-Feed) for systems that keep copies."""

import marshmallow as ma
from flask import request
from flask.views import MethodView
from marshmallow import fields, validate
from werkzeug.urls import iri_to_uri

from crm.changes.feed import TOKEN, FeedPosition, as_payload, changes_after
from crm.database import db
from crm.http.blueprint import Blueprint
from crm.http.fields import WholeNumber
from crm.http.links import this_url_with

blp = Blueprint(
    "changes",
    __name__,
    url_prefix="/api/v1/changes",
    description="Änderungs-Feed: every create, change, archive, delete and merge, in commit "
    "order, for systems that keep copies of partners, steering groups and agreements.",
)

MAX_PAGE_SIZE = 1000


class FeedCursor(fields.String):
    def _deserialize(self, value, attr, data, **kwargs) -> FeedPosition:
        try:
            return FeedPosition.parse(super()._deserialize(value, attr, data, **kwargs))
        except ValueError as error:
            raise ma.ValidationError(
                "Not a cursor of this feed: use `next_cursor` from an earlier page."
            ) from error


class FeedArgs(ma.Schema):
    cursor = FeedCursor(
        metadata={
            "description": "`next_cursor` of the previous page; absent: from the start.",
            "pattern": TOKEN.source,
            "example": "48213-1077",
        },
    )
    page_size = WholeNumber(load_default=100, validate=validate.Range(min=1, max=MAX_PAGE_SIZE))
    resource_type = fields.List(
        fields.String(validate=validate.Length(max=60)),
        metadata={"description": "Only these: `partner`, `steering_group`, `membership`, ..."},
    )


class FeedChangeSchema(ma.Schema):
    cursor = fields.String(
        metadata={"description": "Resume after this change by passing it as `cursor`."}
    )
    event_type = fields.String(metadata={"example": "partner.update"})
    resource_type = fields.String(metadata={"example": "partner"})
    resource_id = fields.UUID()
    parent_id = fields.UUID(
        allow_none=True,
        metadata={
            "description": "A membership's steering group, a party's agreement; for a "
            "partner or contact merged away (`partner.merge`, `contact.merge`), the survivor."
        },
    )
    action = fields.String(metadata={"example": "update"})
    occurred_at = fields.String(metadata={"format": "date-time"})
    changed_fields = fields.List(
        fields.String(),
        metadata={
            "description": "The names of the fields that changed (never their values); "
            "empty for a delete.",
            "example": ["status"],
        },
    )


class FeedLinksSchema(ma.Schema):
    self = fields.Url()
    next = fields.Url()


class FeedPageSchema(ma.Schema):
    data = fields.List(fields.Nested(FeedChangeSchema))
    next_cursor = fields.String(
        metadata={"description": "Where to continue: pass it as `cursor` on the next call."}
    )
    has_more = fields.Boolean(
        metadata={"description": "False: you are at the end; poll `links.next` later."}
    )
    links = fields.Nested(FeedLinksSchema)


@blp.route("")
class Changes(MethodView):
    @blp.arguments(FeedArgs, location="query")
    @blp.response(200, FeedPageSchema)
    def get(self, args):
        """Follow the change feed (Änderungs-Feed)

        Every create, update, archive, delete and merge of every record, oldest first, in
        the order the changes were committed: a page and a `next_cursor` to pass as
        `cursor` next time. A cursor never skips or repeats a change, also while others
        write; changes of transactions still running appear once they have committed.
        Deleted records appear as tombstones (`action: delete`). A merge (Dubletten
        zusammenführen) is a `merge` of both records: the survivor's names the fields it
        took over, the duplicate's has the survivor as `parent_id`, and the duplicate's
        id answers 410 from then on. No personal data: a change
        names the record and the fields that changed, not their values; read the record
        itself for those. Every page costs the same, however far into the feed.
        """
        start = args.get("cursor", FeedPosition())
        changes = changes_after(
            db.session, start, args["page_size"] + 1, args.get("resource_type", ())
        )
        page = changes[: args["page_size"]]
        end = FeedPosition.of(page[-1]) if page else start
        return {
            "data": [as_payload(change) for change in page],
            "next_cursor": end.token,
            "has_more": len(changes) > len(page),
            "links": {"self": _self_url(), "next": this_url_with(cursor=end.token)},
        }


def _self_url() -> str:
    """`request.url` is an IRI (the query as sent, decoded); a link must be a URI."""
    return iri_to_uri(request.url)
