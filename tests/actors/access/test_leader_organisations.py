"""The organisations whose aggregate figures a leader sees (actors.access.leader_organisations):
their own and three levels below it, read down from it; none above, beside or deeper."""

from __future__ import annotations

import pytest

from actors.access import leader_organisations
from actors.models import Organisation
from tests.factories import OrganisationFactory, StaffFactory

pytestmark = pytest.mark.django_db


def _chain(top: Organisation, depth: int) -> list[Organisation]:
    found = [top]
    for _ in range(depth):
        found.append(OrganisationFactory.create(parent=found[-1]))
    return found


def test_a_leader_sees_their_organisation_and_three_levels_below_it():
    above = OrganisationFactory.create()
    own, child, grandchild, great_grandchild, too_deep = _chain(
        OrganisationFactory.create(parent=above), 4
    )
    beside = OrganisationFactory.create(parent=above)
    second_child = OrganisationFactory.create(parent=own)
    leader = StaffFactory.create(organisation=own, is_leader=True)

    seen = set(leader_organisations(leader))

    assert seen == {own, child, grandchild, great_grandchild, second_child}
    assert not seen & {above, beside, too_deep}


def test_a_leader_of_an_organisation_with_none_below_sees_their_own():
    leader = StaffFactory.create(is_leader=True)

    assert list(leader_organisations(leader)) == [leader.organisation]


def test_who_leads_nothing_sees_no_organisation():
    OrganisationFactory.create()
    worker = StaffFactory.create(is_leader=False)
    unplaced = StaffFactory.create(organisation=None, is_leader=True)

    assert not leader_organisations(worker).exists()
    assert not leader_organisations(unplaced).exists()
