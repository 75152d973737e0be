"""``patients_for`` (a list's query) says what ``can`` (one patient's standing) says, for every
role of the cast and every read a FHIR search lists."""

from __future__ import annotations

import pytest

from actors.access import LIST_READS, Action, can, patients_for
from tests.conftest import Cast
from tests.test_access_matrix import ROLES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("action", LIST_READS)
@pytest.mark.parametrize("role", ROLES)
def test_the_list_of_patients_for_a_read_is_the_policy(cast: Cast, role: str, action: Action):
    user = cast.user(role)
    kari = cast.team.patient
    listed = patients_for(user, action).filter(pk=kari.pk).exists()
    assert listed == can(user, action, kari), f"{role} {action}"


def test_a_relative_allowed_goals_only_is_listed_for_goals_and_identity_only(cast: Cast):
    link = cast.team.patient.relative_links.get(relative=cast.relative)
    link.may_see_team = False
    link.save()
    listed = {a for a in LIST_READS if patients_for(cast.relative, a).exists()}
    assert listed == {Action.VIEW_IDENTITY, Action.VIEW_GOALS}


@pytest.mark.parametrize("action", LIST_READS)
@pytest.mark.parametrize("organisation", ["kommune", "other_kommune"])
def test_a_machine_clients_list_is_the_policy_too(cast: Cast, organisation: str, action: Action):
    from actors import services
    from tests.factories import UserFactory

    client = services.machine_client_register(
        actor=UserFactory(is_superuser=True),
        name="EPJ",
        client_id="epj",
        organisation=getattr(cast, organisation),
        scopes="system/*.read",
    )
    kari = cast.team.patient
    listed = patients_for(client.user, action).filter(pk=kari.pk).exists()
    assert listed == can(client.user, action, kari)
    assert listed == (organisation == "kommune")
