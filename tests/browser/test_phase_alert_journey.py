"""A phase change in a real browser, from the first worry to the receipt: Tor reports on Kari's
team page that she is in crisis and proposes rød fase, Cecilie confirms it in the same section,
and Nils, named in the plan in force as the contact for evenings and nights in rød, finds the
urgent alert first in his inbox and acknowledges it in place."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from careplans.models import Phase
from coordination.models import Notification, Observation
from tests.browser.conftest import PageLog, assert_accessible, check
from tests.browser.lazy import reveal
from tests.browser.test_coordinator_journey import goto, log_in_as
from tests.careplans.phase_helpers import NIGHT
from tests.coordination.alert_helpers import crisis_plan

pytestmark = pytest.mark.browser

WORRY = "Kari sover ikke og snakker om å gi opp."


def test_member_proposes_red_the_coordinator_confirms_and_the_night_contact_acknowledges(
    transactional_db, cast, page: Page, page_log: PageLog
):
    team = cast.team
    plan = crisis_plan(cast)  # Nils is the named contact for evenings and nights in rød
    team_url = f"/aktorfellesskap/{team.pk}/"

    log_in_as(page, "tor")
    goto(page, team_url)
    section = reveal(page.locator("#observasjoner"))
    expect(section.get_by_text("Ingen åpne observasjoner.")).to_be_visible()
    section.get_by_text("Meld at noe har endret seg").click()
    # The form renders as the details open, and the focus goes to its first field.
    expect(section.get_by_label("Hva har endret seg?")).to_be_focused()
    page.keyboard.type(WORRY)
    check(section.get_by_label("Rød", exact=True))
    assert_accessible(page)
    section.get_by_role("button", name="Send til koordinatoren").click()
    # The section reloads itself with the open proposal; the message shows on the page.
    expect(page.locator("#lkt-messages")).to_contain_text("forslaget om rød fase")
    proposal = section.locator(".lkt-observation", has_text=WORRY)
    expect(proposal.locator(".ds-tag")).to_have_text("Foreslår rød fase")
    expect(proposal.get_by_role("button")).to_have_count(0)  # only the coordinator decides
    assert_accessible(page)

    log_in_as(page, "cecilie")
    goto(page, team_url)
    reveal(section)
    proposal = section.locator(".lkt-observation", has_text=WORRY)
    expect(proposal).to_contain_text("meldt av Tor")
    assert_accessible(page)
    proposal.get_by_role("button", name=re.compile(r"^Bekreft rød fase")).click()
    # The message shows once, where the reload that carries it puts it (the phase section's).
    expect(page.get_by_role("status").filter(has_text="Fasen er endret til rød")).to_have_count(1)
    expect(section.get_by_text("Ingen åpne observasjoner.")).to_be_visible()
    # "fase-changed" reloads the phase section too, without a page load.
    expect(page.locator("#fase .lkt-phase-now")).to_have_attribute("data-phase", Phase.RED)
    assert page.url.endswith(team_url)
    assert_accessible(page)
    assert Observation.objects.get(team=team).status == Observation.Status.CONFIRMED

    log_in_as(page, "nils")
    goto(page, "/varsler/")
    waiting = page.locator("section", has=page.get_by_role("heading", name="Må kvitteres"))
    first = page.locator(".lkt-notifications > li").first
    expect(first).to_be_visible()
    expect(waiting.locator(".lkt-notifications > li")).to_have_count(1)
    expect(first.locator(".ds-tag")).to_have_text("Haster")
    expect(first).to_contain_text("Ny fase")
    expect(first).to_contain_text(f"Du er navngitt kontakt kveld og natt. Ring: {NIGHT}")
    assert_accessible(page)
    first.get_by_role("button", name=re.compile(r"^Kvitter")).click()
    expect(first.get_by_role("status")).to_have_text("Kvittert")
    expect(first.get_by_role("button", name=re.compile(r"^Kvitter"))).to_have_count(0)
    assert_accessible(page)
    alert = Notification.objects.get(recipient=plan.nils_user, kind=Notification.Kind.PHASE_ALERT)
    assert alert.acknowledged_at is not None

    goto(page, "/varsler/")  # acknowledged: no longer waiting for a receipt
    expect(page.get_by_role("heading", name="Må kvitteres")).to_have_count(0)
    expect(page.get_by_role("listitem").filter(has_text="Ny fase")).to_have_count(1)
    assert_accessible(page)
    page_log.assert_clean()
