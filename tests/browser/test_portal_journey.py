"""Kari's portal on her phone: her team with numbers to tap, what to do if things go wrong,
her consents, and who has seen her data. axe checks every page."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from actors.models import Consent
from lkt.core import audit
from tests.browser.conftest import assert_accessible
from tests.browser.test_coordinator_journey import log_in
from tests.factories import PASSWORD
from tests.lkt.workspace.portal.helpers import karis_plan_in_force

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
TOUCH_TARGET = 44  # CSS pixels (WCAG 2.5.5)
# Look at it after a run: /tmp/lkt-portal-phone.png on Linux.
PHONE_SCREENSHOT = Path(tempfile.gettempdir()) / "lkt-portal-phone.png"


def assert_fits_the_phone(page: Page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways on a phone: {width}px"


def test_kari_uses_her_portal_on_her_phone(transactional_db, cast, page, page_log):
    cast.member.phone = "90011222"
    cast.member.save()
    karis_plan_in_force(cast)
    page.set_viewport_size(PHONE)

    log_in(page, "kari", PASSWORD)
    expect(page).to_have_url(re.compile(r"/min-side/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Min side")
    team = page.locator("section", has=page.get_by_role("heading", name="Teamet mitt"))
    call_tor = team.locator('a[href="tel:+4790011222"]')
    expect(call_tor).to_be_visible()
    box = call_tor.bounding_box()
    assert box is not None and box["height"] >= TOUCH_TARGET
    crisis = page.locator("section", has=page.get_by_role("heading", name="Hva gjør jeg hvis …"))
    expect(crisis.locator('a[href="tel:113"]').first).to_be_visible()
    assert_fits_the_phone(page)
    assert_accessible(page)
    page.screenshot(path=str(PHONE_SCREENSHOT), full_page=True)

    # Consents: withdraw sharing in the team, then give it again.
    page.get_by_role("link", name="Samtykkene mine").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Samtykkene mine")
    assert_fits_the_phone(page)
    assert_accessible(page)
    sharing = page.locator("li", has=page.get_by_role("heading", name=re.compile("Teamet ditt")))
    sharing.get_by_role("button", name="Trekk tilbake").click()
    expect(page.get_by_role("status")).to_contain_text("trukket tilbake")
    expect(sharing.get_by_role("button", name="Gi samtykke")).to_be_visible()
    patient = cast.team.patient
    assert not patient.consents.filter(
        scope=Consent.Scope.TEAM_SHARING, withdrawn_at__isnull=True
    ).exists()
    assert_accessible(page)
    sharing.get_by_role("button", name="Gi samtykke").click()
    expect(page.get_by_role("status")).to_contain_text("gjelder fra nå")
    expect(sharing.get_by_role("button", name="Trekk tilbake")).to_be_visible()
    assert patient.consents.filter(
        scope=Consent.Scope.TEAM_SHARING, withdrawn_at__isnull=True
    ).exists()

    # Who has seen her data: Tor has read her team's page.
    audit.record(user=cast.member, patient=patient, action=audit.VIEW, obj=cast.team)
    page.goto("/")
    page.get_by_role("link", name="Hvem har sett mine opplysninger").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hvem har sett mine opplysninger")
    row = page.locator(".lkt-access-log__item").filter(has_text="Tor Testesen")
    expect(row).to_contain_text("Fjordvik kommune")
    expect(row).to_contain_text("Tor Testesen så teamet ditt.")
    expect(row).to_contain_text("Grunnlag: Med i teamet ditt, med samtykket ditt")
    assert_fits_the_phone(page)
    assert_accessible(page)
    page_log.assert_clean()


def test_per_sees_only_what_kari_allowed_on_his_phone(transactional_db, cast, page, page_log):
    karis_plan_in_force(cast)
    page.set_viewport_size(PHONE)
    log_in(page, "per", PASSWORD)
    page.get_by_role("link", name="Se oversikten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kari Nordvik")
    expect(page.get_by_role("heading", name="Teamet", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Hva gjør jeg hvis …")).to_have_count(0)
    expect(page.get_by_role("link", name="Samtykkene mine")).to_have_count(0)
    assert_fits_the_phone(page)
    assert_accessible(page)
    page_log.assert_clean()
