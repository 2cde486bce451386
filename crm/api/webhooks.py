"""/api/v1/webhooks: subscriptions of other systems to changes, and their delivery log."""

import re

import marshmallow as ma
from flask.views import MethodView
from marshmallow import fields, validate
from sqlalchemy import select

from crm.api.blueprint import Blueprint
from crm.api.fields import ONE_LINE, MergePatch, ResourceSchema, Timestamp, text, web_address
from crm.api.items import create, delete, get_or_404, item_response, update
from crm.api.listing import ListArgs, SortField, envelope, equality_filters, paginate
from crm.database import db
from crm.models import WebhookDelivery, WebhookSubscription
from crm.models.enums import ApiRole, AuditAction
from crm.models.webhook import DeliveryStatus
from crm.services.webhooks import MAX_ATTEMPTS, TIMEOUT_SECONDS, feed_start

blp = Blueprint(
    "webhooks",
    __name__,
    url_prefix="/api/v1/webhooks",
    read_role=ApiRole.admin,
    write_role=ApiRole.admin,
    description="Webhooks: other systems are told of changes as they happen, signed, "
    "retried until received, and logged. For administrators.",
)

SUBSCRIBE = f"""Subscribe to changes (Webhook anlegen)

From now on, every change of the given event types is sent to `url` as an HTTP POST of
JSON: `{{"delivery_id", "subscription_id", "event_type", "change": {{...}}}}`, where
`change` is the entry of the change feed (`/api/v1/changes`): no personal data. Headers:

- `Webhook-Id`: the delivery's id. A delivery is repeated until the receiver answers
  2xx, so the same id can arrive twice: ignore repeats.
- `Webhook-Timestamp`: when it was sent, in seconds since 1970 (UTC).
- `Webhook-Signature`: `sha256=` and the hexadecimal HMAC-SHA256, keyed with the
  subscription's `secret`, of the timestamp, a dot, and the raw body:
  `hmac_sha256(secret, timestamp + "." + body)`.

To verify, compute the HMAC over the bytes received, compare it in constant time
(`hmac.compare_digest` in Python), and refuse timestamps older than five minutes.
Answer 2xx within {TIMEOUT_SECONDS} seconds. Any other answer, or none, is tried again after
30 seconds, then after waits that double up to six hours, {MAX_ATTEMPTS} attempts in all;
each delivery is logged under `/api/v1/webhooks/{{webhook_id}}/deliveries`. The
delivery worker (`flask crm webhooks deliver`) sends them, never the request that made
the change.
"""

ACTIONS = "|".join(action.value for action in AuditAction)
EVENT_TYPE = re.compile(rf"^(\*|[a-z_]{{1,60}}\.(\*|{ACTIONS}))$")


class EventType(fields.String):
    def _deserialize(self, value, attr, data, **kwargs) -> str:
        event_type = super()._deserialize(value, attr, data, **kwargs)
        if not EVENT_TYPE.match(event_type):
            raise ma.ValidationError(
                "Use `<resource_type>.<action>` (`partner.update`), `<resource_type>.*` "
                f"or `*`; actions: {ACTIONS.replace('|', ', ')}."
            )
        return event_type


class WebhookSchema(ResourceSchema):
    url = web_address(
        2000, required=True, metadata={"example": "https://intranet.example.org/hooks/crm"}
    )
    description = text(200, metadata={"example": "Intranet directory"})
    event_types = fields.List(
        EventType(metadata={"example": "steering_group.*", "pattern": EVENT_TYPE.pattern}),
        required=True,
        validate=validate.Length(min=1, max=50),
        metadata={"description": "`partner.update`, `membership.*`, or `*` for every change."},
    )
    secret = fields.String(
        required=True,
        load_only=True,
        validate=[validate.Length(min=16, max=200), ONE_LINE],
        metadata={"description": "Signs every delivery; write-only, never shown again."},
    )
    active = fields.Boolean(metadata={"description": "false: nothing is sent meanwhile."})


class WebhookPatchSchema(MergePatch, WebhookSchema):
    pass


class WebhookDeliverySchema(ma.Schema):
    id = fields.UUID(metadata={"description": "Sent as `Webhook-Id`."})
    subscription_id = fields.UUID()
    event_type = fields.String(metadata={"example": "partner.update"})
    status = fields.Enum(DeliveryStatus, by_value=True)
    attempts = fields.Integer()
    created_at = Timestamp()
    next_attempt_at = Timestamp(metadata={"description": "While pending: the next try."})
    last_attempt_at = Timestamp(allow_none=True)
    last_status_code = fields.Integer(allow_none=True)
    last_error = fields.String(allow_none=True)
    delivered_at = Timestamp(allow_none=True)


class WebhookListArgs(ListArgs):
    sort = SortField(("created_at", "updated_at"))


class DeliveryListArgs(ListArgs):
    class Meta:
        exclude = ("updated_since",)

    status = fields.List(fields.Enum(DeliveryStatus, by_value=True))
    sort = SortField(("created_at",))


SORTABLE = {
    "created_at": WebhookSubscription.created_at,
    "updated_at": WebhookSubscription.updated_at,
}


@blp.route("")
class Webhooks(MethodView):
    @blp.arguments(WebhookListArgs, location="query")
    @blp.response(200, envelope(WebhookSchema))
    def get(self, args):
        """List webhook subscriptions"""
        return paginate(
            select(WebhookSubscription),
            args,
            sortable=SORTABLE,
            default_sort="created_at",
        )

    @blp.arguments(WebhookSchema)
    @blp.response(201, WebhookSchema)
    def post(self, data):
        subscription = create(WebhookSubscription, data | feed_start(db.session))
        db.session.commit()
        return item_response(subscription, 201)

    post.__doc__ = SUBSCRIBE


@blp.route("/<uuid:webhook_id>")
class WebhookItem(MethodView):
    @blp.response(200, WebhookSchema)
    def get(self, webhook_id):
        """Get a webhook subscription"""
        return item_response(get_or_404(WebhookSubscription, webhook_id))

    @blp.arguments(WebhookPatchSchema)
    @blp.response(200, WebhookSchema)
    def patch(self, changes, webhook_id):
        """Change a webhook subscription (JSON Merge Patch)

        `{"active": false}` pauses it: changes made meanwhile are delivered when it is
        active again.
        """
        subscription = update(get_or_404(WebhookSubscription, webhook_id), changes)
        db.session.commit()
        return item_response(subscription)

    @blp.response(204)
    def delete(self, webhook_id):
        """Delete a webhook subscription and its delivery log"""
        delete(get_or_404(WebhookSubscription, webhook_id))
        db.session.commit()


@blp.route("/<uuid:webhook_id>/deliveries")
class WebhookDeliveries(MethodView):
    @blp.arguments(DeliveryListArgs, location="query")
    @blp.response(200, envelope(WebhookDeliverySchema))
    def get(self, args, webhook_id):
        """List a webhook's deliveries (Zustellprotokoll)

        Every delivery with its state, the number of attempts, the receiver's last answer
        and when it is tried next; newest first.
        """
        get_or_404(WebhookSubscription, webhook_id)
        return paginate(
            select(WebhookDelivery),
            args,
            conditions=[
                WebhookDelivery.subscription_id == webhook_id,
                *equality_filters(args, {"status": WebhookDelivery.status}),
            ],
            sortable={"created_at": WebhookDelivery.created_at},
            default_sort="-created_at",
        )
