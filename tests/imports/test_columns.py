import pytest

from crm.errors import InvalidInput
from crm.imports.columns import map_columns
from crm.imports.kinds import KINDS
from crm.models.import_record import ImportResource

PARTNERS = KINDS[ImportResource.partners]


def mapped(headers, mapping=None, resource=ImportResource.partners):
    kind = KINDS[resource]
    columns, ignored = map_columns(headers, resource, kind.targets, mapping or {}, kind.required)
    return {column.header: column.target for column in columns}, ignored


def test_german_headers():
    columns, _ = mapped(["Einrichtung", "Art", "Sektor", "PLZ", "E-Mail", "Handlungsfelder"])
    assert columns == {
        "Einrichtung": "name",
        "Art": "kind",
        "Sektor": "sector",
        "PLZ": "postal_code",
        "E-Mail": "email",
        "Handlungsfelder": "topic_ids",
    }


def test_api_field_names_are_headers_too():
    columns, _ = mapped(["name", "kind", "sector", "short_name"])
    assert columns["short_name"] == "short_name"


def test_contact_headers_differ_from_partner_headers():
    columns, _ = mapped(
        ["Vorname", "Name", "Organisation", "Rechtsgrundlage"], resource=ImportResource.contacts
    )
    assert columns == {
        "Vorname": "given_name",
        "Name": "family_name",
        "Organisation": "partner_id",
        "Rechtsgrundlage": "legal_basis",
    }


def test_unknown_headers_are_ignored_and_named():
    _, ignored = mapped(["Name", "Art", "Sektor", "Lieblingsfarbe"])
    assert ignored == ["Lieblingsfarbe"]


def test_explicit_mapping_wins():
    columns, ignored = mapped(["Träger", "Art", "Sektor", "Ort"], {"Träger": "name", "Ort": None})
    assert (columns["Träger"], ignored) == ("name", ["Ort"])


def test_mapping_to_an_unknown_field_is_refused():
    with pytest.raises(InvalidInput) as refused:
        mapped(["Name", "Art", "Sektor"], {"Name": "colour"})
    assert list(refused.value.errors) == ["mapping.Name"]


def test_a_missing_required_column_is_refused():
    with pytest.raises(InvalidInput) as refused:
        mapped(["Name", "Ort"])
    assert set(refused.value.errors) == {"kind", "sector"}


def test_an_id_column_makes_required_columns_optional():
    columns, _ = mapped(["ID", "Telefon"])
    assert columns == {"ID": "id", "Telefon": "phone"}


def test_two_columns_for_one_field_are_refused():
    with pytest.raises(InvalidInput):
        mapped(["Name", "Einrichtung", "Art", "Sektor"])
