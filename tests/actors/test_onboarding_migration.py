"""The onboarding migration on a database with relatives made as users: run for real, from
the migration before it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import Cast
from tests.migrating import migrate, migrated_back

BEFORE = [("actors", "0006_login_lockout_by_axes")]
AFTER = [("actors", "0007_people_onboarding")]


@pytest.fixture
def before(cast: Cast) -> Iterator[Any]:
    with migrated_back(BEFORE) as apps:
        yield apps


@pytest.mark.django_db(transaction=True)
def test_existing_links_take_the_users_name_and_keep_meetings_unless_excluded(
    cast: Cast, before: Any
):
    user_model = before.get_model("actors", "User")
    link_model = before.get_model("actors", "RelativeLink")
    nameless = user_model.objects.create(username="anonym", kind="relative")
    link_model.objects.create(
        patient_id=cast.team.patient_id,
        relative=nameless,
        relation="friend",
        created_by_id=cast.patient.pk,
    )

    after = migrate(AFTER).get_model("actors", "RelativeLink")
    rows = {
        link.relative_id: (link.name, link.national_id, link.may_communicate)
        for link in after.objects.all()
    }
    assert rows[cast.relative.pk] == ("Per Testesen", "", True)
    assert rows[cast.excluded_relative.pk] == ("Lise Testesen", "", False)
    assert rows[nameless.pk] == ("anonym", "", True)
