"""Whether two partner or contact records describe the same organisation or person.

The name decides most; strong signals (the same register number, e-mail domain, website,
or phone) add to it. Each match carries its reasons, so that a coordinator can judge it.
"""

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cache

from crm.matching.names import name_similarity
from crm.matching.phonetics import cologne_phonetics
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
    family = 1.0 if name_sound(a.family_name) == name_sound(b.family_name) else 0.0
    if family:
        reasons.append("family names sound alike")
    given = _given_name_similarity(a.given_name, b.given_name)
    if given:
        reasons.append("given names agree" if given == 1.0 else "given name and initial agree")
    score = 0.55 * family + 0.35 * given
    if family and fold(a.family_name) == fold(b.family_name):
        score += 0.1
    if a.email and fold(a.email.strip()) == fold((b.email or "").strip()):
        score = max(score, 0.95)
        reasons.append("same e-mail address")
    if phone_digits(a.phone) and phone_digits(a.phone) == phone_digits(b.phone):
        score = min(1.0, score + SIGNAL_BONUS)
        reasons.append("same phone")
    return Match(a.id, b.id, round(score, 3), tuple(reasons))


@cache
def name_sound(name: str) -> str:
    """The phonetic key of a whole name: "Al-Hassan" and "Al Hassan" sound the same.
    Asked twice for every pair compared; names repeat, so this is cached like `parse`."""
    return cologne_phonetics(re.sub(r"[\s-]+", "", name))


def _given_name_similarity(a: str | None, b: str | None) -> float:
    first, second = fold(a or "").strip(" ."), fold(b or "").strip(" .")
    if not first or not second:
        return 0.0
    if (len(first) == 1 or len(second) == 1) and first[0] == second[0]:
        return 0.9
    # Sounding alike is not enough for short given names: "Anna" and "Hanna", "Hassan"
    # and "Hussein" sound alike to the Kölner Phonetik but are different names.
    alike = name_sound(first) == name_sound(second)
    spelled_alike = SequenceMatcher(None, first, second).ratio() >= 0.7
    same_start = first[0] == second[0] or "h" not in (first[0], second[0])
    return 1.0 if alike and spelled_alike and same_start else 0.0
