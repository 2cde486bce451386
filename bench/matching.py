"""Precision and recall of duplicate matching on labelled pairs (issue 20).

    .venv/bin/python -m bench.matching [--misses]

People: bench/person_pairs.csv, half the same person written another way (scripts,
transliterations, spellings, particles, middle names, family name first), half different
people with close names (feminine forms, longer family names, two given names sharing a
family name). Organisations: tests/data/organisation_pairs.csv. A pair is predicted the
same when it scores at least `LIKELY`, as the duplicate check and search decide.
"""

import argparse
import csv
from pathlib import Path

from crm.matching.records import (
    LIKELY,
    Match,
    OrganisationRecord,
    PersonRecord,
    compare_organisations,
    compare_people,
)

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = ROOT / "bench" / "person_pairs.csv"
ORGANISATIONS = ROOT / "tests" / "data" / "organisation_pairs.csv"


def labelled(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as lines:
        return list(csv.DictReader(lines, delimiter=";"))


def compare_row(row: dict[str, str]) -> Match:
    if "name_a" in row:
        return compare_organisations(
            OrganisationRecord("a", row["name_a"]), OrganisationRecord("b", row["name_b"])
        )
    return compare_people(
        PersonRecord("a", row["family_a"], row["given_a"]),
        PersonRecord("b", row["family_b"], row["given_b"]),
    )


def quality(path: Path) -> tuple[float, float, list[tuple[dict, Match]]]:
    """Precision, recall, and the pairs decided wrongly."""
    rows = labelled(path)
    decided = [(row, compare_row(row)) for row in rows]
    predicted = [(row, m) for row, m in decided if m.score >= LIKELY]
    right = sum(row["same"] == "1" for row, _ in predicted)
    actual = sum(row["same"] == "1" for row in rows)
    wrong = [(row, m) for row, m in decided if (m.score >= LIKELY) != (row["same"] == "1")]
    return right / max(len(predicted), 1), right / max(actual, 1), wrong


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--misses", action="store_true", help="list the pairs decided wrongly")
    args = parser.parse_args()
    for label, path in (("people", PEOPLE), ("organisations", ORGANISATIONS)):
        precision, recall, wrong = quality(path)
        pairs = len(labelled(path))
        print(f"{label}: {pairs} pairs, precision {precision:.2f}, recall {recall:.2f}")
        for row, match in wrong if args.misses else ():
            print(f"  {dict(list(row.items())[:-1])} -> {match.score} {match.reasons}")


if __name__ == "__main__":
    main()
