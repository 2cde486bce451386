"""The `mapping` of an import: 'Header=field' items, published as a pattern; a malformed
one is refused naming the item (a 400, as for any bad query parameter), never a 500."""

import io

import pytest

from tests.imports.files import csv_bytes

CONTENT = csv_bytes("Träger;Art;Sektor", "Caritas Trier;Verband;intern")


def _import(client, mapping: list[str]):
    return client.post(
        "/api/v1/imports",
        query_string={"resource": "partners", "dry_run": "true", "mapping": mapping},
        data={"file": (io.BytesIO(CONTENT), "liste.csv")},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize("item", ["Träger", "=name", "  =name", "\x1f\u3000=name", "x" * 301])
def test_a_malformed_item_is_refused_naming_it(client, item):
    response = _import(client, ["Art=kind", item])
    assert (response.status_code, list(response.json["errors"])) == (400, ["mapping.1"])


@pytest.mark.parametrize("item", ["Träger=nam=e", "Träger=external_id:", "Träger=:", "Unbekannt="])
def test_an_item_that_does_not_fit_the_file_is_a_422(client, item):
    assert _import(client, [item]).status_code == 422


def test_a_header_holding_the_separator_is_read_up_to_the_last_one(client):
    content = csv_bytes("Name=Träger;Art;Sektor", "Caritas Trier;Verband;intern")
    response = client.post(
        "/api/v1/imports",
        query_string={"resource": "partners", "dry_run": "true", "mapping": "Name=Träger=name"},
        data={"file": (io.BytesIO(content), "liste.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
