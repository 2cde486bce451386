"""Word lists for the bench data: German organisations, places and people.

A state-wide list mixes the usual German family names with those of the communities that
migrant organisations and language-course providers come from.
"""

import random

from crm.text import fold

UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})

ORGANISATIONS = [
    ("Caritasverband", "welfare_association"), ("Diakonisches Werk", "welfare_association"),
    ("AWO Kreisverband", "welfare_association"), ("DRK Kreisverband", "welfare_association"),
    ("Sprachschule", "language_course_provider"), ("Sprachinstitut", "language_course_provider"),
    ("Kulturverein", "migrant_organisation"), ("Elternverein", "migrant_organisation"),
    ("Deutsch-Syrischer Verein", "migrant_organisation"), ("Frauenverein", "registered_club"),
    ("Jugendmigrationsdienst", "counselling_service"),
    ("Migrationsberatung", "counselling_service"),
    ("Volkshochschule", "education_provider"), ("Bildungswerk", "education_provider"),
    ("Berufsbildende Schule", "vocational_school"), ("Grundschule", "school"),
    ("Gesamtschule", "school"), ("Flüchtlingshilfe", "volunteer_initiative"),
    ("Integrationslotsen", "volunteer_initiative"), ("Sportverein", "registered_club"),
    ("Förderverein", "registered_club"), ("Moschee-Gemeinde", "religious_community"),
    ("Kirchengemeinde", "religious_community"), ("Stadtteilzentrum", "youth_work_provider"),
    ("Jugendhaus", "youth_work_provider"), ("Jobcenter", "job_centre"),
    ("Agentur für Arbeit", "employment_agency"), ("Handwerkskammer", "chamber"),
    ("Industrie- und Handelskammer", "chamber"), ("Fachdienst Jugend und Schule",
    "administration_unit"), ("Ausländerbehörde", "administration_unit"),
    ("Bildungsbüro", "administration_unit"), ("Servicestelle KAUSA", "service_point"),
    ("Bäckerei", "employer"), ("Pflegedienst", "employer"), ("DGB Region", "social_partner"),
]  # fmt: skip
WORDS = [
    "Regenbogen", "Brücke", "Lichtblick", "Miteinander", "Horizont", "Zukunft", "Sonnenschein",
    "Vielfalt", "Begegnung", "Heimat", "Aufbruch", "Perspektive", "Kompass", "Anker", "Babylon",
    "Sankt Martin", "Sankt Josef", "Lingua", "Mosaik", "Nachbarschaft", "Weltoffen", "Öffnung",
]  # fmt: skip
LEGAL_FORMS = ["", "", " e.V.", " gGmbH", " GmbH"]
STREETS = [
    "Hauptstraße", "Bahnhofstraße", "Schulstraße", "Gartenstraße", "Kirchstraße", "Ringstraße",
    "Lindenallee", "Am Markt", "Mühlenweg", "Goethestraße", "Schillerstraße", "Große Straße",
]  # fmt: skip
GIVEN_NAMES = [
    "Anna", "Maria", "Katrin", "Jürgen", "Jörg", "Sabine", "Thomas", "Michael", "Stefanie",
    "Andreas", "Birgit", "Frank", "Ute", "Lukas", "Lea", "Jonas", "Sophie", "Björn", "Gülşen",
    "Ahmad", "Fatima", "Mehmet", "Ayşe", "Olena", "Dmytro", "Agnieszka", "Tomasz", "Amira",
    "Yusuf", "Nadia", "Élodie", "Hüseyin", "Zeynep", "Omar", "Layla", "Renée", "Søren",
]  # fmt: skip
FAMILY_NAMES = [
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
    "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann",
    "Schwarz", "Zimmermann", "Braun", "Krüger", "Hartmann", "Lange", "Werner", "Krause",
    "Lehmann", "Köhler", "König", "Weiß", "Jung", "Hahn", "Vogel", "Günther", "Yılmaz", "Kaya",  # noqa: RUF001
    "Demir", "Şahin", "Öztürk", "Nowak", "Kowalski", "Haddad", "Al-Hassan", "Popescu", "Petrenko",
]  # fmt: skip
FUNCTIONS = [
    "Geschäftsführung", "Integrationsbeauftragte", "Sachbearbeitung", "Koordination",
    "Fachbereichsleitung", "Sozialarbeit", "Kursleitung", "Vorstand", "Ehrenamtskoordination",
]  # fmt: skip
LANGUAGES = ["de", "en", "ar", "tr", "fa", "ru", "uk", "pl", "ro", "ti", "ku", "prs"]


def town(rng: random.Random) -> str:
    """An invented German place name: "Ober Lübenfeld", "Bad Hirodorf"."""
    prefixes = ["Bad", "Nord", "Süd", "Ober", "Unter", "Neu", "Alt", "Groß", "Klein", "Sankt"]
    roots = ["hausen", "heim", "dorf", "burg", "feld", "stedt", "rode", "bach", "furt", "ingen"]
    stem = "".join(rng.choice("bdfghklmnprstw") + rng.choice("aeiouäöü") for _ in range(2))
    return f"{rng.choice(prefixes)} {stem.capitalize()}{rng.choice(roots)}"


def ascii_slug(text: str) -> str:
    """For e-mail addresses and web sites: "Jürgen Groß" -> "juergen-gross"."""
    spelled = fold(text.lower().translate(UMLAUTS)).replace(" ", "-")
    return "".join(c for c in spelled if c.isascii() and (c.isalnum() or c == "-"))
