"""Positions in a sort order, in SQL: the rows after a given row, for keyset reads (the
API's deep pages, the change feed)."""

from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_, or_

SortKeys = Sequence[tuple[ColumnElement, bool]]


def after(keys: SortKeys, values: list) -> ColumnElement[bool]:
    """Rows that come after `values` in the order of `keys` (each with whether it sorts
    descending), written so that an index on the first key can seek:
    `k1 >= v1 AND (k1 > v1 OR (k1 = v1 AND k2 > v2) OR ...)`."""
    alternatives = []
    for position, ((key, descending), value) in enumerate(zip(keys, values, strict=True)):
        equal_before = [
            k == v for (k, _), v in zip(keys[:position], values[:position], strict=True)
        ]
        alternatives.append(and_(*equal_before, key < value if descending else key > value))
    first, descending = keys[0]
    reached = first <= values[0] if descending else first >= values[0]
    return and_(reached, or_(*alternatives))
