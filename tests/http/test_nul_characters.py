"""Text with a NUL character is refused, naming the field, before it reaches the
database (PostgreSQL can neither store nor compare it)."""


def test_a_body_with_a_nul_character_is_a_422(client):
    body = {"name": "Caritas\u0000", "kind": "chamber", "sector": "external"}
    response = client.post("/api/v1/partners", json=body)
    assert response.status_code == 422
    assert "name" in response.get_json()["errors"]


def test_a_query_with_a_nul_character_is_a_400(client):
    response = client.get("/api/v1/partners", query_string={"q": "Cari\x00tas"})
    assert response.status_code == 400
    assert "q" in response.get_json()["errors"]
