"""Organisation names reduced to comparable tokens, and how alike two of them are.

"Caritasverband Trier e.V.", "Caritas Trier" and "CARITASVERBAND f. d. Region Trier" all
reduce to the distinctive tokens `caritas` and `trier`: legal forms are dropped, umlauts
and ß folded, abbreviations expanded, compounds split off their generic part ("-verband"),
and generic words ("Verband", "Region") weigh little.
"""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache

from crm.text import fold

_E_V = re.compile(r"\be\.\s*v\.?(?=\W|$)")
# "(JMD)" after a name only restates it.
_PARENTHESISED_ACRONYM = re.compile(r"\(\s*\w{1,8}\s*\)")
_LEGAL_FORMS = frozenset(
    "ev ggmbh gmbh mbh ug gug haftungsbeschrankt ag gag kg ohg eg kdor kor co".split()
)
_STOPWORDS = frozenset(
    "der die das den dem des fur fuer und u f d im in am an auf von vom zu zum zur "
    "bei fuers furs the of and".split()
)
_ABBREVIATIONS = {
    "kath": "katholisch",
    "ev": "evangelisch",
    "evang": "evangelisch",
    "dt": "deutsch",
    "dtsch": "deutsch",
    "str": "strasse",
    "st": "sankt",
    "int": "international",
    "vhs": "volkshochschule",
    "kvhs": "kreisvolkshochschule",
    "awo": "arbeiterwohlfahrt",
    "drk": "deutsches rotes kreuz",
    "bamf": "bundesamt migration fluchtlinge",
    "ba": "bundesagentur arbeit",
    "aa": "agentur arbeit",
    "hwk": "handwerkskammer",
    "bbs": "berufsbildende schule",
}
# Generic parts of German organisation names: split off compounds, weighed lightly.
_GENERIC = (
    "verband verein werk zentrum stelle schule kammer amt dienst buro gesellschaft "
    "gemeinde kreis landkreis stadt region hilfe haus einrichtung initiative netzwerk "
    "beratung beratungsstelle bildung bildungs service fachdienst e lutherstadt hansestadt "
    "kreisstadt"
).split()
_GENERIC_SET = frozenset(_GENERIC)
_SPLITTABLE = tuple(sorted({g for g in _GENERIC if len(g) >= 4}, key=len, reverse=True))
_COMPOUND = re.compile(rf"^(?P<stem>\w{{3,}}?)(?P<generic>{'|'.join(_SPLITTABLE)})$")
GENERIC_WEIGHT = 0.3


@dataclass(frozen=True)
class Name:
    tokens: tuple[str, ...]
    acronyms: frozenset[str] = frozenset()
    # The tokens without the generic words; and what "IHK Trier" and "Industrie- und
    # Handelskammer Trier" have in common: the initials of their words, an acronym
    # standing for its letters, once with and once without the generic words ("DRK
    # Wittenberg", "DRK Kreisverband Wittenberg"). Both made by `named`.
    distinctive: tuple[str, ...] = ()
    initials: frozenset[str] = frozenset()


def named(tokens: tuple[str, ...], acronyms: frozenset[str] = frozenset()) -> Name:
    """A name of these tokens, with its distinctive tokens and initials worked out once
    (100,000 partners are parsed in one search for duplicates)."""
    distinctive = tuple(t for t in tokens if t not in _GENERIC_SET)

    def letters(word: str) -> str:
        return word if word in acronyms and len(word) <= 5 else word[0]

    every = "".join(map(letters, tokens))
    initials = frozenset({every, "".join(map(letters, distinctive))} - {""})
    return Name(tokens, acronyms, distinctive, initials)


_WORD_SEPARATORS = re.compile(r"[^\w]+")
_SPACES_AND_HYPHENS = re.compile(r"[\s-]+")


@cache
def parse(name: str) -> Name:
    text = name.casefold()
    # Both patterns need their punctuation: most names have none, and skip them.
    if "." in text:
        text = _E_V.sub(" ", text)
    if "(" in text:
        text = _PARENTHESISED_ACRONYM.sub(" ", text)
    words = [w for w in _WORD_SEPARATORS.split(text) if w]
    tokens: list[str] = []
    last = len(words) - 1
    for position, word in enumerate(words):
        tokens.extend(_word_tokens(word, position == last))
    # Words written in capitals are acronyms, unless the whole name is shouted.
    if name.isupper():
        return named(tuple(tokens))
    acronyms = {w.casefold() for w in _SPACES_AND_HYPHENS.split(name) if w.isupper()}
    return named(tuple(tokens), frozenset(acronyms))


@cache
def _word_tokens(word: str, last: bool) -> tuple[str, ...]:
    """One word's tokens; words repeat across names, so this is cached."""
    folded = fold(word).replace("ß", "ss")
    if folded in _LEGAL_FORMS and (folded != "ev" or last):
        return ()
    tokens: list[str] = []
    for part in _ABBREVIATIONS.get(folded, folded).split():
        if part not in _STOPWORDS and part.isalnum():
            tokens.extend(_split_compound(part))
    return tuple(tokens)


def _split_compound(word: str) -> list[str]:
    if word in _GENERIC_SET:
        return [word]
    compound = _COMPOUND.match(word)
    return [compound["stem"], compound["generic"]] if compound else [word]


def _weight(token: str) -> float:
    return GENERIC_WEIGHT if token in _GENERIC_SET else 1.0


@cache
def _token_similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if min(len(a), len(b)) >= 4 and (a.startswith(b) or b.startswith(a)):
        return 0.9
    shorter = min(len(a), len(b))
    common = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), shorter)
    if common >= 6 and common >= 0.7 * shorter:
        return 0.85  # the same stem: "diakonisches" and "diakonie"
    matcher = SequenceMatcher(None, a, b)
    if matcher.real_quick_ratio() < 0.85 or matcher.quick_ratio() < 0.85:
        return 0.0  # cheap upper bounds rule most pairs out
    ratio = matcher.ratio()
    return ratio if ratio >= 0.85 else 0.0


def _acronym_run(acronym: str, tokens: tuple[str, ...]) -> range | None:
    """The run of `tokens` whose initials spell `acronym` ("ihk": industrie handels kammer)."""
    if not 2 <= len(acronym) <= 5 or acronym in tokens:
        return None
    for start in range(len(tokens) - len(acronym) + 1):
        if "".join(t[0] for t in tokens[start : start + len(acronym)]) == acronym:
            return range(start, start + len(acronym))
    return None


def _expand_acronyms(tokens: tuple[str, ...], other: tuple[str, ...]) -> tuple[str, ...]:
    """Each acronym replaced by the run of the other name's tokens it abbreviates."""
    expanded: list[str] = []
    for token in tokens:
        run = _acronym_run(token, other)
        expanded.extend([other[i] for i in run] if run else [token])
    return tuple(expanded)


def _coverage(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[float, float]:
    """How much of `a`'s weight finds a counterpart in `b`, and `a`'s whole weight."""
    covered = total = 0.0
    for token in a:
        best = max((_token_similarity(token, other) for other in b), default=0.0)
        covered += _weight(token) * best
        total += _weight(token)
    return covered, total


def name_similarity(first: str, second: str) -> float:
    """0 (nothing in common) to 1 (the same name, give or take form and spelling)."""
    a, b = parse(first).tokens, parse(second).tokens
    if not a or not b:
        return 0.0
    a = _expand_acronyms(a, b)
    b = _expand_acronyms(b, a)
    covered_a, total_a = _coverage(a, b)
    covered_b, total_b = _coverage(b, a)
    return (covered_a + covered_b) / (total_a + total_b)
