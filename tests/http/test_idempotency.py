import uuid
from datetime import timedelta
from itertools import count

from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from crm.http import idempotency
from crm.models import IdempotentRequest, Partner
from crm.models.base import utcnow

_numbers = count(1)
KEY_VALUE = "5c0b6f9e-7d1a-4a55-9f0e-6b7c2d1e0a11"


def _partner() -> dict:
    return {"name": f"Caritasverband {next(_numbers)}", "kind": "chamber", "sector": "external"}


def _partners(session) -> int:
    return session.scalar(select(func.count()).select_from(Partner))


def test_a_repeat_returns_the_first_response_and_changes_nothing(client, session):
    body = _partner()
    first = client.post("/api/v1/partners", json=body, headers={"Idempotency-Key": KEY_VALUE})
    before = _partners(session)
    again = client.post("/api/v1/partners", json=body, headers={"Idempotency-Key": KEY_VALUE})
    assert (again.status_code, again.get_json()) == (201, first.get_json())
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _partners(session) == before


def test_the_same_key_with_another_body_is_a_422(client):
    client.post("/api/v1/partners", json=_partner(), headers={"Idempotency-Key": KEY_VALUE})
    response = client.post(
        "/api/v1/partners", json=_partner(), headers={"Idempotency-Key": KEY_VALUE}
    )
    assert response.status_code == 422
    assert response.get_json()["type"] == "urn:crm:problem:idempotency-key-reused"
    assert "Idempotency-Key" in response.get_json()["errors"]


def test_keys_are_each_callers_own(client, admin):
    client.post("/api/v1/partners", json=_partner(), headers={"Idempotency-Key": KEY_VALUE})
    assert (
        admin.post(
            "/api/v1/partners", json=_partner(), headers={"Idempotency-Key": KEY_VALUE}
        ).status_code
        == 201
    )


def test_a_refused_request_does_not_use_up_its_key(client):
    refused = client.post(
        "/api/v1/partners", json={"name": "ohne Art"}, headers={"Idempotency-Key": KEY_VALUE}
    )
    accepted = client.post(
        "/api/v1/partners", json=_partner(), headers={"Idempotency-Key": KEY_VALUE}
    )
    assert (refused.status_code, accepted.status_code) == (422, 201)


def test_a_malformed_key_is_a_400(client):
    response = client.post("/api/v1/partners", json=_partner(), headers={"Idempotency-Key": "a b"})
    assert response.status_code == 400
    assert "Idempotency-Key" in response.get_json()["errors"]


def _stored(session, actor: str, key: str, age: timedelta) -> uuid.UUID:
    record = IdempotentRequest(
        actor=actor, key=key, fingerprint="0" * 64, created_at=utcnow() - age
    )
    session.add(record)
    session.flush()
    return record.id


def test_storing_a_key_deletes_expired_ones(client, session):
    expired_id = _stored(session, "someone-else", "old", idempotency.KEEP + timedelta(minutes=1))
    client.post("/api/v1/partners", json=_partner(), headers={"Idempotency-Key": KEY_VALUE})
    session.expire_all()
    assert session.get(IdempotentRequest, expired_id) is None


def test_storing_a_key_keeps_the_ones_still_valid(client, session):
    fresh_id = _stored(session, "someone-else", "recent", idempotency.KEEP - timedelta(minutes=1))
    client.post("/api/v1/partners", json=_partner(), headers={"Idempotency-Key": KEY_VALUE})
    session.expire_all()
    assert session.get(IdempotentRequest, fresh_id) is not None


def test_the_purge_command_deletes_every_expired_key_and_only_those(app, session):
    expired = [
        _stored(session, "someone", f"old-{n}", idempotency.KEEP + timedelta(minutes=n + 1))
        for n in range(3)
    ]
    fresh_id = _stored(session, "someone", "recent", idempotency.KEEP - timedelta(minutes=1))
    session.commit()
    result = app.test_cli_runner().invoke(args=["crm", "idempotency", "purge"])
    assert result.output == "Deleted 3 expired Idempotency-Key(s).\n"
    session.expire_all()
    assert [session.get(IdempotentRequest, i) for i in expired] == [None] * 3
    assert session.get(IdempotentRequest, fresh_id) is not None


def test_a_keyed_write_commits_once_with_its_response(client, session):
    """The change, the key and the response in one commit: no moment in which the change
    is committed and its answer can still be lost."""
    client.get("/api/v1/partners")  # the key's first use is noted at once, on its own
    transactions = []

    def ended(_session, transaction):
        if transaction.parent is None:  # the request's own, not a savepoint within it
            transactions.append(transaction)

    event.listen(Session, "after_transaction_end", ended)
    try:
        response = client.post(
            "/api/v1/partners", json=_partner(), headers={"Idempotency-Key": KEY_VALUE}
        )
    finally:
        event.remove(Session, "after_transaction_end", ended)
    assert response.status_code == 201
    assert len(transactions) == 1
    stored = session.scalar(select(IdempotentRequest).where(IdempotentRequest.key == KEY_VALUE))
    assert (stored.status_code, stored.response_body) == (201, response.get_data(as_text=True))


def test_a_failed_commit_stores_neither_the_change_nor_the_key(client, session, monkeypatch):
    before = _partners(session)
    monkeypatch.setattr(Session, "commit", _lost_connection)
    failed = client.post("/api/v1/partners", json=_partner(), headers={"Idempotency-Key": "k-1"})
    monkeypatch.undo()
    assert failed.status_code == 500
    assert failed.mimetype == "application/problem+json"
    retried = client.post("/api/v1/partners", json=_partner(), headers={"Idempotency-Key": "k-1"})
    assert retried.status_code == 201
    assert _partners(session) == before + 1


def _lost_connection(_session):
    raise OperationalError("COMMIT", {}, ConnectionResetError("connection lost"))
