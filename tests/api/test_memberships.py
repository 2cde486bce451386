"""/api/v1/steering-groups/{id}/memberships: Mitgliedschaften, their spans and history."""

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from crm.models import Membership
from crm.models.enums import MembershipRole
from tests.factories import MISSING_ID, make_contact, make_group, make_membership, make_partner

TODAY = date.today()


def memberships_url(group, membership=None) -> str:
    url = f"/api/v1/steering-groups/{group.id}/memberships"
    return f"{url}/{membership.id}" if membership else url


def new_membership(session, **fields) -> dict:
    return (
        {"partner_id": str(make_partner(session).id), "role": "member"}
        | {"start_date": "2016-05-01"}
        | fields
    )


def patch(client, group, membership, changes, etag='"v1"'):
    return client.patch(
        memberships_url(group, membership), json=changes, headers={"If-Match": etag}
    )


def remove(client, group, membership):
    return client.delete(memberships_url(group, membership), headers={"If-Match": '"v1"'})


def ids(response) -> list[str]:
    return [membership["id"] for membership in response.json["data"]]


def stored(session, membership) -> Membership:
    session.expire_all()
    return session.get(Membership, membership.id)


# Add


def test_add_answers_201_with_location_and_etag(client, session):
    group = make_group(session)
    response = client.post(memberships_url(group), json=new_membership(session))
    assert response.status_code == 201
    assert response.headers["Location"].endswith(f"{memberships_url(group)}/{response.json['id']}")
    assert response.headers["ETag"] == '"v1"'


def test_add_stores_the_membership_under_its_group(client, session):
    group, partner = make_group(session), make_partner(session)
    contact, deputy = make_contact(session), make_contact(session)
    body = {
        "partner_id": str(partner.id),
        "contact_id": str(contact.id),
        "deputy_contact_id": str(deputy.id),
        "role": "chair",
        "start_date": "2016-05-01",
    }
    response = client.post(memberships_url(group), json=body)
    membership = session.get(Membership, uuid.UUID(response.json["id"]))
    assert (
        membership.steering_group_id,
        membership.partner_id,
        membership.contact_id,
        membership.deputy_contact_id,
        membership.role,
        membership.start_date,
    ) == (group.id, partner.id, contact.id, deputy.id, MembershipRole.chair, date(2016, 5, 1))
    assert response.json["steering_group_id"] == str(group.id)


def test_add_defaults_voting_right_to_true(client, session):
    response = client.post(memberships_url(make_group(session)), json=new_membership(session))
    assert response.json["voting_right"] is True


def test_add_takes_the_group_from_the_path_not_the_body(client, session):
    group, other = make_group(session), make_group(session)
    body = new_membership(session, steering_group_id=str(other.id))
    response = client.post(memberships_url(group), json=body)
    assert (response.status_code, list(response.json["errors"])) == (422, ["steering_group_id"])


def test_add_to_missing_group_answers_404(client, session):
    response = client.post(
        f"/api/v1/steering-groups/{MISSING_ID}/memberships", json=new_membership(session)
    )
    assert (response.status_code, response.content_type) == (404, "application/problem+json")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("partner_id", MISSING_ID),
        ("contact_id", MISSING_ID),
        ("deputy_contact_id", MISSING_ID),
        ("role", "president"),
        ("voting_right", "vielleicht"),
        ("start_date", "2016-13-01"),
        ("notes", "x" * 10_001),
    ],
)
def test_add_refuses_invalid_field(client, session, field, value):
    response = client.post(
        memberships_url(make_group(session)), json=new_membership(session, **{field: value})
    )
    assert response.status_code == 422
    assert list(response.json["errors"]) == [field]
    assert session.scalar(select(Membership.id)) is None


def test_add_names_the_missing_partner(client, session):
    body = new_membership(session, partner_id=MISSING_ID)
    response = client.post(memberships_url(make_group(session)), json=body)
    assert response.json["errors"]["partner_id"] == [f"No partner has the id {MISSING_ID}."]


def test_add_requires_partner_role_and_start_date(client, session):
    response = client.post(memberships_url(make_group(session)), json={"notes": "neu"})
    assert sorted(response.json["errors"]) == ["partner_id", "role", "start_date"]


def test_add_refuses_unknown_field(client, session):
    body = new_membership(session, seat=3)
    response = client.post(memberships_url(make_group(session)), json=body)
    assert (response.status_code, response.json["errors"]) == (422, {"seat": ["Unknown field."]})


def test_add_refuses_read_only_id(client, session):
    body = new_membership(session, id=str(uuid.uuid4()))
    response = client.post(memberships_url(make_group(session)), json=body)
    assert (response.status_code, list(response.json["errors"])) == (422, ["id"])


def test_add_refuses_end_before_start(client, session):
    body = new_membership(session, start_date="2016-05-01", end_date="2016-04-30")
    response = client.post(memberships_url(make_group(session)), json=body)
    assert (response.status_code, list(response.json["errors"])) == (422, ["end_date"])


def test_viewer_cannot_add(viewer, session):
    response = viewer.post(memberships_url(make_group(session)), json=new_membership(session))
    assert response.status_code == 403


# Read


def test_get_answers_the_membership_with_etag(client, session):
    group = make_group(session)
    membership = make_membership(session, group, make_partner(session))
    response = client.get(memberships_url(group, membership))
    assert (response.json["id"], response.headers["ETag"]) == (str(membership.id), '"v1"')


def test_get_membership_of_another_group_answers_404(client, session):
    membership = make_membership(session, make_group(session), make_partner(session))
    response = client.get(memberships_url(make_group(session), membership))
    assert response.status_code == 404


def test_get_under_missing_group_answers_404(client, session):
    membership = make_membership(session, make_group(session), make_partner(session))
    response = client.get(f"/api/v1/steering-groups/{MISSING_ID}/memberships/{membership.id}")
    assert (response.status_code, response.content_type) == (404, "application/problem+json")


def test_list_under_missing_group_answers_404(client):
    assert client.get(f"/api/v1/steering-groups/{MISSING_ID}/memberships").status_code == 404


# List


def test_who_sat_in_the_group_on_a_day(client, session):
    """Wittenberg, "Willkommen bei Freunden": who was a member on 2017-03-01?"""
    group = make_group(session, name="Willkommen bei Freunden")

    def member(kind: str, start: date, end: date | None = None) -> Membership:
        partner = make_partner(session, kind=kind)
        return make_membership(session, group, partner, start_date=start, end_date=end)

    job_centre = member("job_centre", date(2016, 5, 1))
    social_affairs = member("administration_unit", date(2016, 6, 1), end=date(2017, 3, 1))
    member("chamber", date(2016, 5, 1), end=date(2017, 2, 28))
    member("vocational_school", date(2017, 3, 2))
    response = client.get(f"{memberships_url(group)}?as_of=2017-03-01")
    assert ids(response) == [str(job_centre.id), str(social_affairs.id)]


def test_list_keeps_former_members_and_sorts_by_start_date(client, session):
    group = make_group(session)
    later = make_membership(session, group, make_partner(session), start_date=date(2018, 1, 1))
    former = make_membership(session, group, make_partner(session), end_date=date(2017, 1, 1))
    assert ids(client.get(memberships_url(group))) == [str(former.id), str(later.id)]


def test_list_shows_only_the_groups_memberships(client, session):
    group, partner = make_group(session), make_partner(session)
    mine = make_membership(session, group, partner)
    make_membership(session, make_group(session), partner)
    assert ids(client.get(memberships_url(group))) == [str(mine.id)]


def test_list_current_shows_todays_members(client, session):
    group = make_group(session)
    sitting = make_membership(session, group, make_partner(session), end_date=TODAY)
    make_membership(session, group, make_partner(session), end_date=TODAY - timedelta(days=1))
    make_membership(session, group, make_partner(session), start_date=TODAY + timedelta(days=1))
    assert ids(client.get(f"{memberships_url(group)}?current=true")) == [str(sitting.id)]


def test_list_not_current_shows_former_members(client, session):
    group = make_group(session)
    make_membership(session, group, make_partner(session))
    former = make_membership(
        session, group, make_partner(session), end_date=TODAY - timedelta(days=1)
    )
    assert ids(client.get(f"{memberships_url(group)}?current=false")) == [str(former.id)]


def test_list_filters_by_any_of_several_roles(client, session):
    group = make_group(session)
    chair = make_membership(session, group, make_partner(session), role=MembershipRole.chair)
    coordinator = make_membership(
        session,
        group,
        make_partner(session),
        role=MembershipRole.coordinator,
        start_date=date(2017, 1, 1),
    )
    make_membership(session, group, make_partner(session), role=MembershipRole.guest)
    response = client.get(f"{memberships_url(group)}?role=chair&role=coordinator")
    assert ids(response) == [str(chair.id), str(coordinator.id)]


def test_list_filters_by_partner(client, session):
    group, partner = make_group(session), make_partner(session)
    mine = make_membership(session, group, partner)
    make_membership(session, group, make_partner(session))
    assert ids(client.get(f"{memberships_url(group)}?partner_id={partner.id}")) == [str(mine.id)]


def test_list_sorts_open_memberships_last_by_end_date(client, session):
    group = make_group(session)
    still = make_membership(session, group, make_partner(session))
    ended = make_membership(session, group, make_partner(session), end_date=date(2018, 12, 31))
    response = client.get(f"{memberships_url(group)}?sort=end_date")
    assert ids(response) == [str(ended.id), str(still.id)]


def test_list_refuses_unknown_parameter(client, session):
    response = client.get(f"{memberships_url(make_group(session))}?on=2017-03-01")
    assert (response.status_code, list(response.json["errors"])) == (400, ["on"])


def test_list_refuses_a_malformed_date(client, session):
    response = client.get(f"{memberships_url(make_group(session))}?as_of=1.3.2017")
    assert (response.status_code, list(response.json["errors"])) == (400, ["as_of"])


# Change


def test_ending_a_membership_keeps_everything_else(client, session):
    group, contact = make_group(session), make_contact(session)
    membership = make_membership(
        session, group, make_partner(session), contact_id=contact.id, role=MembershipRole.chair
    )
    response = patch(client, group, membership, {"end_date": "2018-12-31"})
    after = stored(session, membership)
    assert (response.status_code, response.headers["ETag"]) == (200, '"v2"')
    assert (after.end_date, after.role, after.contact_id, after.start_date) == (
        date(2018, 12, 31),
        MembershipRole.chair,
        contact.id,
        date(2016, 5, 1),
    )


def test_ended_membership_stays_in_the_history(client, session):
    group = make_group(session)
    membership = make_membership(session, group, make_partner(session))
    patch(client, group, membership, {"end_date": "2018-12-31"})
    assert ids(client.get(f"{memberships_url(group)}?as_of=2017-03-01")) == [str(membership.id)]
    assert ids(client.get(f"{memberships_url(group)}?current=true")) == []


def test_patch_refuses_end_before_stored_start(client, session):
    group = make_group(session)
    membership = make_membership(session, group, make_partner(session))
    response = patch(client, group, membership, {"end_date": "2015-12-31"})
    assert (response.status_code, list(response.json["errors"])) == (422, ["end_date"])
    assert stored(session, membership).end_date is None


def test_patch_null_clears_optional_field(client, session):
    group = make_group(session)
    membership = make_membership(
        session, group, make_partner(session), contact_id=make_contact(session).id
    )
    assert patch(client, group, membership, {"contact_id": None}).json["contact_id"] is None


@pytest.mark.parametrize("field", ["partner_id", "role", "start_date", "voting_right"])
def test_patch_null_is_refused_for_required_field(client, session, field):
    group = make_group(session)
    membership = make_membership(session, group, make_partner(session))
    response = patch(client, group, membership, {field: None})
    assert (response.status_code, list(response.json["errors"])) == (422, [field])


def test_patch_without_if_match_answers_428(client, session):
    group = make_group(session)
    membership = make_membership(session, group, make_partner(session))
    response = client.patch(memberships_url(group, membership), json={"end_date": "2018-12-31"})
    assert response.status_code == 428


def test_patch_with_stale_etag_answers_412_and_changes_nothing(client, session):
    group = make_group(session)
    membership = make_membership(session, group, make_partner(session))
    response = patch(client, group, membership, {"end_date": "2018-12-31"}, etag='"v7"')
    assert (response.status_code, stored(session, membership).end_date) == (412, None)


def test_patch_membership_of_another_group_answers_404(client, session):
    membership = make_membership(session, make_group(session), make_partner(session))
    response = patch(client, make_group(session), membership, {"end_date": "2018-12-31"})
    assert (response.status_code, stored(session, membership).end_date) == (404, None)


def test_viewer_cannot_change(viewer, session):
    group = make_group(session)
    membership = make_membership(session, group, make_partner(session))
    assert patch(viewer, group, membership, {"role": "chair"}).status_code == 403


# Delete


def test_delete_removes_the_membership(client, session):
    group = make_group(session)
    membership = make_membership(session, group, make_partner(session))
    assert remove(client, group, membership).status_code == 204
    assert session.scalar(select(Membership.id).where(Membership.id == membership.id)) is None


def test_delete_membership_of_another_group_answers_404(client, session):
    membership = make_membership(session, make_group(session), make_partner(session))
    assert remove(client, make_group(session), membership).status_code == 404
    assert stored(session, membership) is not None


def test_viewer_cannot_delete(viewer, session):
    group = make_group(session)
    membership = make_membership(session, group, make_partner(session))
    assert remove(viewer, group, membership).status_code == 403
