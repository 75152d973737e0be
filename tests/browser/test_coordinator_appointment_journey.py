"""From a need to a coordinator in a real browser (issue 16): a fastlege reports a need, the
kommune's koordinerende enhet is told and finds the report from its menu, opens the team and
proposes a coordinator, the line leader approves, the unit is told and registers her on the
team page where it says she waits. Then a nurse in a team becomes its coordinator and stays
the same member, with her profession, while the mandate waits for her own leader.

Every page passes axe, logs no console error and has a Content-Security-Policy.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from actors import services as actor_services
from actors.models import Member, Organisation, Role, Team, User
from actors.validators import synthetic_national_id
from coordination.models import Mandate, NeedReport
from coordination.referral import services
from tests.browser.conftest import PageLog, assert_accessible
from tests.browser.lazy import reveal
from tests.browser.test_coordinator_journey import goto, log_in_as
from tests.conftest import Cast
from tests.factories import OrganisationFactory, StaffFactory

pytestmark = pytest.mark.browser

MONA_ID = synthetic_national_id(dt.date(1961, 4, 9), 4)


def unit_staff(cast: Cast) -> User:
    """Una at Fjordvik's koordinerende enhet."""
    unit = OrganisationFactory.create(
        name="Koordinerende enhet Fjordvik",
        kind=Organisation.Kind.KOORDINERENDE_ENHET,
        parent=cast.kommune,
    )
    return StaffFactory.create(
        username="una", first_name="Una", last_name="Enhet", organisation=unit
    )


def _checked(page: Page, page_log: PageLog) -> None:
    assert_accessible(page)
    page_log.assert_clean()


def test_a_fastlege_reports_a_need_and_the_unit_registers_the_approved_coordinator(
    transactional_db, cast: Cast, page: Page, page_log: PageLog
):
    office = OrganisationFactory.create(
        name="Fjordvik legekontor", kind=Organisation.Kind.LEGEKONTOR, parent=cast.kommune
    )
    StaffFactory.create(username="frida", first_name="Frida", last_name="Lege", organisation=office)
    unit_staff(cast)

    # Frida, the fastlege, reports: the form knows she is the fastlege.
    log_in_as(page, "frida")
    page.get_by_role("link", name="Meld behov").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Meld behov for koordinerte tjenester"
    )
    expect(page.get_by_label("Hvem er du for pasienten?")).to_have_value("fastlege")
    _checked(page, page_log)
    page.get_by_label("Kommune").select_option(label="Fjordvik kommune")
    page.get_by_label("Pasientens navn").fill("Mona Fjell")
    page.get_by_label("Pasientens fødselsnummer").fill(MONA_ID)
    page.get_by_label("Hva er behovet?").fill("Fem tjenester, ingen samordner dem.")
    page.get_by_role("group", name="Vet pasienten om meldingen?").get_by_label("Ja").check()
    page.get_by_role("group", name=re.compile("Er pasienten enig")).get_by_label("Ja").check()
    page.get_by_role("button", name="Send meldingen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Melding om behov: Mona Fjell")
    expect(page.get_by_text("Mottatt", exact=True)).to_be_visible()
    expect(page.locator(".lkt-facts")).to_contain_text("(fastlege)")
    _checked(page, page_log)

    # Una is told, and her menu leads to the worklist.
    log_in_as(page, "una")
    page.get_by_role("link", name=re.compile(r"^Varsler")).click()
    notice = page.locator("li", has_text="Ny melding om behov")
    expect(notice).to_contain_text("meldt av fastlegen")
    _checked(page, page_log)
    page.get_by_role("navigation", name="Hovedmeny").get_by_role(
        "link", name="Meldinger om behov"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meldinger om behov")
    _checked(page, page_log)
    page.get_by_role("link", name="Mona Fjell").click()
    expect(page.get_by_label("Fødselsnummer eller D-nummer")).to_have_value(MONA_ID)
    _checked(page, page_log)
    page.get_by_role("button", name="Registrer pasienten og opprett teamet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aktørfellesskapet rundt Mona Fjell")
    team = Team.objects.get(patient__name="Mona Fjell")
    _checked(page, page_log)

    # She proposes Cecilie in place on the team page.
    section = reveal(page.locator("#koordinator"))
    expect(section).to_contain_text("Aktørfellesskapet har ingen koordinator.")
    section.get_by_role("link", name="Foreslå koordinator").click()
    panel = page.locator("#coordinator-panel")
    # Options read "name – profession – workplace"; the person is what counts here.
    panel.get_by_label("Foreslått koordinator").select_option(value=str(cast.coordinator.pk))
    _checked(page, page_log)
    panel.get_by_role("button", name="Send til lederen").click()
    expect(page.locator("#lkt-messages")).to_contain_text("Forslaget er sendt til lederen")
    # She has not logged in yet in this journey, and the proposal says so.
    expect(section).to_contain_text(f"{cast.coordinator} har aldri logget inn: venter på leder")
    _checked(page, page_log)

    # Leif approves.
    log_in_as(page, "leif")
    page.get_by_role("link", name="Til godkjenning", exact=True).click()
    decision = page.locator("article", has_text=f"{cast.coordinator} som koordinator")
    decision.get_by_label("Godkjenn").check()
    _checked(page, page_log)
    decision.get_by_role("button", name="Lagre avgjørelsen").click()
    expect(page.get_by_text("Avgjørelsen er lagret.")).to_be_visible()
    _checked(page, page_log)

    # Una is told, and registers Cecilie on the team page, where it says she waits.
    log_in_as(page, "una")
    page.get_by_role("link", name=re.compile(r"^Varsler")).click()
    expect(page.locator("li", has_text="Svar på forslag om koordinator")).to_contain_text(
        "venter på at dere registrerer"
    )
    _checked(page, page_log)
    goto(page, f"/aktorfellesskap/{team.pk}/")
    reveal(section)
    waiting = section.locator("li", has_text="venter på registrering hos den koordinerende enheten")
    waiting.get_by_role("button", name=re.compile("^Registrer som koordinator")).click()
    expect(page).to_have_url(re.compile(rf"/aktorfellesskap/{team.pk}/#koordinator$"))
    message = page.locator(".lkt-messages")
    expect(message).to_contain_text(f"{cast.coordinator} er registrert som koordinator i teamet.")
    expect(message).not_to_contain_text("forrige")
    expect(reveal(section).get_by_role("listitem").first).to_contain_text(str(cast.coordinator))
    expect(section).not_to_contain_text("ingen koordinator")
    _checked(page, page_log)
    assert NeedReport.objects.get(team=team).status == NeedReport.Status.TEAM_ESTABLISHED
    assert team.members.get(user=cast.coordinator).role == Role.COORDINATOR


def test_a_nurse_made_coordinator_stays_the_same_member_with_her_profession(
    transactional_db, cast: Cast, page: Page, page_log: PageLog
):
    una = unit_staff(cast)
    report = services.need_report_create(
        actor=una,
        kommune=cast.kommune,
        patient_name="Mona Fjell",
        need="Mange tjenester",
        relation=NeedReport.Relation.OTHER_STAFF,
        patient_knows=True,
        patient_agrees=True,
    )
    team = services.need_report_establish_team(
        actor=una, report=report, name="Mona Fjell", national_id=MONA_ID
    )
    first = services.appointment_propose(actor=una, team=team, candidate=cast.coordinator)
    services.appointment_decide(actor=cast.leader, appointment=first, approve=True)
    services.appointment_register(actor=una, appointment=first)
    tor = actor_services.member_add(actor=una, team=team, user=cast.member, role=Role.NURSE)
    services.mandate_save(
        actor=cast.coordinator,
        team=team,
        task_description="Lede aktørfellesskapet rundt Mona",
        authority="Kalle inn til møter",
        hours_per_month=6,
        deputy=tor,
    )
    services.mandate_approve(actor=cast.leader, mandate=Mandate.objects.get(team=team))

    # Cecilie cannot make Tor coordinator by changing his role: she proposes him.
    log_in_as(page, "cecilie")
    goto(page, f"/aktorfellesskap/{team.pk}/")
    members = reveal(page.locator("#medlemmer"))
    members.get_by_role("link", name=f"Endre {cast.member}").click()
    role = page.locator("#member-panel").get_by_label("Rolle")
    expect(role).to_have_value(Role.NURSE.value)
    expect(role.locator("option", has_text="Koordinator og leder")).to_have_count(0)
    _checked(page, page_log)
    section = reveal(page.locator("#koordinator"))
    section.get_by_role("link", name="Foreslå koordinator").click()
    page.locator("#coordinator-panel").get_by_label("Foreslått koordinator").select_option(
        value=str(cast.member.pk)
    )
    page.locator("#coordinator-panel").get_by_role("button", name="Send til lederen").click()
    expect(page.locator("#lkt-messages")).to_contain_text("Forslaget er sendt til lederen")
    _checked(page, page_log)

    log_in_as(page, "leif")
    page.get_by_role("link", name="Til godkjenning", exact=True).click()
    decision = page.locator("article", has_text=f"{cast.member} som koordinator")
    decision.get_by_label("Godkjenn").check()
    decision.get_by_role("button", name="Lagre avgjørelsen").click()
    expect(page.get_by_text("Avgjørelsen er lagret.")).to_be_visible()
    _checked(page, page_log)

    # Cecilie hears of it.
    log_in_as(page, "cecilie")
    page.get_by_role("link", name=re.compile(r"^Varsler")).click()
    expect(page.locator("li", has_text="Svar på forslag om koordinator")).to_contain_text(
        f"Lederen har godkjent {cast.member}"
    )
    _checked(page, page_log)

    # Una registers him: the same membership, now coordinator, still a nurse.
    log_in_as(page, "una")
    goto(page, f"/aktorfellesskap/{team.pk}/")
    reveal(section).locator("li", has_text=str(cast.member)).get_by_role(
        "button", name=re.compile("^Registrer som koordinator")
    ).click()
    expect(page.locator(".lkt-messages")).to_contain_text(
        f"{cast.member} er registrert som koordinator i teamet. Den forrige koordinatoren "
        "fortsetter til overleveringen er gjort."
    )
    expect(page.locator(".lkt-messages")).not_to_contain_text("allerede aktivt medlem")
    tor_row = reveal(members).get_by_role("row").filter(has_text=str(cast.member))
    expect(tor_row).to_have_count(1)
    expect(tor_row).to_contain_text("Koordinator og leder av aktørfellesskapet (sykepleier)")
    expect(reveal(section)).to_contain_text(f"{cast.member}, sykepleier")
    expect(section).to_contain_text("Overlapp")
    # The mandate is now Tor's: his own leader approves it, and he is no longer the deputy.
    mandate = section.locator(".lkt-facts")
    expect(mandate).to_contain_text(f"For koordinator{cast.member}")
    expect(mandate).to_contain_text("Ikke godkjent ennå")
    expect(mandate).to_contain_text("Mangler – mandatet kan ikke godkjennes uten stedfortreder")
    _checked(page, page_log)
    assert Member.objects.get(pk=tor.pk).role == Role.COORDINATOR
    assert team.members.filter(user=cast.member).count() == 1
