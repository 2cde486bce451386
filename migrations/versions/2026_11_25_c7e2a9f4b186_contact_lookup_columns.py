"""contact_lookup_columns: how a contact's family name sounds, and its e-mail address
(case-insensitive), phone and mobile, indexed for the duplicate check on create

Revision ID: c7e2a9f4b186
Revises: b4d8f6a2c913
Create Date: 2026-11-25 01:10:00
"""

import sqlalchemy as sa
from alembic import op

from crm.matching.records import name_sound

revision = "c7e2a9f4b186"
down_revision = "b4d8f6a2c913"
branch_labels = None
depends_on = None

BATCH = 1_000


def upgrade() -> None:
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("family_sound", sa.String(length=100), nullable=True))
    _fill_family_sound()
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contacts_family_sound"), ["family_sound"])
        batch_op.create_index(batch_op.f("ix_contacts_phone"), ["phone"])
        batch_op.create_index(batch_op.f("ix_contacts_mobile"), ["mobile"])
    op.create_index("ix_contacts_lower_email", "contacts", [sa.text("lower(email)")])


def downgrade() -> None:
    op.drop_index("ix_contacts_lower_email", table_name="contacts")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contacts_mobile"))
        batch_op.drop_index(batch_op.f("ix_contacts_phone"))
        batch_op.drop_index(batch_op.f("ix_contacts_family_sound"))
        batch_op.drop_column("family_sound")


def _fill_family_sound() -> None:
    """As `crm.models.contact` keeps it from now on: the same function, in Python, a
    batch at a time in the order of the ids (memory stays bounded at any size). An
    erased contact's family name is blank, and so is its sound."""
    connection = op.get_bind()
    contacts = sa.table(
        "contacts",
        sa.column("id", sa.Uuid()),
        sa.column("family_name", sa.String()),
        sa.column("family_sound", sa.String()),
    )
    update = (
        sa.update(contacts)
        .where(contacts.c.id == sa.bindparam("contact_id"))
        .values(family_sound=sa.bindparam("sound"))
    )
    batch = (
        sa.select(contacts.c.id, contacts.c.family_name)
        .where(contacts.c.family_name != "")
        .order_by(contacts.c.id)
        .limit(BATCH)
    )
    rows = connection.execute(batch).all()
    while rows:
        connection.execute(
            update, [{"contact_id": i, "sound": name_sound(name) or None} for i, name in rows]
        )
        rows = connection.execute(batch.where(contacts.c.id > rows[-1].id)).all()
