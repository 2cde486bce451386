"""The project's name conventions, and the rules that use them, one behaviour each."""

import pytest

from crm.matching.candidates import person_candidates
from crm.matching.conventions import NAME_VARIANTS
from crm.matching.people import (
    INITIAL,
    MIDDLE_NAME,
    SPELLING,
    TRANSLITERATION,
    VARIANT,
    alike_initials,
    family_agreement,
    given_agreement,
    sound_key,
    word,
)
from crm.matching.records import PersonRecord, compare_people


@pytest.mark.parametrize("group", NAME_VARIANTS, ids=lambda g: min(g))
def test_spellings_of_one_given_name_are_already_respelled_and_block_together(group):
    assert {word(spelling).spelling for spelling in group} == group
    assert len({sound_key(spelling) for spelling in group}) == 1


@pytest.mark.parametrize(
    ("a", "b", "kind"),
    [
        ("Schewtschenko", "Shevchenko", TRANSLITERATION),
        ("Шевченко", "Schewtschenko", TRANSLITERATION),
        ("Iwanow", "Ivanov", TRANSLITERATION),
        ("Yılmaz", "Yilmaz", SPELLING),  # noqa: RUF001
        ("Đorđević", "Djordjevic", SPELLING),
        ("Müller", "Mueller", SPELLING),
        ("Al-Hassan", "Alhassan", "same"),
        ("الحسن", "Al Hassan", TRANSLITERATION),
        ("Παπαδόπουλος", "Papadopoulos", TRANSLITERATION),
        ("Aleksandr", "Alexander", SPELLING),
    ],
)
def test_one_family_name_written_another_way(a, b, kind):
    assert family_agreement(a, b) == kind
    assert sound_key(a) == sound_key(b)  # so the search finds the pair


@pytest.mark.parametrize(
    ("a", "b"),
    [("Ivanov", "Ivanova"), ("Demir", "Demirtaş"), ("Al-Hassan", "Al-Hussein"),
     ("Müller", "Möller"), ("Kowalski", "Kowalska"), ("Richter", "Richter-Klein")],
)  # fmt: skip
def test_close_family_names_of_different_people(a, b):
    assert family_agreement(a, b) is None


@pytest.mark.parametrize(
    ("a", "b", "kind"),
    [
        ("Mohammed", "Muhammad", VARIANT),
        ("Yusuf", "Yussuf", SPELLING),
        ("A.", "Anna", INITIAL),
        ("Anna Maria", "Anna", MIDDLE_NAME),
        ("Юрий", "Jurij", TRANSLITERATION),
        ("Anna", "Hanna", None),
        ("Hassan", "Hussein", None),
        ("Christian", "Christina", None),
    ],
)
def test_given_names(a, b, kind):
    assert given_agreement(a, b) == kind


def test_reasons_say_how_the_names_agree():
    match = compare_people(
        PersonRecord("a", "Шевченко", "Тарас"),  # noqa: RUF001
        PersonRecord("b", "Shevchenko", "Taras"),
    )
    assert match.reasons == ("family name: transliteration", "given name: transliteration")


def test_a_name_written_family_name_first_is_found_and_said_so():
    records = [PersonRecord("1", "Nguyen", "Van An"), PersonRecord("2", "An", "Nguyen Van")]
    [match] = person_candidates(records)
    assert match.reasons == ("names in another order",)


def test_initials_alike_include_other_scripts():
    assert {"k", "к", "ك"} <= alike_initials("Claudia")
