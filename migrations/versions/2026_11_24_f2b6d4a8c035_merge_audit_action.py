"""merge_audit_action: merges recorded as their own audit action (issue 7)

Revision ID: f2b6d4a8c035
Revises: e1a5c3f7b924
Create Date: 2026-11-24 21:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "f2b6d4a8c035"
down_revision = "e1a5c3f7b924"
branch_labels = None
depends_on = None


AUDIT_ACTIONS = ("create", "update", "archive", "delete", "erase")
# Before this action, a merge was recorded as the survivor's update and the duplicate's
# deletion; the duplicate's merge event is the one that belongs to another record.
AS_BEFORE = "CASE WHEN parent_id IS NULL THEN 'update' ELSE 'delete' END"


def upgrade() -> None:
    _change_audit_actions(AUDIT_ACTIONS, (*AUDIT_ACTIONS, "merge"))


def downgrade() -> None:
    for table in ("audit_events", "change_events"):
        op.execute(f"UPDATE {table} SET action = {AS_BEFORE} WHERE action = 'merge'")
    _change_audit_actions((*AUDIT_ACTIONS, "merge"), AUDIT_ACTIONS)


def _audit_action(*values: str) -> sa.Enum:
    return sa.Enum(
        *values, name="auditaction", native_enum=False, create_constraint=True, length=40
    )


def _change_audit_actions(old: tuple[str, ...], new: tuple[str, ...]) -> None:
    """The CHECK constraint that lists the audit actions, replaced by one with `new`."""
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.alter_column(
            "action",
            existing_type=_audit_action(*old),
            type_=_audit_action(*new),
            existing_nullable=False,
        )
