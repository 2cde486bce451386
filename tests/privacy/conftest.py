"""Contacts made through the API, as the features that protect their data see them."""

import uuid

import pytest

from crm.models import Contact

CONSENT = {
    "given_name": "Ayşe",
    "family_name": "Schäfer",
    "email": "a.schaefer@example.org",
    "legal_basis": "consent",
    "consent_given_on": "2025-05-02",
    "consent_source": "Formular bei der Sitzung",
    "consent_purposes": ["cooperation", "reports"],
    "consent_text_version": "2025-01",
}


@pytest.fixture
def consenting(client, session) -> Contact:
    """A contact who consented, created through the API."""
    response = client.post("/api/v1/contacts", json=CONSENT)
    assert response.status_code == 201, response.json
    return session.get(Contact, uuid.UUID(response.json["id"]))


def withdraw(client, contact_id):
    return client.post(f"/api/v1/contacts/{contact_id}/consent/withdrawal")


def erase(admin, contact_id):
    return admin.post(f"/api/v1/contacts/{contact_id}/erasure")
