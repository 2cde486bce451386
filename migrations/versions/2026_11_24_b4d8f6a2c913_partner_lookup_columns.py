"""partner_lookup_columns: the mail domain and web host of a partner, and its phone,
indexed for the duplicate check on create

Revision ID: b4d8f6a2c913
Revises: f2b6d4a8c035
Create Date: 2026-11-24 23:20:00
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "b4d8f6a2c913"
down_revision = "f2b6d4a8c035"
branch_labels = None
depends_on = None

BATCH = 1_000


def upgrade() -> None:
    with op.batch_alter_table("partners", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mail_domain", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("web_host", sa.String(length=500), nullable=True))
    _fill_lookup_columns()
    with op.batch_alter_table("partners", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_partners_mail_domain"), ["mail_domain"])
        batch_op.create_index(batch_op.f("ix_partners_web_host"), ["web_host"])
        batch_op.create_index(batch_op.f("ix_partners_phone"), ["phone"])


def downgrade() -> None:
    with op.batch_alter_table("partners", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partners_phone"))
        batch_op.drop_index(batch_op.f("ix_partners_web_host"))
        batch_op.drop_index(batch_op.f("ix_partners_mail_domain"))
        batch_op.drop_column("web_host")
        batch_op.drop_column("mail_domain")


def _fill_lookup_columns() -> None:
    """As `crm.models.partner` keeps them from now on: the same functions, in Python."""
    connection = op.get_bind()
    partners = sa.table(
        "partners",
        sa.column("id", sa.Uuid()),
        sa.column("email", sa.String()),
        sa.column("website", sa.String()),
        sa.column("mail_domain", sa.String()),
        sa.column("web_host", sa.String()),
    )
    rows = connection.execute(
        sa.select(partners.c.id, partners.c.email, partners.c.website).where(
            sa.or_(partners.c.email.is_not(None), partners.c.website.is_not(None))
        )
    ).all()
    update = (
        sa.update(partners)
        .where(partners.c.id == sa.bindparam("partner_id"))
        .values(mail_domain=sa.bindparam("domain"), web_host=sa.bindparam("host"))
    )
    for start in range(0, len(rows), BATCH):
        connection.execute(
            update,
            [
                {"partner_id": i, "domain": mail_domain(email), "host": website_host(website)}
                for i, email, website in rows[start : start + BATCH]
            ],
        )


# Frozen copies of crm.matching's functions as they were at this revision, so that this
# migration computes the same values however that code changes later.
_MAIL_PROVIDERS = frozenset(
    "gmail.com googlemail.com web.de gmx.de gmx.net t-online.de outlook.com outlook.de "
    "hotmail.com hotmail.de yahoo.com yahoo.de icloud.com aol.com freenet.de posteo.de".split()
)


def mail_domain(email: str | None) -> str | None:
    domain = (email or "").rpartition("@")[2].strip().lower()
    return domain if domain and domain not in _MAIL_PROVIDERS else None


def website_host(url: str | None) -> str | None:
    host = re.sub(r"^[a-z]+://", "", (url or "").strip().lower()).split("/")[0]
    return host.removeprefix("www.") or None
