"""Validators for Norwegian identifiers: fødselsnummer/D-nummer, organisasjonsnummer, phone."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_FNR_WEIGHTS_1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_FNR_WEIGHTS_2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
_ORGNR_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)
# Synthetic test ids (Skatteetaten's Tenor) add 80 to the month, so they never belong to a
# real person.
_SYNTHETIC_MONTH_OFFSET = 80


def _mod11(digits: str, weights: tuple[int, ...]) -> int | None:
    remainder = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    check = 11 - remainder
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def _century(year: int, individual: int) -> int | None:
    """Century of birth from the individual number (Skatteetaten's rules)."""
    if individual <= 499:
        return 1900
    if individual <= 749 and year >= 54:
        return 1800
    if individual >= 500 and year <= 39:
        return 2000
    if individual >= 900 and year >= 40:
        return 1900
    return None


def birth_date_from_national_id(value: str) -> dt.date:
    """Birth date of a fødselsnummer or D-nummer; raises ValidationError if it has none."""
    day, month, year = int(value[0:2]), int(value[2:4]), int(value[4:6])
    if day > 40:  # D-nummer: 4 added to the first digit
        day -= 40
    if month > _SYNTHETIC_MONTH_OFFSET and settings.LKT_SYNTHETIC_IDS:
        month -= _SYNTHETIC_MONTH_OFFSET
    century = _century(year, int(value[6:9]))
    if century is None:
        raise ValidationError(_("Fødselsnummeret har et ugyldig individnummer."), code="invalid")
    try:
        return dt.date(century + year, month, day)
    except ValueError:
        raise ValidationError(
            _("Fødselsnummeret inneholder ikke en gyldig fødselsdato."), code="invalid"
        ) from None


def validate_national_id(value: str) -> None:
    """Fødselsnummer or D-nummer: 11 digits, a real birth date and both check digits."""
    if not re.fullmatch(r"\d{11}", value or ""):
        raise ValidationError(_("Fødselsnummer må være 11 siffer."), code="invalid")
    k1 = _mod11(value[:9], _FNR_WEIGHTS_1)
    k2 = _mod11(value[:10], _FNR_WEIGHTS_2)
    if k1 is None or k2 is None or k1 != int(value[9]) or k2 != int(value[10]):
        raise ValidationError(
            _("Fødselsnummeret er ugyldig: kontrollsifrene stemmer ikke."), code="checksum"
        )
    birth_date_from_national_id(value)


def national_id_with_check_digits(first_nine: str) -> str | None:
    """The full id for nine digits, or None when no valid check digit exists."""
    k1 = _mod11(first_nine, _FNR_WEIGHTS_1)
    if k1 is None:
        return None
    k2 = _mod11(first_nine + str(k1), _FNR_WEIGHTS_2)
    if k2 is None:
        return None
    return f"{first_nine}{k1}{k2}"


def validate_org_number(value: str) -> None:
    """Organisasjonsnummer from Enhetsregisteret: nine digits with a modulus 11 check digit."""
    if not re.fullmatch(r"\d{9}", value or ""):
        raise ValidationError(_("Organisasjonsnummer må være 9 siffer."), code="invalid")
    check = _mod11(value[:8], _ORGNR_WEIGHTS)
    if check is None or check != int(value[8]):
        raise ValidationError(
            _("Organisasjonsnummeret er ugyldig: kontrollsifferet stemmer ikke."), code="checksum"
        )


def normalize_phone(value: str) -> str:
    """A Norwegian number as +47 and eight digits; raises ValidationError otherwise."""
    compact = re.sub(r"[\s\-().]", "", value or "")
    compact = re.sub(r"^(\+47|0047)", "", compact)
    if not re.fullmatch(r"[2-9]\d{7}", compact):
        raise ValidationError(
            _("Oppgi et norsk telefonnummer med 8 siffer, for eksempel 912 34 567."),
            code="invalid",
        )
    return f"+47{compact}"


def validate_phone(value: str) -> None:
    normalize_phone(value)


def validate_hpr_number(value: str) -> None:
    """HPR-nummer (Helsepersonellregisteret): up to nine digits."""
    if not re.fullmatch(r"\d{4,9}", value or ""):
        raise ValidationError(_("HPR-nummer må være 4–9 siffer."), code="invalid")


def org_number_with_check_digit(first_eight: str) -> str | None:
    """The full organisation number for eight digits, or None when no check digit exists."""
    check = _mod11(first_eight, _ORGNR_WEIGHTS)
    return None if check is None else f"{first_eight}{check}"


def synthetic_national_id(birth_date: dt.date, serial: int) -> str:
    """The ``serial``-th synthetic fødselsnummer (month + 80) for a birth date: a valid id that
    can never belong to a real person. About 400 exist per date; serials wrap around."""
    low, high = (0, 499) if birth_date.year < 2000 else (500, 999)
    prefix = f"{birth_date.day:02d}{birth_date.month + 80:02d}{birth_date.year % 100:02d}"
    valid = [
        full
        for individual in range(low, high + 1)
        if (full := national_id_with_check_digits(f"{prefix}{individual:03d}"))
    ]
    return valid[serial % len(valid)]


# The scopes a machine client may be given: SMART's system scopes, one read per FHIR type that
# LKT serves (lkt.fhir.routes), or all reads.
FHIR_READ_TYPES = (
    "Patient",
    "Practitioner",
    "Organization",
    "CareTeam",
    "CarePlan",
    "Goal",
    "Consent",
    "Task",
    "Appointment",
)
ALL_READS_SCOPE = "system/*.read"
CLIENT_SCOPES = (ALL_READS_SCOPE, *(f"system/{t}.read" for t in FHIR_READ_TYPES))


def validate_client_scopes(value: str) -> None:
    unknown = sorted(set(value.split()) - set(CLIENT_SCOPES))
    if not value.split() or unknown:
        raise ValidationError(
            _("Ukjent scope: %(scopes)s. Bruk for eksempel system/CarePlan.read."),
            code="invalid",
            params={"scopes": ", ".join(unknown) or "–"},
        )
