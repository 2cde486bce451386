"""Web addresses (a partner's `website`, a webhook's `url`): the contract publishes
`format: uri` and exactly the pattern the server checks."""

import pytest

from crm.http.fields import WEB_ADDRESS

PARTNERS = "/api/v1/partners"


def _partner(website: str) -> dict:
    return {"name": "Caritasverband Trier", "kind": "chamber", "sector": "external"} | {
        "website": website
    }


def test_an_address_with_port_path_query_and_fragment_is_accepted(client):
    website = "https://www.caritas-trier.de:8443/beratung/migration%20dienst?lang=de&x=1#kontakt"
    response = client.post(PARTNERS, json=_partner(website))
    assert (response.status_code, response.json["website"]) == (201, website)


@pytest.mark.parametrize(
    "website",
    [
        "www.caritas-trier.de",
        "ftp://caritas-trier.de/",
        "https://caritas-trier.de/beratung migration",
        "https://caritas-trier.de/träger",
        "https://caritas-trier.de/%zz",
        "https://caritas..de/",
        "https://caritas-trier.de/\n",
    ],
)
def test_an_address_outside_the_published_pattern_is_refused(client, website):
    response = client.post(PARTNERS, json=_partner(website))
    assert (response.status_code, list(response.json["errors"])) == (422, ["website"])


def test_a_webhook_receiver_is_checked_the_same_way(admin):
    body = {"url": "https://intranet.example.org/hooks/ä", "event_types": ["*"], "secret": "x" * 32}
    response = admin.post("/api/v1/webhooks", json=body)
    assert (response.status_code, list(response.json["errors"])) == (422, ["url"])


@pytest.mark.parametrize(("schema", "field"), [("Partner", "website"), ("Webhook", "url")])
def test_the_contract_states_the_rule_the_server_checks(client, schema, field):
    published = client.get("/api/v1/openapi.json").json["components"]["schemas"][schema]
    rule = published["properties"][field]
    assert (rule["format"], rule["pattern"]) == ("uri", WEB_ADDRESS)
