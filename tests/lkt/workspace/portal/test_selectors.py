"""Reads of the portal that need no page to test: the phone numbers made into tel: links."""

from __future__ import annotations

from lkt.workspace.portal_selectors import phone_numbers


def test_phone_numbers_in_the_plan_become_tel_links():
    found = phone_numbers("Legevakt 116 117, AMK 113, Tor 987 65 432")
    assert [(n.shown, n.tel) for n in found] == [
        ("116 117", "tel:116117"),
        ("113", "tel:113"),
        ("987 65 432", "tel:+4798765432"),
    ]


def test_digits_other_than_0_to_9_are_not_a_phone_number():
    """A tel: link with full-width or Arabic-Indic digits dials nothing (issue 13)."""
    assert phone_numbers("Legevakt １１６ １１７, AMK ١١٣, Tor ９８７ ６５ ４３２") == []
