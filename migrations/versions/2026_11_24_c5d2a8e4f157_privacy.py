"""privacy: consent records, consent purposes and withdrawal, retention date, tombstones;
the audit action `erase`

Revision ID: c5d2a8e4f157
Revises: b7c3e9d1f046
Create Date: 2026-11-24 19:55:00
"""

import sqlalchemy as sa
from alembic import op

import crm.models.base

revision = "c5d2a8e4f157"
down_revision = "b7c3e9d1f046"
branch_labels = None
depends_on = None

AUDIT_ACTIONS = ("create", "update", "archive", "delete")


def _audit_action(*values: str) -> sa.Enum:
    return sa.Enum(
        *values, name="auditaction", native_enum=False, create_constraint=True, length=40
    )


def upgrade() -> None:
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("consent_purposes", sa.JSON(), nullable=False, server_default="[]")
        )
        batch_op.add_column(sa.Column("consent_text_version", sa.String(length=50), nullable=True))
        batch_op.add_column(
            sa.Column("consent_withdrawn_at", crm.models.base.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(sa.Column("retain_until", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("erased_at", crm.models.base.UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_contacts_retain_until"), ["retain_until"])
        batch_op.create_index(batch_op.f("ix_contacts_erased_at"), ["erased_at"])
    # The default served the rows that existed; new rows get theirs from the model.
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.alter_column("consent_purposes", server_default=None)

    op.create_table(
        "consent_records",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("contact_id", sa.Uuid(), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("purposes", sa.JSON(), nullable=False),
        sa.Column("text_version", sa.String(length=50), nullable=True),
        sa.Column("recorded_at", crm.models.base.UTCDateTime(), nullable=False),
        sa.Column("withdrawn_at", crm.models.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_consent_records_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_records")),
    )
    with op.batch_alter_table("consent_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consent_records_contact_id"), ["contact_id"])

    _change_audit_actions(AUDIT_ACTIONS, (*AUDIT_ACTIONS, "erase"))


def downgrade() -> None:
    op.execute("DELETE FROM audit_events WHERE action = 'erase'")
    _change_audit_actions((*AUDIT_ACTIONS, "erase"), AUDIT_ACTIONS)

    with op.batch_alter_table("consent_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_records_contact_id"))
    op.drop_table("consent_records")

    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contacts_erased_at"))
        batch_op.drop_index(batch_op.f("ix_contacts_retain_until"))
        for column in (
            "erased_at",
            "retain_until",
            "consent_withdrawn_at",
            "consent_text_version",
            "consent_purposes",
        ):
            batch_op.drop_column(column)


def _change_audit_actions(old: tuple[str, ...], new: tuple[str, ...]) -> None:
    """The CHECK constraint that lists the audit actions, replaced by one with `new`."""
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.alter_column(
            "action",
            existing_type=_audit_action(*old),
            type_=_audit_action(*new),
            existing_nullable=False,
        )
