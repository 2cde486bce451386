"""Every operation of the published contract, called without credentials and with each
role: 401 without, 403 below the role it needs, an ordinary answer from that role on.

The table below names the least role for every operation in `openapi/openapi.json`. An
operation missing from it fails the walk: decide who may call a new endpoint, then add
it here."""

import json
from pathlib import Path

import pytest

from crm.models.enums import ApiRole
from tests.factories import MISSING_ID

SPEC = Path(__file__).resolve().parent.parent / "openapi" / "openapi.json"
METHODS = ("get", "post", "put", "patch", "delete")

LEAST_ROLE = {
    ApiRole.viewer: """
        GET /api/v1/agreements
        GET /api/v1/agreements/{agreement_id}
        GET /api/v1/agreements/{agreement_id}/parties
        GET /api/v1/agreements/{agreement_id}/parties/{party_id}
        GET /api/v1/changes
        GET /api/v1/contacts
        POST /api/v1/contacts/search
        GET /api/v1/contacts/{contact_id}
        GET /api/v1/contacts/{contact_id}/employments
        GET /api/v1/contacts/duplicates
        GET /api/v1/enumerations
        GET /api/v1/export-runs
        GET /api/v1/export-runs/{run_id}
        GET /api/v1/export-runs/{run_id}/download
        GET /api/v1/export-schedules
        GET /api/v1/export-schedules/{schedule_id}
        GET /api/v1/municipalities
        GET /api/v1/municipalities/{entry_id}
        GET /api/v1/network
        GET /api/v1/network/coverage
        GET /api/v1/network/metrics
        GET /api/v1/network/overlaps
        GET /api/v1/partner-kinds
        GET /api/v1/partner-kinds/{entry_id}
        GET /api/v1/partners
        GET /api/v1/partners/{partner_id}
        GET /api/v1/partners/duplicates
        GET /api/v1/reports/contact-cards
        GET /api/v1/reports/expiring-agreements
        GET /api/v1/reports/partner-directory
        GET /api/v1/steering-groups
        GET /api/v1/steering-groups/{group_id}
        GET /api/v1/steering-groups/{group_id}/meetings
        GET /api/v1/steering-groups/{group_id}/meetings/calendar
        GET /api/v1/steering-groups/{group_id}/meetings/{meeting_id}
        GET /api/v1/steering-groups/{group_id}/meetings/{meeting_id}/action-items
        GET /api/v1/steering-groups/{group_id}/meetings/{meeting_id}/action-items/{item_id}
        GET /api/v1/steering-groups/{group_id}/meetings/{meeting_id}/calendar
        GET /api/v1/steering-groups/{group_id}/memberships
        GET /api/v1/steering-groups/{group_id}/memberships/{membership_id}
        GET /api/v1/steering-groups/{group_id}/report
        GET /api/v1/target-groups
        GET /api/v1/target-groups/{entry_id}
        GET /api/v1/topics
        GET /api/v1/topics/{entry_id}
    """,
    ApiRole.editor: """
        POST /api/v1/agreements
        DELETE /api/v1/agreements/{agreement_id}
        PATCH /api/v1/agreements/{agreement_id}
        GET /api/v1/agreements/{agreement_id}/history
        POST /api/v1/agreements/{agreement_id}/parties
        DELETE /api/v1/agreements/{agreement_id}/parties/{party_id}
        PATCH /api/v1/agreements/{agreement_id}/parties/{party_id}
        POST /api/v1/contacts
        DELETE /api/v1/contacts/{contact_id}
        PATCH /api/v1/contacts/{contact_id}
        GET /api/v1/contacts/{contact_id}/history
        POST /api/v1/contacts/{contact_id}/merge
        GET /api/v1/imports
        POST /api/v1/imports
        GET /api/v1/imports/{import_id}
        POST /api/v1/contacts/{contact_id}/consent/withdrawal
        GET /api/v1/contacts/{contact_id}/personal-data
        GET /api/v1/privacy/processing-record
        POST /api/v1/partners
        DELETE /api/v1/partners/{partner_id}
        PATCH /api/v1/partners/{partner_id}
        GET /api/v1/partners/{partner_id}/history
        POST /api/v1/partners/{partner_id}/merge
        POST /api/v1/steering-groups
        DELETE /api/v1/steering-groups/{group_id}
        PATCH /api/v1/steering-groups/{group_id}
        GET /api/v1/steering-groups/{group_id}/history
        POST /api/v1/steering-groups/{group_id}/meetings
        DELETE /api/v1/steering-groups/{group_id}/meetings/{meeting_id}
        PATCH /api/v1/steering-groups/{group_id}/meetings/{meeting_id}
        POST /api/v1/steering-groups/{group_id}/meetings/{meeting_id}/action-items
        DELETE /api/v1/steering-groups/{group_id}/meetings/{meeting_id}/action-items/{item_id}
        PATCH /api/v1/steering-groups/{group_id}/meetings/{meeting_id}/action-items/{item_id}
        POST /api/v1/steering-groups/{group_id}/memberships
        DELETE /api/v1/steering-groups/{group_id}/memberships/{membership_id}
        PATCH /api/v1/steering-groups/{group_id}/memberships/{membership_id}
    """,
    ApiRole.admin: """
        GET /api/v1/audit-events
        POST /api/v1/contacts/{contact_id}/erasure
        GET /api/v1/privacy/retention
        POST /api/v1/privacy/retention
        GET /api/v1/webhooks
        POST /api/v1/webhooks
        DELETE /api/v1/webhooks/{webhook_id}
        GET /api/v1/webhooks/{webhook_id}
        PATCH /api/v1/webhooks/{webhook_id}
        POST /api/v1/webhooks/{webhook_id}/secret/rotation
        GET /api/v1/webhooks/{webhook_id}/deliveries
        DELETE /api/v1/export-runs/{run_id}
        POST /api/v1/export-schedules
        DELETE /api/v1/export-schedules/{schedule_id}
        PATCH /api/v1/export-schedules/{schedule_id}
        POST /api/v1/municipalities
        DELETE /api/v1/municipalities/{entry_id}
        PATCH /api/v1/municipalities/{entry_id}
        POST /api/v1/partner-kinds
        DELETE /api/v1/partner-kinds/{entry_id}
        PATCH /api/v1/partner-kinds/{entry_id}
        POST /api/v1/target-groups
        DELETE /api/v1/target-groups/{entry_id}
        PATCH /api/v1/target-groups/{entry_id}
        POST /api/v1/topics
        DELETE /api/v1/topics/{entry_id}
        PATCH /api/v1/topics/{entry_id}
    """,
}
NEEDED = {
    tuple(line.split()): role
    for role, lines in LEAST_ROLE.items()
    for line in lines.splitlines()
    if line.strip()
}
# Answers that show the caller got past the role check: success, or the ordinary
# refusal of a request for a record that does not exist or a body that is empty.
ORDINARY = {200, 201, 204, 400, 404, 409, 412, 415, 422, 428}


def published_operations() -> list[tuple[str, str]]:
    paths = json.loads(SPEC.read_text())["paths"]
    return [(m.upper(), path) for path, item in paths.items() for m in item if m in METHODS]


def call(client, method: str, path: str):
    url = path
    for name in {part for part in path.split("/") if part.startswith("{")}:
        url = url.replace(name, MISSING_ID)
    body = {} if method in ("POST", "PUT", "PATCH") else None
    return client.open(url, method=method, json=body)


def expected(role: ApiRole | None, needed: ApiRole, status: int) -> bool:
    if role is None:
        return status == 401
    if role.rank < needed.rank:
        return status == 403
    return status in ORDINARY


def test_every_operation_is_in_the_table():
    missing = [f"{m} {p}" for m, p in published_operations() if (m, p) not in NEEDED]
    assert missing == [], "add these to LEAST_ROLE: decide which role each needs"


def test_the_table_names_only_published_operations():
    assert set(NEEDED) - set(published_operations()) == set()


# One walk per role (rather than a test per operation): the fixtures, not the requests,
# would make up most of the time.
@pytest.mark.parametrize("role", [None, *ApiRole], ids=lambda role: role or "no key")
def test_every_operation_answers_the_role_as_expected(client_for, role):
    client = client_for(role and role.value)
    unexpected = []
    for method, path in published_operations():
        if (method, path) not in NEEDED:
            continue  # test_every_operation_is_in_the_table fails for it
        status = call(client, method, path).status_code
        if not expected(role, NEEDED[method, path], status):
            unexpected.append(f"{method} {path}: {status}")
    assert unexpected == []
