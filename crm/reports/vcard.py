"""Contacts (Ansprechpersonen) as vCard 3.0, the version every address book imports."""

from collections.abc import Iterable, Iterator
from datetime import UTC

from crm.models import Contact, Partner
from crm.reports.content_lines import content, escape
from crm.reports.reporting import person_name


def contact_cards(contacts: Iterable[tuple[Contact, Partner | None]]) -> bytes:
    lines: list[str] = []
    for contact, partner in contacts:
        lines.extend(_card(contact, partner))
    return content(lines)


def _card(contact: Contact, partner: Partner | None) -> Iterator[str]:
    given, family, title = contact.given_name or "", contact.family_name, contact.title or ""
    yield "BEGIN:VCARD"
    yield "VERSION:3.0"
    yield f"UID:urn:uuid:{contact.id}"
    yield "N:" + ";".join(escape(part) for part in (family, given, "", title, ""))
    yield "FN:" + escape(person_name(contact))
    if partner:
        yield f"ORG:{escape(partner.name)}"
    if contact.function:
        yield f"TITLE:{escape(contact.function)}"
    if contact.email:
        yield f"EMAIL;TYPE=INTERNET,WORK:{escape(contact.email)}"
    if contact.phone:
        yield f"TEL;TYPE=WORK,VOICE:{escape(contact.phone)}"
    if contact.mobile:
        yield f"TEL;TYPE=CELL:{escape(contact.mobile)}"
    yield f"REV:{contact.updated_at.astimezone(UTC):%Y%m%dT%H%M%SZ}"
    yield "END:VCARD"
