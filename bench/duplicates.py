"""Benchmark: duplicate candidates among 100,000 partners (target: within 10 s), among
100,000 contacts, and the check when a contact is created (issue 20: within their times
before).

    .venv/bin/python -m bench.duplicates [--partners 100000] [--contacts 100000] [--seed 7]
        [--database-url URL --checks 300]

Names are generated like a state-wide partner list: a kind of organisation, a distinctive
word and a town, with one record in fifty entered a second time in another spelling.
Contacts: the bench's given and family names and generated family names, one in fifty
entered again another way (umlauts written out, an initial, Cyrillic). The check on
create runs against a database filled by `bench.generate` (contacts named from
`bench.names`), by name only and with e-mail and phone.
"""

import argparse
import random
import time

from anyascii import anyascii

from bench.names import FAMILY_NAMES, GIVEN_NAMES, UMLAUTS
from crm.matching.candidates import organisation_candidates, person_candidates
from crm.matching.records import OrganisationRecord, PersonRecord

KINDS = [
    "Caritasverband", "Diakonisches Werk", "Sprachschule", "Kulturverein", "Elternverein",
    "Jugendmigrationsdienst", "Volkshochschule", "Berufsbildende Schule", "Flüchtlingshilfe",
    "Integrationslotsen", "Frauenberatungsstelle", "Bildungswerk", "Moschee-Gemeinde",
    "Kirchengemeinde", "Sportverein", "Förderverein", "Stadtteilzentrum", "Kita",
]  # fmt: skip
WORDS = [
    "Regenbogen", "Brücke", "Lichtblick", "Miteinander", "Horizont", "Zukunft", "Sonnenschein",
    "Vielfalt", "Begegnung", "Heimat", "Aufbruch", "Perspektive", "Kompass", "Anker",
    "Sankt Martin", "Sankt Josef", "Babylon", "Lingua", "Mosaik", "Nachbarschaft",
]  # fmt: skip
LEGAL = ["", " e.V.", " gGmbH", " GmbH", " e. V."]


def _town(rng: random.Random) -> str:
    syllables = ["Bad", "Nord", "Süd", "Ober", "Unter", "Neu", "Alt", "Groß", "Klein"]
    roots = ["hausen", "heim", "dorf", "burg", "feld", "stedt", "rode", "bach", "furt", "ingen"]
    stem = "".join(rng.choice("bdfghklmnprstw") + rng.choice("aeiouäöü") for _ in range(2))
    return f"{rng.choice(syllables)} {stem.capitalize()}{rng.choice(roots)}"


def _variant(name: str, rng: random.Random) -> str:
    spelled = name.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    return rng.choice([spelled, name.upper(), name + " e.V.", name.replace("Sankt", "St.")])


def generate(count: int, seed: int) -> list[OrganisationRecord]:
    rng = random.Random(seed)
    towns = [_town(rng) for _ in range(count // 20)]
    records = []
    while len(records) < count:
        name = f"{rng.choice(KINDS)} {rng.choice(WORDS)} {rng.choice(towns)}{rng.choice(LEGAL)}"
        records.append(OrganisationRecord(str(len(records)), name))
        if rng.random() < 0.02:
            records.append(OrganisationRecord(str(len(records)), _variant(name, rng)))
    return records[:count]


CYRILLIC = str.maketrans("abdefgiklmnoprstuvz", "абдефгиклмнопрстувз")


def _family_name(rng: random.Random) -> str:
    if rng.random() < 0.3:
        return rng.choice(FAMILY_NAMES)
    consonants = ["b", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "w", "sch"]
    stem = "".join(rng.choice(consonants) + rng.choice("aeiouy") for _ in range(3))
    return stem.capitalize() + rng.choice(["er", "ski", "enko", "ov", "ić", "oğlu", "mann"])


def _person_variant(person: PersonRecord, rng: random.Random) -> tuple[str, str]:
    family, given = person.family_name, person.given_name or ""
    return rng.choice(
        [
            (family.translate(UMLAUTS), given.translate(UMLAUTS)),
            (family, given[:1] + "."),
            (anyascii(family).lower().translate(CYRILLIC), given),
        ]
    )


def generate_people(count: int, seed: int) -> list[PersonRecord]:
    rng = random.Random(seed)
    families = [_family_name(rng) for _ in range(count // 10)]
    records: list[PersonRecord] = []
    while len(records) < count:
        person = PersonRecord(str(len(records)), rng.choice(families), rng.choice(GIVEN_NAMES))
        records.append(person)
        if rng.random() < 0.02:
            family, given = _person_variant(person, rng)
            records.append(PersonRecord(str(len(records)), family, given))
    return records[:count]


def _timed(label: str, search, records) -> None:
    started = time.perf_counter()
    found = search(records)
    elapsed = time.perf_counter() - started
    print(f"{len(records):,} {label}: {len(found):,} candidate pairs in {elapsed:.1f} s")


def time_checks_on_create(url: str, checks: int, seed: int) -> None:
    """Mean milliseconds of the duplicate check of a new contact, by name only and with
    e-mail and phone, against the contacts stored at `url`."""
    from crm import create_app
    from crm.duplicates.detection import likely_contacts

    app = create_app({"DATABASE_URL": url})
    rng = random.Random(seed)
    people = [(rng.choice(GIVEN_NAMES), rng.choice(FAMILY_NAMES)) for _ in range(checks)]
    with app.app_context():
        for label, signals in (("by name", False), ("with e-mail and phone", True)):
            started = time.perf_counter()
            for number, (given, family) in enumerate(people):
                data = {"given_name": given, "family_name": family}
                if signals:
                    data |= {"email": f"new{number}@example.org", "phone": f"+49 30 {number}"}
                likely_contacts(data)
            elapsed = (time.perf_counter() - started) / checks * 1000
            print(f"check on create, {label}: {elapsed:.1f} ms per contact ({checks} checks)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--partners", type=int, default=100_000)
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", help="time the check on create against it")
    parser.add_argument("--checks", type=int, default=300)
    args = parser.parse_args()
    if args.partners:
        _timed("partners", organisation_candidates, generate(args.partners, args.seed))
    if args.contacts:
        _timed("contacts", person_candidates, generate_people(args.contacts, args.seed))
    if args.database_url:
        time_checks_on_create(args.database_url, args.checks, args.seed)


if __name__ == "__main__":
    main()
