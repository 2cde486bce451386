"""Statements built once per shape, bound anew per request.

Two requests to a list mostly differ in the values of their filters, not in the form of
the statement, and building the statement, with the cache key SQLAlchemy derives from
it, cost more CPU than the database spent running it (profiled with bench/). So the
statement is built once per form, its values bound as named parameters (`v0`, `v1`, ...),
and a request binds its own values to those names. The values are matched by their
position in SQLAlchemy's cache key, which is the same for every element of one form: the
correspondence SQLAlchemy's own statement cache relies on.

This reads SQLAlchemy's private cache keys (`_generate_cache_key`) and rewrites statements
with `replacement_traverse`: re-check both on every SQLAlchemy upgrade (the version is
bounded in pyproject.toml). `CRM_SHARE_STATEMENTS=false` turns the sharing off (every
request builds its own statement), to rule it out when a list answers strangely.
"""

from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, Generic, TypeVar

from flask import current_app, has_app_context
from sqlalchemy import ClauseElement, bindparam
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.sql.visitors import replacement_traverse

Built = TypeVar("Built")
Parts = Mapping[str, Sequence[ClauseElement]]
_MISSING = object()
# A shape whose values cannot all be named: built for each request.
_UNSHARED = object()


class Shapes(Generic[Built]):
    """What was built from parts of each shape; at most `size` shapes are held."""

    def __init__(self, size: int = 1_024):
        self.size = size
        self.built: dict[Hashable, Built] = {}

    def get(
        self, parts: Parts, form: Hashable, build: Callable[[Parts], Built]
    ) -> tuple[Built, dict[str, Any]]:
        """`build(parts)` as built for the first parts of this shape, their values bound
        as names, and the values of `parts` by those names. `form` is what else shapes
        what is built (the sort's direction, say)."""
        if has_app_context() and not current_app.config.get("CRM_SHARE_STATEMENTS", True):
            return build(parts), {}
        keys = [element._generate_cache_key() for group in parts.values() for element in group]
        if any(key is None for key in keys) or not _hashable(form):
            return build(parts), {}  # not cacheable: built for this request alone
        binds = [bind for key in keys for bind in key.bindparams]
        shape = (tuple(key.key for key in keys), tuple(map(len, parts.values())), form)
        built = self.built.get(shape, _MISSING)
        if built is _MISSING:
            named = _named(parts, binds)
            built = _UNSHARED if named is None else build(named)
            if len(self.built) >= self.size:
                self.built.clear()
            self.built[shape] = built
        if built is _UNSHARED:
            return build(parts), {}
        return built, {f"v{i}": bind.effective_value for i, bind in enumerate(binds)}


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _named(parts: Parts, binds: list[BindParameter]) -> Parts | None:
    """`parts` with each of `binds` replaced by a parameter named by its position; None
    where one cannot be reached (SQLAlchemy keeps the criteria of `any()` and `has()`
    from being rewritten), since that value would stay the first request's."""
    names = {id(bind): f"v{i}" for i, bind in reversed(list(enumerate(binds)))}
    replaced = set()

    def named(element: Any) -> BindParameter | None:
        if isinstance(element, BindParameter) and id(element) in names:
            replaced.add(id(element))
            return bindparam(
                names[id(element)],
                type_=element.type,
                expanding=element.expanding,
                literal_execute=element.literal_execute,
            )
        return None

    rewritten = {
        name: [replacement_traverse(element, {}, named) for element in group]
        for name, group in parts.items()
    }
    return rewritten if replaced == names.keys() else None
