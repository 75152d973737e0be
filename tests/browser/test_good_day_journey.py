"""Min gode dag in a real browser: Kari writes a new version on her phone, then the coordinator
opens the history and sees what changed. axe checks the patient's page and the diff page."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from careplans.models import GoodDayVersion
from tests.browser.conftest import assert_accessible
from tests.browser.lazy import reveal
from tests.careplans.helpers import karis_first_version
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}  # a common phone, in CSS pixels
# A finger needs about 44 CSS pixels (WCAG 2.5.5); Designsystemet's buttons are that tall.
TOUCH_TARGET = 44
# Look at it after a run: /tmp/lkt-good-day-phone.png on Linux.
PHONE_SCREENSHOT = Path(tempfile.gettempdir()) / "lkt-good-day-phone.png"


def goto(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.ok, f"GET {path}: {response and response.status}"


def log_in(page: Page, username: str) -> None:
    goto(page, "/konto/logg-inn/")
    page.get_by_label("Brukernavn").fill(username)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()


def height(locator: Locator) -> float:
    box = locator.bounding_box()
    assert box is not None, "not rendered"
    return box["height"]


def assert_fits_the_phone(page: Page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways on a phone: {width}px"


def test_kari_writes_on_her_phone_and_the_coordinator_sees_what_changed(
    transactional_db, cast, page, page_log
):
    karis_first_version(cast)
    page.set_viewport_size(PHONE)

    # Kari logs in; the front door sends her to her portal. On her team's page Min gode dag
    # comes first.
    log_in(page, "kari")
    expect(page).to_have_url(re.compile(r"/min-side/$"))
    goto(page, f"/aktorfellesskap/{cast.team.pk}/")
    section = reveal(page.locator("#min-gode-dag"))
    expect(section.get_by_role("heading", level=2)).to_have_text("Min gode dag")
    section.get_by_role("link", name="Åpne og skriv i Min gode dag").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Min gode dag")
    expect(page.get_by_text("Gjelder utfordringen: Jeg sover dårlig")).to_be_visible()
    assert_fits_the_phone(page)
    assert_accessible(page)

    # The form waits behind one large button, so reading comes first on a small screen.
    open_form = page.get_by_text("Skriv en ny versjon")
    assert height(open_form) >= TOUCH_TARGET
    open_form.click()
    form = page.locator("#good-day-form")
    text = form.get_by_role("textbox", name="Min gode dag", exact=True)
    expect(text).to_have_value("Jeg står opp før ni.\nJeg går tur med hunden.")
    text.fill("Jeg står opp før ni.\nJeg ringer mamma etter frokost.")
    form.get_by_role("group", name="Utfordring 2").get_by_role("textbox").fill("Bussen er full")
    new_goal = form.get_by_role("group", name="Mål 2")
    new_goal.get_by_role("textbox", name="Mål", exact=True).fill("Ta bussen to ganger i uka")
    new_goal.get_by_label("Hvilken utfordring gjelder målet?").select_option(
        label="Ny utfordring (rad 2)"
    )
    new_goal.get_by_label("Når vil du nå målet?").fill("2031-06-01")
    assert_fits_the_phone(page)
    assert_accessible(page)

    save = form.get_by_role("button", name="Lagre ny versjon")
    assert height(save) >= TOUCH_TARGET
    page.evaluate("() => { window.lktNoReload = true; }")
    save.click()

    # htmx swapped the body in place: the saved text, the new goal and the challenge it serves.
    expect(page.get_by_role("status")).to_contain_text("Lagret.")
    expect(page.get_by_text("Versjon 2, skrevet")).to_be_visible()
    expect(page.get_by_text("Gjelder utfordringen: Bussen er full")).to_be_visible()
    assert page.evaluate("() => window.lktNoReload") is True, "the save reloaded the page"
    assert GoodDayVersion.objects.count() == 2
    assert_fits_the_phone(page)
    assert_accessible(page)
    page.screenshot(path=PHONE_SCREENSHOT, full_page=True)
    page_log.assert_clean()

    page.get_by_role("button", name=re.compile(r"^Logg ut")).click()
    expect(page).to_have_url(re.compile(r"/konto/logg-inn/"))

    # Cecilie, the coordinator, on her desktop: from the team page to the history.
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, "cecilie")
    goto(page, f"/aktorfellesskap/{cast.team.pk}/")
    section = reveal(page.locator("#min-gode-dag"))
    expect(section).to_contain_text("Ta bussen to ganger i uka")
    section.get_by_role("link", name="Se tidligere versjoner og hva som er endret").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Tidligere versjoner")
    history = page.get_by_role("table")
    expect(history.get_by_role("row")).to_have_count(3)  # header + two versions
    expect(history).to_contain_text("Kari Testesen")
    assert_accessible(page)
    # The two newest are chosen already; htmx shows the diff below the list.
    page.get_by_role("button", name="Vis endringer").click()
    diff = page.locator("#diff")
    expect(diff.get_by_role("heading", level=2)).to_have_text("Fra versjon 1 til versjon 2")
    expect(diff.locator("ins").filter(has_text="Bussen er full")).to_be_visible()
    expect(diff.locator("del").filter(has_text="Jeg går tur med hunden.")).to_be_visible()

    # The same diff as a page of its own, as a link or without JavaScript.
    page.get_by_role("link", name="Hva ble endret i versjon 2").click()
    expect(page).to_have_url(re.compile(r"/endringer/\?til=2$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Endringer i Min gode dag")
    expect(page.get_by_text("Lagt til:").first).to_be_visible()
    expect(page.locator("ins").filter(has_text="Ta bussen to ganger i uka")).to_be_visible()
    assert_accessible(page)
    page_log.assert_clean()
