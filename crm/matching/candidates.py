"""Candidate duplicate pairs among many records, without comparing all pairs.

Records are put into blocks by what duplicates share: a distinctive name token, an
acronym, a phonetic key, or a strong signal. Only records in a common block are compared,
and blocks too common to say anything (a town every partner shares) are passed over.
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from functools import cache
from itertools import combinations
from typing import Generic, TypeVar

from crm.collector import collector_paused
from crm.matching.names import parse
from crm.matching.people import name_set
from crm.matching.records import (
    LIKELY,
    Match,
    OrganisationRecord,
    PersonRecord,
    compare_organisations,
    compare_people,
    name_sound,
    phone_digits,
)

MAX_BLOCK = 60
R = TypeVar("R", OrganisationRecord, PersonRecord)


def organisation_keys(record: OrganisationRecord) -> set[Hashable]:
    name = parse(record.name)
    keys: set[Hashable] = {_token_key(t) for t in name.distinctive if len(t) >= 3}
    keys.update(("initials", initials) for initials in name.initials)
    keys.update(("signal", item) for item in record.signals.items())
    return keys | {("signal", ("register", n)) for n in record.register_numbers}


@cache
def _token_key(token: str) -> str:
    """ "keduerode" and "kedurode" (from "Kedürode") block together; words repeat across
    names, so this is cached."""
    return token.replace("ae", "a").replace("oe", "o").replace("ue", "u")[:5]


def person_keys(record: PersonRecord) -> set[Hashable]:
    """The family name's key; and, as an alias, the words of the whole name in any order,
    which a name written family name first shares with it."""
    keys: set[Hashable] = {name_sound(record.family_name)}
    words = name_set(record.family_name, record.given_name)
    if len(words) >= 2:
        keys.add(("alias", words))
    if record.email:
        keys.add(("signal", ("email", record.email.strip().lower())))
    if phone_digits(record.phone):
        keys.add(("signal", ("phone", phone_digits(record.phone))))
    return keys


@collector_paused()
def candidates(
    records: Sequence[R],
    keys: Callable[[R], Iterable[Hashable]],
    compare: Callable[[R, R], Match],
    threshold: float = LIKELY,
) -> list[Match]:
    """Pairs scoring at least `threshold`, strongest first.

    Two records are compared when they share a strong signal, or two pieces of evidence
    (one, where a record has no more) from blocks small enough to tell records apart:
    name tokens count one each, initials at most one together. An alias (another form of
    the name) compares the records sharing it and no name key, but is no evidence.
    """
    record_keys = [set(keys(record)) for record in records]
    blocks: dict[Hashable, list[int]] = defaultdict(list)
    for position, found in enumerate(record_keys):
        for key in found:
            blocks[key].append(position)
    telling = {key: members for key, members in blocks.items() if _tells(key, members)}
    # Pairs as numbers (`first * size + second`), not tuples: there are millions, and
    # numbers cost the garbage collector nothing. Pairs with one piece of evidence and
    # with two or more are counted with set operations, a block at a time.
    size = len(records)
    once: set[int] = set()
    twice: set[int] = set()
    by_initials: set[int] = set()
    compared: set[int] = set()
    for key, members in telling.items():
        if _is(key, "alias"):
            compared.update(
                first * size + second
                for first, second in combinations(members, 2)
                if _another_form(record_keys[first], record_keys[second])
            )
            continue
        pairs = {first * size + second for first, second in combinations(members, 2)}
        if _is(key, "signal"):
            compared |= pairs
        elif _is(key, "initials"):
            by_initials |= pairs
        else:
            _count(pairs, once, twice)
    _count(by_initials, once, twice)
    compared |= twice
    # A record with one key at most: one piece of evidence is all it can give.
    for position, found in enumerate(record_keys):
        if _evidence(found) >= 2:
            continue
        for key in found:
            if _is(key, "alias"):
                continue
            for other in telling.get(key, ()):
                if other != position:
                    compared.add(min(position, other) * size + max(position, other))
    matches = [compare(*(records[i] for i in divmod(pair, size))) for pair in compared]
    found = [m for m in matches if m.score >= threshold]
    return sorted(found, key=lambda m: (-m.score, m.first, m.second))


def _tells(key: Hashable, members: list) -> bool:
    """A block says something when it holds a pair, and is not too common to."""
    return len(members) >= 2 and not _too_common(key, members)


def _too_common(key: Hashable, members) -> bool:
    """A block so common (a town every partner shares) that it says nothing; strong
    signals always say something."""
    return len(members) > MAX_BLOCK and not _is(key, "signal")


def _another_form(first: set[Hashable], second: set[Hashable]) -> bool:
    """Records sharing an alias are another form of one name when they share no name key
    (the same name in the same order shares its family name's key)."""
    return all(_is(key, "alias") or _is(key, "signal") for key in first & second)


def _evidence(keys: set[Hashable]) -> int:
    return sum(not _is(key, "alias") for key in keys)


def _count(pairs: set[int], once: set[int], twice: set[int]) -> None:
    twice |= pairs & once
    once |= pairs


def _is(key: Hashable, kind: str) -> bool:
    return isinstance(key, tuple) and key[0] == kind


def organisation_candidates(records: Sequence[OrganisationRecord], threshold: float = LIKELY):
    return candidates(records, organisation_keys, compare_organisations, threshold)


def person_candidates(records: Sequence[PersonRecord], threshold: float = LIKELY):
    return candidates(records, person_keys, compare_people, threshold)


class CandidateIndex(Generic[R]):
    """Records added one at a time, each compared on arrival with those before it that
    `candidates` would compare it with (for an import: the stored records and the rows
    before). Holds the blocks in memory, not the comparisons."""

    def __init__(
        self,
        keys: Callable[[R], Iterable[Hashable]],
        compare: Callable[[R, R], Match],
        threshold: float = LIKELY,
    ):
        self.keys, self.compare, self.threshold = keys, compare, threshold
        self.blocks: dict[Hashable, list[R]] = defaultdict(list)
        self.key_counts: dict[str, int] = {}

    def add(self, record: R, keys: set[Hashable] | None = None) -> None:
        """Files `record` in its blocks (`keys`, when the caller worked them out for
        `likely` already)."""
        found = set(self.keys(record)) if keys is None else keys
        self.key_counts[record.id] = _evidence(found)
        for key in found:
            self.blocks[key].append(record)

    def likely(self, record: R, keys: set[Hashable] | None = None) -> list[Match]:
        """The stored records that `record` very likely duplicates, strongest first."""
        found = set(self.keys(record)) if keys is None else keys
        evidence: Counter[str] = Counter()
        by_initials: set[str] = set()
        compared: dict[str, R] = {}
        for key in found:
            members = self.blocks.get(key, ())
            if _too_common(key, members):
                continue
            for member in members:
                if _is(key, "alias"):
                    if not _another_form(found, set(self.keys(member))):
                        continue
                    evidence[member.id] += 2
                elif _is(key, "signal"):
                    evidence[member.id] += 2
                elif _is(key, "initials"):
                    by_initials.add(member.id)
                else:
                    evidence[member.id] += 1
                compared[member.id] = member
        evidence.update(by_initials)
        sparse = _evidence(found) < 2
        matches = [
            self.compare(record, compared[other])
            for other, count in evidence.items()
            if count >= 2 or sparse or self.key_counts[other] < 2
        ]
        found_matches = [m for m in matches if m.score >= self.threshold]
        return sorted(found_matches, key=lambda m: (-m.score, m.second))


def organisation_index(threshold: float = LIKELY) -> CandidateIndex[OrganisationRecord]:
    return CandidateIndex(organisation_keys, compare_organisations, threshold)


def person_index(threshold: float = LIKELY) -> CandidateIndex[PersonRecord]:
    return CandidateIndex(person_keys, compare_people, threshold)
