"""A night and the morning after, in a real browser (issue 7; UKOM's "Ingen kan hjelpe meg").

At half past one at night Nils, a doctor at Legevakten i Fjordvik, logs in and lands on the
crisis lookup. He types Kari's fødselsnummer. Kari has not consented to crisis sharing, so he
opens her crisis card by break-glass, with a written reason and the § 7 confirmation, and sees
what to do in rød and whom to call (Tor, the named night contact, with his phone). He records
the contact in the short form. At 07:30 the night digest runs; Cecilie logs in and her inbox
(Varsler) shows the night's contact and the break-glass, with who and why, and no name.

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

from actors.access import CRISIS_CARD
from actors.models import Member
from careplans.models import CarePlanVersion, Phase, PhasePlanEntry
from coordination.models import NightContact, Notification
from coordination.night.digest import night_digest_send
from lkt.models import AccessLog
from tests.browser.conftest import PageLog, assert_accessible
from tests.browser.lazy import reveal
from tests.browser.test_coordinator_journey import goto, log_in_as
from tests.careplans.phase_helpers import NIGHT, version_for
from tests.conftest import Cast

pytestmark = pytest.mark.browser

OSLO = ZoneInfo("Europe/Oslo")
RED_ACTIONS = "Ring Tor med en gang; han kjenner Kari og kommer ut."
WISHES = "Ring pappa. Ikke send meg hjem alene."
TOR_PHONE = "+4791234567"
WHY = "Kari er på legevakten nå, sterkt urolig og vil ikke snakke. Trenger kriseplanen."


def _crisis_plan(cast: Cast) -> Member:
    """Kari's plan in force: gul and rød, Tor the named night contact with his phone."""
    cast.member.phone = TOR_PHONE
    cast.member.save(update_fields=["phone"])
    tor = Member.objects.get(team=cast.team, user=cast.member)
    version = version_for(cast.team, cast.coordinator, status=CarePlanVersion.Status.IN_FORCE)
    PhasePlanEntry.objects.create(
        version=version, phase=Phase.GREEN, signs="Sover godt", actions="Vanlig oppfølging"
    )
    PhasePlanEntry.objects.create(
        version=version,
        phase=Phase.YELLOW,
        signs="Sover dårlig",
        actions="Tor ringer Kari to ganger i uka.",
        actor=tor,
        night_contact=tor,
        call_night="Legevakt 116 117",
    )
    PhasePlanEntry.objects.create(
        version=version,
        phase=Phase.RED,
        signs="Snakker om å gi opp",
        actions=RED_ACTIONS,
        actor=tor,
        night_contact=tor,
        call_night=NIGHT,
        patient_wishes=WISHES,
    )
    return tor


def test_legevakt_breaks_glass_at_night_and_the_coordinator_reads_it_in_the_morning(
    transactional_db, cast: Cast, page: Page, page_log: PageLog
):
    _crisis_plan(cast)
    kari = cast.team.patient
    night_day = timezone.localdate() + dt.timedelta(days=1)
    night = dt.datetime.combine(night_day, dt.time(1, 30), tzinfo=OSLO)
    morning = dt.datetime.combine(night_day, dt.time(7, 30), tzinfo=OSLO)

    with time_machine.travel(night, tick=True):
        # The legevakt's LKT is the lookup: no teams, no inbox.
        log_in_as(page, cast.night.username)
        expect(page.get_by_role("heading", level=1)).to_have_text("Kriseplan: finn pasient")
        assert page.url.endswith(reverse("coordination:crisis-lookup"))
        expect(page.get_by_role("link", name="Mine aktørfellesskap")).to_have_count(0)
        assert_accessible(page)

        page.get_by_label("Fødselsnummer").fill(kari.national_id)
        page.get_by_role("button", name="Finn kriseplan").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Kriseplan for {kari.name}")
        expect(
            page.get_by_text("Pasienten har ikke samtykket til å dele kriseplanen")
        ).to_be_visible()
        assert_accessible(page)

        # A reason without the § 7 confirmation is refused, and the reason stays.
        reason = page.get_by_label("Hvorfor er det nødvendig å se kriseplanen uten samtykke?")
        reason.fill(WHY)
        page.get_by_role("button", name="Åpne med nødtilgang").click()
        expect(
            page.get_by_text("Bekreft at dette er øyeblikkelig hjelp.", exact=True)
        ).to_be_visible()
        expect(reason).to_have_value(WHY)
        assert not AccessLog.objects.filter(action=AccessLog.Action.BREAK_GLASS).exists()
        assert_accessible(page)

        page.get_by_label(re.compile(r"^Jeg bekrefter at dette er øyeblikkelig hjelp")).check()
        page.get_by_role("button", name="Åpne med nødtilgang").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(kari.name)
        red = page.locator("section[data-phase='red']")
        expect(red).to_contain_text(RED_ACTIONS)
        expect(red.locator(f"a.lkt-crisis-card__tel[href='tel:{TOR_PHONE}']")).to_be_visible()
        expect(page.locator("section[data-phase='yellow']")).to_be_visible()
        expect(page.get_by_text(WISHES)).to_be_visible()
        assert_accessible(page)
        [opening] = AccessLog.objects.filter(
            action=AccessLog.Action.BREAK_GLASS, object_type=CRISIS_CARD
        )
        assert opening.user == cast.night and opening.reason == WHY

        # The contact itself, in the one short form.
        goto(page, reverse("coordination:night-contact-create"))
        assert_accessible(page)
        page.get_by_label("Fødselsnummer").fill(kari.national_id)
        page.get_by_label("Tjeneste").select_option("legevakt")
        page.get_by_label("Tidspunkt").fill(f"{night_day.isoformat()}T01:10")
        page.get_by_label("Kort årsak").fill("Sterk uro, ville ikke snakke.")
        page.get_by_label("Sendt hjem").check()
        page.get_by_role("button", name="Registrer kontakten").click()
        # Saved: the form is empty again for the next contact.
        expect(page.get_by_label("Kort årsak")).to_have_value("")
        assert_accessible(page)
        contact = NightContact.objects.get(patient=kari)
        assert timezone.localtime(contact.occurred_at).time() == dt.time(1, 10)

    with time_machine.travel(morning, tick=True):
        # 07:30: what Celery beat runs (coordination.tasks.night_digest_task).
        assert night_digest_send(night_day) == 1

        log_in_as(page, "cecilie")
        goto(page, reverse("coordination:notification-list"))
        digest = page.locator(".lkt-notifications > li", has_text="Nattens kontakter")
        expect(digest).to_have_count(1)
        expect(digest).to_contain_text(f"Aktørfellesskap nr. {cast.team.pk}:")
        expect(digest).to_contain_text(f"Legevakt {night_day:%-d.%-m.} kl. 01.10 (sendt hjem)")
        expect(digest).to_contain_text("Kriseplanen åpnet med nødtilgang")
        expect(digest).to_contain_text(cast.night.get_full_name())
        expect(digest).to_contain_text(WHY)
        expect(digest).not_to_contain_text(kari.name)
        assert_accessible(page)

        digest.get_by_role("link", name=re.compile(r"^Gå til saken")).click()
        expect(reveal(page.locator("#natt"))).to_contain_text("Legevakt")
        assert_accessible(page)

    assert Notification.objects.filter(kind=Notification.Kind.NIGHT_DIGEST).count() == 1
    page_log.assert_clean()
