"""imports and merges: the record of each import; the ids merged away and their survivors

Revision ID: b7c3e9d1f046
Revises: 9e2a4c6f8b35
Create Date: 2026-11-24 19:35:00
"""

import sqlalchemy as sa
from alembic import op

import crm.models.base

revision = "b7c3e9d1f046"
down_revision = "9e2a4c6f8b35"
branch_labels = None
depends_on = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=40)


def upgrade() -> None:
    op.create_table(
        "imports",
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("actor_kind", _enum("actorkind", "api_key", "user", "system"), nullable=False),
        sa.Column(
            "resource",
            _enum("importresource", "partners", "contacts", "memberships"),
            nullable=False,
        ),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", crm.models.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", crm.models.base.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imports")),
    )
    with op.batch_alter_table("imports", schema=None) as batch_op:
        for column in ("actor", "created_at", "updated_at"):
            batch_op.create_index(batch_op.f(f"ix_imports_{column}"), [column], unique=False)

    op.create_table(
        "merged_records",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("resource_type", sa.String(length=60), nullable=False),
        sa.Column("survivor_id", sa.Uuid(), nullable=False),
        sa.Column("merged_at", crm.models.base.UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_merged_records")),
    )
    with op.batch_alter_table("merged_records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_merged_records_survivor_id"), ["survivor_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("merged_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_merged_records_survivor_id"))
    op.drop_table("merged_records")

    with op.batch_alter_table("imports", schema=None) as batch_op:
        for column in ("actor", "created_at", "updated_at"):
            batch_op.drop_index(batch_op.f(f"ix_imports_{column}"))
    op.drop_table("imports")
