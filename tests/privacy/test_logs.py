"""The logs of a run that creates, searches and erases contacts hold none of their names
or e-mail addresses, at every level, from every logger (the access log included)."""

import logging

import pytest

PEOPLE = [
    {"given_name": "Oksana", "family_name": "Hrytsenko", "email": "o.hrytsenko@example.org"},
    {"given_name": "Jürgen", "family_name": "Weißmüller", "email": "jw@verein-example.de"},
]


@pytest.fixture
def all_logs(caplog):
    """Everything logged at DEBUG, by every logger. Set up before the database connection,
    so that the engine logs its statements too; `crm` does not propagate, so it is caught
    directly."""
    caplog.set_level(logging.DEBUG)
    loggers = [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)]
    levels = {logger: logger.level for logger in loggers if isinstance(logger, logging.Logger)}
    for logger in levels:
        logger.setLevel(logging.DEBUG)
    crm_logger = logging.getLogger("crm")
    crm_logger.addHandler(caplog.handler)
    yield caplog
    crm_logger.removeHandler(caplog.handler)
    for logger, level in levels.items():
        logger.setLevel(level)


def test_no_names_or_e_mail_addresses_reach_the_logs(all_logs, client, admin):
    for person in PEOPLE:
        body = person | {"legal_basis": "public_task", "notes": f"Kontakt {person['email']}"}
        contact_id = client.post("/api/v1/contacts", json=body).json["id"]
        client.post("/api/v1/contacts/search", json={"q": person["family_name"]})
        client.get(f"/api/v1/contacts/{contact_id}")
        client.get(f"/api/v1/contacts/{contact_id}/personal-data")
        admin.post(f"/api/v1/contacts/{contact_id}/erasure")
        client.post("/api/v1/contacts", json={"family_name": person["family_name"]})  # 422
    logged = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in all_logs.records)
    assert "/api/v1/contacts/search" in logged  # the access log was caught
    assert "INSERT INTO contacts" in logged  # and the statements
    for person in PEOPLE:
        for value in person.values():
            assert value not in logged
