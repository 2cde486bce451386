"""API keys: shown once, stored as a hash, revocable at once, expiring, and noting their
last use without writing on every request."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from crm.http.auth import create_api_key
from crm.models import ApiKey
from crm.models.base import utcnow
from crm.models.enums import ApiRole


@pytest.fixture
def cli(app, connection):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=["crm", "api-key", *args])


def test_create_prints_the_key_on_the_last_line(cli, anonymous):
    key = cli("create", "--name", "intranet", "--role", "viewer").output.splitlines()[-1]
    response = anonymous.get("/api/v1/partners", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200


def test_only_a_hash_is_stored(cli, session):
    key = cli("create", "--name", "intranet").output.splitlines()[-1]
    stored = session.scalars(select(ApiKey).where(ApiKey.name == "intranet")).one()
    assert key not in (stored.key_hash, stored.prefix)


def test_duplicate_name_is_refused(cli):
    cli("create", "--name", "intranet")
    result = cli("create", "--name", "intranet")
    assert (result.exit_code, "exists already" in result.output) == (1, True)


def test_list_shows_name_and_role(cli):
    cli("create", "--name", "dashboard", "--role", "editor")
    assert "dashboard\teditor" in cli("list").output


def test_revoked_key_stops_working_at_once(cli, anonymous):
    key = cli("create", "--name", "intranet").output.splitlines()[-1]
    cli("revoke", "intranet")
    response = anonymous.get("/api/v1/partners", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 401


def test_viewer_cannot_write(viewer):
    assert viewer.post("/api/v1/partners", json={}).status_code == 403


def test_editor_is_refused_admin_work(client):
    assert client.post("/api/v1/topics", json={}).status_code == 403


def test_expired_key_is_refused(session, anonymous):
    _, key = create_api_key(session, "old", ApiRole.viewer, expires_at=utcnow() - timedelta(1))
    response = anonymous.get("/api/v1/partners", headers={"Authorization": f"Bearer {key}"})
    assert (response.status_code, response.json["detail"]) == (401, "The API key has expired.")


def test_key_works_until_it_expires(session, anonymous):
    _, key = create_api_key(session, "new", ApiRole.viewer, expires_at=utcnow() + timedelta(1))
    response = anonymous.get("/api/v1/partners", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200


def test_create_with_expiry(cli, session):
    cli("create", "--name", "pilot", "--expires", "2099-06-30")
    stored = session.scalars(select(ApiKey).where(ApiKey.name == "pilot")).one()
    assert stored.expires_at == datetime(2099, 6, 30, tzinfo=UTC)


def test_expiry_in_the_past_is_refused(cli):
    result = cli("create", "--name", "pilot", "--expires", "2020-01-01")
    assert (result.exit_code, "future" in result.output) == (1, True)


def test_list_shows_expiry_and_last_use(cli, session):
    create_api_key(session, "pilot", ApiRole.viewer, expires_at=datetime(2099, 6, 30, tzinfo=UTC))
    assert "pilot\tviewer" in cli("list").output
    assert "active until 2099-06-30 00:00\tnever used" in cli("list").output


def _stored(session, name: str) -> ApiKey:
    session.expire_all()
    return session.scalars(select(ApiKey).where(ApiKey.name == name)).one()


def test_use_is_noted(session, anonymous):
    _, key = create_api_key(session, "intranet", ApiRole.viewer)
    anonymous.get("/api/v1/partners", headers={"Authorization": f"Bearer {key}"})
    assert _stored(session, "intranet").last_used_at is not None


def test_use_is_noted_at_most_once_a_minute(session, anonymous):
    _, key = create_api_key(session, "intranet", ApiRole.viewer)
    anonymous.get("/api/v1/partners", headers={"Authorization": f"Bearer {key}"})
    first = _stored(session, "intranet").last_used_at
    anonymous.get("/api/v1/partners", headers={"Authorization": f"Bearer {key}"})
    assert _stored(session, "intranet").last_used_at == first


def test_use_after_a_minute_is_noted_again(session, anonymous):
    api_key, key = create_api_key(session, "intranet", ApiRole.viewer)
    api_key.last_used_at = an_hour_ago = utcnow() - timedelta(hours=1)
    session.flush()
    anonymous.get("/api/v1/partners", headers={"Authorization": f"Bearer {key}"})
    assert _stored(session, "intranet").last_used_at > an_hour_ago


def test_noting_use_leaves_the_key_unchanged(session, anonymous):
    api_key, key = create_api_key(session, "intranet", ApiRole.viewer)
    version, updated_at = api_key.version, api_key.updated_at
    anonymous.get("/api/v1/partners", headers={"Authorization": f"Bearer {key}"})
    stored = _stored(session, "intranet")
    assert (stored.version, stored.updated_at) == (version, updated_at)
