"""idempotency_erasure: a stored response that held a person's erased data is dropped,
and the request remembers when

Revision ID: a4f1c9e7d213
Revises: c7e2a9f4b186
Create Date: 2026-12-03 20:00:00
"""

import sqlalchemy as sa
from alembic import op

from crm.models.base import UTCDateTime

revision = "a4f1c9e7d213"
down_revision = "c7e2a9f4b186"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("idempotent_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("personal_data_erased_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("idempotent_requests", schema=None) as batch_op:
        batch_op.drop_column("personal_data_erased_at")
