"""network_metrics: network metrics computed ahead of time (issue 5)

Revision ID: e1a5c3f7b924
Revises: d9e4b1c7a268
Create Date: 2026-11-24 21:50:00
"""

revision = "e1a5c3f7b924"
down_revision = "d9e4b1c7a268"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
