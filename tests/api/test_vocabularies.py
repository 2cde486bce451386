import pytest
from sqlalchemy import select

from crm.models import Municipality, PartnerKind, TargetGroup, Topic
from tests.factories import make_partner

COLLECTIONS = {
    "/api/v1/topics": Topic,
    "/api/v1/target-groups": TargetGroup,
    "/api/v1/municipalities": Municipality,
    "/api/v1/partner-kinds": PartnerKind,
}
NEW_ENTRY = {"code": "interpreting_pool", "label_de": "Dolmetscherpool", "label_en": "pool"}
MISSING = "6b1f0c6e-0000-4000-8000-000000000000"


def make_entry(session, model=Topic, **fields):
    entry = model(**{"code": "new_entry", "label_de": "Neu", "label_en": "new"} | fields)
    session.add(entry)
    session.flush()
    return entry


def patch(client, entry, changes, etag='"v1"'):
    return client.patch(f"/api/v1/topics/{entry.id}", json=changes, headers={"If-Match": etag})


@pytest.mark.parametrize("path", COLLECTIONS)
def test_admin_creates_an_entry_in_each_vocabulary(admin, session, path):
    response = admin.post(path, json=NEW_ENTRY)
    assert response.status_code == 201
    assert response.headers["Location"].endswith(f"{path}/{response.json['id']}")
    assert (
        session.scalar(
            select(COLLECTIONS[path].label_de).where(COLLECTIONS[path].code == "interpreting_pool")
        )
        == "Dolmetscherpool"
    )


@pytest.mark.parametrize("path", COLLECTIONS)
def test_viewer_lists_each_vocabulary(viewer, session, path):
    entry = make_entry(session, COLLECTIONS[path])
    ids = [e["id"] for e in viewer.get(path, query_string={"page_size": 100}).json["data"]]
    assert str(entry.id) in ids


def test_editor_cannot_create(client):
    assert client.post("/api/v1/topics", json=NEW_ENTRY).status_code == 403


def test_viewer_cannot_delete(viewer, session):
    entry = make_entry(session)
    response = viewer.delete(f"/api/v1/topics/{entry.id}", headers={"If-Match": '"v1"'})
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("code", "Job-Centre"),
        ("code", "x" * 61),
        ("label_de", "x" * 201),
        ("label_en", ""),
        ("label_en", None),
        ("description", 42),
    ],
)
def test_create_refuses_invalid_field(admin, field, value):
    response = admin.post("/api/v1/topics", json=NEW_ENTRY | {field: value})
    assert (response.status_code, list(response.json["errors"])) == (422, [field])


def test_create_requires_code(admin):
    body = {"label_de": "Neu", "label_en": "new"}
    assert admin.post("/api/v1/topics", json=body).json["errors"] == {
        "code": ["Missing data for required field."]
    }


def test_create_refuses_unknown_field(admin):
    response = admin.post("/api/v1/topics", json=NEW_ENTRY | {"colour": "blue"})
    assert (response.status_code, response.json["errors"]) == (422, {"colour": ["Unknown field."]})


def test_create_refuses_read_only_id(admin):
    response = admin.post("/api/v1/topics", json=NEW_ENTRY | {"id": MISSING})
    assert (response.status_code, list(response.json["errors"])) == (422, ["id"])


def test_create_with_a_taken_code_answers_409(admin):
    response = admin.post("/api/v1/topics", json=NEW_ENTRY | {"code": "language"})
    assert (response.status_code, list(response.json["errors"])) == (409, ["code"])


def test_list_is_sorted_by_german_label(viewer):
    labels = [e["label_de"] for e in viewer.get("/api/v1/partner-kinds?page_size=100").json["data"]]
    assert labels[:2] == ["Agentur", "Agentur für Arbeit"]


def test_list_sorts_by_code_descending(viewer):
    codes = [e["code"] for e in viewer.get("/api/v1/topics?sort=-code&page_size=100").json["data"]]
    assert codes == sorted(codes, reverse=True)


def test_list_searches_labels_without_accents(viewer):
    body = viewer.get("/api/v1/topics", query_string={"q": "sprachforderung"}).json
    assert [e["code"] for e in body["data"]] == ["language"]


def test_list_refuses_unknown_parameter(viewer):
    assert viewer.get("/api/v1/topics?colour=blue").status_code == 400


def test_list_refuses_unknown_sort_key(viewer):
    assert viewer.get("/api/v1/topics?sort=label_fr").status_code == 400


def test_get_answers_the_entry_with_etag(viewer, session):
    entry = make_entry(session, label_de="Schwimmen")
    response = viewer.get(f"/api/v1/topics/{entry.id}")
    assert (response.json["label_de"], response.headers["ETag"]) == ("Schwimmen", '"v1"')


def test_get_missing_entry_answers_404_problem(viewer):
    response = viewer.get(f"/api/v1/municipalities/{MISSING}")
    assert (response.status_code, response.content_type) == (404, "application/problem+json")


def test_patch_changes_a_label(admin, session):
    entry = make_entry(session)
    assert patch(admin, entry, {"label_en": "brand new"}).json["label_en"] == "brand new"


def test_patch_refuses_to_change_the_code(admin, session):
    entry = make_entry(session)
    response = patch(admin, entry, {"code": "renamed"})
    assert (response.status_code, list(response.json["errors"])) == (422, ["code"])


def test_patch_null_clears_description(admin, session):
    entry = make_entry(session, description="Alt")
    assert patch(admin, entry, {"description": None}).json["description"] is None


def test_patch_null_is_refused_for_a_label(admin, session):
    entry = make_entry(session)
    response = patch(admin, entry, {"label_de": None})
    assert (response.status_code, list(response.json["errors"])) == (422, ["label_de"])


def test_patch_without_if_match_answers_428(admin, session):
    entry = make_entry(session)
    response = admin.patch(f"/api/v1/topics/{entry.id}", json={"label_de": "Neu"})
    assert response.status_code == 428


def test_patch_with_stale_etag_answers_412_and_changes_nothing(admin, session):
    entry = make_entry(session, label_de="Alt")
    response = patch(admin, entry, {"label_de": "Neu"}, etag='"v9"')
    session.expire_all()
    assert (response.status_code, session.get(Topic, entry.id).label_de) == (412, "Alt")


def test_delete_unused_entry(admin, session):
    entry = make_entry(session, TargetGroup)
    response = admin.delete(f"/api/v1/target-groups/{entry.id}", headers={"If-Match": '"v1"'})
    assert response.status_code == 204
    assert session.scalar(select(TargetGroup.id).where(TargetGroup.id == entry.id)) is None


def test_delete_topic_of_a_partner_answers_409_naming_the_partner(admin, session):
    entry = make_entry(session)
    partner = make_partner(session, topics=[entry])
    response = admin.delete(f"/api/v1/topics/{entry.id}", headers={"If-Match": '"v1"'})
    assert response.status_code == 409
    assert response.json["references"] == [
        {"resource": "partner", "id": str(partner.id), "via": "topic_id"}
    ]


def test_delete_kind_of_a_partner_answers_409_naming_the_partner(admin, session):
    kind = make_entry(session, PartnerKind, code="sports_club")
    partner = make_partner(session, kind="sports_club")
    response = admin.delete(f"/api/v1/partner-kinds/{kind.id}", headers={"If-Match": '"v1"'})
    assert response.status_code == 409
    assert response.json["references"] == [
        {"resource": "partner", "id": str(partner.id), "via": "kind"}
    ]
