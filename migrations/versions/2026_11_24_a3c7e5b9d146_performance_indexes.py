"""performance_indexes: indexes for the benchmarked reads (issue 9)

Revision ID: a3c7e5b9d146
Revises: f2b6d4a8c035
Create Date: 2026-11-24 21:50:00
"""

revision = "a3c7e5b9d146"
down_revision = "f2b6d4a8c035"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
