"""search indexes: trigrams for `q` on PostgreSQL; name order with the id; partners by kind

Revision ID: 9e2a4c6f8b35
Revises: 6c0e2b7d9a13
Create Date: 2026-11-24 19:05:00
"""

from alembic import op

revision = "9e2a4c6f8b35"
down_revision = "6c0e2b7d9a13"
branch_labels = None
depends_on = None

SEARCHABLE = [
    "topics",
    "target_groups",
    "municipalities",
    "partner_kinds",
    "partners",
    "contacts",
    "steering_groups",
    "agreements",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # pg_trgm ships with PostgreSQL (contrib); creating it needs the CREATE privilege
        # on the database, which the owner of the schema has.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table in SEARCHABLE:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_sort_name"))
            batch_op.create_index(f"ix_{table}_sort_name", ["sort_name", "id"], unique=False)
            batch_op.create_index(
                batch_op.f(f"ix_{table}_search_text"),
                ["search_text"],
                unique=False,
                postgresql_using="gin",
                postgresql_ops={"search_text": "gin_trgm_ops"},
            )
    with op.batch_alter_table("partners", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partners_kind"))
        batch_op.create_index("ix_partners_kind_sort_name", ["kind", "sort_name", "id"])


def downgrade() -> None:
    with op.batch_alter_table("partners", schema=None) as batch_op:
        batch_op.drop_index("ix_partners_kind_sort_name")
        batch_op.create_index(batch_op.f("ix_partners_kind"), ["kind"], unique=False)
    for table in reversed(SEARCHABLE):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_search_text"))
            batch_op.drop_index(f"ix_{table}_sort_name")
            batch_op.create_index(batch_op.f(f"ix_{table}_sort_name"), ["sort_name"], unique=False)
    # The extension stays: other schemas in the database may use it.
