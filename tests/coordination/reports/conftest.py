"""Fjordvik kommune with two units below it, for the indicator tests."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from actors.models import Organisation, User
from tests.factories import OrganisationFactory, StaffFactory


@dataclass
class Kommune:
    kommune: Organisation
    home: Organisation  # Hjemmetjenesten, below the kommune
    mental: Organisation  # Psykisk helse, below the kommune
    author: User


@pytest.fixture
def fjordvik() -> Kommune:
    kommune = OrganisationFactory.create(name="Fjordvik kommune", kind=Organisation.Kind.KOMMUNE)
    home = OrganisationFactory.create(
        name="Hjemmetjenesten", kind=Organisation.Kind.HJEMMETJENESTE, parent=kommune
    )
    mental = OrganisationFactory.create(
        name="Psykisk helse", kind=Organisation.Kind.PSYKISK_HELSE_RUS, parent=kommune
    )
    return Kommune(kommune, home, mental, StaffFactory.create(organisation=kommune))
