"""A night contact registered from the crisis card reaches the morning digest, in a real browser
(issue 16, items 9 and 10).

At two at night Marte, a nurse at AMK Vest, a night service, logs in, finds Kari's crisis card
by her fødselsnummer (Kari has consented to crisis sharing: a reason opens it) and, from the
card, "Registrer kontakt for denne pasienten": the form names Kari, asks no fødselsnummer, and
after saving says so, with the way back to the card. At 07:30 the night digest runs (the beat's
task, eagerly); Cecilie's inbox shows the contact, with no name. At nine Marte registers, from
her menu, a contact from the small hours she had not had time for: the morning's digest has
gone, so the form says a notice goes now, and Cecilie's inbox shows it once, as registered
after the morning summary. The next morning's digest tells it no more.

The clock: the night after today (Oslo), so the test means the same whenever it runs, and the
session cookies the browser keeps are never older than its own clock.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from actors.models import Consent, Organisation
from coordination.models import NightContact, Notification
from coordination.tasks import night_digest_task
from tests.browser.conftest import PageLog, assert_accessible
from tests.browser.lazy import reveal
from tests.browser.test_coordinator_journey import goto, log_in_as
from tests.browser.test_night_journey import RED_ACTIONS, _crisis_plan
from tests.conftest import Cast
from tests.factories import ConsentFactory, OrganisationFactory, StaffFactory

pytestmark = pytest.mark.browser

OSLO = ZoneInfo("Europe/Oslo")
WHY = "Kari ringte 113, redd og alene. Trenger kriseplanen for å vite hvem vi ringer."
FIRST = "Ringte 113, redd og alene. Snakket med henne i tjue minutter."
LATE = "Ringte igjen, roligere. Ville bare høre en stemme."


def _fill_contact(page: Page, when: dt.datetime, reason: str) -> None:
    page.get_by_label("Tjeneste").select_option("amk")
    page.get_by_label("Tidspunkt").fill(when.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Kort årsak").fill(reason)
    page.get_by_label("Sendt hjem").check()


def _inbox(page: Page):
    goto(page, reverse("coordination:notification-list"))
    return page.locator(".lkt-notifications > li", has_text="Nattens kontakter")


def test_a_contact_registered_from_the_crisis_card_reaches_the_morning_digest(
    transactional_db, cast: Cast, page: Page, page_log: PageLog
):
    _crisis_plan(cast)
    ConsentFactory(
        patient=cast.team.patient, recorded_by=cast.coordinator, scope=Consent.Scope.CRISIS_PLAN
    )
    amk = OrganisationFactory(name="AMK Vest", kind=Organisation.Kind.AMK)
    marte = StaffFactory(username="marte-amk", first_name="Marte", organisation=amk)
    kari = cast.team.patient
    night_day = timezone.localdate() + dt.timedelta(days=1)

    def at(hour: int, minute: int = 0, day: dt.date = night_day) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=OSLO)

    with time_machine.travel(at(2, 0), tick=True):
        log_in_as(page, marte.username)
        expect(page.get_by_role("heading", level=1)).to_have_text("Kriseplan: finn pasient")
        menu = page.get_by_role("navigation", name="Hovedmeny")
        expect(menu.get_by_role("link", name="Registrer kontakt")).to_be_visible()
        assert_accessible(page)

        page.get_by_label("Fødselsnummer").fill(kari.national_id)
        page.get_by_role("button", name="Finn kriseplan").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Kriseplan for {kari.name}")
        assert_accessible(page)
        page.get_by_label("Hvorfor åpner du kriseplanen?").fill(WHY)
        page.get_by_role("button", name="Åpne kriseplanen").click()
        expect(page.locator("section[data-phase='red']")).to_contain_text(RED_ACTIONS)
        card_url = page.url
        assert_accessible(page)

        # From the card: the form with Kari filled in, and no fødselsnummer to type.
        page.get_by_role("link", name="Registrer kontakt for denne pasienten").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Registrer kontakt utenom kontortid"
        )
        expect(page.get_by_text(f"Pasient: {kari.name}")).to_be_visible()
        expect(page.get_by_label("Fødselsnummer")).to_have_count(0)
        assert_accessible(page)
        _fill_contact(page, at(1, 40), FIRST)
        page.get_by_role("button", name="Registrer kontakten").click()
        confirmation = page.get_by_role("status")
        expect(confirmation).to_contain_text("Kontakten er registrert (AMK")
        expect(confirmation).to_contain_text("får den i morgenoppsummeringen")
        expect(page.get_by_label("Kort årsak")).to_have_value("")
        expect(page.get_by_text(f"Pasient: {kari.name}")).to_be_visible()
        assert_accessible(page)
        contact = NightContact.objects.get(patient=kari)
        assert contact.recorded_by == marte
        assert timezone.localtime(contact.occurred_at) == at(1, 40)

        # And back to the card.
        confirmation.get_by_role("link", name="Tilbake til kriseplanen").click()
        expect(page.locator("section[data-phase='red']")).to_contain_text(RED_ACTIONS)
        assert page.url == card_url

    with time_machine.travel(at(7, 30), tick=True):
        # 07:30: the beat's task, run here eagerly.
        assert night_digest_task.apply().get() == 1

        log_in_as(page, cast.coordinator.username)
        digest = _inbox(page)
        expect(digest).to_have_count(1)
        expect(digest).to_contain_text(f"Aktørfellesskap nr. {cast.team.pk}:")
        expect(digest).to_contain_text(
            f"AMK {night_day.day}.{night_day.month}. kl. 01.40 (sendt hjem)"
        )
        expect(digest).not_to_contain_text(kari.name)
        expect(digest).not_to_contain_text(FIRST)
        assert_accessible(page)

    with time_machine.travel(at(9, 0), tick=True):
        # Marte had not had time for the second call: from her menu, by fødselsnummer.
        log_in_as(page, marte.username)
        page.get_by_role("navigation", name="Hovedmeny").get_by_role(
            "link", name="Registrer kontakt"
        ).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Registrer kontakt utenom kontortid"
        )
        assert_accessible(page)
        page.get_by_label("Fødselsnummer").fill(kari.national_id)
        _fill_contact(page, at(4, 15), LATE)
        page.get_by_role("button", name="Registrer kontakten").click()
        expect(page.get_by_role("status")).to_contain_text("får et eget varsel om den nå")
        assert_accessible(page)

        log_in_as(page, cast.coordinator.username)
        digests = _inbox(page)
        expect(digests).to_have_count(2)
        late = digests.filter(has_text="registrert etter morgenoppsummeringen")
        expect(late).to_have_count(1)
        expect(late).to_contain_text(
            f"AMK {night_day.day}.{night_day.month}. kl. 04.15 (sendt hjem)"
        )
        expect(late).not_to_contain_text("01.40")
        expect(late).not_to_contain_text(kari.name)
        assert_accessible(page)
        late.get_by_role("link", name=re.compile(r"^Gå til saken")).click()
        expect(reveal(page.locator("#natt"))).to_contain_text("AMK")
        assert_accessible(page)

    next_morning = at(7, 30, night_day + dt.timedelta(days=1))
    with time_machine.travel(next_morning, tick=True):
        assert night_digest_task.apply().get() == 0, "told once: the next morning says no more"

    assert Notification.objects.filter(recipient=cast.coordinator, kind="night_digest").count() == 2
    assert not NightContact.objects.filter(digested_at__isnull=True).exists()
    page_log.assert_clean()
