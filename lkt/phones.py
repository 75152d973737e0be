"""Phone numbers as people read them: one way of writing a number on every page and PDF.

Every number shown goes through ``display`` (templates: ``{% load phone %}`` and the ``phone``
filter; numbers inside a free text through ``phone_text``; ``tel:`` links through ``tel``), so
the rule for writing a number lives here only and can change in one place (issue 16, item 13).

Norwegian numbers are written the way Telenor's directory and helsenorge.no write them: a
mobile number (4 or 9 first) as 900 11 222, another eight-digit number as 22 33 44 55, the
116 numbers as 116 117; "+47" or "0047" in front of a Norwegian number is left out. A foreign
number keeps its country code, and anything else is shown as it was typed.
"""

from __future__ import annotations

import re

# ASCII digits only: a tel: link with full-width or Arabic-Indic digits dials nothing.
_NUMBER_IN_TEXT = re.compile(r"\+?[0-9][0-9 ]{1,14}[0-9]")
_SEPARATORS = re.compile(r"[\s().\-]")
_NORWAY = ("+47", "0047")


def _national(number: str) -> str | None:
    """The digits of a Norwegian number without its country code, or None for a foreign one."""
    compact = _SEPARATORS.sub("", number)
    for prefix in _NORWAY:
        if compact.startswith(prefix) and len(compact) == len(prefix) + 8:
            return compact[len(prefix) :]
    if compact.startswith(("+", "00")):
        return None
    return compact if compact.isascii() and compact.isdigit() else None


def display(number: str) -> str:
    """The number as a Norwegian reads it ("+4790011222" → "900 11 222")."""
    number = (number or "").strip()
    digits = _national(number)
    if digits is None:
        return number
    if len(digits) == 8:
        if digits[0] in "49":
            return f"{digits[:3]} {digits[3:5]} {digits[5:]}"
        return " ".join(digits[i : i + 2] for i in range(0, 8, 2))
    if len(digits) == 6 and digits.startswith("116"):
        return f"{digits[:3]} {digits[3:]}"
    return digits


def tel(number: str) -> str:
    """The number for a ``tel:`` link: digits, with a leading + kept."""
    number = (number or "").strip()
    compact = _SEPARATORS.sub("", number)
    return compact if compact.lstrip("+").isascii() else ""


def numbers_in(text: str) -> list[str]:
    """The phone numbers in a free text ("Legevakt 116 117, AMK 113"), at least three digits."""
    return [
        n.strip() for n in _NUMBER_IN_TEXT.findall(text or "") if sum(c.isdigit() for c in n) >= 3
    ]


def in_text(text: str) -> str:
    """A free text with each phone number in it written as ``display`` writes it."""

    def one(match: re.Match[str]) -> str:
        found = match.group(0)
        if sum(c.isdigit() for c in found) < 3:
            return found
        # A number followed by another word keeps its trailing space.
        return display(found)

    return _NUMBER_IN_TEXT.sub(one, text or "")
