"""Two identical posts of the members form, or of the API, at the same moment (a double click,
two tabs): the one active membership per person and team holds, and the second post gets the
form back with a message (the API a 409 with it), never a 500. Real transactions, one database
connection per request."""

from __future__ import annotations

import pytest
from django.urls import reverse

from actors.models import Member, Role
from lkt.core.forms import ALREADY_SAVED
from tests.concurrency import posting, run_with_inserts_held
from tests.conftest import Cast, client_for
from tests.factories import StaffFactory


@pytest.mark.django_db(transaction=True)
def test_adding_the_same_member_twice_at_once_adds_one_and_tells_the_other(cast: Cast):
    fastlege = StaffFactory.create(first_name="Frida", organisation=cast.kommune)
    url = reverse("actors:member-add", args=[cast.team.pk])
    data = {"user": fastlege.pk, "role": Role.GP, "closeness": "monthly", "involvement": "core"}

    first, second = run_with_inserts_held(
        Member,
        posting(client_for(cast.coordinator), url, data),
        posting(client_for(cast.coordinator), url, data),
    )

    assert sorted([first.status_code, second.status_code]) == [200, 302], (first, second)
    refused = first if first.status_code == 200 else second
    assert str(ALREADY_SAVED) in refused.content.decode()
    assert Member.objects.filter(team=cast.team, user=fastlege).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_api_adding_the_same_member_twice_at_once_answers_409_to_the_second(cast: Cast):
    fastlege = StaffFactory.create(first_name="Frida", organisation=cast.kommune)
    url = reverse("api:member-create", args=[cast.team.pk])
    data = {"user": fastlege.pk, "role": Role.GP}

    first, second = run_with_inserts_held(
        Member,
        posting(client_for(cast.coordinator), url, data, content_type="application/json"),
        posting(client_for(cast.coordinator), url, data, content_type="application/json"),
    )

    assert sorted([first.status_code, second.status_code]) == [201, 409], (first, second)
    refused = first if first.status_code == 409 else second
    assert refused.json() == {"detail": str(ALREADY_SAVED)}
    assert Member.objects.filter(team=cast.team, user=fastlege).count() == 1
