"""What this project knows about how people's names are written, and no library does.

Transliteration itself (Cyrillic, Greek, Arabic, Vietnamese, Turkish letters into Latin) is
anyascii's; this module holds the rest, in one place: how German and English conventions
spell one Cyrillic name differently ("Schewtschenko", "Shevchenko"), the letters German
lists write out ("ue" for "ü"), the particles written together or apart ("Al-Hassan",
"Alhassan"), and the spellings of common given names that differ in their vowels
("Mohammed", "Muhammad"), which no rule can tell from different names ("Hassan",
"Hussein"). `crm.matching.people` applies them.
"""

import re

# Before transliterating: letter pairs that anyascii takes one letter at a time.
BEFORE_TRANSLITERATION = {
    # Greek omicron-upsilon is "ou": "Papadopoulos", not "Papadopoylos"
    "\u03bf\u03c5": "ou",
    "\u039f\u03c5": "Ou",
    "\u039f\u03a5": "OU",
}
# The Arabic article "ال" at the start of a word: transliterated, it loses its alif.
ARABIC_ARTICLE = re.compile(r"(?<!\S)ال")

# After transliterating, in this order, on lower-case ASCII letters: each rule makes two
# spellings of one name the same. The transliteration rules: German transliteration of
# Cyrillic writes "sch", "tsch", "w", "j", "s", "ch" where English writes "sh", "ch", "v",
# "y", "z", "kh". The spelling rules: German lists write "ue" for "ü"; "ph", "th", "ck",
# "c" before a dark vowel, "x", "ou", doubled letters, "ei"/"ai"/"ey"/"ay" and a final "d"
# are spelling, not sound.
TRANSLITERATION, SPELLING = "transliteration", "spelling variant"
RULES: tuple[tuple[re.Pattern[str], str, str], ...] = tuple(
    (re.compile(pattern), replacement, kind)
    for pattern, replacement, kind in (
        (r"dsch|dzh", "j", TRANSLITERATION),  # "Dschamal" / "Dzhamal" / "Jamal"
        (r"dj", "d", SPELLING),  # "Djordjevic" / "Đorđević" (anyascii: "Dordevic")
        (r"tsch|tch", "ch", TRANSLITERATION),  # "Schewtschenko" / "Shevchenko"
        (r"sch|zh", "sh", TRANSLITERATION),  # "Schukow" / "Zhukov"
        (r"kh", "ch", TRANSLITERATION),  # "Chruschtschow" / "Khrushchev"
        (r"ts|tz", "z", TRANSLITERATION),  # "Zoi" / "Tsoi"
        (r"ph", "f", SPELLING),
        (r"th", "t", SPELLING),
        (r"ck", "k", SPELLING),
        (r"c(?=[aoulr])", "k", SPELLING),  # "Claudia" / "Klaudia"
        (r"x", "ks", SPELLING),  # "Alexander" / "Aleksandr"
        (r"q", "k", SPELLING),
        (r"w", "v", TRANSLITERATION),  # "Iwanow" / "Ivanov"
        (r"ue", "u", SPELLING),  # "Mueller" / "Müller" (anyascii: "Muller")
        (r"oe", "o", SPELLING),
        (r"ae", "a", SPELLING),
        (r"ou|oo", "u", SPELLING),  # "Youssef" / "Yusuf"
        (r"ee", "i", SPELLING),  # "Jameel" / "Jamil"
        (r"(?<=[aeiou])j$", "i", TRANSLITERATION),  # "Sergej" / "Sergey", "Nikolaj"
        (r"[ae][iy]", "ei", SPELLING),  # "Meier", "Maier", "Meyer"; "Hussain" / "Hussein"
        (r"i[jy]$", "i", TRANSLITERATION),  # "Jurij", "Yuriy", "Juri"
        (r"y$", "i", TRANSLITERATION),  # "Tsoy" / "Zoi"
        (r"y", "j", TRANSLITERATION),  # "Jelena" / "Yelena"
        (r"dt", "t", SPELLING),  # "Schmidt" / "Schmitt"
        (r"d$", "t", SPELLING),  # "Ahmed" / "Ahmet"
        (r"([a-z])\1+", r"\1", SPELLING),  # "Hoffmann" / "Hofmann", "Yussuf" / "Yusuf"
    )
)

# Words joined to the word after them: "Al Hassan", "Al-Hassan" and "Alhassan" are one
# name; the Arabic article is written "al", "el" or "ul".
ARABIC_ARTICLES = frozenset({"al", "el", "ul"})
PARTICLES = ARABIC_ARTICLES | frozenset(
    "abu bin ibn ben bint van von de der den da di du la le ten ter zu dos das del".split()
)

# Spellings (after RULES) of one given name that differ in their vowels; each
# group shares its consonants, so that the family-name key blocks them together.
NAME_VARIANTS: tuple[frozenset[str], ...] = tuple(
    frozenset(group.split())
    for group in (
        "mohamet muhamat mohamat muhamet mohamet mohamat mahamat",
        "ahmet ahmat",
        "mahmut mahmat",
        "jusuf jusef",
        "fatima fatma fatime",
        "mustafa mostafa mustefa",
        "osman usman",
        "omar umar omer",
        "abdul abdel abdal",
        "abdulah abdelah abdalah",
        "husein hosein",
        "ibrahim ebrahim ibrahem",
        "ismeil esmeil",  # "Ismail", "Esmail"
        "jakub jakob",
    )
)
VARIANT_OF = {spelling: group for group in NAME_VARIANTS for spelling in group}
