"""auth_and_audit (placeholder, being written)

Revision ID: 3a0d1f2e4b11
Revises: c41d0e5a9f21
Create Date: 2026-11-24 19:00:00
"""

revision = "3a0d1f2e4b11"
down_revision = "c41d0e5a9f21"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
