"""meetings_and_exports (placeholder, being written)

Revision ID: 6c0e2b7d9a13
Revises: 3a0d1f2e4b11
Create Date: 2026-11-24 19:00:00
"""

revision = "6c0e2b7d9a13"
down_revision = "3a0d1f2e4b11"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
