"""The survey on the team page, the answer page and the coordinator's rounds
(coordination.survey.views)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from coordination.models import Dimension, Notification, SurveyAnswer, SurveyRound
from coordination.survey.services import survey_answer, survey_round_close
from tests.conftest import Cast, client_for, team_section_html
from tests.coordination.survey.test_selectors import past_round
from tests.coordination.survey.test_services import in_days, open_round, scores

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


def _answer_url(cast: Cast) -> str:
    return reverse("coordination:survey-answer", args=[cast.team.pk])


def _section_url(cast: Cast) -> str:
    return reverse("workspace:team-koordinering", args=[cast.team.pk])


def _open_url(cast: Cast) -> str:
    return reverse("coordination:survey-round-open", args=[cast.team.pk])


def _close_url(cast: Cast, survey_round: SurveyRound) -> str:
    return reverse("coordination:survey-round-close", args=[cast.team.pk, survey_round.pk])


def _all(value: int = 3, **overrides: int) -> dict[str, str]:
    return {d.value: str(overrides.get(d.value, value)) for d in Dimension}


# ---------------------------------------------------------------------------------------------
# The answer page


def test_the_answer_page_asks_seven_questions_and_says_the_answer_is_anonymous(cast: Cast):
    open_round(cast)
    response = client_for(cast.member).get(_answer_url(cast))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<fieldset") == 7
    assert html.count("<legend") == 7
    assert "Hvor ofte kommuniserer de andre i teamet med deg om pasienten?" in html
    assert html.count('type="radio"') == 35
    assert "1 = aldri" in html
    assert "Svaret ditt er anonymt." in html


def test_an_incomplete_answer_comes_back_with_errors_and_keeps_what_was_chosen(cast: Cast):
    open_round(cast)
    data = _all(4)
    del data["mutual_respect"]
    response = client_for(cast.member).post(_answer_url(cast), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Skjemaet har feil som må rettes" in html
    assert "Velg et svar fra 1 til 5." in html
    assert re.search(r'name="frequent" value="4"[^>]*checked', html)
    assert not re.search(r'name="mutual_respect" value="\d"[^>]*checked', html)
    assert not SurveyAnswer.objects.exists()


def test_a_complete_answer_is_saved_and_leads_back_to_the_team_page(cast: Cast):
    survey_round = open_round(cast)
    client = client_for(cast.member)
    response = client.post(_answer_url(cast), _all(5, frequent=2), follow=True)
    assert response.redirect_chain[-1][0].endswith(f"/{cast.team.pk}/#koordinering")
    assert "Takk for svaret! Svaret ditt er anonymt." in response.content.decode()
    answer = SurveyAnswer.objects.get(round=survey_round)
    assert (answer.frequent, answer.mutual_respect) == (2, 5)
    again = client.get(_answer_url(cast)).content.decode()
    assert "Du har svart på runde 1" in again
    assert "<fieldset" not in again


def test_without_an_open_round_the_answer_page_says_so(cast: Cast):
    response = client_for(cast.member).get(_answer_url(cast))
    assert response.status_code == 200
    assert "Ingen runde er åpen nå." in response.content.decode()


def test_an_answer_after_the_round_closed_is_refused_with_a_message(cast: Cast):
    survey_round = open_round(cast)
    client = client_for(cast.member)
    client.get(_answer_url(cast))
    survey_round_close(actor=cast.coordinator, round=survey_round)
    response = client.post(_answer_url(cast), _all())
    assert response.status_code == 200
    assert "Ingen runde er åpen nå." in response.content.decode()
    assert not SurveyAnswer.objects.exists()


@pytest.mark.parametrize(("role", "status"), [("patient", 403), ("outsider", 404), ("leader", 404)])
def test_only_staff_in_the_team_reach_the_answer_page(cast: Cast, role: str, status: int):
    open_round(cast)
    response = client_for(cast.user(role)).post(_answer_url(cast), _all())
    assert response.status_code == status
    assert not SurveyAnswer.objects.exists()


# ---------------------------------------------------------------------------------------------
# The team page section


def test_the_team_page_shows_the_open_round_and_svar_naa_to_a_member(cast: Cast):
    open_round(cast, days=7)
    html = client_for(cast.member).get(reverse("workspace:team-detail", args=[cast.team.pk]))
    body = html.content.decode()
    assert 'id="koordinering"' in body
    body = team_section_html(client_for(cast.member), cast.team.pk, "koordinering")
    assert "Runde 1 er åpen" in body
    assert "0 av 2 har svart." in body
    assert _answer_url(cast) in body
    assert "Svar nå" in body
    assert "Lukk runde 1 nå" not in body  # Tor does not manage the team


def test_a_member_who_answered_is_not_asked_again(cast: Cast):
    survey_round = open_round(cast)
    survey_answer(actor=cast.member, round=survey_round, scores=scores(3))
    body = client_for(cast.member).get(_section_url(cast), headers=HX).content.decode()
    assert "1 av 2 har svart." in body
    assert "Du har svart på denne runden. Takk!" in body
    assert "Svar nå" not in body


def test_the_patient_sees_the_results_but_is_not_asked(cast: Cast):
    past_round(cast, [scores(4)] * 5)
    open_round(cast)
    body = client_for(cast.patient).get(_section_url(cast), headers=HX).content.decode()
    assert "Runde 2 er åpen" in body
    assert "Svar nå" not in body
    assert "Gjennomsnitt per spørsmål og runde" in body


def test_the_results_table_shows_means_and_changes_in_words(cast: Cast):
    past_round(cast, [scores(3)] * 5)
    past_round(cast, [scores(4, mutual_respect=2)] * 5)
    past_round(cast, [scores(4)] * 4)
    body = client_for(cast.member).get(_section_url(cast), headers=HX).content.decode()
    assert '<th scope="row">Hyppig kommunikasjon</th>' in body
    assert "Runde 3" in body
    assert "4,0" in body
    assert "opp 1,0" in body
    assert "ned 1,0" in body
    assert "skjult" in body  # round 3 has four answers
    assert '<span class="lkt-muted">4 svar</span>' in body
    assert "minst 5 har svart" in body
    english = HX | {"Accept-Language": "en"}
    shown = client_for(cast.member).get(_section_url(cast), headers=english).content.decode()
    assert "5 answers" in shown and "up 1.0" in shown


def test_the_round_form_renders_when_opened_not_with_the_section(cast: Cast):
    """Issue 17: the closed <details> carries a link that loads the form when it opens; the
    form's GET answers with the form alone (htmx) or its page (without JavaScript)."""
    client = client_for(cast.coordinator)
    section = client.get(_section_url(cast), headers=HX).content.decode()
    assert f'hx-get="{_open_url(cast)}" hx-trigger="toggle once from:closest details"' in section
    assert 'name="closes_on"' not in section
    form = client.get(_open_url(cast), headers=HX).content.decode()
    assert 'name="closes_on"' in form and "<html" not in form
    page = client.get(_open_url(cast)).content.decode()
    assert 'name="closes_on"' in page and "<html" in page
    assert client_for(cast.member).get(_open_url(cast), headers=HX).status_code == 403


def test_the_coordinator_opens_a_round_in_place(cast: Cast):
    client = client_for(cast.coordinator)
    section = client.get(_section_url(cast), headers=HX).content.decode()
    assert "Send undersøkelsen til teamet" in section
    response = client.post(_open_url(cast), {"closes_on": in_days(10).isoformat()}, headers=HX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#koordinering"
    body = response.content.decode()
    assert "Runde 1 er åpnet. Medlemmene har fått beskjed om å svare." in body
    assert "Lukk runde 1 nå" in body
    assert (
        Notification.objects.filter(kind=Notification.Kind.SURVEY, recipient=cast.member).count()
        == 1
    )


def test_a_deadline_out_of_range_comes_back_in_the_section_with_status_200(cast: Cast):
    too_late = in_days(45).isoformat()
    response = client_for(cast.coordinator).post(
        _open_url(cast), {"closes_on": too_late}, headers=HX
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Velg en svarfrist mellom 1 og 30 dager fram i tid." in body
    assert too_late in body
    assert not SurveyRound.objects.exists()


def test_without_javascript_opening_a_round_returns_to_the_team_page(cast: Cast):
    client = client_for(cast.coordinator)
    response = client.post(_open_url(cast), {"closes_on": in_days(5).isoformat()})
    assert response.status_code == 302
    assert response["Location"].endswith("#koordinering")
    invalid = client.post(_open_url(cast), {"closes_on": ""})
    assert invalid.status_code == 200
    assert "Velg en svarfrist." in invalid.content.decode()


def test_the_coordinator_closes_the_open_round_in_place(cast: Cast):
    survey_round = open_round(cast)
    response = client_for(cast.coordinator).post(_close_url(cast, survey_round), headers=HX)
    assert response.status_code == 200
    assert "Runde 1 er lukket." in response.content.decode()
    survey_round.refresh_from_db()
    assert survey_round.closed_at is not None


def test_a_member_may_not_open_or_close_rounds(cast: Cast):
    survey_round = open_round(cast)
    client = client_for(cast.member)
    assert client.post(_close_url(cast, survey_round), headers=HX).status_code == 403
    assert client.post(_open_url(cast), {"closes_on": in_days(3).isoformat()}).status_code == 403
    survey_round.refresh_from_db()
    assert survey_round.closed_at is None


def test_a_round_of_another_team_is_not_there(cast: Cast):
    survey_round = open_round(cast)
    other = reverse("coordination:survey-round-close", args=[cast.other_team.pk, survey_round.pk])
    assert client_for(cast.coordinator).post(other).status_code == 404
