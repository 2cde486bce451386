"""Precision and recall on labelled pairs of German organisation and person names."""

import csv
from pathlib import Path

import pytest

from crm.matching.records import (
    LIKELY,
    OrganisationRecord,
    PersonRecord,
    compare_organisations,
    compare_people,
)

DATA = Path(__file__).resolve().parent.parent / "data"
# Issue 20's set across scripts and transliterations, with hard non-duplicates.
PEOPLE_ACROSS_SCRIPTS = DATA.parent.parent / "bench" / "person_pairs.csv"


def _labelled(file_name: str | Path) -> list[dict]:
    with (DATA / file_name).open(encoding="utf-8") as lines:
        return list(csv.DictReader(lines, delimiter=";"))


def _precision_recall(predictions: list[tuple[bool, bool]]) -> tuple[float, float]:
    true_positives = sum(predicted and same for predicted, same in predictions)
    predicted = sum(p for p, _ in predictions)
    actual = sum(s for _, s in predictions)
    return true_positives / predicted, true_positives / actual


def _organisation_predictions() -> list[tuple[bool, bool]]:
    return [
        (
            compare_organisations(
                OrganisationRecord("a", row["name_a"]), OrganisationRecord("b", row["name_b"])
            ).score
            >= LIKELY,
            row["same"] == "1",
        )
        for row in _labelled("organisation_pairs.csv")
    ]


def _person_predictions(file_name: str | Path) -> list[tuple[bool, bool]]:
    return [
        (
            compare_people(
                PersonRecord("a", row["family_a"], row["given_a"]),
                PersonRecord("b", row["family_b"], row["given_b"]),
            ).score
            >= LIKELY,
            row["same"] == "1",
        )
        for row in _labelled(file_name)
    ]


def test_the_labelled_set_is_large_enough():
    assert len(_labelled("organisation_pairs.csv")) + len(_labelled("person_pairs.csv")) >= 100


def test_organisation_precision_and_recall():
    precision, recall = _precision_recall(_organisation_predictions())
    print(f"organisations: precision {precision:.3f}, recall {recall:.3f}")
    assert (precision >= 0.95, recall >= 0.9) == (True, True)


@pytest.mark.parametrize("file_name", ["person_pairs.csv", PEOPLE_ACROSS_SCRIPTS])
def test_person_precision_and_recall(file_name):
    precision, recall = _precision_recall(_person_predictions(file_name))
    print(f"people: precision {precision:.3f}, recall {recall:.3f}")
    assert (precision >= 0.95, recall >= 0.9) == (True, True)
