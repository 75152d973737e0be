"""Issue 14 in a real browser, without any identity provider: Kari adds her sister on Min side
with "goals only", and her coordinator sees that access on the team page; and the
coordinator records Kari's approval given in person, which brings the plan into force. axe
checks every page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from actors.models import RelativeLink
from actors.validators import synthetic_national_id
from careplans.models import CarePlan, CarePlanVersion
from careplans.plan.services import plan_approve
from tests.browser.conftest import PageLog, assert_accessible
from tests.browser.lazy import reveal
from tests.browser.test_coordinator_journey import goto, log_in_as
from tests.careplans.helpers import ready_draft

pytestmark = pytest.mark.browser

SIRI = synthetic_national_id(dt.date(1990, 3, 12), 1)


def test_kari_adds_her_sister_with_goals_only_and_the_coordinator_sees_it(
    transactional_db, cast, page: Page, page_log: PageLog
):
    log_in_as(page, "kari")
    page.get_by_role("link", name="Hva pårørende kan se").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hva pårørende kan se")
    assert_accessible(page)

    form = page.locator("section", has=page.get_by_role("heading", name="Legg til en pårørende"))
    form.get_by_label("Navn").fill("Siri Nordvik")
    form.get_by_label("Fødselsnummer").fill("12345678901")  # a typo first
    form.get_by_role("button", name="Legg til").click()
    expect(page.locator("#id_national_id_error")).to_contain_text("kontrollsifrene")
    expect(form.get_by_label("Navn")).to_have_value("Siri Nordvik")
    assert_accessible(page)

    form = page.locator("section", has=page.get_by_role("heading", name="Legg til en pårørende"))
    form.get_by_label("Fødselsnummer").fill(SIRI)
    form.get_by_label("Telefon").fill("912 34 567")
    form.get_by_label("Relasjon").select_option(label="Søsken")
    form.get_by_label("Kan se Min gode dag og målene mine").check()
    form.get_by_role("button", name="Legg til").click()
    expect(page.get_by_role("status")).to_contain_text("Siri Nordvik er lagt til")
    siri = page.locator("li", has=page.get_by_role("group", name=re.compile("Siri Nordvik")))
    expect(siri.get_by_label("Kan se Min gode dag og målene mine")).to_be_checked()
    expect(
        siri.get_by_label("Kan se planen min og hva vi gjør hvis det blir vanskelig")
    ).not_to_be_checked()
    expect(siri).to_contain_text("Har ikke logget inn ennå")
    assert_accessible(page)
    link = RelativeLink.objects.get(national_id=SIRI)
    assert (link.may_see_team, link.may_see_goals, link.may_see_plan) == (False, True, False)

    log_in_as(page, "cecilie")
    goto(page, f"/aktorfellesskap/{cast.team.pk}/#parorende")
    section = reveal(page.locator("#parorende"))
    row = section.get_by_role("row").filter(has_text="Siri Nordvik")
    expect(row).to_contain_text("Kan se Min gode dag og mål")
    expect(row).not_to_contain_text("Kan se planen")
    expect(row).to_contain_text("Har ikke logget inn ennå")
    expect(section.get_by_role("row").filter(has_text="Lise")).to_contain_text("Utelukket")
    assert_accessible(page)
    page_log.assert_clean()


def test_the_coordinator_records_karis_approval_given_in_a_meeting_and_the_plan_is_in_force(
    transactional_db, cast, page: Page, page_log: PageLog
):
    team = cast.team
    draft = ready_draft(cast.coordinator, team)
    for approver in (cast.coordinator, cast.leader):
        plan_approve(
            actor=approver, version=draft, base_version=CarePlan.objects.get(team=team).version
        )
    plan_url = f"/samarbeidsplan/{team.pk}/"

    log_in_as(page, "cecilie")
    goto(page, plan_url)
    page.get_by_role("link", name="Registrer pasientens godkjenning gitt personlig").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("gitt personlig")
    assert_accessible(page)
    page.get_by_role("button", name="Registrer godkjenningen").click()  # no witness yet
    expect(page.locator("#id_witness_name_error")).to_contain_text("vitne")
    assert_accessible(page)
    page.get_by_label("I et møte").check()
    tor = team.members.get(user=cast.member)
    witness = page.get_by_label("Vitne fra teamet")
    expect(witness.locator(f'option[value="{tor.pk}"]')).to_contain_text("Tor Testesen")
    witness.select_option(value=str(tor.pk))
    page.get_by_role("button", name="Registrer godkjenningen").click()

    expect(page.get_by_role("heading", name=re.compile(r"^Planen som gjelder"))).to_be_visible()
    expect(page.locator("main")).to_contain_text("Pasienten godkjente planen selv: gitt i et møte")
    expect(page.locator("main")).to_contain_text("vitne: Tor Testesen")
    assert_accessible(page)
    assert CarePlanVersion.objects.get(plan__team=team).status == "in_force"

    log_in_as(page, "kari")  # she sees it later on Min side
    goto(page, f"/min-side/{team.patient.pk}/planen/")
    expect(page.locator("main")).to_contain_text("Du godkjente planen i et møte")
    assert_accessible(page)
    page_log.assert_clean()
