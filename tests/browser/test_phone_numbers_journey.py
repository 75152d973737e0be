"""Tap-to-call on the crisis card and the patient's access log in plain words, in a real browser
(issue 16, items 14 and 15).

At half past one at night Nils at the legevakt opens Kari's crisis card by break-glass. Every
number on it is a tel: link: Tor, the named night contact, shown "987 65 432" and dialled in
E.164, and the numbers the team typed in the plan's text (AMK 113, Tor's mobile, Kari's sister
in Sweden with +46), while markup typed in the plan stays text. He records the contact. In the
morning Tor reads Kari's team page three times. Kari, on her phone, opens "Hvem har sett mine
opplysninger": one line for Tor today (in her team, with her consent), one for Nils's emergency
access with his reason, one for the contact he recorded, in plain words and no sideways scroll.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from careplans.models import PhasePlanEntry
from lkt.core import audit
from tests.browser.conftest import PageLog, assert_accessible
from tests.browser.test_coordinator_journey import goto, log_in_as
from tests.conftest import Cast
from tests.coordination.crisis_helpers import crisis_plan

pytestmark = pytest.mark.browser

OSLO = ZoneInfo("Europe/Oslo")
PHONE = {"width": 390, "height": 844}
WHY = "Kari er på legevakten nå og vil ikke snakke. Trenger kriseplanen."
WISHES = "Ring søsteren min Lise i Sverige, +46 70 123 45 67. Ikke politiet."
HOSTILE = "Slutter å spise <img src=x onerror=alert(1)>"


def test_numbers_on_the_crisis_card_are_tap_to_call_and_kari_reads_who_looked_in_plain_words(
    transactional_db, cast: Cast, page: Page, page_log: PageLog
):
    crisis_plan(cast)  # Tor +4798765432; rød: "AMK 113, Tor (primærkontakt) 987 65 432"
    PhasePlanEntry.objects.filter(version__plan__team=cast.team, phase="red").update(
        patient_wishes=WISHES, signs=HOSTILE
    )
    kari = cast.team.patient
    night_day = timezone.localdate() + dt.timedelta(days=1)
    night = dt.datetime.combine(night_day, dt.time(1, 30), tzinfo=OSLO)
    morning = dt.datetime.combine(night_day, dt.time(9, 0), tzinfo=OSLO)

    with time_machine.travel(night, tick=True):
        log_in_as(page, cast.night.username)
        page.get_by_label("Fødselsnummer").fill(kari.national_id)
        page.get_by_role("button", name="Finn kriseplan").click()
        page.get_by_label("Hvorfor er det nødvendig å se kriseplanen uten samtykke?").fill(WHY)
        page.get_by_label("Jeg bekrefter at dette er øyeblikkelig hjelp", exact=False).check()
        page.get_by_role("button", name="Åpne med nødtilgang").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(kari.name)
        assert_accessible(page)

        first = page.locator("section.lkt-crisis-card__first")
        call_tor = first.get_by_role("link", name="987 65 432")
        expect(call_tor).to_have_attribute("href", "tel:+4798765432")
        red = page.locator("section[data-phase='red']")
        # The numbers typed in the plan's text, each a link as typed.
        expect(red.get_by_role("link", name="113", exact=True)).to_have_attribute("href", "tel:113")
        typed = red.locator("dd", has_text="primærkontakt").get_by_role("link", name="987 65 432")
        expect(typed).to_have_attribute("href", "tel:+4798765432")
        abroad = page.get_by_role("link", name="+46 70 123 45 67")
        expect(abroad.first).to_have_attribute("href", "tel:+46701234567")
        # Markup typed in the plan is shown as text, never run.
        expect(red).to_contain_text(HOSTILE)
        expect(red.locator("img")).to_have_count(0)

        goto(page, reverse("coordination:night-contact-create"))
        page.get_by_label("Fødselsnummer").fill(kari.national_id)
        page.get_by_label("Tjeneste").select_option("legevakt")
        page.get_by_label("Tidspunkt").fill(f"{night_day.isoformat()}T01:10")
        page.get_by_label("Kort årsak").fill("Sterk uro, ville ikke snakke.")
        page.get_by_label("Sendt hjem").check()
        page.get_by_role("button", name="Registrer kontakten").click()
        expect(page.get_by_label("Kort årsak")).to_have_value("")
        assert_accessible(page)

    for minutes in (0, 20, 40):
        with time_machine.travel(morning + dt.timedelta(minutes=minutes), tick=False):
            audit.record(user=cast.member, patient=kari, action=audit.VIEW, obj=cast.team)

    with time_machine.travel(morning + dt.timedelta(hours=2), tick=True):
        page.set_viewport_size(PHONE)
        log_in_as(page, cast.patient.username)
        page.get_by_role("link", name="Hvem har sett mine opplysninger").first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Hvem har sett mine opplysninger")
        assert_accessible(page)
        lines = page.locator(".lkt-access-log__item")
        tor = lines.filter(has_text=f"{cast.member} så teamet ditt.")
        expect(tor).to_have_count(1)
        expect(tor).to_contain_text("kl. 09.00–09.40 (3 oppslag)")
        expect(tor).to_contain_text("Grunnlag: Med i teamet ditt, med samtykket ditt")
        emergency = lines.filter(has_text="åpnet kriseplanen din med nødtilgang")
        expect(emergency).to_have_count(1)
        expect(emergency).to_contain_text("Grunnlag: Nødtilgang (helsepersonelloven § 7)")
        expect(emergency).to_contain_text(WHY)
        recorded = lines.filter(has_text="registrerte en kontakt med legevakten")
        expect(recorded).to_have_count(1)
        expect(recorded).to_contain_text("Grunnlag: Legevakt eller AMK som hjalp deg")
        expect(lines.filter(has_text="endret")).to_have_count(0)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the log scrolls sideways on a phone: {width}px"

    page_log.assert_clean()
