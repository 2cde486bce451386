"""seed vocabularies: partner kinds, topics and target groups from the source document

Revision ID: c41d0e5a9f21
Revises: be7147b3a4d3
Create Date: 2026-11-24 19:20:00
"""

import uuid
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "c41d0e5a9f21"
down_revision = "be7147b3a4d3"
branch_labels = None
depends_on = None

SEEDED_AT = datetime(2026, 11, 24)

PARTNER_KINDS = [
    ("chamber", "Kammer (IHK, Handwerkskammer)", "chamber"),
    ("association", "Verband", "association"),
    ("welfare_association", "Wohlfahrtsverband", "welfare association"),
    ("agency", "Agentur", "agency"),
    ("youth_work_provider", "Träger der Kinder- und Jugendarbeit", "youth work provider"),
    ("migrant_organisation", "Migrantenorganisation", "migrant organisation"),
    ("social_partner", "Sozialpartner (Gewerkschaft, Arbeitgeberverband)", "social partner"),
    ("religious_community", "Religionsgemeinschaft", "religious community"),
    ("volunteer_initiative", "Ehrenamtliche Initiative", "volunteer initiative"),
    ("registered_club", "Verein", "registered club"),
    ("education_provider", "Bildungsträger", "education provider"),
    ("language_course_provider", "Sprachkursträger (BAMF)", "language-course provider"),
    ("school", "Schule", "school"),
    ("vocational_school", "Berufsschule", "vocational school"),
    ("job_centre", "Jobcenter", "job centre"),
    ("employment_agency", "Agentur für Arbeit", "employment agency"),
    ("counselling_service", "Beratungsstelle", "counselling service"),
    ("employer", "Arbeitgeber, Unternehmen", "employer"),
    ("service_point", "Servicestelle (z. B. KAUSA)", "service point"),
    ("administration_unit", "Verwaltungseinheit (Fachdienst, Amt)", "unit of the administration"),
    ("programme_advisor", "Programmberatung", "programme adviser"),
]

TOPICS = [
    ("language", "Sprache und Sprachförderung", "language"),
    ("early_childhood", "Frühkindliche Bildung", "early childhood education"),
    ("school_education", "Schulische Bildung", "school education"),
    ("vocational_orientation", "Berufsorientierung", "vocational orientation"),
    ("vocational_training", "Ausbildung", "vocational training"),
    ("labour_market", "Arbeitsmarktintegration", "labour-market integration"),
    ("recognition", "Anerkennung ausländischer Abschlüsse", "recognition of qualifications"),
    ("higher_education", "Hochschulzugang", "access to higher education"),
    ("adult_education", "Erwachsenenbildung", "adult education"),
    ("civic_education", "Politische Bildung und Orientierung", "civic education"),
    ("counselling", "Bildungsberatung", "education counselling"),
    ("parental_involvement", "Elternarbeit", "parental involvement"),
    ("volunteering", "Ehrenamt", "volunteering"),
    ("health", "Gesundheit", "health"),
    ("social_participation", "Gesellschaftliche Teilhabe", "social participation"),
    ("interpreting", "Sprachmittlung", "interpreting"),
]

TARGET_GROUPS = [
    ("children_under_6", "Kinder bis 6 Jahre", "children under 6"),
    (
        "school_age",
        "Schulpflichtige Kinder und Jugendliche",
        "children and young people of school age",
    ),
    ("young_refugees_15_24", "Junge Geflüchtete (15-24 Jahre)", "young refugees (15-24)"),
    (
        "adults_past_school_age",
        "Erwachsene ab 18, nicht mehr schulpflichtig",
        "adults past school age (18+)",
    ),
    ("unaccompanied_minors", "Unbegleitete minderjährige Geflüchtete", "unaccompanied minors"),
    ("families", "Familien", "families"),
    ("parents", "Eltern", "parents"),
    ("women", "Frauen", "women"),
    ("academics", "Akademikerinnen und Akademiker", "university graduates"),
    ("professionals", "Fachkräfte und Ehrenamtliche", "professionals and volunteers"),
]

VOCABULARIES = {
    "partner_kinds": PARTNER_KINDS,
    "topics": TOPICS,
    "target_groups": TARGET_GROUPS,
}


def _fold(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _table(name: str) -> sa.Table:
    return sa.table(
        name,
        sa.column("id", sa.Uuid),
        sa.column("code", sa.String),
        sa.column("label_de", sa.String),
        sa.column("label_en", sa.String),
        sa.column("created_at", sa.DateTime),
        sa.column("updated_at", sa.DateTime),
        sa.column("version", sa.Integer),
        sa.column("search_text", sa.String),
        sa.column("sort_name", sa.String),
    )


def upgrade() -> None:
    for name, entries in VOCABULARIES.items():
        op.bulk_insert(
            _table(name),
            [
                {
                    "id": uuid.uuid5(uuid.NAMESPACE_URL, f"crm:{name}:{code}"),
                    "code": code,
                    "label_de": label_de,
                    "label_en": label_en,
                    "created_at": SEEDED_AT,
                    "updated_at": SEEDED_AT,
                    "version": 1,
                    "search_text": "\n".join(_fold(t) for t in (code, label_de, label_en)),
                    "sort_name": _fold(label_de),
                }
                for code, label_de, label_en in entries
            ],
        )


def downgrade() -> None:
    for name, entries in VOCABULARIES.items():
        table = _table(name)
        op.execute(table.delete().where(table.c.code.in_([code for code, _, _ in entries])))
