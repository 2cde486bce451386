"""/api/v1/webhooks: subscriptions of other systems to changes, and their delivery log."""

import marshmallow as ma
from flask import current_app
from flask.views import MethodView
from marshmallow import fields, validate
from sqlalchemy import select

from crm.changes.webhook_secrets import PREVIOUS_SECRET_GRACE, standard_secret
from crm.changes.webhook_targets import SETTING, RefusedTarget, check_url
from crm.changes.webhooks import MAX_ATTEMPTS, feed_start, rotate_secret
from crm.database import db
from crm.http.blueprint import Blueprint
from crm.http.fields import ONE_LINE, MergePatch, ResourceSchema, Timestamp, text, web_address
from crm.http.listing.pages import ListArgs, SortField, envelope, equality_filters, paginate
from crm.http.patterns import Pattern
from crm.models import WebhookDelivery, WebhookSubscription
from crm.models.base import utcnow
from crm.models.enums import ApiRole, AuditAction
from crm.models.webhook import DeliveryStatus
from crm.records.items import apply_changes, create, delete, get_or_404, item_response, update

blp = Blueprint(
    "webhooks",
    __name__,
    url_prefix="/api/v1/webhooks",
    read_role=ApiRole.admin,
    write_role=ApiRole.admin,
    description="Webhooks: other systems are told of changes as they happen, signed, "
    "retried until received, and logged. For administrators.",
)

GRACE_HOURS = int(PREVIOUS_SECRET_GRACE.total_seconds() // 3600)
SUBSCRIBE = f"""Subscribe to changes (Webhook anlegen)

From now on, every change of the given event types is sent to `url` as an HTTP POST of
JSON: `{{"delivery_id", "subscription_id", "event_type", "change": {{...}}}}`, where
`change` is the entry of the change feed (`/api/v1/changes`): no personal data.

Deliveries are signed as the Standard Webhooks specification says
(https://www.standardwebhooks.com), so that a receiver verifies them with its reference
library (`standardwebhooks` on PyPI and npm), given the subscription's `secret`:

- `Webhook-Id`: the delivery's id. A delivery is repeated until the receiver answers
  2xx, so the same id can arrive twice: ignore repeats.
- `Webhook-Timestamp`: when it was sent, in seconds since 1970 (UTC).
- `Webhook-Signature`: `v1,` and the base64 HMAC-SHA256 of `<id>.<timestamp>.<body>`,
  keyed with the bytes the `secret` stands for; after a rotation, one such signature
  for the new and one for the previous secret, separated by a space.

`secret` is `whsec_` and the base64 of 24 to 64 random bytes (those bytes are the key),
or, as before, any other 16 to 200 characters, whose UTF-8 bytes are then the key
(the reference libraries take them as `whsec_` + base64 of those bytes). Rotate it
with `POST /api/v1/webhooks/{{webhook_id}}/secret/rotation`.

`url` must reach a public address, or one in a network that the server's
`{SETTING}`
allows (a municipal intranet); loopback, link-local, cloud metadata and other internal
addresses are refused here, and again for each address the host name resolves to when
a delivery is sent.

Answer 2xx within the server's delivery time (10 seconds unless configured otherwise,
for connecting, sending and the whole answer). Any other answer, or none, is tried again
after 30 seconds, then after waits that double up to six hours, {MAX_ATTEMPTS} attempts in
all; each delivery is logged under `/api/v1/webhooks/{{webhook_id}}/deliveries`. The
delivery worker (`flask crm webhooks deliver`) sends them, never the request that made
the change.
"""

ROTATE = f"""Rotate a webhook's secret (Schlüsselwechsel)

The subscription signs with the new secret from now on, and for {GRACE_HOURS} hours with
the previous one too (`Webhook-Signature` then carries both), so that the receiver can
switch to the new secret at any time in between without losing a delivery. Send a
`secret` of your own, or none: then a new one is made (`whsec_`, 32 random bytes).
The answer shows the new secret; it is not shown again.
"""

ACTIONS = "|".join(action.value for action in AuditAction)
EVENT_TYPE = Pattern(rf"^(\*|[a-z_]{{1,60}}\.(\*|{ACTIONS}))$")


class EventType(fields.String):
    def _deserialize(self, value, attr, data, **kwargs) -> str:
        event_type = super()._deserialize(value, attr, data, **kwargs)
        if not EVENT_TYPE.accepts(event_type):
            raise ma.ValidationError(
                "Use `<resource_type>.<action>` (`partner.update`), `<resource_type>.*` "
                f"or `*`; actions: {ACTIONS.replace('|', ', ')}."
            )
        return event_type


class WebhookSecret(fields.String):
    """A Standard Webhooks `whsec_` secret, or any other 16 to 200 characters (stored as
    the `whsec_` secret whose key is their UTF-8 bytes)."""

    def __init__(self, **kwargs):
        limits = {"minLength": 16, "maxLength": 200, "pattern": ONE_LINE.source}
        super().__init__(**kwargs | {"metadata": limits | kwargs.get("metadata", {})})

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        secret = super()._deserialize(value, attr, data, **kwargs)
        if not 16 <= len(secret) <= 200:
            raise ma.ValidationError("Use 16 to 200 characters, best a `whsec_` secret.")
        ONE_LINE(secret)
        try:
            return standard_secret(secret)
        except ValueError as error:
            raise ma.ValidationError(str(error)) from None


class WebhookSchema(ResourceSchema):
    url = web_address(
        2000, required=True, metadata={"example": "https://intranet.example.org/hooks/crm"}
    )
    description = text(200, metadata={"example": "Intranet directory"})
    event_types = fields.List(
        EventType(metadata={"example": "steering_group.*", "pattern": EVENT_TYPE.source}),
        required=True,
        validate=validate.Length(min=1, max=50),
        metadata={"description": "`partner.update`, `membership.*`, or `*` for every change."},
    )
    secret = WebhookSecret(
        required=True,
        load_only=True,
        metadata={
            "description": "Signs every delivery (Standard Webhooks); write-only, never "
            "shown again. Changed here, it is replaced at once; a rotation keeps the "
            "previous one signing for a while.",
            "example": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        },
    )
    active = fields.Boolean(metadata={"description": "false: nothing is sent meanwhile."})

    @ma.validates("url")
    def reaches_no_internal_address(self, url: str, data_key: str) -> None:
        try:
            check_url(url, current_app.config[SETTING])
        except RefusedTarget as refused:
            raise ma.ValidationError(f"Webhooks are not sent there: {refused}.") from None


class WebhookPatchSchema(MergePatch, WebhookSchema):
    pass


class SecretRotationSchema(ma.Schema):
    secret = WebhookSecret(
        metadata={"description": "The new secret; absent, a new one is made."},
    )
    previous_secret_expires_at = Timestamp(
        dump_only=True,
        metadata={"description": "Until then the previous secret signs too."},
    )


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
        return item_response(subscription)

    @blp.response(204)
    def delete(self, webhook_id):
        """Delete a webhook subscription and its delivery log"""
        delete(get_or_404(WebhookSubscription, webhook_id))


@blp.route("/<uuid:webhook_id>/secret/rotation")
class WebhookSecretRotation(MethodView):
    @blp.arguments(SecretRotationSchema)
    @blp.response(200, SecretRotationSchema)
    def post(self, data, webhook_id):
        subscription = get_or_404(WebhookSubscription, webhook_id)
        apply_changes(subscription, rotate_secret(subscription, utcnow(), data.get("secret")))
        db.session.commit()
        return subscription

    post.__doc__ = ROTATE


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
