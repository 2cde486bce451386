"""Duplicates (Dubletten) among the stored partners and contacts, and the likely existing
twins of a record about to be created.

The scoring is `crm.matching`'s. Among all records, its blocking finds the pairs. For one
new record, SQL first narrows the table to the records that could score at all (a name
token in common, a sound-alike family name, the same e-mail or phone), so that creating a
record never reads the whole table; only those few are scored.
"""

import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, String, and_, case, cast, func, or_, select, true

from crm.database import db
from crm.matching.candidates import organisation_candidates, person_candidates
from crm.matching.names import parse
from crm.matching.people import alike_initials
from crm.matching.records import (
    LIKELY,
    Match,
    OrganisationRecord,
    PersonRecord,
    compare_organisations,
    compare_people,
    mail_domain,
    name_sound,
    website_host,
)
from crm.models import Contact, Partner
from crm.text import fold

# Scored at most per new record: the ones sharing most with it.
NARROWED_TO = 200
TOKEN_PREFIX = 5  # "diakonie" and "diakonisches" share "diako"
NEW = "new"


@dataclass(frozen=True)
class Candidate:
    """A stored record; with a score and reasons, one that very likely is the one
    described."""

    id: uuid.UUID
    label: str
    score: float | None = None
    reasons: tuple[str, ...] = ()


def partner_record(values: Mapping[str, Any]) -> OrganisationRecord:
    """A partner (a row's mapping, or a schema's data) as the matching sees it."""
    return OrganisationRecord(
        id=str(values.get("id", NEW)),
        name=values["name"],
        email=values.get("email"),
        website=values.get("website"),
        phone=values.get("phone"),
        register_numbers=frozenset(map(_register_number, values.get("external_ids") or ())),
    )


def contact_record(values: Mapping[str, Any]) -> PersonRecord:
    return PersonRecord(
        id=str(values.get("id", NEW)),
        family_name=values["family_name"],
        given_name=values.get("given_name"),
        email=values.get("email"),
        phone=values.get("phone") or values.get("mobile"),
    )


def _register_number(external_id: dict[str, str]) -> str:
    return fold(f"{external_id['scheme']}:{external_id['value']}").replace(" ", "")


PARTNER_COLUMNS = (
    Partner.id,
    Partner.name,
    Partner.email,
    Partner.website,
    Partner.phone,
    Partner.external_ids,
)
CONTACT_COLUMNS = (
    Contact.id,
    Contact.family_name,
    Contact.given_name,
    Contact.email,
    Contact.phone,
    Contact.mobile,
)


@dataclass(frozen=True)
class Pair:
    first: Candidate
    second: Candidate
    score: float
    reasons: tuple[str, ...]


def partner_pairs(
    conditions: Iterable[ColumnElement[bool]] = (), threshold: float = LIKELY
) -> list[Pair]:
    """Pairs among the partners scoring at least `threshold`, strongest first."""
    rows = select(*PARTNER_COLUMNS).where(*conditions)
    return _pairs(rows, partner_record, organisation_candidates, threshold)


def contact_pairs(
    conditions: Iterable[ColumnElement[bool]] = (), threshold: float = LIKELY
) -> list[Pair]:
    rows = select(*CONTACT_COLUMNS).where(Contact.not_erased, *conditions)
    return _pairs(rows, contact_record, person_candidates, threshold)


def _pairs(statement, record, candidates, threshold: float) -> list[Pair]:
    records = [record(row._mapping) for row in db.session.execute(statement)]
    return _labelled(records, candidates(records, threshold))


def _labelled(records: Sequence[Any], matches: list[Match]) -> list[Pair]:
    labels = {record.id: _label(record) for record in records}

    def side(record_id: str) -> Candidate:
        return Candidate(uuid.UUID(record_id), labels[record_id])

    return [Pair(side(m.first), side(m.second), m.score, m.reasons) for m in matches]


def likely_partners(data: Mapping[str, Any]) -> list[Candidate]:
    """Stored partners that very likely are the partner `data` (a schema's) describes."""
    new = partner_record(data)
    overlap = [Partner.search_text.contains(t, autoescape=True) for t in _name_tokens(new.name)]
    signals = _organisation_signals(new) + [
        _has_external_id(external_id) for external_id in data.get("external_ids") or ()
    ]
    rows = _narrowed(PARTNER_COLUMNS, overlap, signals, true())
    return _scored(new, [partner_record(row._mapping) for row in rows], compare_organisations)


def likely_contacts(data: Mapping[str, Any]) -> list[Candidate]:
    new = contact_record(data)
    overlap = _sounding_alike(new)
    signals = []
    if new.email:
        signals.append(func.lower(Contact.email) == new.email.strip().lower())
    for phone in {data.get("phone"), data.get("mobile")} - {None, ""}:
        signals += [Contact.phone == phone, Contact.mobile == phone]
    rows = _narrowed(CONTACT_COLUMNS, overlap, signals, Contact.not_erased)
    return _scored(new, [contact_record(row._mapping) for row in rows], compare_people)


def _name_tokens(name: str) -> set[str]:
    """What a stored name shares with `name` if they might be the same: its distinctive
    words (from their start, for spelling variants) and its acronyms ("AWO")."""
    parsed = parse(name)
    words = {t[:TOKEN_PREFIX] for t in parsed.distinctive if len(t) >= 3}
    return words | {a for a in parsed.acronyms if len(a) >= 2}


def _organisation_signals(new: OrganisationRecord) -> list[ColumnElement[bool]]:
    signals = []
    if domain := mail_domain(new.email):
        signals.append(Partner.mail_domain == domain)
    if host := website_host(new.website):
        signals.append(Partner.web_host == host)
    if new.phone:
        signals.append(Partner.phone == new.phone)
    return signals


def _has_external_id(external_id: dict[str, str]) -> ColumnElement[bool]:
    # Stored as JSON text on every database; the scoring then checks the scheme too.
    return cast(Partner.external_ids, String).contains(
        json.dumps(external_id["value"]), autoescape=True
    )


def _sounding_alike(new: PersonRecord) -> list[ColumnElement[bool]]:
    """A family name with the same key (the scoring asks that of a likely match by name;
    `family_sound` is indexed) and a given name whose initial can sound like the new
    one's, in any script; or, for a name written
    family name first, the other way round. Without a given name only an e-mail or phone
    can make a likely match: then nothing."""
    if not new.given_name:
        return []
    given_sounds = {name_sound(w) for w in new.given_name.split()} - {""}
    return [
        and_(Contact.family_sound == name_sound(new.family_name), _given_initial(new.given_name)),
        and_(Contact.family_sound.in_(given_sounds), _given_initial(new.family_name)),
    ]


def _given_initial(name: str) -> ColumnElement[bool]:
    return func.substr(Contact.given_name, 1, 1).in_(sorted(alike_initials(name)))


def _narrowed(
    columns: Sequence[Any],
    overlap: list[ColumnElement[bool]],
    signals: list[ColumnElement[bool]],
    condition: ColumnElement[bool],
) -> list[Any]:
    """The rows that share a strong signal or most name evidence with the new record."""
    if not overlap and not signals:
        return []
    # Signals count ten times what a shared word counts.
    shared = sum(case((s, 10), else_=0) for s in signals) + sum(
        case((o, 1), else_=0) for o in overlap
    )
    statement = (
        select(*columns)
        .where(condition, or_(*overlap, *signals))
        .order_by(shared.desc(), columns[0])
        .limit(NARROWED_TO)
    )
    return db.session.execute(statement).all()


def _scored(new: Any, stored: list[Any], compare) -> list[Candidate]:
    labels = {record.id: _label(record) for record in stored}
    matches = [compare(new, record) for record in stored]
    likely = sorted((m for m in matches if m.score >= LIKELY), key=lambda m: -m.score)
    return [Candidate(uuid.UUID(m.second), labels[m.second], m.score, m.reasons) for m in likely]


def _label(record: OrganisationRecord | PersonRecord) -> str:
    if isinstance(record, OrganisationRecord):
        return record.name
    return " ".join(filter(None, (record.given_name, record.family_name)))
