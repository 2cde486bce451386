"""Every error is problem+json, including the framework's own."""

import pytest

from crm import create_app
from crm.database import db

PROBLEM = "application/problem+json"


def test_unknown_path_is_404_problem(client):
    response = client.get("/api/v1/nothing-here")
    assert (response.status_code, response.content_type) == (404, PROBLEM)


def test_wrong_method_is_405_problem(client):
    response = client.put("/api/v1/partners", json={})
    assert (response.status_code, response.content_type) == (405, PROBLEM)


def test_unknown_query_parameter_is_400_naming_it(client):
    response = client.get("/api/v1/partners?colour=blue")
    assert (response.status_code, response.json["errors"]) == (400, {"colour": ["Unknown field."]})


def test_page_size_over_100_is_400(client):
    response = client.get("/api/v1/partners?page_size=101")
    assert (response.status_code, list(response.json["errors"])) == (400, ["page_size"])


def test_malformed_json_is_400(client):
    response = client.post(
        "/api/v1/partners", data="{not json", headers={"Content-Type": "application/json"}
    )
    assert (response.status_code, response.content_type) == (400, PROBLEM)


def test_body_that_is_not_json_is_415(client):
    response = client.post("/api/v1/partners", data="name=x", content_type="text/plain")
    assert (response.status_code, response.content_type) == (415, PROBLEM)


def test_body_over_the_limit_is_413(client):
    response = client.post("/api/v1/partners", json={"notes": "x" * (1024 * 1024 + 1)})
    assert (response.status_code, response.content_type) == (413, PROBLEM)


@pytest.fixture
def failing_client(database_url):
    app = create_app({"DATABASE_URL": database_url, "TESTING": True})

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals: SELECT * FROM contacts")

    yield app.test_client()
    db.dispose(app)


def test_unexpected_error_is_500_problem_without_internals(failing_client):
    response = failing_client.get("/boom")
    assert (response.status_code, response.content_type) == (500, PROBLEM)
    assert b"secret internals" not in response.data
    assert b"Traceback" not in response.data


def test_problem_carries_the_request_id(client):
    response = client.get("/api/v1/nothing-here", headers={"X-Request-ID": "abc-123"})
    assert response.json["request_id"] == "abc-123"
