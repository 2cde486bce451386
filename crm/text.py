"""Folding German text for accent- and case-insensitive search and sorting."""

import unicodedata

_UMLAUT_SPELLINGS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})


# Characters whose folding is kept once worked out: the alphabets (Latin, Greek,
# Cyrillic, ...), so that no text can grow the table beyond a few thousand entries.
_KEPT_BELOW = 0x2000


class _Folded(dict):
    """A `str.translate` table: each character as `fold` folds it. Folding goes a
    character at a time (case folding maps each on its own, and decomposition only
    reorders the marks that are dropped), so one translate with this table folds a text,
    at half the cost of normalising it."""

    def __missing__(self, code: int) -> str:
        decomposed = unicodedata.normalize("NFKD", chr(code).casefold())
        folded = "".join(c for c in decomposed if not unicodedata.combining(c))
        if code < _KEPT_BELOW:
            self[code] = folded
        return folded


_FOLDED = _Folded()


def fold(text: str) -> str:
    """DIN 5007-1 folding: "Straße" -> "strasse", "Jugendförderung" -> "jugendforderung"."""
    if text.isascii():
        return text.lower()  # what the rest comes to for ASCII, at a fraction of the cost
    return text.translate(_FOLDED)


def search_key(*values: str | None) -> str:
    """What `q` is matched against: each value folded, also with umlauts spelled out,
    so that "jugendforderung", "Jugendförderung" and "jugendfoerderung" all match."""
    variants: list[str] = []
    for value in values:
        if value:
            variants.append(fold(value))
            if not value.isascii():  # an ASCII value has no umlauts to spell out
                variants.append(fold(value.casefold().translate(_UMLAUT_SPELLINGS)))
    return "\n".join(dict.fromkeys(variants))
