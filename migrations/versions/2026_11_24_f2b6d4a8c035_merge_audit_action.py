"""merge_audit_action: merges recorded as their own audit action (issue 7)

Revision ID: f2b6d4a8c035
Revises: e1a5c3f7b924
Create Date: 2026-11-24 21:50:00
"""

revision = "f2b6d4a8c035"
down_revision = "e1a5c3f7b924"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
