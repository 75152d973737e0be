"""The koordinerende enhet around the named cast.

- ``unit_staff`` (Una): works at Fjordvik kommune's koordinerende enhet; handles need reports
  sent to Fjordvik and registers coordinators in teams it is responsible for.
- ``other_unit_staff`` (Otto): works at Havbu kommune's unit; sees nothing of Fjordvik's reports.
"""

from __future__ import annotations

import pytest

from actors.models import Organisation, User
from tests.conftest import Cast
from tests.factories import OrganisationFactory, StaffFactory


@pytest.fixture
def unit_staff(cast: Cast) -> User:
    unit = OrganisationFactory(
        name="Koordinerende enhet Fjordvik",
        kind=Organisation.Kind.KOORDINERENDE_ENHET,
        parent=cast.kommune,
    )
    return StaffFactory(username="una", first_name="Una", organisation=unit)


@pytest.fixture
def other_unit_staff(cast: Cast) -> User:
    unit = OrganisationFactory(
        name="Koordinerende enhet Havbu",
        kind=Organisation.Kind.KOORDINERENDE_ENHET,
        parent=cast.other_kommune,
    )
    return StaffFactory(username="otto", first_name="Otto", organisation=unit)
