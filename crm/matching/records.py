"""Whether two partner or contact records describe the same organisation or person.

The name decides most (people's names: `crm.matching.people`); strong signals (the same
register number, e-mail domain, website, or phone) add to it. Each match carries
its reasons, so that a coordinator can judge it.
"""

import re
from dataclasses import dataclass, field
from functools import cache

from crm.matching.names import name_similarity
from crm.matching.people import (
    INITIAL,
    MIDDLE_NAME,
    SAME,
    SPELLING,
    TRANSLITERATION,
    VARIANT,
    family_agreement,
    given_agreement,
    name_set,
    sound_key,
)
from crm.text import fold

LIKELY = 0.85  # from here on a pair is a likely duplicate
SIGNAL_BONUS = 0.15
# Addresses at these providers say nothing about the organisation.
_MAIL_PROVIDERS = frozenset(
    "gmail.com googlemail.com web.de gmx.de gmx.net t-online.de outlook.com outlook.de "
    "hotmail.com hotmail.de yahoo.com yahoo.de icloud.com aol.com freenet.de posteo.de".split()
)


@dataclass(frozen=True)
class Match:
    first: str
    second: str
    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class OrganisationRecord:
    id: str
    name: str
    email: str | None = None
    website: str | None = None
    phone: str | None = None
    register_numbers: frozenset[str] = field(default_factory=frozenset)

    @property
    def signals(self) -> dict[str, str]:
        """Values that identify an organisation, by kind."""
        if not (self.email or self.website or self.phone):
            return {}
        found = {
            "e-mail domain": mail_domain(self.email),
            "website": website_host(self.website),
            "phone": phone_digits(self.phone),
        }
        return {kind: value for kind, value in found.items() if value}


@dataclass(frozen=True)
class PersonRecord:
    id: str
    family_name: str
    given_name: str | None = None
    email: str | None = None
    phone: str | None = None


def mail_domain(email: str | None) -> str | None:
    domain = (email or "").rpartition("@")[2].strip().lower()
    return domain if domain and domain not in _MAIL_PROVIDERS else None


def website_host(url: str | None) -> str | None:
    host = re.sub(r"^[a-z]+://", "", (url or "").strip().lower()).split("/")[0]
    return host.removeprefix("www.") or None


def phone_digits(phone: str | None) -> str | None:
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("0049"):
        digits = "0" + digits[4:]
    elif digits.startswith("49") and (phone or "").strip().startswith("+"):
        digits = "0" + digits[2:]
    return digits if len(digits) >= 6 else None


def compare_organisations(a: OrganisationRecord, b: OrganisationRecord) -> Match:
    score = name_similarity(a.name, b.name)
    reasons = [f"names alike ({score:.2f})"] if score >= 0.5 else []
    if a.register_numbers & b.register_numbers:
        score = max(score, 0.99)
        reasons.append("same register number")
    theirs = b.signals
    for kind, value in a.signals.items():
        if theirs.get(kind) == value:
            score = min(1.0, score + SIGNAL_BONUS)
            reasons.append(f"same {kind}")
    return Match(a.id, b.id, round(score, 3), tuple(reasons))


def compare_people(a: PersonRecord, b: PersonRecord) -> Match:
    reasons = []
    score = _name_score(a, b, reasons)
    if a.email and fold(a.email.strip()) == fold((b.email or "").strip()):
        score = max(score, 0.95)
        reasons.append("same e-mail address")
    if phone_digits(a.phone) and phone_digits(a.phone) == phone_digits(b.phone):
        score = min(1.0, score + SIGNAL_BONUS)
        reasons.append("same phone")
    return Match(a.id, b.id, round(score, 3), tuple(reasons))


# How much each kind of agreement of the given names counts (of 0.35).
_GIVEN_WEIGHTS = {SAME: 1.0, SPELLING: 1.0, TRANSLITERATION: 1.0, VARIANT: 0.95}
_GIVEN_WEIGHTS |= {MIDDLE_NAME: 0.95, INITIAL: 0.9}


def _name_score(a: PersonRecord, b: PersonRecord, reasons: list[str]) -> float:
    """The family name counts 0.55 (0.65 written alike), the given name 0.35; the same
    words in another order (family name first) 0.9."""
    family = family_agreement(a.family_name, b.family_name)
    if family is None:
        words_a, words_b = (
            name_set(a.family_name, a.given_name),
            name_set(b.family_name, b.given_name),
        )
        if len(words_a) >= 2 and words_a == words_b:
            reasons.append("names in another order")
            return 0.9
        return 0.0
    reasons.append("family names agree" if family == SAME else f"family name: {family}")
    given = given_agreement(a.given_name, b.given_name)
    if given:
        reasons.append("given names agree" if given == SAME else f"given name: {given}")
    return (0.65 if family == SAME else 0.55) + 0.35 * _GIVEN_WEIGHTS.get(given, 0.0)


@cache
def name_sound(name: str) -> str:
    """The key every family name agreeing with `name` shares (`crm.matching.people`),
    stored as a contact's `family_sound`. Names repeat, so this is cached like `parse`."""
    return sound_key(name)
