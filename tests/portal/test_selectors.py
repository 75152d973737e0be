"""Reads of the portal that need no page to test: the phone numbers made into tel: links."""

from __future__ import annotations

from actors.portal_selectors import phone_numbers


def test_phone_numbers_in_the_plan_become_tel_links():
    assert phone_numbers("Legevakt 116 117, AMK 113, Tor 987 65 432") == [
        "116 117",
        "113",
        "987 65 432",
    ]


def test_digits_other_than_0_to_9_are_not_a_phone_number():
    """A tel: link with full-width or Arabic-Indic digits dials nothing (issue 13)."""
    assert phone_numbers("Legevakt １１６ １１７, AMK ١١٣") == []
