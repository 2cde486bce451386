"""Which column of a list holds which field: German or English headers as spreadsheets
name them ("PLZ", "E-Mail", "Vorname", "Handlungsfelder"), the API's own field names, and
an explicit mapping that overrides both (`{"Träger": "name", "Intern?": ""}`: an empty
target ignores the column).

Headers are compared folded and without punctuation: "E-Mail", "e_mail" and "EMAIL" are
the same header.
"""

import re
from dataclasses import dataclass

from crm.errors import InvalidInput
from crm.models.import_record import ImportResource
from crm.text import fold

# A partner's external id, with the scheme after a colon: "external_id:vereinsregister".
EXTERNAL_ID = "external_id"


def _aliases(**targets: str) -> dict[str, str]:
    """`name="organisation einrichtung"` -> {"organisation": "name", ...}."""
    return {alias: target for target, words in targets.items() for alias in words.split()}


COMMON = _aliases(
    id="id uuid crmid",
    email="email mail emailadresse emailaddress",
    phone="telefon tel telefonnummer phone telephone festnetz",
    notes="notizen notiz bemerkung bemerkungen anmerkung anmerkungen kommentar notes comment",
    status="status",
)
PARTNER_NAMES = "organisation organization einrichtung institution partner traeger trager firma"
ALIASES: dict[ImportResource, dict[str, str]] = {
    ImportResource.partners: COMMON
    | _aliases(
        name=f"name partnername kooperationspartner akteur bezeichnung {PARTNER_NAMES}",
        short_name="kurzname kurzbezeichnung kuerzel kurzel abkuerzung abkurzung abbreviation",
        kind="art typ partnerart kategorie type category",
        sector="sektor bereich",
        street="strasse str street adresse anschrift address",
        postal_code="plz postleitzahl postalcode postcode zip zipcode",
        town="ort stadt town city",
        website="website webseite homepage internet internetseite url web",
        languages="sprachen languages",
        topic_ids="handlungsfelder handlungsfeld themen thema themenschwerpunkte topics topic",
        target_group_ids="zielgruppen zielgruppe targetgroups targetgroup",
        municipality_ids="gemeinden kommunen municipalities einzugsgebiet",
        external_id="externeid externalid fremdschluessel fremdschlussel kennung",
    )
    | {
        alias: f"{EXTERNAL_ID}:register"
        for alias in "registernummer registernumber vereinsregister vereinsregisternummer "
        "vrnummer handelsregister".split()
    },
    ImportResource.contacts: COMMON
    | _aliases(
        salutation="anrede salutation",
        title="titel akademischergrad",
        given_name="vorname firstname",
        family_name="nachname familienname name surname lastname",
        function="funktion position stellung jobtitle function",
        partner_id=f"{PARTNER_NAMES} arbeitgeber company employer",
        mobile="mobil handy mobiltelefon mobile cell",
        preferred_language="sprache bevorzugtesprache language",
        legal_basis="rechtsgrundlage",
        consent_given_on="einwilligungam einwilligungsdatum consentdate",
        consent_source="einwilligungsquelle consentquelle",
        review_on="wiedervorlage pruefenam prufenam",
    ),
    ImportResource.memberships: COMMON
    | _aliases(
        steering_group_id="gremium steuerungsgruppe netzwerk arbeitskreis gruppe steeringgroup "
        "group",
        partner_id=PARTNER_NAMES,
        contact_id="ansprechperson kontakt vertreter vertreterin mitglied contact person",
        deputy_contact_id="stellvertretung vertretung stellvertreter stellvertreterin deputy",
        role="rolle funktion role",
        voting_right="stimmrecht stimmberechtigt",
        start_date="beginn seit von eintritt mitgliedseit start",
        end_date="ende bis austritt end",
    ),
}
# What identifies an existing record, so that a row may update it without the fields a
# new record needs.
IDENTIFYING = ("id", EXTERNAL_ID)


@dataclass(frozen=True)
class Column:
    index: int
    header: str
    target: str  # a field of the resource's schema, "id", or "external_id[:scheme]"

    @property
    def field(self) -> str:
        return self.target.partition(":")[0]


def parse_mapping_item(item: str) -> tuple[str, str | None]:
    """`Träger=name` -> ("Träger", "name"); `Intern=` -> ("Intern", None): ignored."""
    header, separator, target = item.rpartition("=")
    if not separator or not header.strip():
        raise ValueError("Write it as 'Header=field', e.g. 'Träger=name'.")
    return header.strip(), target.strip() or None


def normalized(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(header))


def map_columns(
    headers: list[str],
    resource: ImportResource,
    targets: set[str],
    mapping: dict[str, str | None],
    required: set[str],
) -> tuple[list[Column], list[str]]:
    """The columns to read, and the headers ignored. `targets` are the fields a row may
    set; `required`, the fields a new record needs."""
    errors = _mapping_errors(headers, targets, mapping)
    if errors:
        raise InvalidInput("The mapping does not fit the file.", errors=errors)
    aliases = ALIASES[resource] | {normalized(t): t for t in targets}
    columns, ignored, seen = [], [], {}
    for index, header in enumerate(headers):
        header = header.strip()
        target = mapping[header] if header in mapping else aliases.get(normalized(header))
        if not target:
            ignored.append(header)
        elif target in seen:
            errors[header] = [f"Both '{seen[target]}' and '{header}' would fill '{target}'."]
        else:
            seen[target] = header
            columns.append(Column(index, header, target))
    fields = {column.field for column in columns}
    if not fields & set(IDENTIFYING):
        for missing in sorted(required - fields):
            errors[missing] = [f"No column holds the required field '{missing}'."]
    if errors:
        raise InvalidInput("The columns of the file cannot be mapped to fields.", errors=errors)
    return columns, ignored


def _mapping_errors(
    headers: list[str], targets: set[str], mapping: dict[str, str | None]
) -> dict[str, list[str]]:
    present = {header.strip() for header in headers}
    errors = {}
    for header, target in mapping.items():
        field = (target or "").partition(":")[0]
        if header not in present:
            errors[f"mapping.{header}"] = ["The file has no column with this header."]
        elif target and field not in targets:
            errors[f"mapping.{header}"] = [f"'{target}' is not a field that can be imported."]
    return errors
