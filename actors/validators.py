"""Validators for Norwegian identifiers: fødselsnummer/D-nummer, organisasjonsnummer, phone."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lkt.core import phones
from lkt.core.dates import short_date
from lkt.core.forms import in_date_range

if TYPE_CHECKING:
    from django.apps.registry import Apps

_FNR_WEIGHTS_1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_FNR_WEIGHTS_2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
_ORGNR_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)
# Synthetic test ids (Skatteetaten's Tenor) add 80 to the month, so they never belong to a
# real person.
_SYNTHETIC_MONTH_OFFSET = 80
# Identifiers are written in ASCII digits only: ``\d`` and ``str.isdigit()`` also take
# full-width (１２３) and Arabic-Indic (١٢٣) digits, which ``int()`` reads as numbers, so a
# fødselsnummer typed with them passed every check and made a second patient (issue 13).
_NATIONAL_ID = re.compile(r"[0-9]{11}")
_ORG_NUMBER = re.compile(r"[0-9]{9}")
_HPR_NUMBER = re.compile(r"[0-9]{4,9}")


def is_ascii_digits(value: str) -> bool:
    """True for a non-empty string of the digits 0–9 only (not ``str.isdigit()``, see above)."""
    return value.isascii() and value.isdigit()


def has_non_ascii_digits(value: str) -> bool:
    """True when a stored identifier holds a digit outside 0–9 (full-width, Arabic-Indic, ²)."""
    return any(c.isdigit() and not c.isascii() for c in value)


# Rows are found by the database first (any character beyond ASCII), then judged in Python:
# a phone written with a no-break space is harmless, one with a full-width digit is not.
_NON_ASCII = r"[^\x01-\x7f]"
# Enough ids for whoever corrects the rows to start; the message says how many more there are.
_IDS_SHOWN = 50


class NonAsciiDigitRows(Exception):
    """Stored identifiers with digits outside 0–9, which a migration refuses to run over."""


def refuse_rows_with_non_ascii_digits(
    apps: Apps, app_label: str, fields: dict[str, list[str]]
) -> None:
    """Raise NonAsciiDigitRows naming each table, column and row id that holds an identifier
    with digits outside 0–9 (saved before issue 13). ``fields`` maps a model name of
    ``app_label`` to its identifier fields. The rows are not corrected here: a fødselsnummer in
    full-width digits may be a duplicate of a patient who has it in 0–9, which only a person
    can merge."""
    problems: list[str] = []
    for model_name, names in fields.items():
        model = apps.get_model(app_label, model_name)
        for name in names:
            candidates = model._default_manager.filter(**{f"{name}__regex": _NON_ASCII})
            ids = [
                pk
                for pk, value in candidates.order_by("pk").values_list("pk", name)
                if has_non_ascii_digits(value)
            ]
            if not ids:
                continue
            shown = ", ".join(str(pk) for pk in ids[:_IDS_SHOWN])
            more = f" and {len(ids) - _IDS_SHOWN} more" if len(ids) > _IDS_SHOWN else ""
            column = model._meta.get_field(name).column
            problems.append(f"{model._meta.db_table}.{column}: rows with id {shown}{more}")
    if problems:
        raise NonAsciiDigitRows(
            "These identifiers hold digits other than 0-9 (full-width, Arabic-Indic or the "
            "like), saved before LKT accepted ASCII digits only. Correct or merge each row by "
            "hand (the same number in 0-9 may belong to another row), then migrate again:\n  "
            + "\n  ".join(problems)
        )


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
        born = dt.date(century + year, month, day)
    except ValueError:
        raise ValidationError(
            _("Fødselsnummeret inneholder ikke en gyldig fødselsdato."), code="invalid"
        ) from None
    # The individual number allows births from 1854 to 2039; nobody in care was born before the
    # range of every typed date (lkt.core.forms) or is born yet.
    if not in_date_range(born) or born > timezone.localdate():
        raise ValidationError(
            _("Fødselsnummeret gir fødselsdatoen %(date)s, som ikke kan stemme."),
            code="birth_date",
            params={"date": short_date(born)},
        )
    return born


def validate_national_id(value: str) -> None:
    """Fødselsnummer or D-nummer: 11 digits, a real birth date and both check digits."""
    if not _NATIONAL_ID.fullmatch(value or ""):
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
    if not _ORG_NUMBER.fullmatch(value or ""):
        raise ValidationError(_("Organisasjonsnummer må være 9 siffer."), code="invalid")
    check = _mod11(value[:8], _ORGNR_WEIGHTS)
    if check is None or check != int(value[8]):
        raise ValidationError(
            _("Organisasjonsnummeret er ugyldig: kontrollsifferet stemmer ikke."), code="checksum"
        )


def normalize_phone(value: str) -> str:
    """A phone number in E.164 (``+4791234567``): Norwegian unless typed with + and a country
    code, as for a relative abroad (lkt.core.phones); raises ValidationError otherwise."""
    return phones.normalize(value)


def validate_phone(value: str) -> None:
    normalize_phone(value)


def validate_hpr_number(value: str) -> None:
    """HPR-nummer (Helsepersonellregisteret): up to nine digits."""
    if not _HPR_NUMBER.fullmatch(value or ""):
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


def normalize_stored_phones(apps: Apps, app_label: str, fields: dict[str, list[str]]) -> list[str]:
    """Rewrite the stored phone numbers of ``fields`` (model name → field names) in E.164 and
    return one line per table and column naming the rows left as they were because their
    text is no valid number: those are for a person to correct, not for a guess."""
    unreadable: list[str] = []
    for model_name, names in fields.items():
        model = apps.get_model(app_label, model_name)
        for name in names:
            left: list[int] = []
            changed = []
            rows = model._default_manager.exclude(**{name: ""}).order_by("pk")
            for row in rows.only("pk", name):
                value = getattr(row, name)
                try:
                    e164 = phones.normalize(value)
                except ValidationError:
                    left.append(row.pk)
                    continue
                if e164 != value:
                    setattr(row, name, e164)
                    changed.append(row)
            model._default_manager.bulk_update(changed, [name], batch_size=500)
            if left:
                shown = ", ".join(str(pk) for pk in left[:_IDS_SHOWN])
                more = f" and {len(left) - _IDS_SHOWN} more" if len(left) > _IDS_SHOWN else ""
                column = model._meta.get_field(name).column
                unreadable.append(f"{model._meta.db_table}.{column}: rows with id {shown}{more}")
    return unreadable
