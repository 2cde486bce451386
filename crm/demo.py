"""Demo data: the stories of the source document (DOMAIN.md), to try the API with.

Organisations follow the source; every person is invented. Contacts at units of the
administration are recorded under its public task, everyone else with consent.
"""

import os
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.http.auth import create_api_key, hash_key
from crm.models import (
    Agreement,
    AgreementParty,
    ApiKey,
    Contact,
    Membership,
    Municipality,
    Partner,
    SteeringGroup,
    TargetGroup,
    Topic,
)
from crm.models.enums import (
    AgreementKind,
    AgreementStatus,
    ApiRole,
    LegalBasis,
    MembershipRole,
    PartyRole,
    Salutation,
    Sector,
    SteeringGroupKind,
)
from crm.text import fold

DEMO_KEY_NAME = "demo-admin"
INTERNAL, EXTERNAL = Sector.internal, Sector.external

# Landkreis Aurich: four towns (Städte) and eleven municipalities, two of them Samtgemeinden.
AURICH = {
    "Aurich": "Stadt", "Norden": "Stadt", "Norderney": "Stadt", "Wiesmoor": "Stadt",
    "Baltrum": "Gemeinde", "Dornum": "Gemeinde", "Großefehn": "Gemeinde",
    "Großheide": "Gemeinde", "Hinte": "Gemeinde", "Ihlow": "Gemeinde", "Juist": "Gemeinde",
    "Krummhörn": "Gemeinde", "Südbrookmerland": "Gemeinde",
    "Brookmerland": "Samtgemeinde", "Hage": "Samtgemeinde",
}  # fmt: skip
KIND_EN = {"Stadt": "town", "Gemeinde": "municipality", "Samtgemeinde": "joint municipality"}


class _Loader:
    """Creates rows in one session, looking vocabulary entries up by code."""

    def __init__(self, session: Session):
        self.session = session

    def add(self, record):
        self.session.add(record)
        return record

    def vocabulary(self, model: type, codes: str) -> list:
        wanted = codes.split()
        found = self.session.scalars(select(model).where(model.code.in_(wanted))).all()
        return sorted(found, key=lambda entry: wanted.index(entry.code))

    def partner(self, name: str, kind: str, sector: Sector, *, topics="", groups="", **fields):
        return self.add(
            Partner(
                name=name,
                kind=kind,
                sector=sector,
                topics=self.vocabulary(Topic, topics),
                target_groups=self.vocabulary(TargetGroup, groups),
                **fields,
            )
        )

    def contact(self, partner: Partner, name: str, function: str, salutation: Salutation):
        *given, family = name.split()
        title = given.pop(0) if given and given[0] == "Dr." else None
        self.session.flush()  # the partner's id
        legal = (
            {"legal_basis": LegalBasis.public_task}
            if partner.sector == INTERNAL
            else {
                "legal_basis": LegalBasis.consent,
                "consent_given_on": date(2018, 9, 3),
                "consent_source": "Schriftliche Einwilligung beim ersten Treffen",
            }
        )
        return self.add(
            Contact(
                salutation=salutation,
                title=title,
                given_name=" ".join(given),
                family_name=family,
                function=function,
                partner_id=partner.id,
                email=f"{fold(family)}@{_domain(partner)}.example",
                **legal,
            )
        )

    def membership(self, group, partner, contact, role, start, end=None, **fields):
        self.session.flush()
        return self.add(
            Membership(
                steering_group_id=group.id,
                partner_id=partner.id,
                contact_id=contact.id if contact else None,
                role=role,
                start_date=start,
                end_date=end,
                **fields,
            )
        )


def _domain(partner: Partner) -> str:
    name = fold(partner.short_name or partner.name)
    return "".join(c for c in name if c.isascii() and c.isalnum())[:20]


def load_demo_data(session: Session) -> None:
    """Add the demo stories. Flushes, never commits."""
    load = _Loader(session)
    _wittenberg(load)
    _trier(load)
    _lippe(load)
    _aurich(load)
    session.flush()


def load_demo_data_once(session: Session) -> bool:
    """Load the demo data into an empty database only; True if it did."""
    if session.scalar(select(Partner.id).limit(1)) is not None:
        return False
    load_demo_data(session)
    return True


def _wittenberg(load: _Loader) -> None:
    """Story 1: the Steuerungsgruppe "Willkommen bei Freunden", made permanent in 2018."""
    M, F = Salutation.mr, Salutation.ms
    unit = "administration_unit"
    town = {"town": "Lutherstadt Wittenberg", "postal_code": "06886"}

    def office(name, short, topics, groups="young_refugees_15_24"):
        return load.partner(name, unit, INTERNAL, short_name=short, topics=topics, groups=groups)

    leadership = office("Landkreis Wittenberg, Verwaltungsspitze", "LK WB Spitze", "")
    youth = office("Fachdienst Jugend und Schule", "FD Jugend", "school_education counselling")
    bureau = office("Bildungsbüro des Landkreises Wittenberg", "Bildungsbüro WB", "counselling")
    social = office("Fachdienst Soziales", "FD Soziales", "social_participation")
    health = office("Fachdienst Gesundheit", "FD Gesundheit", "health")
    asylum = office("Fachdienst Asyl- und Ausländerangelegenheiten", "FD Asyl", "interpreting")
    planning = office("Fachdienst Raumordnung und Regionalentwicklung", "FD Raumordnung", "")
    kausa = load.partner(
        "KAUSA Servicestelle Sachsen-Anhalt Ost", "service_point", EXTERNAL, short_name="KAUSA",
        topics="vocational_training vocational_orientation", groups="young_refugees_15_24",
    )  # fmt: skip
    jobcentre = load.partner(
        "Jobcenter Landkreis Wittenberg", "job_centre", EXTERNAL, short_name="Jobcenter WB",
        topics="labour_market language", groups="young_refugees_15_24 adults_past_school_age",
        **town,
    )  # fmt: skip
    agency = load.partner(
        "Agentur für Arbeit Dessau-Roßlau-Wittenberg", "employment_agency", EXTERNAL,
        short_name="AA Dessau", topics="vocational_orientation labour_market recognition",
        groups="young_refugees_15_24 adults_past_school_age",
    )  # fmt: skip
    advisers = load.partner(
        "Servicebüro „Willkommen bei Freunden“ Ost", "programme_advisor", EXTERNAL,
        short_name="WbF Ost", topics="social_participation", groups="young_refugees_15_24",
    )  # fmt: skip
    adult_ed = load.partner(
        "Kreisvolkshochschule Wittenberg", "education_provider", INTERNAL, short_name="KVHS",
        topics="language adult_education civic_education",
        groups="adults_past_school_age families", **town,
    )  # fmt: skip

    group = load.add(
        SteeringGroup(
            name="Steuerungsgruppe „Willkommen bei Freunden“",
            short_name="WbF",
            kind=SteeringGroupKind.steering_group,
            purpose="Begleitung junger Geflüchteter (15-24 Jahre) auf dem Weg in ein "
            "eigenständiges Erwachsenen- und Berufsleben; Doppelstrukturen vermeiden.",
            founded_on=date(2016, 4, 14),
            funding_programme="Bundesprogramm „Willkommen bei Freunden - Bündnisse für "
            "junge Flüchtlinge“ (bis Ende 2018)",
            topics=load.vocabulary(Topic, "vocational_orientation labour_market language"),
            target_groups=load.vocabulary(TargetGroup, "young_refugees_15_24"),
        )
    )
    start = date(2016, 4, 14)
    coordinator = load.contact(
        bureau, "Katharina Weißgerber", "Bildungskoordinatorin für Neuzugewanderte", F
    )
    for partner, name, function, salutation, role, since, until in (
        (leadership, "Dr. Henning Roßbach", "Stellvertretender Landrat", M,
         MembershipRole.chair, start, None),
        (youth, "Birgit Krüger-Feld", "Fachdienstleiterin", F, MembershipRole.member, start, None),
        (social, "Ulrich Sänger", "Fachdienstleiter", M, MembershipRole.member, start, None),
        (health, "Dr. Meike Ostermann", "Amtsärztin", F, MembershipRole.member, start, None),
        (asylum, "Tobias Wendland", "Sachgebietsleiter", M, MembershipRole.member, start, None),
        (planning, "Claudia Heßler", "Referentin Regionalentwicklung", F,
         MembershipRole.member, date(2016, 10, 1), None),
        (jobcentre, "Rainer Pöschel", "Teamleiter U25", M,
         MembershipRole.member, start, date(2017, 6, 30)),
        (jobcentre, "Nadine Brückner", "Teamleiterin U25", F,
         MembershipRole.member, date(2017, 7, 1), None),
        (agency, "Stefan Kaltofen", "Berufsberater", M, MembershipRole.member, start, None),
        (advisers, "Leonie Fahrenholz", "Kommunalberaterin", F,
         MembershipRole.advisor, start, date(2018, 12, 31)),
        (kausa, "Aylin Demirtaş", "Projektleiterin", F,
         MembershipRole.member, date(2017, 9, 1), None),
    ):  # fmt: skip
        contact = load.contact(partner, name, function, salutation)
        load.membership(group, partner, contact, role, since, until)
    # The coordinator sits in the group, then takes over its coordination.
    load.membership(
        group, bureau, coordinator, MembershipRole.member, date(2016, 11, 1), date(2018, 6, 30)
    )
    load.membership(group, bureau, coordinator, MembershipRole.coordinator, date(2018, 7, 1))
    load.session.flush()

    # Verstetigung: the programme ends in 2018; the district keeps the body and opens it
    # to more age groups, so the adult education centre joins.
    group.coordinating_partner_id = bureau.id
    group.coordinating_contact_id = coordinator.id
    group.funding_programme = (
        "Bundesprogramm „Willkommen bei Freunden“ (2016-2018); seit 2019 verstetigt, "
        "finanziert aus dem Haushalt des Landkreises"
    )
    group.purpose = (
        "Zentrale kommunale Steuerungsgruppe für Integration und Teilhabe Neuzugewanderter "
        "aller Altersgruppen; hervorgegangen aus dem Bündnis für junge Flüchtlinge (15-24)."
    )
    group.target_groups += load.vocabulary(TargetGroup, "adults_past_school_age families")
    group.notes = "Fortführung im Juni 2018 von der Verwaltungsspitze beschlossen."
    teacher = load.contact(adult_ed, "Martina Olbrich", "Fachbereichsleiterin Sprachen", F)
    load.membership(group, adult_ed, teacher, MembershipRole.member, date(2019, 2, 1))


def _trier(load: _Loader) -> None:
    """Story 2: the Kooperationsvereinbarung "Migrantenklasse 18+" with three parties."""
    school = load.partner(
        "Berufsbildende Schule am Moselufer Trier", "vocational_school", EXTERNAL,
        short_name="BBS Moselufer", town="Trier", postal_code="54290",
        topics="school_education vocational_orientation language",
        groups="adults_past_school_age young_refugees_15_24",
    )  # fmt: skip
    courses = load.partner(
        "Sprachinstitut Porta Nigra", "language_course_provider", EXTERNAL,
        short_name="SI Porta", town="Trier", postal_code="54292", languages=["de", "ar", "fa"],
        topics="language civic_education", groups="adults_past_school_age",
    )  # fmt: skip
    youth_office = load.partner(
        "Jugendamt der Stadt Trier", "administration_unit", INTERNAL, short_name="Jugendamt TR",
        town="Trier", postal_code="54290", topics="counselling social_participation",
        groups="young_refugees_15_24 unaccompanied_minors",
    )  # fmt: skip
    centre = load.partner(
        "Bildungs- und Medienzentrum der Stadt Trier", "administration_unit", INTERNAL,
        short_name="BMZ Trier", town="Trier", topics="counselling adult_education",
    )  # fmt: skip
    load.contact(
        centre, "Julia Kessler", "Bildungskoordinatorin für Neuzugewanderte", Salutation.ms
    )
    principal = load.contact(school, "Gerd Hallmann", "Schulleiter", Salutation.mr)
    director = load.contact(courses, "Elena Vasiliou", "Geschäftsführerin", Salutation.ms)
    head = load.contact(youth_office, "Ruth Bernarding", "Leiterin des Jugendamts", Salutation.ms)
    agreement = load.add(
        Agreement(
            title="Kooperationsvereinbarung „Migrantenklasse 18+“",
            reference_number="TR-40-2017-18PLUS",
            kind=AgreementKind.cooperation_agreement,
            status=AgreementStatus.active,
            signed_on=date(2017, 7, 12),
            valid_from=date(2017, 8, 1),
            notice_period_days=90,
            topics=load.vocabulary(Topic, "school_education language vocational_orientation"),
            target_groups=load.vocabulary(TargetGroup, "adults_past_school_age"),
            notes="Berufsschulklasse mit integriertem Integrationskurs für nicht mehr "
            "schulpflichtige Neuzugewanderte; sozialpädagogische Begleitung durch das Jugendamt.",
        )
    )
    load.session.flush()
    for partner, role, signatory, joined in (
        (school, PartyRole.lead, principal, date(2017, 8, 1)),
        (courses, PartyRole.party, director, date(2017, 8, 1)),
        (youth_office, PartyRole.party, head, date(2018, 2, 1)),
    ):
        load.add(
            AgreementParty(
                agreement_id=agreement.id,
                partner_id=partner.id,
                role=role,
                signatory_contact_id=signatory.id,
                joined_on=joined,
            )
        )


def _lippe(load: _Loader) -> None:
    """Story 3: the Netzwerk "Bildung & Sprache", with an external moderator."""
    early = "children_under_6 school_age parents"
    bildung = load.partner(
        "Kreis Lippe, Fachdienst Bildung", "administration_unit", INTERNAL, short_name="FD Bildung",
        town="Detmold", postal_code="32756", topics="language school_education", groups=early,
    )  # fmt: skip
    youth = load.partner(
        "Kreisjugendamt Lippe, Kita-Fachberatung", "administration_unit", INTERNAL,
        topics="early_childhood language", groups="children_under_6 parents",
    )  # fmt: skip
    kitas = load.partner(
        "Evangelischer Kita-Verbund Lippe", "welfare_association", EXTERNAL,
        topics="early_childhood language parental_involvement", groups="children_under_6 parents",
    )  # fmt: skip
    school = load.partner(
        "Grundschule am Lindenweg", "school", EXTERNAL, topics="school_education language",
        groups="school_age parents",
    )  # fmt: skip
    moderation = load.partner(
        "Büro für Prozessbegleitung Teutoburger Wald", "agency", EXTERNAL, topics="", groups=""
    )
    network = load.add(
        SteeringGroup(
            name="Netzwerk „Bildung & Sprache“",
            short_name="BUS",
            kind=SteeringGroupKind.network,
            purpose="Operativer Kern und Steuerungsgremium der Sprachbildung in Kita und "
            "Grundschule: gemeinsames Sprachbildungs- und Sprachförderkonzept, um den "
            "Sprachförderbedarf zu senken.",
            founded_on=date(2012, 9, 1),
            topics=load.vocabulary(Topic, "language early_childhood school_education"),
            target_groups=load.vocabulary(TargetGroup, early),
            notes="Aufbau über fünf Jahre; externe, von allen akzeptierte Moderation.",
        )
    )
    load.session.flush()
    network.coordinating_partner_id = bildung.id
    for partner, name, function, salutation, role in (
        (bildung, "Jens Hollenstein", "Leiter Fachdienst Bildung", Salutation.mr,
         MembershipRole.chair),
        (youth, "Sabine Brakemeier", "Kita-Fachberaterin", Salutation.ms, MembershipRole.member),
        (kitas, "Annette Vogelsang", "Verbundleitung", Salutation.ms, MembershipRole.member),
        (school, "Thomas Niemeier", "Schulleiter", Salutation.mr, MembershipRole.member),
    ):  # fmt: skip
        contact = load.contact(partner, name, function, salutation)
        load.membership(network, partner, contact, role, date(2012, 9, 1))
    moderator = load.contact(moderation, "Dr. Carla Brenneke", "Moderatorin", Salutation.ms)
    load.membership(
        network, moderation, moderator, MembershipRole.advisor, date(2013, 1, 15),
        voting_right=False, notes="Externe Moderation: alle Akteure gleichgestellt.",
    )  # fmt: skip


def _aurich(load: _Loader) -> None:
    """Story 4: a flat district; partners serve some of its towns and municipalities."""
    places = {place: _municipality(load, place, kind) for place, kind in AURICH.items()}

    def serving(*names):
        return [places[name] for name in names]

    unit = load.partner(
        "Landkreis Aurich, Koordinierungsstelle Migration und Teilhabe", "administration_unit",
        INTERNAL, short_name="KoMiT Aurich", town="Aurich", postal_code="26603",
        topics="counselling labour_market recognition", groups="adults_past_school_age families",
        municipalities=list(places.values()),
    )  # fmt: skip
    load.contact(unit, "Hauke Janssen", "Leiter der Koordinierungsstelle", Salutation.mr)
    for name, kind, topics, groups, served in (
        ("Bildungswerk Ostfriesland", "education_provider", "language adult_education",
         "adults_past_school_age women", ("Aurich", "Norden", "Wiesmoor", "Großefehn")),
        ("Jugendhilfe Küste gGmbH", "youth_work_provider", "social_participation counselling",
         "young_refugees_15_24 unaccompanied_minors",
         ("Norden", "Hage", "Großheide", "Dornum")),
        ("Ev.-luth. Kirchenkreis Aurich", "religious_community", "volunteering interpreting",
         "families", ("Aurich", "Ihlow", "Südbrookmerland", "Brookmerland")),
        ("Migrationsberatung Ostfriesland", "counselling_service", "counselling recognition",
         "adults_past_school_age", ("Aurich", "Norden", "Krummhörn", "Hinte")),
        ("Handwerkskammer für Ostfriesland", "chamber", "vocational_training recognition",
         "young_refugees_15_24", ("Aurich", "Norden", "Wiesmoor", "Großefehn", "Südbrookmerland")),
        ("Windpark-Service Wiesmoor GmbH", "employer", "vocational_training labour_market",
         "young_refugees_15_24", ("Wiesmoor", "Großefehn")),
        ("Inselhotels Norderney-Juist-Baltrum", "employer", "labour_market",
         "adults_past_school_age", ("Norderney", "Juist", "Baltrum")),
    ):  # fmt: skip
        load.partner(
            name, kind, EXTERNAL, topics=topics, groups=groups, municipalities=serving(*served)
        )


def _municipality(load: _Loader, place: str, kind_de: str) -> Municipality:
    code = place.lower().translate(str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}))
    existing = load.session.scalar(select(Municipality).where(Municipality.code == code))
    if existing is not None:
        return existing
    return load.add(
        Municipality(
            code=code,
            # As in official directories ("Aurich, Stadt"), so that they sort by place.
            label_de=f"{place}, {kind_de}",
            label_en=f"{place} ({KIND_EN[kind_de]})",
            description="Landkreis Aurich",
        )
    )


def ensure_demo_admin_key(session: Session, key_file: Path) -> str:
    """The plain demo admin key: the one in `key_file` if this database knows it, else a
    new one, written to `key_file` (mode 0600). Flushes; the caller commits."""
    if key_file.exists():
        plain = key_file.read_text().strip()
        known = select(ApiKey.id).where(
            ApiKey.key_hash == hash_key(plain), ApiKey.revoked_at.is_(None)
        )
        if plain and session.scalar(known) is not None:
            return plain
    # No file, or a key this database does not know (another DATABASE_URL, a revoked key).
    stale = session.scalar(select(ApiKey).where(ApiKey.name == DEMO_KEY_NAME))
    if stale is not None:
        session.delete(stale)
        session.flush()
    _, plain = create_api_key(session, DEMO_KEY_NAME, ApiRole.admin)
    _write_private(key_file, plain)
    return plain


def _write_private(key_file: Path, plain: str) -> None:
    descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(plain + "\n")
