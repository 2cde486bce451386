import pytest

from crm.matching.phonetics import cologne_phonetics


@pytest.mark.parametrize(
    ("name", "key"),
    [("Müller-Lüdenscheidt", "65752682"), ("Wikipedia", "3412"), ("Breschnew", "17863")],
)
def test_published_examples(name, key):
    assert cologne_phonetics(name) == key


def test_spellings_of_one_name_share_a_key():
    assert {cologne_phonetics(n) for n in ("Meier", "Mayer", "Maier", "Meyer")} == {"67"}


def test_different_names_differ():
    assert cologne_phonetics("Schmidt") != cologne_phonetics("Schneider")
