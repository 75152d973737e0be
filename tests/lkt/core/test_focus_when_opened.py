"""A form that renders when opened takes the focus as it arrives (lkt.core.forms
.focus_when_opened): its first field has ``autofocus``, which htmx focuses in what it swaps in
for the link or the closed <details> that asked for it. On the form's own page (no JavaScript)
and when it comes back with errors, no field does: the page keeps its focus order."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.urls import reverse
from django.utils import timezone

from actors.models import Member
from careplans.models import Challenge
from tests.conftest import Cast, client_for

HX = {"HX-Request": "true"}
CONTROLS = re.compile(r'<(?:input|select|textarea)\b(?![^>]*type="hidden")[^>]*>')
NAME = re.compile(r'name="([^"]+)"')


def _leaving(cast: Cast) -> str:
    tor = cast.team.members.get(user=cast.member)
    leaves = timezone.localdate() + dt.timedelta(days=40)
    Member.objects.filter(pk=tor.pk).update(expected_leave_on=leaves)
    return reverse("actors:scenario-prepare", args=[cast.team.pk, f"member_leaving-{tor.pk}"])


def _perspective(cast: Cast) -> str:
    sleep = Challenge.objects.create(patient=cast.team.patient, text="Jeg sover dårlig")
    tor = cast.team.members.get(user=cast.member)
    return reverse("careplans:perspective-save", args=[cast.team.pk, sleep.pk, tor.pk])


def _named(name: str) -> Callable[[Cast], str]:
    return lambda cast: reverse(name, args=[cast.team.pk])


OPENED = {
    "kommunikasjon": _named("actors:communication-line-add"),
    "scenarier, ny": _named("actors:scenario-add"),
    "scenarier, plan": _leaving,
    "perspektiver": _perspective,
    "gode-dager": _named("careplans:team-good-days-record"),
    "koordinering": _named("coordination:survey-round-open"),
    "observasjoner": _named("coordination:observation-create"),
}


def _focused(html: str) -> set[str]:
    """The names of the fields that take the focus."""
    controls = CONTROLS.findall(html)
    assert controls, html
    return {NAME.search(c).group(1) for c in controls if " autofocus" in c}  # type: ignore[union-attr]


@pytest.mark.parametrize("opened", OPENED.values(), ids=OPENED.keys())
def test_the_first_field_takes_the_focus_only_when_the_form_is_opened_in_place(cast, opened):
    url = opened(cast)
    # The coordinator manages the team (the survey round) and writes for it (the rest).
    user = cast.member if "perspektiv" in url else cast.coordinator
    client = client_for(user)
    fragment = client.get(url, headers=HX)
    assert fragment.status_code == 200
    html = fragment.content.decode()
    first = NAME.search(CONTROLS.findall(html)[0]).group(1)  # type: ignore[union-attr]
    assert _focused(html) == {first}
    page = client.get(url)
    assert page.status_code == 200
    assert _focused(page.content.decode()) == set()
    # Sent back with its errors (nothing filled in), the error summary leads, not a field.
    refused = client.post(url, {}, headers=HX)
    assert refused.status_code == 200
    assert "<form" in refused.content.decode()
    assert _focused(refused.content.decode()) == set()
