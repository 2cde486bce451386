"""Folding German text for accent- and case-insensitive search and sorting."""

import unicodedata

_UMLAUT_SPELLINGS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})


def fold(text: str) -> str:
    """DIN 5007-1 folding: "Straße" -> "strasse", "Jugendförderung" -> "jugendforderung"."""
    if text.isascii():
        return text.lower()  # what the rest comes to for ASCII, at a fraction of the cost
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def search_key(*values: str | None) -> str:
    """What `q` is matched against: each value folded, also with umlauts spelled out,
    so that "jugendforderung", "Jugendförderung" and "jugendfoerderung" all match."""
    variants: list[str] = []
    for value in values:
        if value:
            variants.append(fold(value))
            variants.append(fold(value.casefold().translate(_UMLAUT_SPELLINGS)))
    return "\n".join(dict.fromkeys(variants))
