"""imports_and_merges (placeholder, being written)

Revision ID: b7c3e9d1f046
Revises: 9e2a4c6f8b35
Create Date: 2026-11-24 19:35:00
"""

revision = "b7c3e9d1f046"
down_revision = "9e2a4c6f8b35"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
