"""Which records still refer to a record, found from the foreign keys themselves.

A foreign key with ON DELETE CASCADE marks ownership (a partner's topic links, a
contact's employment history): those go with their owner and never block. Every other
foreign key is a reference that blocks deletion. A reference from an owned row is
reported as its owner ("the partner that has this topic").
"""

from typing import Any

from sqlalchemy import ForeignKey, Table, select

from crm.database import Base, db
from crm.models.base import singular


def foreign_keys_to(target: Table) -> list[ForeignKey]:
    """Every foreign key that points at `target`, table by table."""
    return [
        fk
        for table in Base.metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.column.table is target
    ]


def references_to(record: Any) -> list[dict[str, str]]:
    found = []
    for fk in foreign_keys_to(record.__table__):
        if fk.ondelete == "CASCADE":
            continue
        reported_table, reported_column = _reported(fk.parent.table, fk.parent.name)
        rows = db.session.execute(
            select(reported_column)
            .where(fk.parent == getattr(record, fk.column.name))
            .distinct()
            .limit(20)
        ).scalars()
        found.extend(
            {
                "resource": singular(reported_table.name),
                "id": str(row_id),
                "via": fk.parent.name,
            }
            for row_id in rows
        )
    return found


def _reported(table: Table, via: str) -> tuple[Table, Any]:
    """The table and id column to name for a referencing row of `table`."""
    for fk in table.foreign_keys:
        if fk.ondelete == "CASCADE" and fk.parent.name != via:
            return fk.column.table, fk.parent
    return table, table.c.id
