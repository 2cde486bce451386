"""Audit values as JSON, and blanking a person's data in the trail."""

import json
import uuid
from datetime import UTC, date, datetime

from sqlalchemy import select

from crm.models import AuditEvent
from crm.models.enums import MembershipRole
from crm.records.audit import as_json, erase_personal_data
from tests.factories import make_contact


def test_values_become_json_that_reads_back_unchanged():
    record_id = uuid.uuid4()
    values = {
        "start_date": date(2016, 5, 1),
        "signed_at": datetime(2017, 8, 1, 9, 30, tzinfo=UTC),
        "role": MembershipRole.chair,
        "partner_id": record_id,
        "external_ids": [{"scheme": "vereinsregister", "value": "VR 1234"}],
    }
    expected = {
        "start_date": "2016-05-01",
        "signed_at": "2017-08-01T09:30:00Z",
        "role": "chair",
        "partner_id": str(record_id),
        "external_ids": [{"scheme": "vereinsregister", "value": "VR 1234"}],
    }
    assert json.loads(json.dumps(as_json(values))) == expected


def _events_about(session, contact) -> list[AuditEvent]:
    session.expire_all()
    return session.scalars(select(AuditEvent).where(AuditEvent.data_subject_id == contact.id)).all()


def test_erasure_blanks_the_values_and_keeps_the_fields(client, session):
    contact = make_contact(session, email="a.schaefer@example.org")
    url = f"/api/v1/contacts/{contact.id}"
    client.patch(url, json={"email": "ayse@example.org"}, headers={"If-Match": '"v1"'})
    assert erase_personal_data(session, contact.id) == 1
    (event,) = _events_about(session, contact)
    assert event.changes == {"email": {"old": None, "new": None}}
    assert event.personal_data_erased_at is not None


def test_erasure_leaves_other_people_alone(client, session):
    erased, other = make_contact(session), make_contact(session)
    for contact in (erased, other):
        url = f"/api/v1/contacts/{contact.id}"
        client.patch(url, json={"function": "Koordination"}, headers={"If-Match": '"v1"'})
    erase_personal_data(session, erased.id)
    (event,) = _events_about(session, other)
    assert event.changes["function"]["new"] == "Koordination"
