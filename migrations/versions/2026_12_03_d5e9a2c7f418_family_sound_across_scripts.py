"""family_sound_across_scripts: a contact's `family_sound` becomes the key of issue 20's
matching (transliterated, respelled, consonants by sound) instead of the Kölner Phonetik

Revision ID: d5e9a2c7f418
Revises: a3f8c1d5e902
Create Date: 2026-12-03 21:00:00

The key is computed by a frozen copy of `crm.matching.people.sound_key` as it is at this
revision, so that a later change there needs its own migration and this one keeps
meaning what it meant.
"""

import re
import unicodedata

import sqlalchemy as sa
from alembic import op
from anyascii import anyascii

revision = "d5e9a2c7f418"
down_revision = "a3f8c1d5e902"
branch_labels = None
depends_on = None

BATCH = 1_000
_RULES = [
    (re.compile(p), r)
    for p, r in (
        (r"dsch|dzh", "j"), (r"dj", "d"), (r"tsch|tch", "ch"), (r"sch|zh", "sh"),
        (r"kh", "ch"), (r"ts|tz", "z"), (r"ph", "f"), (r"th", "t"), (r"ck", "k"),
        (r"c(?=[aoulr])", "k"), (r"x", "ks"), (r"q", "k"), (r"w", "v"), (r"ue", "u"),
        (r"oe", "o"), (r"ae", "a"), (r"ou|oo", "u"), (r"ee", "i"), (r"i[jy]$", "i"),
        (r"(?<=[aeiou])j$", "i"), (r"[ae][iy]", "ei"), (r"y$", "i"), (r"y", "j"),
        (r"dt", "t"), (r"d$", "t"), (r"([a-z])\1+", r"\1"),
    )
]  # fmt: skip
_PARTICLES = frozenset(
    "al el ul abu bin ibn ben bint van von de der den da di du la le ten ter zu dos das del".split()
)
_CLASSES = str.maketrans("bpdtfvcgklmnrsz", "112233444566788", "jh")
_FIRST_CLASSES = str.maketrans("aeiouhjbpdtfvcgklmnrsz", "0000000112233444566788")
_GREEK_OU = {"\u03bf\u03c5": "ou", "\u039f\u03c5": "Ou", "\u039f\u03a5": "OU"}


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _key(family_name: str) -> str:
    parts, pending = [], ""
    for part in re.split(r"[^\w']+", _fold(family_name)):
        part = part.strip("'")
        if part in _PARTICLES:
            pending += "al" if part in {"al", "el", "ul"} else part
        elif part:
            parts.append(pending + part)
            pending = ""
    text = "".join(parts) + pending
    if not text:
        return ""
    for greek, latin in _GREEK_OU.items():
        text = text.replace(greek, latin)
    letter = next((c for c in text if c.isalpha() and not c.isascii()), None)
    abjad = letter is not None and unicodedata.name(letter, "").startswith("ARABIC")
    if abjad:
        text = re.sub(r"(?<!\S)ال", "al", text)
    if abjad:
        text = "".join(_arabic_letter(c) for c in text)
    letters = "".join(c for c in anyascii(text).lower() if c.isalnum())
    if abjad:
        letters = letters[:1] + re.sub("[wy]", "", letters[1:])
    for pattern, replacement in _RULES:
        letters = pattern.sub(replacement, letters)
    consonants = re.sub(r"(.)\1+", r"\1", "".join(c for c in letters if c not in "aeiou"))
    if len(consonants) > 1:
        consonants = consonants.removesuffix("h")
    first = letters[:1].translate(_FIRST_CLASSES)
    classes = re.sub(r"(.)\1+", r"\1", consonants.translate(_CLASSES))
    return first + classes if classes else f"={letters}"


def _arabic_letter(letter: str) -> str:
    latin = anyascii(letter)
    return "a" if letter.isalpha() and not any(c.isalpha() for c in latin) else latin


def upgrade() -> None:
    """A batch at a time in the order of the ids (memory stays bounded at any size); an
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
        sounds = [{"contact_id": i, "sound": _key(name) or None} for i, name in rows]
        connection.execute(update, sounds)
        rows = connection.execute(batch.where(contacts.c.id > rows[-1].id)).all()


def downgrade() -> None:
    """The Kölner Phonetik keys are not worked out again: the older code reads the new
    keys as unknown sounds until a contact is saved."""
