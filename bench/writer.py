"""Bulk writes for the generator: COPY on PostgreSQL, executemany elsewhere."""

from collections.abc import Iterable
from itertools import chain, islice

from sqlalchemy import Column, Connection, Table

BATCH = 10_000


def write_rows(connection: Connection, table: Table, records: Iterable[dict]) -> list:
    """Insert `records` (dicts by column name; absent columns are NULL) into `table` and
    return their ids, in order, when the table has an `id` column."""
    ids: list = []
    has_id = "id" in table.c

    def tracked(rows):
        for row in rows:
            if has_id:
                ids.append(row["id"])
            yield row

    if connection.dialect.name == "postgresql":
        _copy(connection, table, tracked(records))
    else:
        rows = tracked(records)
        while batch := list(islice(rows, BATCH)):
            connection.execute(table.insert(), batch)
    return ids


def _copy(connection: Connection, table: Table, records: Iterable[dict]) -> None:
    """COPY ... FROM STDIN, each value converted as SQLAlchemy would bind it. Columns the
    records leave out get their Python default, or else the database's."""
    records = iter(records)
    first = next(records, None)
    if first is None:
        return
    dialect = connection.dialect
    columns = [c for c in table.c if c.name in first or _python_default(c) is not None]
    convert = [column.type.dialect_impl(dialect).bind_processor(dialect) for column in columns]
    defaults = [_python_default(column) for column in columns]
    names = ", ".join(f'"{column.name}"' for column in columns)
    cursor = connection.connection.driver_connection.cursor()
    with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for record in chain([first], records):
            row = []
            for column, processor, default in zip(columns, convert, defaults, strict=True):
                value = record[column.name] if column.name in record else default()
                row.append(value if processor is None or value is None else processor(value))
            copy.write_row(row)


def _python_default(column: Column):
    """A function giving the column's Python-side default, if it has one."""
    default = column.default
    if default is None or not (default.is_scalar or default.is_callable):
        return None
    if default.is_scalar:
        return lambda: default.arg
    return lambda: default.arg(None)
