"""Issue 14 from the first registration to the sister's first login, in a real browser against
the test OpenID Provider: Cecilie registers Olav and takes Tor into his team; Olav logs in
with ID-porten for the first time, sees his team, consents to informing relatives and adds his
sister with "goals only"; she logs in with ID-porten and sees exactly that. And a staff member
invited by her leader is offered as coordinator with her profession and organisation. axe
checks every page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from actors.models import Patient, Profession, RelativeLink, StaffInvitation, User
from tests.browser.conftest import PageLog, assert_accessible
from tests.browser.lazy import reveal
from tests.browser.test_coordinator_journey import goto, log_in
from tests.factories import PASSWORD
from tests.oidc_provider.provider import INVITED_PID, OLAV_PID, SISTER_PID

pytestmark = pytest.mark.browser


def _log_out(page: Page, *, at_provider: bool = False) -> None:
    """Logs out; one who came through a provider confirms there too (ends the session there)."""
    page.get_by_role("button", name=re.compile(r"^Logg ut")).click()
    if at_provider:
        page.get_by_role("button", name="Ja, logg ut").click()
    expect(page).to_have_url(re.compile(r"/konto/logg-inn/"))


def _id_porten(page: Page, account: str) -> None:
    goto(page, "/konto/logg-inn/")
    page.get_by_role("link", name="Logg inn med ID-porten").click()
    page.get_by_role("button", name=account).click()


def test_a_new_patient_logs_in_and_lets_his_sister_see_his_goals_and_nothing_more(
    transactional_db, cast, oidc_provider, page: Page, page_log: PageLog
):
    # Cecilie registers Olav (no account yet), records his consent to sharing in the team as
    # the page asks her to, and takes Tor into his team.
    log_in(page, "cecilie", PASSWORD)
    goto(page, "/pasienter/ny/")
    page.get_by_label("Navn").fill("Olav Fjell")
    page.get_by_label("Fødselsnummer eller D-nummer").fill(OLAV_PID)
    page.get_by_role("button", name="Registrer").click()
    expect(page.get_by_role("status").first).to_contain_text("Pasienten er registrert")
    olav = Patient.objects.get(national_id=OLAV_PID)
    team = olav.teams.get()
    assert olav.user is None
    assert_accessible(page)

    goto(page, f"/aktorfellesskap/{team.pk}/samtykke/ny/")
    page.get_by_label("Samtykke til").select_option(label="Deling i aktørfellesskapet")
    page.get_by_label("Form").select_option(label="Skriftlig")
    page.get_by_role("button", name=re.compile(r"^Registrer")).click()
    expect(page.get_by_role("status").first).to_contain_text("Samtykket er registrert")

    goto(page, f"/aktorfellesskap/{team.pk}/medlemmer/ny/")
    page.get_by_label("Ansatt med tilgang til LKT").select_option(
        label=page.get_by_label("Ansatt med tilgang til LKT")
        .locator("option", has_text="Tor")
        .inner_text()
    )
    page.get_by_label("Rolle").select_option(label="Sykepleier")
    page.get_by_role("button", name=re.compile(r"^Legg til")).click()
    expect(reveal(page.locator("#medlemmer"))).to_contain_text("Tor")
    assert team.members.filter(user=cast.member, left_on__isnull=True).exists()
    _log_out(page)

    # Olav's first login with ID-porten makes his account; he sees his team.
    _id_porten(page, "Olav (BankID, høyt nivå)")
    expect(page).to_have_url(re.compile(r"/min-side/$"))
    olav.refresh_from_db()
    assert olav.user is not None and olav.user.national_id == OLAV_PID
    assert_accessible(page)
    team_section = page.locator("section", has=page.get_by_role("heading", name="Teamet mitt"))
    expect(team_section).to_contain_text(cast.member.get_full_name())

    # He lets relatives he chooses be informed, and adds his sister with "goals only".
    page.get_by_role("link", name="Samtykkene mine").click()
    relatives = page.locator("li", has=page.get_by_role("heading", name=re.compile("Pårørende")))
    relatives.get_by_role("button", name="Gi samtykke").click()
    expect(relatives.get_by_text("Ja", exact=True)).to_be_visible()
    assert_accessible(page)

    menu = page.get_by_role("navigation", name="Min side")
    menu.get_by_role("link", name="Pårørende", exact=True).click()
    form = page.locator("section", has=page.get_by_role("heading", name="Legg til en pårørende"))
    form.get_by_label("Navn").fill("Sigrid Fjell")
    form.get_by_label("Fødselsnummer").fill(SISTER_PID)
    form.get_by_label("Telefon").fill("912 34 567")
    form.get_by_label("Relasjon").select_option(label="Søsken")
    form.get_by_label("Kan se Min gode dag og målene mine").check()
    form.get_by_role("button", name="Legg til").click()
    expect(page.get_by_role("status")).to_contain_text("Sigrid Fjell er lagt til")
    link = RelativeLink.objects.get(patient=olav, national_id=SISTER_PID)
    assert (link.may_see_team, link.may_see_goals, link.may_see_plan) == (False, True, False)
    assert link.relative is None
    assert_accessible(page)
    _log_out(page, at_provider=True)

    # Sigrid logs in with ID-porten: her link gets her account, and she sees his goals only.
    _id_porten(page, "Søsteren")
    link.refresh_from_db()
    assert link.relative is not None and link.relative.kind == User.Kind.RELATIVE
    expect(page).to_have_url(re.compile(r"/parorende/$"))
    card = page.locator(".ds-card", has=page.get_by_role("heading", name="Olav Fjell"))
    expect(card.get_by_role("listitem")).to_have_text(["Min gode dag og målene"])
    expect(card.get_by_role("link", name="Se teamet")).to_have_count(0)
    assert_accessible(page)
    card.get_by_role("link", name="Se oversikten").click()
    main = page.locator("main")
    expect(main.get_by_role("heading", name="Min gode dag")).to_be_visible()
    expect(main).not_to_contain_text(cast.member.get_full_name())  # not his team
    expect(main.get_by_role("heading", name="Planen min")).to_have_count(0)
    assert_accessible(page)
    main.get_by_role("link", name="Se Min gode dag").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Min gode dag")
    assert_accessible(page)
    page_log.assert_clean()
    # Typed in by hand, his team and his plan are refused her.
    for path in (f"/min-side/{olav.pk}/teamet/", f"/min-side/{olav.pk}/planen/"):
        response = page.goto(path)
        assert response is not None and response.status in (403, 404), path


def test_an_invited_staff_member_is_offered_as_coordinator_with_profession_and_workplace(
    transactional_db, cast, oidc_provider, page: Page, page_log: PageLog
):
    StaffInvitation.objects.create(
        organisation=cast.kommune,
        name="Ingvild Invitert",
        national_id=INVITED_PID,
        profession=Profession.PSYKOLOG,
        invited_by=cast.leader,
    )
    goto(page, "/konto/logg-inn/")
    page.get_by_role("link", name="Logg inn med HelseID").click()
    page.get_by_role("button", name="Invitert ansatt").click()
    expect(page).to_have_url(re.compile(r"/aktorfellesskap/$"))
    _log_out(page, at_provider=True)

    log_in(page, "cecilie", PASSWORD)
    goto(page, f"/aktorfellesskap/{cast.team.pk}/koordinator/foresla/")
    picker = page.get_by_label("Foreslått koordinator")
    option = picker.locator("option", has_text="Ingvild Invitert")
    expect(option).to_have_count(1)
    expect(option).to_have_text(re.compile(r"Ingvild Invitert – psykolog – Fjordvik kommune"))
    assert_accessible(page)
    page_log.assert_clean()
