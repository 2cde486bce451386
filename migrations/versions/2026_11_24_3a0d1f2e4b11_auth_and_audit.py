"""auth and audit: API key expiry and last use; the audit trail

Revision ID: 3a0d1f2e4b11
Revises: c41d0e5a9f21
Create Date: 2026-11-24 19:00:00
"""

import sqlalchemy as sa
from alembic import op

import crm.models.base

revision = "3a0d1f2e4b11"
down_revision = "c41d0e5a9f21"
branch_labels = None
depends_on = None

INDEXED = ("actor", "data_subject_id", "occurred_at", "parent_id", "resource_id")


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=40)


def upgrade() -> None:
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_at", crm.models.base.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("last_used_at", crm.models.base.UTCDateTime(), nullable=True))

    op.create_table(
        "audit_events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("occurred_at", crm.models.base.UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("actor_kind", _enum("actorkind", "api_key", "user", "system"), nullable=False),
        sa.Column("request_id", sa.String(length=128), nullable=True),
        sa.Column("resource_type", sa.String(length=60), nullable=False),
        sa.Column("resource_id", sa.Uuid(), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column(
            "action",
            _enum("auditaction", "create", "update", "archive", "delete"),
            nullable=False,
        ),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("data_subject_id", sa.Uuid(), nullable=True),
        sa.Column("personal_data_erased_at", crm.models.base.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        for column in INDEXED:
            batch_op.create_index(batch_op.f(f"ix_audit_events_{column}"), [column], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        for column in INDEXED:
            batch_op.drop_index(batch_op.f(f"ix_audit_events_{column}"))
    op.drop_table("audit_events")

    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.drop_column("last_used_at")
        batch_op.drop_column("expires_at")
