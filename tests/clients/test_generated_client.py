"""A client generated from openapi/openapi.json by openapi-python-client, as another
municipal system would make it, drives the served API through a whole story."""

import importlib
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path

import pytest

SPEC = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"
GENERATOR = Path(sys.executable).parent / "openapi-python-client"
FEED = "changes.list_changes"
CREATE_PARTNER = "partners.create_partner"


@pytest.fixture(scope="session")
def generated(tmp_path_factory):
    """The client package, generated afresh (a few seconds), never committed."""
    if not GENERATOR.exists():
        pytest.fail(f"openapi-python-client is not installed at {GENERATOR}", pytrace=False)
    root = tmp_path_factory.mktemp("generated")
    config = root / "config.yml"
    config.write_text("post_hooks: []\n")
    subprocess.run(
        [GENERATOR, "generate", "--path", SPEC, "--output-path", root / "crm_client",
         "--meta", "none", "--config", config],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    sys.path.insert(0, str(root))
    try:
        yield lambda name: importlib.import_module(f"crm_client.{name}")
    finally:
        sys.path.remove(str(root))
        for module in [m for m in sys.modules if m.split(".")[0] == "crm_client"]:
            del sys.modules[module]


@pytest.fixture
def api(generated, served):
    client = generated("client").AuthenticatedClient(
        base_url=served.base_url, token=served.admin_key, raise_on_unexpected_status=True
    )
    with client as opened:
        yield opened


def _call(generated, module: str, **kwargs):
    """`_call(generated, "partners.create_partner", ...)`: the parsed response,
    which must not be a problem."""
    response = generated(f"api.{module}").sync_detailed(**kwargs)
    assert response.status_code < 300, response.content
    return response.parsed


def _feed_end(generated, api) -> str:
    return _call(generated, FEED, client=api, page_size=1000).next_cursor


def _follow(generated, api, cursor: str, expected: int, timeout: float = 60) -> list:
    """Changes after `cursor` to the end of the feed, once `expected` have come
    (PostgreSQL serves a change once every older transaction on the server has ended)."""
    changes, more, deadline = [], True, time.monotonic() + timeout
    while (more or len(changes) < expected) and time.monotonic() < deadline:
        page = _call(generated, FEED, client=api, cursor=cursor, page_size=3)
        changes += page.data
        cursor, more = page.next_cursor, page.has_more
        if not more and len(changes) < expected:
            time.sleep(0.25)  # a polite poll; the rate limit is 600 a minute
    return changes


def _partners(generated, api, names: list[str]) -> list:
    models = generated("models")
    created = []
    for name in names:
        body = models.Partner(name=name, kind="chamber", sector=models.PartnerSector.EXTERNAL)
        created.append(_call(generated, CREATE_PARTNER, client=api, body=body))
    return created


def test_a_generated_client_tells_the_whole_story(generated, api):
    models = generated("models")
    start = _feed_end(generated, api)
    suffix = uuid.uuid4().hex[:6]
    chamber, school, centre = _partners(
        generated, api, [f"IHK {suffix}", f"BBS {suffix}", f"Jobcenter {suffix}"]
    )
    group = _call(
        generated,
        "steering_groups.create_steering_group",
        client=api,
        body=models.SteeringGroup(
            name=f"Steuerungsgruppe {suffix}", kind=models.SteeringGroupKind.STEERING_GROUP
        ),
    )
    for partner, role in ((chamber, "CHAIR"), (school, "MEMBER")):
        _call(
            generated,
            "memberships.create_steering_group_membership",
            client=api,
            group_id=group.id,
            body=models.Membership(
                partner_id=partner.id,
                role=getattr(models.MembershipRole, role),
                start_date=date(2016, 5, 1),
            ),
        )
    agreement = _call(
        generated,
        "agreements.create_agreement",
        client=api,
        body=models.Agreement(
            title=f"Kooperationsvereinbarung {suffix}",
            kind=models.AgreementKind.COOPERATION_AGREEMENT,
            steering_group_id=group.id,
        ),
    )
    for partner in (chamber, centre):
        _call(
            generated,
            "parties.create_agreement_party",
            client=api,
            agreement_id=agreement.id,
            body=models.Party(partner_id=partner.id, role=models.PartyRole.PARTY),
        )

    members = _call(
        generated,
        "memberships.list_steering_group_memberships",
        client=api,
        group_id=group.id,
    )
    assert {m.partner_id for m in members.data} == {chamber.id, school.id}

    listed, page = [], 1
    while True:
        result = _call(
            generated, "partners.list_partners", client=api, q=suffix, page=page, page_size=2
        )
        listed += [p.id for p in result.data]
        if not result.links.next_:
            break
        page += 1
    assert (sorted(listed), page) == (sorted([chamber.id, school.id, centre.id]), 2)

    changes = _follow(generated, api, start, expected=9)
    assert [c.event_type for c in changes] == [
        *["partner.create"] * 3,
        "steering_group.create",
        *["membership.create"] * 2,
        "agreement.create",
        *["agreement_party.create"] * 2,
    ]
    assert changes[3].resource_id == group.id and changes[6].resource_id == agreement.id


def test_a_repeated_post_with_the_same_idempotency_key_creates_nothing(generated, api):
    models = generated("models")
    body = models.Partner(
        name=f"VHS {uuid.uuid4().hex[:6]}", kind="chamber", sector=models.PartnerSector.INTERNAL
    )
    key = str(uuid.uuid4())
    first, again = (
        _call(generated, "partners.create_partner", client=api, body=body, idempotency_key=key)
        for _ in range(2)
    )
    assert again.id == first.id
