"""search_indexes (placeholder, being written)

Revision ID: 9e2a4c6f8b35
Revises: 6c0e2b7d9a13
Create Date: 2026-11-24 19:05:00
"""

revision = "9e2a4c6f8b35"
down_revision = "6c0e2b7d9a13"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
