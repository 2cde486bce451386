import unicodedata

import pytest

from crm.text import fold, search_key


def normalised(text: str) -> str:
    """What `fold` is defined as: case folded, decomposed, without combining marks."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Straße", "strasse"),
        ("Jugendförderung", "jugendforderung"),
        ("Ayşe Y\u0131lmaz", "ayse y\u0131lmaz"),  # the dotless i is a letter of its own
        ("Ἀθῆναι", "αθηναι"),
        ("Ⅻ ﬁ", "xii fi"),
        ("Café\u0301", "cafe"),
        ("Jobcenter Trier", "jobcenter trier"),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


def test_fold_is_the_normalised_text_for_every_character_and_mixes_of_them():
    characters = [
        chr(code)
        for code in range(0x80, 0x30000, 7)
        if unicodedata.category(chr(code)) not in ("Cs", "Cn")
    ]
    mixes = ["".join(characters[i : i + 5]) for i in range(0, len(characters), 3)]
    assert [fold(text) for text in characters + mixes] == [
        normalised(text) for text in characters + mixes
    ]


def test_search_key_holds_each_value_folded_and_with_umlauts_spelled_out_once():
    assert search_key("Jugendförderung", None, "Trier", "").split("\n") == [
        "jugendforderung",
        "jugendfoerderung",
        "trier",
    ]
