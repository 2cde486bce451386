"""standard_webhooks_secrets: webhook secrets as Standard Webhooks `whsec_` secrets, and
the previous secret that still signs for a while after a rotation

Revision ID: a3f8c1d5e902
Revises: a4f1c9e7d213
Create Date: 2026-11-26 09:00:00

Until now the key was the secret's UTF-8 bytes. Each stored secret becomes `whsec_` and
the base64 of those bytes: the key stays the same, so receivers keep verifying (and can
hand the `whsec_` form, or the bytes, to the reference libraries). Going down turns them
back where the key is text of at most 200 characters; a secret generated since (random
bytes) cannot be written as such text and stays as it is: its receiver needs a new one.
"""

import base64
import binascii

import sqlalchemy as sa
from alembic import op

import crm.models.base

revision = "a3f8c1d5e902"
down_revision = "a4f1c9e7d213"
branch_labels = None
depends_on = None

subscriptions = sa.table(
    "webhook_subscriptions", sa.column("id", sa.Uuid()), sa.column("secret", sa.String())
)


def upgrade() -> None:
    with op.batch_alter_table("webhook_subscriptions", schema=None) as batch_op:
        batch_op.alter_column(
            "secret", existing_type=sa.String(length=200), type_=sa.String(length=1074)
        )
        batch_op.add_column(sa.Column("previous_secret", sa.String(length=1074), nullable=True))
        batch_op.add_column(
            sa.Column("previous_secret_expires_at", crm.models.base.UTCDateTime(), nullable=True)
        )
    _rewrite_secrets(raw_secret)


def downgrade() -> None:
    _rewrite_secrets(_raw)
    with op.batch_alter_table("webhook_subscriptions", schema=None) as batch_op:
        batch_op.drop_column("previous_secret_expires_at")
        batch_op.drop_column("previous_secret")
        batch_op.alter_column(
            "secret", existing_type=sa.String(length=1074), type_=sa.String(length=200)
        )


def _raw(secret: str) -> str:
    try:
        text = base64.b64decode(secret.removeprefix(PREFIX), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        text = ""
    # One that cannot go back is cut to fit; its receiver needs a new secret anyway.
    return text if 16 <= len(text) <= 200 else secret[:200]


def _rewrite_secrets(rewrite) -> None:
    connection = op.get_bind()
    for subscription_id, secret in connection.execute(
        sa.select(subscriptions.c.id, subscriptions.c.secret)
    ).all():
        connection.execute(
            sa.update(subscriptions)
            .where(subscriptions.c.id == subscription_id)
            .values(secret=rewrite(secret))
        )


# Frozen as at this revision (crm.changes.webhook_secrets): a secret chosen before the
# Standard Webhooks scheme keeps its UTF-8 bytes as the key.
PREFIX = "whsec_"


def raw_secret(text: str) -> str:
    return PREFIX + base64.b64encode(text.encode()).decode()
