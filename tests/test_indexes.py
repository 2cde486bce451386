"""Every foreign key is the leading column of some index, so that joins, filters by
reference and the "still referenced" checks never scan a table."""

from sqlalchemy import PrimaryKeyConstraint, Table, UniqueConstraint

from crm.database import Base


def _leading_columns(table: Table) -> set[str]:
    keys = [c for c in table.constraints if isinstance(c, PrimaryKeyConstraint | UniqueConstraint)]
    return {index.columns[0].name for index in [*table.indexes, *keys]}


def test_every_foreign_key_is_indexed():
    unindexed = [
        f"{table.name}.{fk.parent.name}"
        for table in Base.metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.parent.name not in _leading_columns(table)
    ]
    assert unindexed == []
