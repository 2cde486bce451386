"""Whether two names of people are one name, across scripts, transliterations and spellings.

Each word is transliterated into Latin letters (anyascii) and respelled by the project's
conventions (`crm.matching.conventions`). Two words agree when they are then spelled
alike, when they are known spellings of one given name, when they differ by one letter
inside a long name (a typo, a dropped vowel: "Aleksandr", "Alexander"), or, for a word in
Arabic script, which leaves short vowels unwritten, when their consonants are the same.
Names that differ at their end are different names: "Ivanov" and "Ivanova", "Demir" and
"Demirtaş", "Anna" and "Hanna". Every name that agrees with another has its `sound_key`.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from anyascii import anyascii
from rapidfuzz.distance import OSA, Levenshtein

from crm.matching.conventions import (
    ARABIC_ARTICLE,
    ARABIC_ARTICLES,
    BEFORE_TRANSLITERATION,
    PARTICLES,
    RULES,
    SPELLING,
    TRANSLITERATION,
    VARIANT_OF,
)
from crm.text import fold

SAME, VARIANT = "same", "name variant"
# The kinds of agreement, from the strongest.
KINDS = (SAME, SPELLING, TRANSLITERATION, VARIANT)
FUZZY_LENGTH = 6  # shorter names differing by a letter are different names
_VOWELS = frozenset("aeiou")
_BEFORE = re.compile("|".join(map(re.escape, BEFORE_TRANSLITERATION)))
_WORDS = re.compile(r"[^\w']+")
_CLASSES = str.maketrans("bpdtfvcgklmnrsz", "112233444566788", "jh")
# A name's first sound, as a class of `_CLASSES` ("0": a vowel, "j" or "h").
_FIRST_CLASSES = str.maketrans("aeiouhjbpdtfvcgklmnrsz", "0000000112233444566788")


@dataclass(frozen=True)
class Word:
    text: str  # folded, as written
    spelling: str  # transliterated and respelled
    plain: str  # transliterated and respelled by the spelling rules only
    abjad: bool  # written in Arabic script: short vowels left out
    script: str

    @property
    def skeleton(self) -> str:
        return _skeleton(self.spelling)


def _script(text: str) -> str:
    letter = next((c for c in text if c.isalpha() and not c.isascii()), None)
    return unicodedata.name(letter, "LATIN").split()[0] if letter else "LATIN"


@cache
def word(text: str) -> Word:
    """One word of a name (particles joined: "al hassan" is one word)."""
    script = _script(text)
    abjad = script == "ARABIC"
    latin = _BEFORE.sub(lambda m: BEFORE_TRANSLITERATION[m[0]], text)
    latin = ARABIC_ARTICLE.sub("al", latin) if abjad else latin
    if abjad:  # alif and ain, transliterated as nothing or a mark, stand for vowels
        latin = "".join(_arabic_letter(c) for c in latin)
    letters = "".join(c for c in anyascii(latin).lower() if c.isalnum())
    if abjad:  # "و" and "ي" inside a word are long vowels
        letters = letters[:1] + re.sub("[wy]", "", letters[1:])
    return Word(fold(text), _respelled(letters), _respelled(letters, SPELLING), abjad, script)


def _arabic_letter(letter: str) -> str:
    latin = anyascii(letter)
    return "a" if letter.isalpha() and not any(c.isalpha() for c in latin) else latin


def _respelled(letters: str, only: str | None = None) -> str:
    for pattern, replacement, kind in RULES:
        if only is None or kind == only:
            letters = pattern.sub(replacement, letters)
    return letters


@cache
def _skeleton(spelling: str) -> str:
    consonants = re.sub(r"(.)\1+", r"\1", "".join(c for c in spelling if c not in _VOWELS))
    return consonants.removesuffix("h") if len(consonants) > 1 else consonants


@cache
def words(name: str | None, particles: bool = True) -> tuple[Word, ...]:
    """The words of a name, each particle joined to the word after it (given names have
    none: "Van" is a Vietnamese middle name)."""
    joined: list[str] = []
    pending = ""
    for part in _WORDS.split(fold(name or "")):
        part = part.strip("'")
        if not part:
            continue
        if particles and part in PARTICLES:
            pending += "al" if part in ARABIC_ARTICLES else part
            continue
        joined.append(pending + part)
        pending = ""
    if pending:
        joined.append(pending)
    return tuple(word(w) for w in joined)


def whole(name: str | None) -> Word | None:
    """A name as one word: "Richter-Klein" is "richterklein", "Al Hassan" "alhassan"."""
    parts = words(name)
    return word("".join(p.text for p in parts)) if parts else None


def agreement(a: Word, b: Word) -> str | None:
    """How two words are one name (a kind of `KINDS`), or None."""
    if a.text == b.text:
        return SAME
    across = a.script != b.script
    if a.abjad != b.abjad:  # one from Arabic script: its consonants decide
        return TRANSLITERATION if a.skeleton == b.skeleton else None
    if a.spelling == b.spelling:
        return TRANSLITERATION if across or a.plain != b.plain else SPELLING
    if b.spelling in VARIANT_OF.get(a.spelling, ()):
        return VARIANT
    if _one_letter_apart(a.spelling, b.spelling) and sound_key(a) == sound_key(b):
        return TRANSLITERATION if across else SPELLING
    return None


def _one_letter_apart(a: str, b: str) -> bool:
    """A letter added, dropped, swapped or another consonant, inside a long name; not a
    vowel for another ("Müller", "Möller") nor a different end ("Ivanov", "Ivanova")."""
    if min(len(a), len(b)) < FUZZY_LENGTH or a[0] != b[0] or a[-1] != b[-1]:
        return False
    if OSA.distance(a, b, score_cutoff=1) > 1:
        return False
    changes = Levenshtein.editops(a, b)
    if len(changes) == 1 and changes[0].tag == "replace":
        return not {a[changes[0].src_pos], b[changes[0].dest_pos]} <= _VOWELS
    return True


def sound_key(name: Word | str) -> str:
    """What every name agreeing with this one shares: how it begins (a vowel or a class
    of consonants) and its consonants by how they sound (stored as a contact's
    `family_sound`, and the blocks of the search for duplicates)."""
    found = name if isinstance(name, Word) else whole(name)
    if found is None:
        return ""
    first = found.spelling[:1].translate(_FIRST_CLASSES)
    classes = re.sub(r"(.)\1+", r"\1", found.skeleton.translate(_CLASSES))
    return first + classes if classes else f"={found.spelling}"


def weakest(kinds: list[str]) -> str:
    return max(kinds, key=KINDS.index)


INITIAL, MIDDLE_NAME = "initial", "middle name left out"


def family_agreement(a: str, b: str) -> str | None:
    first, second = whole(a), whole(b)
    return agreement(first, second) if first and second else None


def given_agreement(a: str | None, b: str | None) -> str | None:
    """How two given names are one: as words (`KINDS`), one an initial of the other
    (`INITIAL`), or one with a middle name the other leaves out (`MIDDLE_NAME`)."""
    first, second = words(a, particles=False), words(b, particles=False)
    if not first or not second:
        return None
    if min(len(first[0].text), len(second[0].text)) == 1:
        return INITIAL if first[0].spelling[:1] == second[0].spelling[:1] else None
    together = agreement(whole(a), whole(b))  # "Anna-Lena" / "Annalena"
    if together:
        return together
    if len(first) > len(second):
        first, second = second, first
    kinds = [agreement(x, y) for x, y in zip(first, second, strict=False)]
    if all(kinds) and len(first) == len(second):
        return weakest(kinds)
    if kinds[0] and all(any(agreement(x, y) for y in second) for x in first[1:]):
        return MIDDLE_NAME
    return None


def name_set(family: str, given: str | None) -> tuple[str, ...]:
    """The words of a whole name in any order: what a name and its reordering share."""
    found = [*words(family), *words(given, particles=False)]
    return tuple(sorted(w.spelling for w in found))


# The letters of the scripts a stored name may be in, by their first sound.
_LETTERS = [
    chr(c)
    for r in ((0x61, 0x7B), (0x3B1, 0x3CA), (0x430, 0x460), (0x621, 0x64B))
    for c in range(*r)
]


@cache
def _first_sound(text: str) -> str:
    return word(text).spelling[:1].translate(_FIRST_CLASSES) or "0"


def _letters_by_sound() -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for letter in _LETTERS:
        if letter.isalpha() and fold(letter) == letter:
            found.setdefault(_first_sound(letter), set()).add(letter)
    found.setdefault("3", set()).add("p")  # "Philipp" / "Filip"
    return {sound: frozenset(letters) for sound, letters in found.items()}


_BY_SOUND = _letters_by_sound()


# Each folded letter with the letters that fold to it, both cases ("o": o, O, ö, Ö, ...).
_FORMS: dict[str, set[str]] = {}
for _code in [*range(0x41, 0x250), *range(0x386, 0x3D0), *range(0x400, 0x460)]:
    if chr(_code).isalpha():
        _FORMS.setdefault(fold(chr(_code))[:1], set()).add(chr(_code))


def alike_initials(name: str) -> frozenset[str]:
    """The letters, in any script and either case, that a name agreeing with `name` may
    begin with, so that a database can narrow the search by a name's first letter
    ("Claudia": c, C, k, K, g, q, and their Cyrillic, Greek and Arabic counterparts)."""
    folded = fold(name).strip(" .-'")
    if not folded:
        return frozenset()
    letters = _BY_SOUND.get(_first_sound(folded), frozenset()) | {folded[0]}
    return frozenset(form for letter in letters for form in _FORMS.get(letter, {letter}))
