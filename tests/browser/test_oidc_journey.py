"""Logging in through the test OpenID Provider in a real browser: Kari, registered by her
coordinator and never logged in, logs in with ID-porten, sees her team, approves her plan and
logs out of LKT and the provider; Ingvild, invited by her leader, logs in with HelseID and is
offered to the coordinator for Kari's team; logging out at the provider ends the session in LKT
too (front-channel logout). axe checks LKT's pages."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from actors.models import Patient, Profession, StaffInvitation, User
from careplans.models import CarePlan, CarePlanVersion
from careplans.plan.services import plan_approve, plan_corrections_close, plan_draft_open
from lkt.models import LoginEvent
from tests.browser.conftest import PageLog, assert_accessible
from tests.browser.test_coordinator_journey import goto, log_in
from tests.factories import PASSWORD
from tests.oidc_provider.provider import (
    INVITED_HPR,
    INVITED_PID,
    KARI_PID,
    LKT_IDPORTEN,
    OTHER_SERVICE,
)

pytestmark = pytest.mark.browser


def _draft_approved_by_the_services(cast) -> None:
    """Cecilie's first draft, the window for corrections closed, approved by her and Leif:
    only Kari's approval is missing."""
    version, _new = plan_draft_open(actor=cast.coordinator, team=cast.team)
    plan_corrections_close(actor=cast.coordinator, version=version)
    for approver in (cast.coordinator, cast.leader):
        base = CarePlan.objects.get(team=cast.team).version
        plan_approve(actor=approver, version=version, base_version=base)


def test_a_registered_patient_logs_in_with_id_porten_and_approves_his_plan(
    transactional_db, cast, oidc_provider, page: Page, page_log: PageLog
):
    team = cast.team
    # Registered by the coordinator: a fødselsnummer, no account.
    Patient.objects.filter(pk=team.patient_id).update(user=None, national_id=KARI_PID)
    _draft_approved_by_the_services(cast)

    goto(page, "/konto/logg-inn/")
    assert_accessible(page)
    page.get_by_role("link", name="Logg inn med ID-porten").click()
    page.get_by_role("button", name="Kari (BankID, høyt nivå)").click()

    expect(page).to_have_url(re.compile(r"/min-side/$"))
    kari = User.objects.get(national_id=KARI_PID)
    assert Patient.objects.get(pk=team.patient_id).user == kari
    assert LoginEvent.objects.get().outcome == LoginEvent.Outcome.LINKED
    assert_accessible(page)

    goto(page, f"/min-side/{team.patient_id}/teamet/")
    expect(page.locator("main")).to_contain_text(cast.coordinator.get_full_name())
    assert_accessible(page)

    goto(page, f"/samarbeidsplan/{team.pk}/")
    page.get_by_role("button", name=re.compile(r"^Jeg godkjenner utkast 1")).click()
    expect(page.get_by_role("heading", name=re.compile(r"^Planen som gjelder"))).to_be_visible()
    assert CarePlanVersion.objects.get(plan__team=team).status == "in_force"
    assert_accessible(page)

    page.get_by_role("button", name=re.compile(r"^Logg ut")).click()
    page.get_by_role("button", name="Ja, logg ut").click()
    expect(page).to_have_url(re.compile(r"/konto/logg-inn/"))
    expect(page.get_by_role("link", name="Logg inn med ID-porten")).to_be_visible()
    response = page.goto(f"/min-side/{team.patient_id}/teamet/")
    assert response is not None
    expect(page).to_have_url(re.compile(r"/konto/logg-inn/"))
    page_log.assert_clean()


def test_a_staff_member_invited_by_her_leader_logs_in_with_helseid_and_can_join_a_team(
    transactional_db, cast, oidc_provider, page: Page, page_log: PageLog
):
    invitation = StaffInvitation.objects.create(
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
    expect(
        page.get_by_role("button", name=re.compile(r"^Logg ut Ingvild Invitert"))
    ).to_be_visible()
    assert_accessible(page)
    invitation.refresh_from_db()
    ingvild = invitation.accepted_by
    assert ingvild is not None
    assert (ingvild.organisation, ingvild.profession, ingvild.hpr_number) == (
        cast.kommune,
        Profession.PSYKOLOG,
        INVITED_HPR,
    )

    # Cecilie can now take her into Kari's team.
    page.get_by_role("button", name=re.compile(r"^Logg ut")).click()
    page.get_by_role("button", name="Ja, logg ut").click()
    log_in(page, "cecilie", PASSWORD)
    goto(page, f"/aktorfellesskap/{cast.team.pk}/medlemmer/ny/")
    picker = page.get_by_label("Ansatt med tilgang til LKT")
    expect(picker.locator("option", has_text="Ingvild Invitert")).to_have_count(1)
    page_log.assert_clean()


def test_logging_out_at_the_provider_ends_the_session_in_lkt(
    transactional_db, cast, oidc_provider, live_server, page: Page, page_log: PageLog
):
    Patient.objects.filter(pk=cast.team.patient_id).update(national_id=KARI_PID)
    oidc_provider.register_frontchannel_logout(
        "idporten", LKT_IDPORTEN, f"{live_server.url}/konto/oidc/idporten/frontkanal-utlogging/"
    )
    goto(page, "/konto/logg-inn/")
    page.get_by_role("link", name="Logg inn med ID-porten").click()
    page.get_by_role("button", name="Kari (BankID, høyt nivå)").click()
    expect(page).to_have_url(re.compile(r"/min-side/$"))

    # Kari logs out at another service of the same ID-porten session: ID-porten then calls
    # LKT's front-channel logout in a hidden frame of its own page.
    issuer = oidc_provider.issuer("idporten")
    page.goto(f"{issuer}/session/end?client_id={OTHER_SERVICE}")
    with page.expect_response(lambda r: "frontkanal-utlogging" in r.url) as frame:
        page.get_by_role("button", name="Ja, logg ut").click()
    assert frame.value.status == 200

    page.goto("/min-side/")
    expect(page).to_have_url(re.compile(r"/konto/logg-inn/"))
    page_log.assert_clean()
