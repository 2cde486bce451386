"""Kölner Phonetik: a phonetic key for German names ("Meier", "Mayer", "Maier" -> "67")."""

from crm.text import fold

_CODES = {
    **dict.fromkeys("aeijouy", "0"),
    "b": "1",
    **dict.fromkeys("fvw", "3"),
    **dict.fromkeys("gkq", "4"),
    "l": "5",
    **dict.fromkeys("mn", "6"),
    "r": "7",
    **dict.fromkeys("sz", "8"),
}


def _code(word: str, i: int) -> str:
    letter = word[i]
    before = word[i - 1] if i else ""
    after = word[i + 1] if i + 1 < len(word) else ""
    if letter == "h":
        return ""
    if letter == "p":
        return "3" if after == "h" else "1"
    if letter in "dt":
        return "8" if after in ("c", "s", "z") and after else "2"
    if letter == "c":
        if i == 0:
            return "4" if after and after in "ahkloqrux" else "8"
        return "4" if after and after in "ahkoqux" and before not in ("s", "z") else "8"
    if letter == "x":
        return "8" if before and before in "ckq" else "48"
    return _CODES.get(letter, "")


def cologne_phonetics(text: str) -> str:
    """The Kölner Phonetik of a name; words are coded separately and joined by spaces."""
    keys = []
    for word in fold(text).replace("ß", "ss").split():
        letters = "".join(c for c in word if c.isalpha())
        raw = "".join(_code(letters, i) for i in range(len(letters)))
        collapsed = "".join(c for j, c in enumerate(raw) if j == 0 or c != raw[j - 1])
        key = collapsed[:1] + collapsed[1:].replace("0", "")
        if key:
            keys.append(key)
    return " ".join(keys)


# The Kölner Phonetik's first code each initial letter can give ("c" is 4 or 8).
_INITIAL_CODES = {
    letter: {cologne_phonetics(letter + following)[:1] for following in "aehkosz"} - {""}
    for letter in "abcdefghijklmnopqrstuvwxyz"
}


def alike_initials(name: str) -> frozenset[str]:
    """The letters a name that sounds like `name` may begin with ("Carl": c, g, h, k, q, x),
    so that a database can narrow the search by a range of the sorted names."""
    code = cologne_phonetics(name)[:1]
    if not code:
        return frozenset(_INITIAL_CODES)
    return frozenset(letter for letter, codes in _INITIAL_CODES.items() if code in codes)
