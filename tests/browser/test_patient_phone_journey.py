"""Issue 16: Kari, 70, on her phone (390×844): her plan, her team, "hva gjør jeg hvis", her next
activities with the real meeting she is invited to, and "Planen min" on paper; on every page
no sideways scroll, the heading and the content on the first screen below the portal's row of
tabs, axe and no Content-Security-Policy violation. Debian chromium."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from coordination.models import Meeting
from tests.browser.conftest import PageLog, assert_accessible
from tests.browser.test_coordinator_journey import goto, log_in
from tests.clock import oslo
from tests.conftest import Cast
from tests.factories import PASSWORD
from tests.lkt.workspace.portal.helpers import karis_plan_in_force

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
MEETING_PLACE = "Fjordvik rådhus, møterom 2 i andre etasje (inngang fra Strandgata)"


def fits_and_clean(page: Page, page_log: PageLog) -> None:
    """The page fits the phone (no sideways scroll), axe finds nothing serious, and the
    browser logged no CSP violation (nor any other error)."""
    page.wait_for_load_state("networkidle")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways on a phone: {width}px"
    assert_accessible(page)
    page_log.assert_clean()


def checked(page: Page, page_log: PageLog) -> None:
    """A page just opened: it fits and is clean, and its heading and first content are on the
    first screen, below the portal's tabs."""
    fits_and_clean(page, page_log)
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_be_in_viewport()
    # The content after the portal's tabs starts on the first screen.
    below_tabs = page.evaluate(
        """() => {
            const nav = document.querySelector(".lkt-portal__nav");
            const next = nav && nav.nextElementSibling;
            return next ? next.getBoundingClientRect().top : 0;
        }"""
    )
    assert below_tabs < PHONE["height"] - 100, f"{page.url}: content starts at {below_tabs}px"


def tab(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Sidene på Min side").get_by_role("link", name=name).click()


def test_kari_reads_her_plan_team_and_next_activities_on_her_phone(
    transactional_db, cast: Cast, page: Page, page_log: PageLog
):
    cast.member.phone = "+4790011222"
    cast.member.save()
    version = karis_plan_in_force(cast)
    version.roles = [
        {"name": "Cecilie", "role": "koordinator"},
        {"name": "Nils", "role": "nav_veileder"},
        {"name": "Lise", "role": "kontaktlege"},
    ]
    version.save()
    # Tomorrow: sooner than (or, on 29 February, the same day as) any day of her årshjul, and
    # a meeting comes before the årshjul's items of its own day.
    soon = timezone.localdate() + dt.timedelta(days=1)
    Meeting.objects.create(
        team=cast.team,
        kind=Meeting.Kind.RESPONSIBILITY_GROUP,
        starts_at=oslo(soon, 10),
        place=MEETING_PLACE,
        video_url="https://video.fjordvik.kommune.no/rom/ansvarsgruppe-kari-nordvik-2026-desember",
        created_by=cast.coordinator,
    )
    patient = cast.team.patient
    page.set_viewport_size(PHONE)

    log_in(page, "kari", PASSWORD)
    expect(page).to_have_url(re.compile(r"/min-side/$"))
    checked(page, page_log)
    activities = page.locator(
        "section", has=page.get_by_role("heading", name="Neste aktiviteter")
    ).first
    expect(activities).to_contain_text("Møte med teamet")
    expect(activities).to_contain_text("Evalueringsmøte")

    # Is it acute? The jump link takes her to "Hva gjør jeg hvis" and the numbers to tap.
    page.get_by_role("link", name="Er det akutt? Se hva du gjør og hvem du ringer").click()
    crisis = page.locator("section", has=page.get_by_role("heading", name="Hva gjør jeg hvis …"))
    expect(crisis.get_by_role("heading", name="Rødt: når det er akutt")).to_be_in_viewport()
    expect(crisis.locator('a[href="tel:116117"]').first).to_be_visible()

    # The plan: the tabs are one row, the heading and content on the first screen.
    page.goto(reverse("workspace:portal-home"))
    tab(page, "Planen og hva gjør jeg hvis")
    expect(page.get_by_role("heading", level=1)).to_have_text("Planen min")
    checked(page, page_log)
    plan = page.locator("section", has=page.get_by_role("heading", name="Planen min", level=2))
    expect(plan).to_contain_text("Nils: Kontaktperson i NAV")
    expect(plan).to_contain_text("Lise: Lege eller psykolog på sykehuset eller DPS")
    expect(plan).not_to_contain_text("nav-veileder")
    next_up = page.locator("section", has=page.get_by_role("heading", name="Neste aktiviteter"))
    expect(next_up.get_by_role("listitem").first).to_contain_text("Møte med teamet")
    expect(next_up).to_contain_text(MEETING_PLACE)

    # The team, with the number to tap written as she reads it.
    tab(page, "Teamet")
    expect(page.get_by_role("heading", level=1)).to_have_text("Teamet mitt og hvordan du når dem")
    checked(page, page_log)
    call_tor = page.get_by_role("link", name=re.compile(r"Ring 900 11 222"))
    expect(call_tor).to_have_attribute("href", "tel:+4790011222")

    # The meeting from "Neste aktiviteter": her meetings page, the long place and video link
    # wrapped on the phone.
    tab(page, "Planen og hva gjør jeg hvis")
    page.locator("section", has=page.get_by_role("heading", name="Neste aktiviteter")).get_by_role(
        "link", name="Møte med teamet"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Møtene mine")
    expect(page.get_by_text(MEETING_PLACE)).to_be_visible()
    checked(page, page_log)
    # Her wishes, saved with htmx: said once, where she pressed the button, and not again on
    # the next page (issue 16, item 17: messages one page late).
    page.get_by_label("Andre ønsker for møtene").fill("Helst formiddag, og gjerne hjemme")
    page.get_by_role("button", name="Lagre ønskene").click()
    saved = page.get_by_text("Ønskene dine er lagret. Teamet ser dem når de planlegger.")
    expect(saved).to_have_count(1)
    fits_and_clean(page, page_log)

    # Every other page of Min side fits the phone too.
    for name, heading in (
        ("Si fra om endringer", "Har noe endret seg? Fortell teamet ditt"),
        ("Evalueringer", "Evalueringene mine"),
        ("Samtykker", "Samtykkene mine"),
        ("Pårørende", "Hva pårørende kan se"),
    ):
        tab(page, name)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(page.get_by_text("Ønskene dine er lagret")).to_have_count(0)
        checked(page, page_log)

    # "Planen min" on paper: the plan, the plain roles, the meeting, the numbers one way.
    tab(page, "Planen og hva gjør jeg hvis")
    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned planen som PDF").click()
    pdf = PdfReader(io.BytesIO(download.value.path().read_bytes()))
    text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    assert "Nils: Kontaktperson i NAV" in text
    assert "Møte med teamet" in text
    assert "900 11 222" in text and "+4790011222" not in text
    assert patient.name in text
    page_log.assert_clean()


def test_the_browser_check_fails_on_an_inline_style(
    transactional_db, page: Page, page_log: PageLog
):
    """The check the journeys rely on: a style attribute the policy refuses is seen."""
    goto(page, "/konto/logg-inn/")
    page.evaluate(
        """() => document.body.insertAdjacentHTML(
            "beforeend", '<p class="probe" style="color: red">x</p>')"""
    )
    page.wait_for_function("() => document.querySelector('.probe')")
    page.wait_for_timeout(200)
    assert page_log.csp_violations, "an inline style went unnoticed"
    assert "style-src" in page_log.csp_violations[0]
