"""contact_lookup_columns: how a contact's family name sounds, and its e-mail address
(case-insensitive), phone and mobile, indexed for the duplicate check on create

Revision ID: c7e2a9f4b186
Revises: b4d8f6a2c913
Create Date: 2026-11-25 01:10:00
"""

import re
import unicodedata

import sqlalchemy as sa
from alembic import op

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
    """As `crm.models.contact` kept it at this revision (`name_sound`, frozen below), a
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


# A frozen copy of crm.matching's `name_sound` as it was at this revision, so that this
# migration computes the same keys however that code changes later (a change of the key
# comes with a migration of its own).
_CODES = {
    **dict.fromkeys("aeijouy", "0"),
    "b": "1",
    **dict.fromkeys("fvw", "3"),
    **dict.fromkeys("gkq", "4"),
    "l": "5",
    **dict.fromkeys("mn", "6"),
    "r": "7",
    **dict.fromkeys("sz", "8"),
}


def name_sound(name: str) -> str:
    """The Kölner Phonetik of a whole name, its words joined ("Al-Hassan" as "AlHassan")."""
    keys = []
    for word in _fold(re.sub(r"[\s-]+", "", name)).replace("ß", "ss").split():
        letters = "".join(c for c in word if c.isalpha())
        raw = "".join(_code(letters, i) for i in range(len(letters)))
        collapsed = "".join(c for j, c in enumerate(raw) if j == 0 or c != raw[j - 1])
        key = collapsed[:1] + collapsed[1:].replace("0", "")
        if key:
            keys.append(key)
    return " ".join(keys)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _code(word: str, i: int) -> str:
    letter = word[i]
    before = word[i - 1] if i else ""
    after = word[i + 1] if i + 1 < len(word) else ""
    if letter == "h":
        return ""
    if letter == "p":
        return "3" if after == "h" else "1"
    if letter in "dt":
        return "8" if after in ("c", "s", "z") and after else "2"
    if letter == "c":
        if i == 0:
            return "4" if after and after in "ahkloqrux" else "8"
        return "4" if after and after in "ahkoqux" and before not in ("s", "z") else "8"
    if letter == "x":
        return "8" if before and before in "ckq" else "48"
    return _CODES.get(letter, "")
