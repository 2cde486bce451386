"""network_metrics: network metrics computed ahead of time (issue 5)

Revision ID: e1a5c3f7b924
Revises: d9e4b1c7a268
Create Date: 2026-11-24 21:50:00
"""

import sqlalchemy as sa
from alembic import op

import crm.models.base

revision = "e1a5c3f7b924"
down_revision = "d9e4b1c7a268"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "network_snapshots",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("shape", sa.String(length=64), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("computed_at", crm.models.base.UTCDateTime(), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("samples", sa.Integer(), nullable=True),
        sa.Column("betweenness", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_snapshots")),
        sa.UniqueConstraint("shape", name=op.f("uq_network_snapshots_shape")),
    )
    op.create_index(op.f("ix_network_snapshots_computed_at"), "network_snapshots", ["computed_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_network_snapshots_computed_at"), table_name="network_snapshots")
    op.drop_table("network_snapshots")
