from crm.models.enums import PUBLISHED_ENUMS


def test_lists_every_published_enumeration(viewer):
    assert list(viewer.get("/api/v1/enumerations").json) == list(PUBLISHED_ENUMS)


def test_values_carry_german_and_english_labels(viewer):
    assert viewer.get("/api/v1/enumerations").json["sector"] == [
        {
            "value": "internal",
            "label_de": "verwaltungsintern",
            "label_en": "inside the administration",
        },
        {
            "value": "external",
            "label_de": "verwaltungsextern",
            "label_en": "outside the administration",
        },
    ]


def test_values_are_those_of_the_enumeration(viewer):
    roles = viewer.get("/api/v1/enumerations").json["membership_role"]
    assert [role["value"] for role in roles] == [
        "chair",
        "deputy_chair",
        "coordinator",
        "member",
        "advisor",
        "guest",
    ]


def test_refuses_unknown_parameter(viewer):
    assert viewer.get("/api/v1/enumerations?lang=de").status_code == 400


def test_needs_a_key(anonymous):
    assert anonymous.get("/api/v1/enumerations").status_code == 401
