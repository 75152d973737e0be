"""Derived values of the actors' models."""

from __future__ import annotations

from actors.models import Closeness, Member, Role


def test_a_members_role_and_closeness_read_as_their_labels():
    member = Member(role=Role.GP, closeness=Closeness.DAILY)
    assert member.get_role_display() == "Fastlege"
    assert member.get_closeness_display() == "Daglig"


def test_a_value_outside_the_choices_reads_as_itself_as_djangos_display_does():
    member = Member(role="", closeness="sometimes")
    assert member.get_role_display() == ""
    assert member.get_closeness_display() == "sometimes"
