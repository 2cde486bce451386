"""The benchmark's data generator, at a tiny scale: deterministic, and readable by the API."""

from sqlalchemy import func, select

from bench.generate import Generator, load, sizes
from crm.models import Contact, Membership, Partner

SCALE = 0.0002  # 20 partners, 100 contacts


def test_sizes_scale_down_from_the_full_set():
    assert (sizes(1)["partners"], sizes(SCALE)["partners"]) == (100_000, 20)


def test_same_seed_same_partners(connection):
    first, second = Generator(connection, sizes(SCALE), 9), Generator(connection, sizes(SCALE), 9)
    assert list(first.partners()) == list(second.partners())


def test_loads_every_table(connection, session):
    load(connection, scale=SCALE, seed=9)
    counted = [
        session.scalar(select(func.count()).select_from(m)) for m in (Partner, Contact, Membership)
    ]
    assert counted == [20, 100, 6]


def test_generated_partners_are_served_and_searchable(connection, session, client):
    load(connection, scale=SCALE, seed=9)
    town = session.scalars(select(Partner.town).order_by(Partner.id)).first()
    response = client.get("/api/v1/partners", query_string={"q": town.upper()})
    assert response.status_code == 200
    assert town in {partner["town"] for partner in response.json["data"]}
