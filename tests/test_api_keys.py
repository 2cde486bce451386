"""API keys from the command line: shown once, stored as a hash, revocable at once."""

import pytest
from sqlalchemy import select

from crm.models import ApiKey


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
