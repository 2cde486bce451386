"""change_feed_and_webhooks: the change feed, webhook subscriptions and deliveries, and
stored responses for Idempotency-Key

Revision ID: d9e4b1c7a268
Revises: c5d2a8e4f157
Create Date: 2026-11-24 19:55:00
"""

import sqlalchemy as sa
from alembic import op

import crm.models.base

revision = "d9e4b1c7a268"
down_revision = "c5d2a8e4f157"
branch_labels = None
depends_on = None

POSITION = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "change_events",
        sa.Column("position", POSITION, autoincrement=True, nullable=False),
        sa.Column("txid", sa.BigInteger(), nullable=False),
        sa.Column("occurred_at", crm.models.base.UTCDateTime(), nullable=False),
        sa.Column("resource_type", sa.String(length=60), nullable=False),
        sa.Column("resource_id", sa.Uuid(), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("changed_fields", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("position", name=op.f("pk_change_events")),
    )
    op.create_index("ix_change_events_feed_order", "change_events", ["txid", "position"])
    op.create_table(
        "idempotent_requests",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("created_at", crm.models.base.UTCDateTime(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("response_headers", sa.JSON(), nullable=True),
        sa.Column("response_body", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotent_requests")),
        sa.UniqueConstraint("actor", "key", name=op.f("uq_idempotent_requests_actor_key")),
    )
    op.create_index(
        op.f("ix_idempotent_requests_created_at"), "idempotent_requests", ["created_at"]
    )
    op.create_table(
        "webhook_subscriptions",
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=True),
        sa.Column("event_types", sa.JSON(), nullable=False),
        sa.Column("secret", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("feed_txid", sa.BigInteger(), nullable=False),
        sa.Column("feed_position", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", crm.models.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", crm.models.base.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_subscriptions")),
    )
    for column in ("created_at", "updated_at"):
        op.create_index(
            op.f(f"ix_webhook_subscriptions_{column}"), "webhook_subscriptions", [column]
        )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("subscription_id", sa.Uuid(), nullable=False),
        sa.Column("change_position", POSITION, nullable=False),
        sa.Column("event_type", sa.String(length=80), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "delivered",
                "failed",
                name="deliverystatus",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", crm.models.base.UTCDateTime(), nullable=False),
        sa.Column("next_attempt_at", crm.models.base.UTCDateTime(), nullable=False),
        sa.Column("leased_until", crm.models.base.UTCDateTime(), nullable=True),
        sa.Column("last_attempt_at", crm.models.base.UTCDateTime(), nullable=True),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("delivered_at", crm.models.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["change_position"],
            ["change_events.position"],
            name=op.f("fk_webhook_deliveries_change_position_change_events"),
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["webhook_subscriptions.id"],
            name=op.f("fk_webhook_deliveries_subscription_id_webhook_subscriptions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_deliveries")),
    )
    for column in ("change_position", "created_at", "subscription_id"):
        op.create_index(op.f(f"ix_webhook_deliveries_{column}"), "webhook_deliveries", [column])
    op.create_index(
        "ix_webhook_deliveries_due", "webhook_deliveries", ["status", "next_attempt_at"]
    )


def downgrade() -> None:
    op.drop_table("webhook_deliveries")
    op.drop_table("webhook_subscriptions")
    op.drop_table("idempotent_requests")
    op.drop_table("change_events")
