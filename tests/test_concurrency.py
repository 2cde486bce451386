"""Two PATCHes with the same ETag at the same moment: exactly one wins (PostgreSQL)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import delete, event
from sqlalchemy.orm import Session

from crm.http.auth import create_api_key
from crm.models import ApiKey, AuditEvent, ChangeEvent, Partner
from crm.models.enums import ApiRole, Sector


@pytest.fixture
def committed(app, engine):
    """A partner and a key committed for real, removed afterwards with what the winning
    write recorded about it."""
    if engine.dialect.name != "postgresql":
        pytest.skip("row locks and concurrent transactions are PostgreSQL's")
    with Session(engine) as session:
        partner = Partner(name="Streitfall", kind="chamber", sector=Sector.external)
        session.add(partner)
        api_key, plain = create_api_key(session, "concurrency-test", ApiRole.editor)
        session.commit()
        yield partner.id, plain
        for recorded in (AuditEvent, ChangeEvent):
            session.execute(delete(recorded).where(recorded.resource_id == partner.id))
        session.execute(delete(Partner).where(Partner.id == partner.id))
        session.execute(delete(ApiKey).where(ApiKey.id == api_key.id))
        session.commit()


def test_only_one_of_two_concurrent_patches_wins(app, committed):
    partner_id, key = committed
    # Both requests pass the If-Match check before either writes.
    both_checked = threading.Barrier(2, timeout=10)

    def wait_for_the_other(session, _context, _instances):
        if any(isinstance(o, Partner) for o in session.dirty):
            both_checked.wait()

    def patch(name):
        return app.test_client().patch(
            f"/api/v1/partners/{partner_id}",
            json={"name": name},
            headers={"If-Match": '"v1"', "Authorization": f"Bearer {key}"},
        )

    event.listen(Session, "before_flush", wait_for_the_other)
    try:
        with ThreadPoolExecutor(2) as pool:
            statuses = sorted(r.status_code for r in pool.map(patch, ["Erster", "Zweiter"]))
    finally:
        event.remove(Session, "before_flush", wait_for_the_other)
    assert statuses == [200, 412]
