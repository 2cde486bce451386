"""Candidate duplicate pairs among many records, without comparing all pairs.

Records are put into blocks by what duplicates share: a distinctive name token, an
acronym, a phonetic key, or a strong signal. Only records in a common block are compared,
and blocks too common to say anything (a town every partner shares) are passed over.
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from itertools import combinations
from typing import TypeVar

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
