"""Candidate duplicate pairs among many records, without comparing all pairs.

Records are put into blocks by what duplicates share: a distinctive name token, an
acronym, a phonetic key, or a strong signal. Only records in a common block are compared,
and blocks too common to say anything (a town every partner shares) are passed over.
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from itertools import combinations
from typing import Generic, TypeVar

from crm.matching.names import parse
from crm.matching.phonetics import cologne_phonetics
from crm.matching.records import (
    LIKELY,
    Match,
    OrganisationRecord,
    PersonRecord,
    compare_organisations,
    compare_people,
    phone_digits,
)

MAX_BLOCK = 60
R = TypeVar("R", OrganisationRecord, PersonRecord)


def organisation_keys(record: OrganisationRecord) -> set[Hashable]:
    name = parse(record.name)
    keys: set[Hashable] = {_spelled_short(t)[:5] for t in name.distinctive if len(t) >= 3}
    keys.update(("initials", initials) for initials in name.initials)
    keys.update(("signal", item) for item in record.signals.items())
    return keys | {("signal", ("register", n)) for n in record.register_numbers}


def _spelled_short(token: str) -> str:
    """ "keduerode" and "kedurode" (from "Kedürode") block together."""
    return token.replace("ae", "a").replace("oe", "o").replace("ue", "u")


def person_keys(record: PersonRecord) -> set[Hashable]:
    keys: set[Hashable] = {cologne_phonetics(record.family_name)}
    if record.email:
        keys.add(("signal", ("email", record.email.strip().lower())))
    if phone_digits(record.phone):
        keys.add(("signal", ("phone", phone_digits(record.phone))))
    return keys


def candidates(
    records: Sequence[R],
    keys: Callable[[R], Iterable[Hashable]],
    compare: Callable[[R, R], Match],
    threshold: float = LIKELY,
) -> list[Match]:
    """Pairs scoring at least `threshold`, strongest first.

    Two records are compared when they share a strong signal, or two pieces of evidence
    (one, where a record has no more) from blocks small enough to tell records apart:
    name tokens count one each, initials at most one together.
    """
    record_keys = [set(keys(record)) for record in records]
    blocks: dict[Hashable, list[int]] = defaultdict(list)
    for position, found in enumerate(record_keys):
        for key in found:
            blocks[key].append(position)
    evidence: Counter[tuple[int, int]] = Counter()
    by_initials: set[tuple[int, int]] = set()
    by_signal: set[tuple[int, int]] = set()
    for key, members in blocks.items():
        if len(members) < 2 or (len(members) > MAX_BLOCK and not _is(key, "signal")):
            continue
        pairs = combinations(members, 2)
        if _is(key, "signal"):
            by_signal.update(pairs)
        elif _is(key, "initials"):
            by_initials.update(pairs)
        else:
            evidence.update(pairs)
    evidence.update(by_initials)
    sparse = {position for position, found in enumerate(record_keys) if len(found) < 2}
    compared = by_signal | {
        pair
        for pair, count in evidence.items()
        if count >= 2 or pair[0] in sparse or pair[1] in sparse
    }
    matches = [compare(records[i], records[j]) for i, j in compared]
    found = [m for m in matches if m.score >= threshold]
    return sorted(found, key=lambda m: (-m.score, m.first, m.second))


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

    def add(self, record: R) -> None:
        found = set(self.keys(record))
        self.key_counts[record.id] = len(found)
        for key in found:
            self.blocks[key].append(record)

    def likely(self, record: R) -> list[Match]:
        """The stored records that `record` very likely duplicates, strongest first."""
        found = set(self.keys(record))
        evidence: Counter[str] = Counter()
        by_initials: set[str] = set()
        compared: dict[str, R] = {}
        for key in found:
            members = self.blocks.get(key, ())
            if len(members) > MAX_BLOCK and not _is(key, "signal"):
                continue
            for member in members:
                if _is(key, "signal"):
                    evidence[member.id] += 2
                elif _is(key, "initials"):
                    by_initials.add(member.id)
                else:
                    evidence[member.id] += 1
                compared[member.id] = member
        evidence.update(by_initials)
        sparse = len(found) < 2
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
