"""Fixed enumerations, each value with its German and English label.

Vocabularies that administrators extend (topics, target groups, partner kinds,
municipalities) are tables, not enumerations: see `vocabulary.py`.
"""

from enum import StrEnum


class LabelledEnum(StrEnum):
    """A `StrEnum` whose members are declared as `value = ("Deutsch", "English")`."""

    def __new__(cls, value: str, label_de: str, label_en: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label_de = label_de
        member.label_en = label_en
        return member


class Sector(LabelledEnum):
    internal = "internal", "verwaltungsintern", "inside the administration"
    external = "external", "verwaltungsextern", "outside the administration"


class PartnerStatus(LabelledEnum):
    active = "active", "aktiv", "active"
    archived = "archived", "archiviert", "archived"


class ContactStatus(LabelledEnum):
    active = "active", "aktiv", "active"
    archived = "archived", "archiviert", "archived"


class LegalBasis(LabelledEnum):
    consent = "consent", "Einwilligung (Art. 6 Abs. 1 lit. a DSGVO)", "consent"
    contract = "contract", "Vertrag (Art. 6 Abs. 1 lit. b DSGVO)", "contract"
    public_task = (
        "public_task",
        "Öffentliche Aufgabe (Art. 6 Abs. 1 lit. e DSGVO)",
        "public task",
    )


class Salutation(LabelledEnum):
    ms = "ms", "Frau", "Ms"
    mr = "mr", "Herr", "Mr"
    none = "none", "keine Anrede", "no salutation"


class SteeringGroupKind(LabelledEnum):
    steering_group = "steering_group", "Steuerungsgruppe", "steering group"
    network = "network", "Netzwerk", "network"
    working_group = "working_group", "Arbeitskreis", "working group"
    round_table = "round_table", "Runder Tisch", "round table"
    committee = "committee", "Gremium", "committee"


class SteeringGroupStatus(LabelledEnum):
    active = "active", "aktiv", "active"
    dissolved = "dissolved", "aufgelöst", "dissolved"
    archived = "archived", "archiviert", "archived"


class MembershipRole(LabelledEnum):
    chair = "chair", "Vorsitz", "chair"
    deputy_chair = "deputy_chair", "stellvertretender Vorsitz", "deputy chair"
    coordinator = "coordinator", "Koordination", "coordinator"
    member = "member", "Mitglied", "member"
    advisor = "advisor", "beratendes Mitglied", "advisor"
    guest = "guest", "Gast", "guest"


class AgreementKind(LabelledEnum):
    cooperation_agreement = (
        "cooperation_agreement",
        "Kooperationsvereinbarung",
        "cooperation agreement",
    )
    framework_agreement = "framework_agreement", "Rahmenvereinbarung", "framework agreement"
    memorandum_of_understanding = (
        "memorandum_of_understanding",
        "Absichtserklärung",
        "memorandum of understanding",
    )
    service_contract = "service_contract", "Leistungsvertrag", "service contract"
    funding_contract = "funding_contract", "Zuwendungsvertrag", "funding contract"
    data_sharing_agreement = (
        "data_sharing_agreement",
        "Vereinbarung zum Datenaustausch",
        "data-sharing agreement",
    )


class AgreementStatus(LabelledEnum):
    draft = "draft", "Entwurf", "draft"
    in_negotiation = "in_negotiation", "in Verhandlung", "in negotiation"
    active = "active", "in Kraft", "active"
    expired = "expired", "ausgelaufen", "expired"
    terminated = "terminated", "gekündigt", "terminated"
    archived = "archived", "archiviert", "archived"


class PartyRole(LabelledEnum):
    lead = "lead", "federführend", "lead"
    party = "party", "Vertragspartei", "party"
    funder = "funder", "Fördermittelgeber", "funder"


class ApiRole(LabelledEnum):
    viewer = "viewer", "Lesen", "viewer"
    editor = "editor", "Bearbeiten", "editor"
    admin = "admin", "Verwalten", "admin"

    @property
    def rank(self) -> int:
        return list(ApiRole).index(self)


class AuditAction(LabelledEnum):
    create = "create", "angelegt", "created"
    update = "update", "geändert", "changed"
    archive = "archive", "archiviert", "archived"
    delete = "delete", "gelöscht", "deleted"
    erase = "erase", "personenbezogene Daten gelöscht (Art. 17 DSGVO)", "personal data erased"
    merge = "merge", "zusammengeführt", "merged"


class ActorKind(LabelledEnum):
    api_key = "api_key", "API-Schlüssel", "API key"
    user = "user", "Person (Anmeldung)", "signed-in person"
    system = "system", "System", "system"


PUBLISHED_ENUMS: dict[str, type[LabelledEnum]] = {
    "sector": Sector,
    "partner_status": PartnerStatus,
    "contact_status": ContactStatus,
    "legal_basis": LegalBasis,
    "salutation": Salutation,
    "steering_group_kind": SteeringGroupKind,
    "steering_group_status": SteeringGroupStatus,
    "membership_role": MembershipRole,
    "agreement_kind": AgreementKind,
    "agreement_status": AgreementStatus,
    "party_role": PartyRole,
    "api_role": ApiRole,
    "audit_action": AuditAction,
    "actor_kind": ActorKind,
}
