"""Benchmark: duplicate candidates among 100,000 partners (target: within 10 s).

    .venv/bin/python -m bench.duplicates [--partners 100000] [--seed 7]

Names are generated like a state-wide partner list: a kind of organisation, a distinctive
word and a town, with one record in fifty entered a second time in another spelling.
"""

import argparse
import random
import time

from crm.matching.candidates import organisation_candidates
from crm.matching.records import OrganisationRecord

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--partners", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    records = generate(args.partners, args.seed)
    started = time.perf_counter()
    found = organisation_candidates(records)
    elapsed = time.perf_counter() - started
    print(f"{len(records):,} partners: {len(found):,} candidate pairs in {elapsed:.1f} s")


if __name__ == "__main__":
    main()
