from datetime import date, datetime

import pytest
from marshmallow import ValidationError, fields

from crm.imports.values import as_text, converted
from crm.models.enums import MembershipRole, Sector


@pytest.mark.parametrize(
    "cell",
    ["=1+1", '=HYPERLINK("http://x")', "@SUM(A1)", "+cmd|' /C calc'!A0", "-2+3+cmd|'x'!A0"],
)
def test_formulas_are_refused(cell):
    with pytest.raises(ValidationError):
        as_text(cell)


@pytest.mark.parametrize("cell", ["+49 3491 479-0", "-1", "-", "(0651) 12 34"])
def test_phone_numbers_and_numbers_are_no_formulas(cell):
    assert as_text(cell) == cell


def test_postal_code_that_became_a_number_gets_its_zero_back():
    assert as_text(6110, "postal_code") == "06110"


def test_whole_numbers_lose_the_decimal_point():
    assert as_text(12.0) == "12"


def test_dates_from_a_spreadsheet():
    assert as_text(datetime(2016, 5, 1)) == as_text(date(2016, 5, 1)) == "2016-05-01"


def test_german_dates():
    assert converted(fields.Date(), "1.5.2016") == "2016-05-01"


def test_enum_by_german_label():
    assert converted(fields.Enum(MembershipRole, by_value=True), "Vorsitz") == "chair"


def test_enum_by_english_label_or_value():
    field = fields.Enum(Sector, by_value=True)
    assert converted(field, "outside the administration") == converted(field, "external")


def test_yes_in_german():
    assert (converted(fields.Boolean(), "ja"), converted(fields.Boolean(), "Nein")) == (True, False)


def test_several_values_in_one_cell():
    assert converted(fields.List(fields.String()), "de; ar, prs") == ["de", "ar", "prs"]


def test_blank_is_absent():
    assert as_text("  ") is None
