"""Candidate duplicate pairs among many records, without comparing all pairs.

Records are put into blocks by what duplicates share: a distinctive name token, an
acronym, a phonetic key, or a strong signal. Only records in a common block are compared,
and blocks too common to say anything (a town every partner shares) are passed over.
"""

from collections import defaultdict
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
    tokens = name.tokens
    keys: set[Hashable] = {t[:5] for t in name.distinctive if len(t) >= 3}
    # Initials of every run of two to five tokens, so that "IHK" meets "Industrie- und
    # Handelskammer".
    for size in range(2, 6):
        keys |= {"".join(t[0] for t in tokens[i : i + size]) for i in range(len(tokens) - size + 1)}
    keys |= set(record.signals.items()) | {("register", n) for n in record.register_numbers}
    return keys


def person_keys(record: PersonRecord) -> set[Hashable]:
    keys: set[Hashable] = {("sound", cologne_phonetics(record.family_name))}
    if record.email:
        keys.add(("email", record.email.strip().lower()))
    if phone_digits(record.phone):
        keys.add(("phone", phone_digits(record.phone)))
    return keys


def candidates(
    records: Sequence[R],
    keys: Callable[[R], Iterable[Hashable]],
    compare: Callable[[R, R], Match],
    threshold: float = LIKELY,
) -> list[Match]:
    """Pairs scoring at least `threshold`, strongest first."""
    blocks: dict[Hashable, list[int]] = defaultdict(list)
    for position, record in enumerate(records):
        for key in keys(record):
            blocks[key].append(position)
    pairs = {
        pair
        for members in blocks.values()
        if 1 < len(members) <= MAX_BLOCK
        for pair in combinations(members, 2)
    }
    matches = [compare(records[i], records[j]) for i, j in pairs]
    found = [m for m in matches if m.score >= threshold]
    return sorted(found, key=lambda m: (-m.score, m.first, m.second))


def organisation_candidates(records: Sequence[OrganisationRecord], threshold: float = LIKELY):
    return candidates(records, organisation_keys, compare_organisations, threshold)


def person_candidates(records: Sequence[PersonRecord], threshold: float = LIKELY):
    return candidates(records, person_keys, compare_people, threshold)
