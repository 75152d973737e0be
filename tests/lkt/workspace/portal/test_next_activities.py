"""Issue 16, item 11: "Neste aktiviteter" on Min side, on the plan page and in "Planen min"
(PDF) lists the real meetings the viewer may see with the årshjul's days, by date, and an
årshjul day that a planned meeting carries out once, as the meeting."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from pypdf import PdfReader

from actors.models import RelativeLink
from careplans.annual.rules import next_occurrence
from careplans.models import AnnualActivity
from coordination.models import Meeting
from tests.clock import oslo
from tests.conftest import Cast, client_for
from tests.lkt.workspace.portal.helpers import karis_plan_in_force

pytestmark = pytest.mark.django_db

# How the portal writes a meeting's time (lkt.workspace.portal_selectors.MEETING_WHEN).
WHEN = r"l j.n.Y \k\l. H:i"
EVALUATION = "Møte om hvordan det går med målene (evalueringsmøte)"


def meeting(cast: Cast, day: dt.date, **fields: Any) -> Meeting:
    fields.setdefault("kind", Meeting.Kind.RESPONSIBILITY_GROUP)
    fields.setdefault("status", Meeting.Status.PLANNED)
    return Meeting.objects.create(
        team=cast.team,
        starts_at=oslo(day, 10),
        created_by=cast.coordinator,
        **fields,
    )


def activities(html: str) -> str:
    start = html.index('id="aktiviteter-heading"')
    return html[start : html.index("</section>", start)]


def planned_evaluation(cast: Cast) -> dt.date:
    activity = AnnualActivity.objects.get(
        version__plan__team=cast.team, kind=AnnualActivity.Kind.EVALUATION
    )
    day = next_occurrence(activity, timezone.localdate() - dt.timedelta(days=1))
    assert day is not None
    return day


def test_kari_sees_the_meetings_she_is_invited_to_among_the_arshjul_days_by_date(cast: Cast):
    karis_plan_in_force(cast)
    soon = timezone.localdate() + dt.timedelta(days=3)
    meeting(cast, soon, place="Fjordvik rådhus")
    meeting(cast, soon + dt.timedelta(days=1), kind=Meeting.Kind.AD_HOC, patient_invited=False)
    for name in ("workspace:portal-home", "workspace:portal-plan"):
        args = [] if name == "workspace:portal-home" else [cast.team.patient.pk]
        html = activities(client_for(cast.patient).get(reverse(name, args=args)).content.decode())
        assert "Møte med teamet" in html, name
        assert date_format(oslo(soon, 10), WHEN) in html
        assert "Sted: Fjordvik rådhus" in html
        assert reverse("coordination:portal-meetings", args=[cast.team.patient.pk]) in html
        # The meeting she is not invited to is not there, not even as a hint.
        assert "Ekstra møte" not in html
        # By date: the meeting in three days comes before the årshjul's evaluation.
        assert html.index("Møte med teamet") < html.index("Evalueringsmøte")


def test_an_arshjul_day_a_planned_meeting_carries_out_is_listed_once_as_the_meeting(cast: Cast):
    karis_plan_in_force(cast)
    planned = planned_evaluation(cast)
    real = planned + dt.timedelta(days=4)
    meeting(cast, real, kind=Meeting.Kind.EVALUATION)
    html = activities(
        client_for(cast.patient).get(reverse("workspace:portal-home")).content.decode()
    )
    assert html.count(EVALUATION) == 1
    assert date_format(oslo(real, 10), WHEN) in html
    # The årshjul's own line for that evaluation (its planned day) is gone.
    assert f"Evalueringsmøte</strong>, {date_format(planned, 'SHORT_DATE_FORMAT')}" not in html


def test_a_proposed_meeting_leaves_the_arshjul_day_until_it_is_planned(cast: Cast):
    karis_plan_in_force(cast)
    planned = planned_evaluation(cast)
    meeting(cast, planned + dt.timedelta(days=4), kind=Meeting.Kind.EVALUATION, status="proposed")
    html = activities(
        client_for(cast.patient).get(reverse("workspace:portal-home")).content.decode()
    )
    assert EVALUATION not in html
    assert f"Evalueringsmøte</strong>, {date_format(planned, 'SHORT_DATE_FORMAT')}" in html


def test_a_relative_sees_only_the_meetings_kari_invited_him_to(cast: Cast):
    karis_plan_in_force(cast)
    RelativeLink.objects.filter(relative=cast.relative).update(may_see_plan=True)
    soon = timezone.localdate() + dt.timedelta(days=2)
    invited = meeting(cast, soon)
    meeting(cast, soon + dt.timedelta(days=1), kind=Meeting.Kind.AD_HOC)
    url = reverse("workspace:portal-plan", args=[cast.team.patient.pk])
    html = activities(client_for(cast.relative).get(url).content.decode())
    assert "Møte med teamet" not in html and "Ekstra møte" not in html
    invited.relatives_invited.add(RelativeLink.objects.get(relative=cast.relative))
    html = activities(client_for(cast.relative).get(url).content.decode())
    assert "Møte med teamet" in html and "Ekstra møte" not in html
    # Per cannot open Kari's own meetings page, so there is no link to it.
    assert "/moter/" not in html


def test_planen_min_lists_the_meeting(cast: Cast):
    karis_plan_in_force(cast)
    soon = timezone.localdate() + dt.timedelta(days=3)
    meeting(cast, soon, place="Fjordvik rådhus")
    response = client_for(cast.patient).get(
        reverse("workspace:portal-plan-pdf", args=[cast.team.patient.pk])
    )
    pages = PdfReader(io.BytesIO(response.content)).pages
    text = " ".join(" ".join(p.extract_text() for p in pages).split())
    assert f"Møte med teamet, {date_format(oslo(soon, 10), WHEN)}" in text
    assert "Sted: Fjordvik rådhus" in text
    assert "Evalueringsmøte" in text
