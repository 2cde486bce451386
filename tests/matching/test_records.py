from crm.matching.candidates import organisation_candidates, person_candidates
from crm.matching.records import (
    OrganisationRecord,
    PersonRecord,
    compare_organisations,
    phone_digits,
)


def test_legal_forms_and_spelling_do_not_matter():
    match = compare_organisations(
        OrganisationRecord("a", "Caritasverband Trier e.V."),
        OrganisationRecord("b", "CARITASVERBAND f. d. Region Trier"),
    )
    assert match.score >= 0.85


def test_same_register_number_is_decisive():
    match = compare_organisations(
        OrganisationRecord("a", "Förderverein Sprache", register_numbers=frozenset({"VR 12"})),
        OrganisationRecord("b", "Sprachpaten Aurich", register_numbers=frozenset({"VR 12"})),
    )
    assert "same register number" in match.reasons


def test_shared_mail_provider_is_no_signal():
    match = compare_organisations(
        OrganisationRecord("a", "Elterninitiative Nord", email="a@gmx.de"),
        OrganisationRecord("b", "Sportverein Süd", email="b@gmx.de"),
    )
    assert "same e-mail domain" not in match.reasons


def test_same_website_is_a_reason():
    match = compare_organisations(
        OrganisationRecord(
            "a", "Jugendmigrationsdienst Trier", website="https://www.jmd-trier.de/"
        ),
        OrganisationRecord("b", "JMD Trier", website="http://jmd-trier.de"),
    )
    assert "same website" in match.reasons


def test_phone_numbers_compare_in_one_form():
    assert phone_digits("+49 (651) 123-456") == phone_digits("0651 123456")


def test_candidates_are_found_without_comparing_all_pairs():
    records = [
        OrganisationRecord("1", "Caritasverband Trier e.V."),
        OrganisationRecord("2", "Caritas Trier"),
        OrganisationRecord("3", "Caritas Koblenz"),
        OrganisationRecord("4", "IHK Trier"),
        OrganisationRecord("5", "Industrie- und Handelskammer Trier"),
    ]
    pairs = {(m.first, m.second) for m in organisation_candidates(records)}
    assert pairs == {("1", "2"), ("4", "5")}


def test_candidates_come_strongest_first():
    records = [
        OrganisationRecord("1", "Sprachschule Babylon GmbH"),
        OrganisationRecord("2", "Sprachschule Babylon"),
        OrganisationRecord("3", "Caritasverband Trier e.V."),
        OrganisationRecord("4", "Caritas Trier"),
    ]
    scores = [m.score for m in organisation_candidates(records)]
    assert scores == sorted(scores, reverse=True)


def test_person_candidates_by_sound_of_the_name():
    records = [
        PersonRecord("1", "Meier", "Anna"),
        PersonRecord("2", "Maier", "Anna"),
        PersonRecord("3", "Schmidt", "Anna"),
    ]
    assert [(m.first, m.second) for m in person_candidates(records)] == [("1", "2")]
