"""Phone numbers: stored in E.164 (``+4740000007``), shown the Norwegian way, dialled by ``tel:``.

One place for the rules, on the ``phonenumbers`` library (Google's libphonenumber): a number
typed without a country code is Norwegian; a relative abroad is typed with ``+`` and the
country code (``+46 70 123 45 67``). Norwegian numbers are shown as Språkrådet writes them,
mobile and 8xx numbers in groups of 3-2-3 (``400 00 007``), the others 2-2-2-2
(``22 33 44 55``); libphonenumber writes every Norwegian number 2-2-2-2. Foreign numbers are
shown in the international format, so the country code is never lost.

Free texts (the phase plan's "who to call at night") get their numbers linked after they are
escaped: the link is built from the digits found in the escaped text, never from raw input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from phonenumbers import PhoneNumberFormat, PhoneNumberType, shortnumberinfo

REGION = "NO"
# E.164 allows 15 digits after the "+"; the models' max_length (16) holds every one.
E164_MAX_LENGTH = 16
# What a form takes as typed, with spaces, dashes and brackets ("+1 (202) 555-0143").
TYPED_MAX_LENGTH = 24
INVALID_MESSAGE = _(
    "Telefonnummeret er ikke gyldig. Skriv et norsk nummer med 8 siffer, for eksempel "
    "912 34 567, eller et utenlandsk nummer med + og landskode, for eksempel +46 70 123 45 67."
)
# Norwegian numbers grouped 3-2-3: mobile (4 and 9) and the service numbers 8xx.
_THREE_TWO_THREE = {PhoneNumberType.MOBILE, PhoneNumberType.TOLL_FREE}
_THREE_TWO_THREE |= {PhoneNumberType.PREMIUM_RATE, PhoneNumberType.SHARED_COST}
# The short numbers people write in a crisis plan (AMK 113, legevakt 116 117, politi 112,
# brann 110, Mental Helse 116 123, Alarmtelefonen for barn 116 111): libphonenumber's matcher
# finds full numbers only, so these are found here and checked against its short-number data.
_SHORT = re.compile(r"(?<![0-9+])(11[0-3]|116 ?[0-9]{3})(?![0-9])")


# The crisis card must answer fast (issue 7: within 2× the login page); parsing with
# libphonenumber costs a tenth of a millisecond a number, so the few numbers and plan texts
# a server shows are parsed once. The results are never changed by their callers.
_CACHED = 4096


@lru_cache(maxsize=_CACHED)
def parse(value: str) -> phonenumbers.PhoneNumber | None:
    """The number in ``value`` when it is a valid one (Norwegian unless it has +country)."""
    # A no-break space (pasted from a web page) is a space; other characters stay as typed.
    text = re.sub(r"\s", " ", value or "").strip()
    # ASCII only: libphonenumber reads full-width and Arabic-Indic digits as digits, and a
    # stored number must be the one a person sees and dials (issue 13's rule for identifiers).
    if not text or not text.isascii():
        return None
    if text.startswith("00"):  # 0046…: the international prefix dialled from Norway
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def normalize(value: str) -> str:
    """``value`` in E.164; raises ValidationError with a Norwegian message when it is none."""
    number = parse(value)
    if number is None:
        raise ValidationError(INVALID_MESSAGE, code="invalid")
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def _norwegian(number: phonenumbers.PhoneNumber) -> str:
    digits = phonenumbers.national_significant_number(number)
    if len(digits) != 8:  # 5-digit service numbers (02800) as libphonenumber writes them
        return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    if phonenumbers.number_type(number) in _THREE_TWO_THREE:
        return f"{digits[:3]} {digits[3:5]} {digits[5:]}"
    return f"{digits[:2]} {digits[2:4]} {digits[4:6]} {digits[6:]}"


# A number is parsed by libphonenumber for every row that shows it (the team page's members,
# relatives and phase plan): the same few numbers again and again, so the answers are kept.
@lru_cache(maxsize=4096)
def display(value: str, *, international: bool = False) -> str:
    """A stored number as people read it: ``400 00 007`` (``+47 400 00 007`` with
    ``international``), a foreign one as ``+46 70 123 45 67``; text that is no valid number
    (a row the migration could not read) is shown as it is."""
    number = parse(value)
    if number is None:
        return value or ""
    if phonenumbers.region_code_for_number(number) != REGION:
        return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    local = _norwegian(number)
    return f"+{number.country_code} {local}" if international else local


@lru_cache(maxsize=4096)
def tel_uri(value: str) -> str:
    """The ``tel:`` address of a number (E.164), or "" when it is no valid number."""
    number = parse(value)
    if number is None:
        return ""
    return "tel:" + phonenumbers.format_number(number, PhoneNumberFormat.E164)


@dataclass(frozen=True)
class Found:
    """A number found in a free text: where it is, as it was typed, as it is shown, and its
    ``tel:`` address."""

    start: int
    end: int
    typed: str
    shown: str
    tel: str


def _short_tel(text: str) -> str:
    digits = text.replace(" ", "")
    if not shortnumberinfo.is_valid_short_number_for_region(
        phonenumbers.parse(digits, REGION), REGION
    ):
        return ""
    return "tel:" + digits


# Fewer digits than this can be no full number (Norwegian ones have 8, the shortest abroad 7),
# and fewer than three no short number: most of a plan's texts have none, and skip the matcher.
_FULL_DIGITS = 7
_SHORT_DIGITS = 3


def numbers_in(text: str) -> list[Found]:
    """The phone numbers in a free text ("Legevakt 116 117, AMK 113, Lise 912 34 567"), in
    order: full numbers as libphonenumber finds them (Norwegian unless written with +country)
    and the Norwegian emergency short numbers. ASCII digits only: a ``tel:`` link with
    full-width or Arabic-Indic digits dials nothing."""
    return list(_numbers_in(text or ""))


@lru_cache(maxsize=_CACHED)
def _numbers_in(raw: str) -> tuple[Found, ...]:
    digits = sum(c in "0123456789" for c in raw)
    if digits < _SHORT_DIGITS:
        return ()
    found: list[Found] = []
    matches = phonenumbers.PhoneNumberMatcher(raw, REGION) if digits >= _FULL_DIGITS else ()
    for match in matches:
        if not match.raw_string.isascii():
            continue
        e164 = phonenumbers.format_number(match.number, PhoneNumberFormat.E164)
        found.append(Found(match.start, match.end, match.raw_string, display(e164), "tel:" + e164))
    for short in _SHORT.finditer(raw):
        if any(f.start < short.end() and short.start() < f.end for f in found):
            continue
        typed = short.group(1)
        tel = _short_tel(typed)
        if tel:
            short_number = tel[4:]
            shown = (
                f"{short_number[:3]} {short_number[3:]}" if len(short_number) == 6 else short_number
            )
            found.append(Found(short.start(1), short.end(1), typed, shown, tel))
    return tuple(sorted(found, key=lambda f: f.start))


def link_numbers(text: str) -> SafeString:
    """``text`` escaped, with each phone number in it a ``tel:`` link; line breaks kept as
    ``<br>``. The numbers are found in the raw text and every piece of it is escaped before
    it is joined to a link (escaping the whole first would put the digits of ``&#x27;`` next to
    a number); the link's address is "tel:" and digits only, so no input reaches the HTML
    unescaped."""
    raw = text or ""
    parts: list[str] = []
    position = 0
    for number in _numbers_in(raw):
        parts.append(escape(raw[position : number.start]))
        # Shown one way, however it was typed (issue 16, item 13): "116117" is "116 117".
        parts.append(f'<a class="ds-link" href="{number.tel}">{escape(number.shown)}</a>')
        position = number.end
    parts.append(escape(raw[position:]))
    html = "".join(parts).replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")
    return mark_safe(html)  # noqa: S308 – escaped pieces and digits-only addresses
