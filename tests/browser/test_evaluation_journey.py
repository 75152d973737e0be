"""The evaluation meeting in a real browser: the plan period ends in five days and LKT has
proposed the evaluation meeting, which the coordinator confirmed. When it has begun, she marks
it held, writes the minutes in place, records a goal's result in the patient's words, enters a
decision and turns it into a task for Tor in one step. Tor logs in and finds "Nytt tiltak" in
his inbox, with a link to the team's tasks."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from careplans.models import Goal
from coordination.evaluation.services import (
    evaluation_meeting_confirm,
    evaluation_meeting_propose,
)
from coordination.models import Meeting, PlanPeriod, Task
from tests.browser.conftest import PageLog, assert_accessible
from tests.browser.test_coordinator_journey import goto, log_in_as

pytestmark = pytest.mark.browser

DECISION = "Tor følger Kari til svømmehallen hver tirsdag."


def test_coordinator_turns_a_decision_in_the_evaluation_meeting_into_a_task_for_tor(
    transactional_db, cast, page: Page, page_log: PageLog
):
    team, kari = cast.team, cast.team.patient
    today = timezone.localdate()
    goal = Goal.objects.create(patient=kari, text="Svømme en gang i uka", wish="Bli sterkere")
    period = PlanPeriod.objects.create(
        team=team,
        created_by=cast.coordinator,
        starts_on=today - dt.timedelta(days=180),
        ends_on=today + dt.timedelta(days=5),
    )
    proposed = evaluation_meeting_propose(period=period, today=today)
    assert proposed is not None
    meeting = evaluation_meeting_confirm(actor=cast.coordinator, meeting=proposed)
    # The meeting has begun: only then may it be marked held.
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - dt.timedelta(minutes=30)
    )
    tor = team.members.get(user=cast.member)
    due = today + dt.timedelta(days=14)

    log_in_as(page, "cecilie")
    goto(page, f"/moter/{meeting.pk}/")
    body = page.locator("#meeting-body")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Evalueringsmøte")
    assert_accessible(page)

    page.get_by_role("button", name="Marker som gjennomført").click()
    expect(
        body.get_by_role("status").filter(has_text="Møtet er markert som gjennomført")
    ).to_be_visible()
    expect(page.locator("#status dd").first).to_have_text("Gjennomført")

    minutes = page.locator("#minutes")
    minutes.get_by_label("Referat", exact=True).fill("Kari har svømt fire ganger siden sist.")
    minutes.get_by_role("button", name="Lagre referatet").click()
    expect(minutes.get_by_role("status")).to_have_text("Referatet er lagret.")
    expect(minutes.get_by_label("Referat", exact=True)).to_have_value(
        "Kari har svømt fire ganger siden sist."
    )

    decisions = page.locator("#beslutninger")
    decisions.get_by_label("Beslutning").fill(DECISION)
    decisions.get_by_role("button", name="Før beslutningen").click()
    expect(
        body.get_by_role("status").filter(has_text="Beslutningen er ført i referatet")
    ).to_be_visible()
    expect(decisions.get_by_role("listitem").filter(has_text=DECISION)).to_have_count(1)

    decisions.get_by_role("link", name=re.compile(r"^Gjør til tiltak")).click()
    panel = page.locator("#meeting-panel")
    expect(panel.get_by_role("heading", name="Gjør til tiltak")).to_be_visible()
    expect(panel.get_by_label("Tiltak", exact=True)).to_have_value(DECISION)
    assert_accessible(page)
    panel.get_by_label("Mål i Min gode dag").select_option(str(goal.pk))
    panel.get_by_label("Ansvarlig").select_option(str(tor.pk))
    panel.get_by_label("Frist").fill(due.isoformat())
    panel.get_by_role("button", name="Lag tiltaket").click()

    expect(
        body.get_by_role("status").filter(has_text="Beslutningen er gjort til tiltaket")
    ).to_be_visible()
    made = decisions.get_by_role("listitem").filter(has_text=DECISION)
    expect(made.locator(".ds-tag")).to_have_text("Tiltak")
    expect(made).to_contain_text(f"frist {due.day}.{due.month}.{due.year}")
    expect(made).to_contain_text("Mål: Svømme en gang i uka")
    expect(panel.get_by_role("heading", name="Gjør til tiltak")).to_have_count(0)
    assert page.url.endswith(f"/moter/{meeting.pk}/")  # all in place, no navigation
    assert_accessible(page)
    task = Task.objects.get(decision__meeting=meeting)
    assert (task.owner, task.goal, task.due_on) == (tor, goal, due)

    # The goal's result, in Kari's own words, on the evaluation page.
    goto(page, f"/planperiode/{period.pk}/evaluering/")
    page.get_by_role("link", name=re.compile(r"^Evaluer målet")).click()
    form = page.locator(f"#goal-{goal.pk}-panel")
    form.get_by_label("Delvis nådd").check()
    form.get_by_label("Med pasientens egne ord").fill("Jeg svømmer når Tor blir med.")
    assert_accessible(page)
    form.get_by_role("button", name="Lagre").click()
    result = page.locator(f"#goal-{goal.pk}")
    expect(result.locator(".ds-tag")).to_have_text("Delvis nådd")
    expect(result).to_contain_text("Jeg svømmer når Tor blir med.")
    assert_accessible(page)

    log_in_as(page, "tor")
    goto(page, "/varsler/")
    item = page.get_by_role("listitem").filter(has_text="Nytt tiltak")
    expect(item).to_have_count(1)
    expect(item).to_contain_text(DECISION)
    expect(item.locator(".ds-tag")).to_have_text("Ny")
    assert_accessible(page)
    item.get_by_role("link", name=re.compile(r"^Gå til saken")).click()
    expect(page).to_have_url(re.compile(rf"/aktorfellesskap/{team.pk}/tiltak/alle/$"))
    expect(page.locator("main")).to_contain_text(DECISION)
    assert_accessible(page)
    page_log.assert_clean()
