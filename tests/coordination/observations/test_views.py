"""Observations on the team page and in the portal, the coordinator's answer, and acknowledging
an alert (coordination.observations.views)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from careplans.models import Phase
from careplans.phase.selectors import current_phase
from coordination.models import Notification, Observation
from coordination.observations.services import Decision, observation_decide, observation_report
from lkt.workspace.team_page import SECTIONS_BY_KEY
from tests.conftest import Cast, client_for, team_section_html
from tests.coordination.alert_helpers import crisis_plan
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


def _observe(
    cast: Cast, phase: str = Phase.RED, actor=None, text: str = "Sover ikke"
) -> Observation:
    return observation_report(
        actor=actor or cast.member, team=cast.team, text=text, proposed_phase=phase
    )


def _section_url(cast: Cast) -> str:
    return reverse("workspace:team-observasjoner", args=[cast.team.pk])


def _create_url(cast: Cast) -> str:
    return reverse("coordination:observation-create", args=[cast.team.pk])


def _decide_url(cast: Cast, observation: Observation) -> str:
    return reverse("coordination:observation-decide", args=[cast.team.pk, observation.pk])


# ---------------------------------------------------------------------------------------------
# The team page section


def test_the_team_page_shows_the_observations_section_with_open_observations(cast: Cast):
    _observe(cast, text="Kari har ikke vært på jobb denne uka")
    body = client_for(cast.member).get(reverse("workspace:team-detail", args=[cast.team.pk]))
    html = body.content.decode()
    assert 'id="observasjoner"' in html
    html = team_section_html(client_for(cast.member), cast.team.pk, "observasjoner")
    assert "Kari har ikke vært på jobb denne uka" in html
    assert "Foreslår rød fase" in html
    # Tor reports but does not decide: no answer buttons for him.
    assert 'value="confirm"' not in html
    assert "Meld at noe har endret seg" in html


def test_the_report_form_renders_when_opened_not_with_the_section(cast: Cast):
    """Issue 17: the section carries a link that loads the form when its <details> opens; the
    form's GET answers with the form alone (htmx) or its page (without JavaScript)."""
    client = client_for(cast.member)
    html = team_section_html(client, cast.team.pk, "observasjoner")
    url = reverse("coordination:observation-create", args=[cast.team.pk])
    assert f'hx-get="{url}" hx-trigger="toggle once from:closest details"' in html
    assert "Hva har endret seg?" not in html
    form = client.get(url, headers=HX).content.decode()
    assert "Hva har endret seg?" in form and "<html" not in form
    assert "<html" in client.get(url).content.decode()


def test_the_coordinator_sees_the_answer_buttons_in_the_section_partial(cast: Cast):
    observation = _observe(cast)
    response = client_for(cast.coordinator).get(_section_url(cast), headers=HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="observation-{observation.pk}"' in html
    assert "Bekreft rød fase" in html
    assert "Avvis forslaget" in html
    # The note's help is there for the field that names it.
    described = re.search(r'<textarea[^>]*aria-describedby="([^"]+)"', html)
    assert described is not None
    assert f'id="{described.group(1)}">Må fylles ut når du avviser et forslag.' in html


def test_the_section_does_not_reload_when_the_phase_changes():
    # The coordinator's answer returns the section itself, message included; a second reload on
    # "fase-changed" would race the phase section for that one message.
    section = SECTIONS_BY_KEY["observasjoner"]
    assert "fase-changed" not in section.reload_events + section.follow_events


def test_decided_observations_are_listed_with_the_answer(cast: Cast):
    observation = _observe(cast, phase=Phase.YELLOW)
    observation_decide(
        actor=cast.coordinator,
        observation=observation,
        decision=Decision.REJECT,
        note="Vi venter til møtet",
    )
    html = client_for(cast.member).get(_section_url(cast), headers=HX).content.decode()
    assert "Ingen åpne observasjoner." in html
    assert "Vi venter til møtet" in html


# ---------------------------------------------------------------------------------------------
# Reporting on the team page


def test_a_member_reports_without_javascript_and_returns_to_the_section(cast: Cast):
    response = client_for(cast.member).post(
        _create_url(cast), {"text": "Ringte legevakten i natt", "proposed_phase": "yellow"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#observasjoner")
    observation = Observation.objects.get()
    assert observation.proposed_phase == Phase.YELLOW
    assert Notification.objects.filter(
        recipient=cast.coordinator, kind=Notification.Kind.PHASE_PROPOSED
    ).exists()


def test_a_member_reports_with_htmx_and_the_section_is_told_to_reload(cast: Cast):
    response = client_for(cast.member).post(
        _create_url(cast), {"text": "Ringte legevakten i natt", "proposed_phase": ""}, headers=HX
    )
    assert response.status_code == 200
    assert "observasjoner-changed" in response["HX-Trigger"]


def test_an_empty_report_comes_back_with_its_message_and_status_200(cast: Cast):
    client = client_for(cast.member)
    response = client.post(_create_url(cast), {"text": "", "proposed_phase": "red"}, headers=HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Skriv hva som har endret seg." in html
    # Nothing typed is lost: the chosen phase is still chosen.
    assert 'value="red" class="ds-input" id="observation-new-proposed_phase_3" checked' in html
    page = client.post(_create_url(cast), {"text": "", "proposed_phase": "blå"})
    assert page.status_code == 200
    assert "Velg grønn, gul eller rød fase, eller ingen forslag." in page.content.decode()
    assert not Observation.objects.exists()


def test_the_report_form_page_works_without_javascript(cast: Cast):
    response = client_for(cast.member).get(_create_url(cast))
    assert response.status_code == 200
    assert "Send til koordinatoren" in response.content.decode()


# ---------------------------------------------------------------------------------------------
# The coordinator's answer


def test_the_coordinator_confirms_a_red_proposal_and_the_night_contact_is_alerted(cast: Cast):
    plan = crisis_plan(cast)
    observation = _observe(cast)
    response = client_for(cast.coordinator).post(
        _decide_url(cast, observation), {"decision": "confirm", "note": ""}, headers=HX
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#observasjoner"
    assert 'role="status"' in response.content.decode()
    assert "Fasen er endret til rød" in response.content.decode()
    assert "fase-changed" in response["HX-Trigger"]
    assert current_phase(cast.team) == Phase.RED
    observation.refresh_from_db()
    assert observation.status == Observation.Status.CONFIRMED
    assert Notification.objects.filter(
        recipient=plan.nils_user, kind=Notification.Kind.PHASE_ALERT
    ).exists()


def test_the_coordinator_rejects_without_javascript_and_is_sent_back(cast: Cast):
    observation = _observe(cast)
    response = client_for(cast.coordinator).post(
        _decide_url(cast, observation), {"decision": "reject", "note": "Ikke nå"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#observasjoner")
    observation.refresh_from_db()
    assert observation.status == Observation.Status.REJECTED


def test_rejecting_without_a_note_comes_back_with_the_message_and_status_200(cast: Cast):
    observation = _observe(cast)
    client = client_for(cast.coordinator)
    response = client.post(_decide_url(cast, observation), {"decision": "reject"}, headers=HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Skriv hvorfor forslaget avvises" in html
    assert f'id="observation-{observation.pk}"' in html
    page = client.post(_decide_url(cast, observation), {"decision": "reject"})
    assert page.status_code == 200
    assert "Skriv hvorfor forslaget avvises" in page.content.decode()
    observation.refresh_from_db()
    assert observation.status == Observation.Status.OPEN


def test_an_unknown_decision_comes_back_with_a_message(cast: Cast):
    observation = _observe(cast)
    response = client_for(cast.coordinator).post(
        _decide_url(cast, observation), {"decision": "maybe"}, headers=HX
    )
    assert response.status_code == 200
    assert "Velg hva du vil gjøre med observasjonen." in response.content.decode()


def test_an_observation_of_another_team_is_not_found(cast: Cast):
    other = observation_report(
        actor=cast.other_team.members.get().user,
        team=cast.other_team,
        text="Annet team",
        proposed_phase="",
    )
    response = client_for(cast.coordinator).post(_decide_url(cast, other), {"decision": "note"})
    assert response.status_code == 404


def test_a_member_may_not_decide(cast: Cast):
    observation = _observe(cast)
    response = client_for(cast.member).post(_decide_url(cast, observation), {"decision": "note"})
    assert response.status_code == 403


# ---------------------------------------------------------------------------------------------
# The portal


def _portal_url(cast: Cast) -> str:
    return reverse("coordination:observation-portal", args=[cast.team.patient.pk])


def test_the_patient_tells_the_team_in_plain_words_and_sees_the_status(cast: Cast):
    client = client_for(cast.patient)
    page = client.get(_portal_url(cast)).content.decode()
    assert "Har noe endret seg? Fortell teamet ditt" in page
    assert "AMK 113" in page
    response = client.post(
        _portal_url(cast), {"text": "Jeg sover ikke og er redd", "proposed_phase": "yellow"}
    )
    assert response.status_code == 302
    observation = Observation.objects.get(reported_by=cast.patient)
    assert observation.proposed_phase == Phase.YELLOW
    page = client.get(_portal_url(cast)).content.decode()
    assert "Jeg sover ikke og er redd" in page
    assert "Ikke lest ennå" in page
    observation_decide(
        actor=cast.coordinator,
        observation=observation,
        decision=Decision.CONFIRM,
        note="Vi ringer deg i dag.",
    )
    page = client.get(_portal_url(cast)).content.decode()
    assert "Koordinatoren er enig" in page
    assert "Vi ringer deg i dag." in page


def test_the_patient_sees_only_her_own_reports(cast: Cast):
    _observe(cast, text="Tors observasjon")
    page = client_for(cast.patient).get(_portal_url(cast)).content.decode()
    assert "Tors observasjon" not in page
    assert "Du har ikke sendt noe ennå." in page


def test_an_empty_portal_report_comes_back_with_a_plain_message(cast: Cast):
    response = client_for(cast.patient).post(_portal_url(cast), {"text": " "})
    assert response.status_code == 200
    assert "Skriv noen ord om hva som har endret seg." in response.content.decode()
    assert not Observation.objects.exists()


# ---------------------------------------------------------------------------------------------
# Acknowledging an alert


def _red_alert_for_nils(cast: Cast):
    plan = crisis_plan(cast)
    observation_decide(
        actor=cast.coordinator, observation=_observe(cast), decision=Decision.CONFIRM
    )
    return plan, Notification.objects.get(recipient=plan.nils_user, kind="phase_alert")


def test_the_night_contact_acknowledges_and_is_sent_back_to_the_inbox(cast: Cast):
    plan, alert = _red_alert_for_nils(cast)
    url = reverse("coordination:notification-acknowledge", args=[alert.pk])
    response = client_for(plan.nils_user).post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("coordination:notification-list")
    alert.refresh_from_db()
    assert alert.acknowledged_at is not None
    assert alert.read_at is not None


def test_acknowledging_with_htmx_answers_in_place(cast: Cast):
    plan, alert = _red_alert_for_nils(cast)
    url = reverse("coordination:notification-acknowledge", args=[alert.pk])
    response = client_for(plan.nils_user).post(url, headers=HX)
    assert response.status_code == 200
    assert "Kvittert" in response.content.decode()
    assert "varsler-changed" in response["HX-Trigger"]


def test_acknowledging_goes_back_to_a_local_next_address_only(cast: Cast):
    plan, alert = _red_alert_for_nils(cast)
    url = reverse("coordination:notification-acknowledge", args=[alert.pk])
    client = client_for(plan.nils_user)
    assert client.post(url, {"next": "/aktorfellesskap/"})["Location"] == "/aktorfellesskap/"
    other = client.post(url, {"next": "https://example.com/"})
    assert other["Location"] == reverse("coordination:notification-list")


def test_someone_elses_alert_is_not_found_and_stays_unacknowledged(cast: Cast):
    _plan, alert = _red_alert_for_nils(cast)
    url = reverse("coordination:notification-acknowledge", args=[alert.pk])
    assert client_for(cast.member).post(url).status_code == 404
    assert client_for(StaffFactory()).post(url).status_code == 404
    alert.refresh_from_db()
    assert alert.acknowledged_at is None
