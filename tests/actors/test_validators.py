"""The identifier validators take ASCII digits only (issue 13): ``\\d`` and ``str.isdigit()``
also take full-width and Arabic-Indic digits, and ``int()`` reads them as numbers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from actors.validators import (
    is_ascii_digits,
    national_id_with_check_digits,
    normalize_phone,
    org_number_with_check_digit,
    synthetic_national_id,
    validate_hpr_number,
    validate_national_id,
    validate_org_number,
)

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
SCRIPTS = [FULL_WIDTH, ARABIC_INDIC]


def _valid_org_number() -> str:
    number = org_number_with_check_digit("92345678")
    assert number is not None
    return number


@pytest.mark.parametrize("script", SCRIPTS, ids=["full-width", "arabic-indic"])
def test_a_national_id_in_other_digits_is_refused(script):
    national_id = synthetic_national_id(dt.date(1985, 3, 9), 3)
    validate_national_id(national_id)
    with pytest.raises(ValidationError, match="11 siffer"):
        validate_national_id(national_id.translate(script))


@pytest.mark.parametrize("script", SCRIPTS, ids=["full-width", "arabic-indic"])
def test_an_organisation_number_in_other_digits_is_refused(script):
    number = _valid_org_number()
    validate_org_number(number)
    with pytest.raises(ValidationError, match="9 siffer"):
        validate_org_number(number.translate(script))


@pytest.mark.parametrize("script", SCRIPTS, ids=["full-width", "arabic-indic"])
def test_a_phone_number_in_other_digits_is_refused(script):
    assert normalize_phone("912 34 567") == "+4791234567"
    with pytest.raises(ValidationError, match="8 siffer"):
        normalize_phone("9" + "12 34 567".translate(script))


@pytest.mark.parametrize("script", SCRIPTS, ids=["full-width", "arabic-indic"])
def test_an_hpr_number_in_other_digits_is_refused(script):
    validate_hpr_number("1234567")
    with pytest.raises(ValidationError, match="4–9 siffer"):
        validate_hpr_number("1234567".translate(script))


@pytest.mark.parametrize("value", ["１２", "١٢", "²", "", "1 2", "-1"])
def test_only_the_digits_0_to_9_are_ascii_digits(value):
    assert is_ascii_digits("0123456789")
    assert not is_ascii_digits(value)


def test_a_national_id_of_someone_not_born_yet_is_refused():
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="som ikke kan stemme"):
        validate_national_id(synthetic_national_id(tomorrow, 1))
    validate_national_id(synthetic_national_id(timezone.localdate(), 1))


def test_a_national_id_born_before_1900_is_refused():
    """Individual numbers 500–749 with a year from 54 are the 1800s: nobody in care now."""
    national_id = national_id_with_check_digits("010180600") or national_id_with_check_digits(
        "010180601"
    )
    assert national_id is not None
    with pytest.raises(ValidationError, match="1.1.1880, som ikke kan stemme"):
        validate_national_id(national_id)
