"""The plan for cooperation in a real browser: the coordinator drafts it, a member posts a
correction, the coordinator closes the window for corrections, she, the leader and the patient
approve it, the patient's portal shows it in force, and a relative who may not see the
plan is kept out while still seeing the team."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from careplans.models import CarePlanVersion
from tests.browser.conftest import PageLog, assert_accessible
from tests.browser.test_coordinator_journey import goto, log_in_as

pytestmark = pytest.mark.browser


def _approve(page: Page, plan_url: str) -> None:
    goto(page, plan_url)
    page.get_by_role("button", name=re.compile(r"^Jeg godkjenner utkast 1")).click()


def test_draft_approved_by_all_comes_into_force_and_reaches_the_portal(
    transactional_db, cast, page: Page, page_log: PageLog
):
    team, kari = cast.team, cast.team.patient
    plan_url = f"/samarbeidsplan/{team.pk}/"

    log_in_as(page, "cecilie")
    goto(page, plan_url)
    page.get_by_role("button", name="Lag det første utkastet").click()
    expect(page).to_have_url(re.compile(r"/utkast/$"))  # straight on to writing the draft
    assert_accessible(page)
    goto(page, plan_url)
    expect(page.get_by_role("heading", name="Utkast 1 venter på godkjenning")).to_be_visible()
    assert_accessible(page)

    log_in_as(page, "tor")  # a member corrects the draft in place while the window is open
    goto(page, plan_url)
    page.get_by_label("Ditt innspill til utkastet").fill("Legg til hvem som ringer Per.")
    page.get_by_role("button", name="Send innspillet").click()
    expect(page.locator("#plan-corrections")).to_contain_text("Legg til hvem som ringer Per.")
    expect(page.locator("#plan-corrections")).to_contain_text("Innspillet ditt er lagt til")
    assert_accessible(page)

    log_in_as(page, "cecilie")  # everyone has read it: she closes the window, and approval opens
    goto(page, plan_url)
    expect(page.locator("#plan-body")).to_contain_text("Utkastet kan godkjennes fra")
    page.get_by_role("button", name="Lukk fristen for innspill nå").click()
    expect(page.locator("#plan-body")).to_contain_text("Fristen for innspill er lukket")
    _approve(page, plan_url)
    expect(page.locator("#plan-body")).to_contain_text("Cecilie")

    log_in_as(page, "leif")  # the leader of the kommune, where the core members work
    goto(page, "/leder/planer-til-godkjenning/")
    page.get_by_role("link", name=re.compile(r"^Les og godkjenn")).first.click()
    expect(page.locator("body")).not_to_contain_text("Kari Nordvik")  # structure, not the patient
    assert_accessible(page)
    _approve(page, plan_url)

    log_in_as(page, "kari")
    _approve(page, plan_url)
    expect(page.get_by_role("heading", name=re.compile(r"^Planen som gjelder"))).to_be_visible()
    assert CarePlanVersion.objects.get(plan__team=team).status == "in_force"

    goto(page, f"/min-side/{kari.pk}/planen/")
    expect(page.locator("main")).not_to_contain_text("venter på godkjenning")
    assert_accessible(page)

    log_in_as(page, "per")  # Kari's father may see her team, not her plan
    response = page.goto(f"/min-side/{kari.pk}/planen/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Fant ikke siden")).to_be_visible()
    goto(page, f"/min-side/{kari.pk}/teamet/")
    expect(page.locator("main")).to_contain_text(cast.coordinator.get_full_name())
    expect(page.get_by_role("heading", name="Fant ikke siden")).to_have_count(0)
    # The 404 above was the point: drop it from what the browser reported before checking.
    page_log.failed_responses.clear()
    page_log.console_errors = [e for e in page_log.console_errors if "/planen/" not in e]
    page_log.assert_clean()
