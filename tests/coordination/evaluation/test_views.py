"""Plan periods and the evaluation through the views: full pages and htmx fragments, bad input
back with Norwegian messages and status 200, refused actions explained, who may see what, and
the team page section with its stepper."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from careplans.models import CarePlan, CarePlanVersion
from coordination.evaluation.services import (
    evaluation_meeting_propose,
    evaluation_send,
    goal_evaluation_save,
    proposed_meeting_day,
)
from coordination.models import Evaluation, EvaluationCorrection, GoalEvaluation, Meeting
from tests.conftest import client_for, team_section_html
from tests.coordination.evaluation.test_services import make_goals, make_period, ready_to_send

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
OSLO = ZoneInfo("Europe/Oslo")
MONDAY_NOON = dt.datetime(2027, 3, 1, 12, 0, tzinfo=OSLO)


def detail_url(period) -> str:
    return reverse("coordination:evaluation-detail", args=[period.pk])


# --- The plan period ---------------------------------------------------------------------------


def test_the_period_form_offers_the_dates_of_the_plan_in_force(cast):
    plan = CarePlan.objects.create(team=cast.team)
    CarePlanVersion.objects.create(
        plan=plan,
        number=1,
        status=CarePlanVersion.Status.IN_FORCE,
        period_start=dt.date(2027, 1, 1),
        period_end=dt.date(2027, 6, 30),
        created_by=cast.coordinator,
    )
    url = reverse("coordination:plan-period-create", args=[cast.team.pk])
    response = client_for(cast.coordinator).get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="2027-01-01"' in body and 'value="2027-06-30"' in body
    assert "hentet fra planen som gjelder" in body


def test_setting_a_period_without_htmx_returns_to_the_team_page(cast):
    url = reverse("coordination:plan-period-create", args=[cast.team.pk])
    response = client_for(cast.coordinator).post(
        url, {"starts_on": "2027-01-01", "ends_on": "2027-06-30"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#evaluering")
    assert cast.team.plan_periods.count() == 1


def test_setting_a_period_with_htmx_reloads_the_section(cast):
    url = reverse("coordination:plan-period-create", args=[cast.team.pk])
    team_url = reverse("workspace:team-detail", args=[cast.team.pk])
    response = client_for(cast.coordinator).post(
        url,
        {"starts_on": "2027-01-01", "ends_on": "2027-06-30"},
        headers={**HTMX, "HX-Current-URL": f"http://testserver{team_url}"},
    )
    assert response.status_code == 200
    assert set(json.loads(response["HX-Trigger"])) == {"evaluering-changed"}


def test_an_overlapping_period_comes_back_as_a_fragment_with_the_message(cast):
    make_period(cast, starts_on=dt.date(2027, 1, 1), ends_on=dt.date(2027, 6, 30))
    url = reverse("coordination:plan-period-create", args=[cast.team.pk])
    response = client_for(cast.coordinator).post(
        url, {"starts_on": "2027-03-01", "ends_on": "2027-09-30"}, headers=HTMX
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert "overlapper planperioden 1.1.2027–30.6.2027" in body
    assert 'value="2027-09-30"' in body  # nothing typed is lost


def test_an_end_before_the_start_is_explained(cast):
    url = reverse("coordination:plan-period-create", args=[cast.team.pk])
    response = client_for(cast.coordinator).post(
        url, {"starts_on": "2027-03-01", "ends_on": "2027-01-01"}
    )
    assert response.status_code == 200
    assert "Planperioden må slutte etter at den starter." in response.content.decode()


# --- The evaluation page -----------------------------------------------------------------------


def test_the_evaluation_page_lists_each_current_goal_as_full_page_and_fragment(cast):
    period = make_period(cast)
    goals = make_goals(cast, 3)
    client = client_for(cast.coordinator)

    page = client.get(detail_url(period))
    fragment = client.get(detail_url(period), headers=HTMX)

    assert page.status_code == fragment.status_code == 200
    assert "<html" in page.content.decode()
    body = fragment.content.decode()
    assert "<html" not in body and 'id="evaluation-body"' in body
    for goal in goals:
        assert goal.text in body
    assert "3 mål er ikke evaluert ennå." in body
    assert page["Vary"] and "HX-Request" in page["Vary"]


def test_a_goal_without_the_patients_words_comes_back_with_the_message(cast):
    period = make_period(cast)
    (goal,) = make_goals(cast, 1)
    url = reverse("coordination:goal-evaluation-edit", args=[period.pk, goal.pk])
    response = client_for(cast.coordinator).post(
        url, {"result": "partly", "patient_words": "", "team_words": "Teamet mener"}, headers=HTMX
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Skriv hva pasienten selv sier om målet." in body
    assert "Teamet mener" in body
    assert not GoalEvaluation.objects.exists()


def test_saving_a_goal_with_htmx_swaps_the_page_body(cast):
    period = make_period(cast)
    (goal,) = make_goals(cast, 1)
    url = reverse("coordination:goal-evaluation-edit", args=[period.pk, goal.pk])
    response = client_for(cast.coordinator).post(
        url,
        {"result": "reached", "patient_words": "Jeg klarer det nå"},
        headers={**HTMX, "HX-Current-URL": f"http://testserver{detail_url(period)}"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#evaluation-body"
    assert "Jeg klarer det nå" in body and "Nådd" in body
    assert "er lagret" in body


def test_saving_a_goal_without_htmx_redirects_to_the_goal(cast):
    period = make_period(cast)
    (goal,) = make_goals(cast, 1)
    url = reverse("coordination:goal-evaluation-edit", args=[period.pk, goal.pk])
    response = client_for(cast.coordinator).post(url, {"result": "reached", "patient_words": "Ja"})
    assert response.status_code == 302
    assert response["Location"] == detail_url(period) + f"#goal-{goal.pk}"


def test_a_stale_summary_shows_the_other_text_and_keeps_mine(cast):
    period = make_period(cast)
    url = reverse("coordination:evaluation-summary", args=[period.pk])
    client = client_for(cast.coordinator)
    client.post(url, {"summary": "Kari og Cecilie skrev dette.", "base_version": "0"})

    response = client.post(url, {"summary": "Tor sin tekst.", "base_version": "0"}, headers=HTMX)

    body = response.content.decode()
    assert response.status_code == 200
    assert "Noen andre har lagret oppsummeringen" in body
    assert "Kari og Cecilie skrev dette." in body
    assert "Tor sin tekst." in body
    assert 'name="base_version" value="1"' in body
    assert Evaluation.objects.get(period=period).summary == "Kari og Cecilie skrev dette."


def test_sending_too_early_is_refused_with_a_message_and_status_200(cast):
    period = make_period(cast)
    make_goals(cast, 1)
    response = client_for(cast.coordinator).post(
        reverse("coordination:evaluation-send", args=[period.pk])
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Skriv oppsummeringen sammen med pasienten" in body


@time_machine.travel(MONDAY_NOON, tick=False)
def test_sending_shows_the_deadline_and_hides_the_edit_links(cast):
    period = ready_to_send(cast)
    client = client_for(cast.coordinator)
    response = client.post(reverse("coordination:evaluation-send", args=[period.pk]), follow=True)
    body = response.content.decode()
    assert "Frist for rettelser: 4.3.2027 kl. 12:00." in body
    assert "Endre evalueringen" not in body
    assert "Send til teamet" not in body


@time_machine.travel(MONDAY_NOON, tick=False)
def test_a_member_posts_a_correction_the_coordinator_sees_it(cast):
    period = ready_to_send(cast)
    evaluation_send(actor=cast.coordinator, period=period)
    url = reverse("coordination:evaluation-correction", args=[period.pk])

    empty = client_for(cast.member).post(url, {"text": ""}, headers=HTMX)
    assert empty.status_code == 200
    assert "Skriv hva som bør rettes." in empty.content.decode()

    client_for(cast.member).post(url, {"text": "Tor var ikke på møtet i januar."})
    page = client_for(cast.coordinator).get(detail_url(period)).content.decode()
    assert "Tor var ikke på møtet i januar." in page
    assert EvaluationCorrection.objects.count() == 1


def test_the_coordinator_closes_early_and_the_period_is_evaluated(cast):
    period = ready_to_send(cast)
    with time_machine.travel(MONDAY_NOON, tick=False):
        evaluation_send(actor=cast.coordinator, period=period)
        url = reverse("coordination:evaluation-close", args=[period.pk])
        refused = client_for(cast.coordinator).post(url, {})
        assert refused.status_code == 200
        assert "Fristen for rettelser er ikke ute ennå" in refused.content.decode()
        client_for(cast.coordinator).post(url, {"early": "on"})
    period.refresh_from_db()
    assert period.evaluated_on == MONDAY_NOON.date()


def test_the_coordinator_confirms_the_proposed_meeting_from_the_evaluation_page(cast):
    period = make_period(cast, ends_on=dt.date(2027, 3, 12))
    meeting = evaluation_meeting_propose(period=period, today=dt.date(2027, 3, 1))
    assert meeting is not None
    url = reverse("coordination:evaluation-meeting-confirm", args=[period.pk, meeting.pk])
    with time_machine.travel(MONDAY_NOON, tick=False):
        page = client_for(cast.coordinator).get(detail_url(period)).content.decode()
        assert "Foreslått av LKT" in page
        assert reverse("coordination:meeting-edit", args=[meeting.pk]) in page
        response = client_for(cast.coordinator).post(
            url, {"starts_at": "2027-03-05T10:00"}, headers=HTMX
        )
    assert response.status_code == 200
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED


def test_a_bad_meeting_time_is_refused_with_a_message(cast):
    period = make_period(cast, ends_on=dt.date(2027, 3, 12))
    meeting = evaluation_meeting_propose(period=period, today=dt.date(2027, 3, 1))
    assert meeting is not None
    url = reverse("coordination:evaluation-meeting-confirm", args=[period.pk, meeting.pk])
    response = client_for(cast.coordinator).post(url, {"starts_at": "i morgen"})
    assert response.status_code == 200
    assert "Skriv dato og klokkeslett" in response.content.decode()


# --- Who may see what ----------------------------------------------------------------------------


def test_a_member_reads_the_evaluation_but_gets_no_edit_links(cast):
    period = make_period(cast)
    make_goals(cast, 1)
    body = client_for(cast.member).get(detail_url(period)).content.decode()
    assert "Ikke evaluert ennå" in body
    assert "Evaluer målet" not in body


@pytest.mark.parametrize(
    ("role", "status"),
    [("outsider", 404), ("relative", 403), ("excluded_relative", 404), ("patient", 403)],
)
def test_others_do_not_reach_the_evaluation(cast, role, status):
    period = make_period(cast)
    response = client_for(cast.user(role)).get(detail_url(period))
    assert response.status_code == status


def test_a_member_may_not_record_a_goal_result(cast):
    period = make_period(cast)
    (goal,) = make_goals(cast, 1)
    url = reverse("coordination:goal-evaluation-edit", args=[period.pk, goal.pk])
    assert client_for(cast.member).get(url).status_code == 403


def test_a_goal_of_another_patient_is_not_found(cast):
    period = make_period(cast)
    from careplans.models import Goal

    other = Goal.objects.create(patient=cast.other_team.patient, text="Ola", wish="x")
    url = reverse("coordination:goal-evaluation-edit", args=[period.pk, other.pk])
    assert client_for(cast.coordinator).get(url).status_code == 404


# --- The team page section ---------------------------------------------------------------------


def test_the_team_page_shows_the_stepper_with_the_current_step_in_words(cast):
    with time_machine.travel(MONDAY_NOON, tick=False):
        make_period(cast, starts_on=dt.date(2027, 1, 1), ends_on=dt.date(2027, 6, 30))
        body = (
            client_for(cast.coordinator)
            .get(reverse("workspace:team-detail", args=[cast.team.pk]))
            .content.decode()
        )
        assert 'id="evaluering"' in body
        body = team_section_html(client_for(cast.coordinator), cast.team.pk, "evaluering")
    assert '<ol class="lkt-stepper"' in body
    assert 'aria-current="step"' in body
    current = body.split('aria-current="step"')[1].split("</li>")[0]
    assert "Utføre" in current and "Her er teamet nå" in current
    assert "Neste steg:" in body
    assert "Sett ny planperiode" in body


def test_the_section_is_served_as_a_fragment(cast):
    make_period(cast)
    response = client_for(cast.member).get(
        reverse("workspace:team-evaluering", args=[cast.team.pk]), headers=HTMX
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Planperiode og evaluering" in body
    assert "Sett ny planperiode" not in body


def test_a_relative_does_not_see_the_evaluation_section(cast):
    body = (
        client_for(cast.relative)
        .get(reverse("workspace:team-detail", args=[cast.team.pk]))
        .content.decode()
    )
    assert 'id="evaluering"' not in body


def test_a_result_recorded_shows_on_the_evaluation_page_in_the_patients_words(cast):
    period = make_period(cast)
    (goal,) = make_goals(cast, 1)
    goal_evaluation_save(
        actor=cast.coordinator,
        period=period,
        goal=goal,
        result="not_reached",
        patient_words="Jeg er ikke der ennå",
    )
    body = client_for(cast.member).get(detail_url(period)).content.decode()
    assert "Jeg er ikke der ennå" in body and "Ikke nådd" in body


# --- The patient's own view ----------------------------------------------------------------------


def test_the_patient_sees_the_sent_summary_in_her_own_words_but_not_a_draft(cast):
    draft_period = make_period(cast, starts_on=dt.date(2027, 4, 1), ends_on=dt.date(2027, 9, 30))
    from coordination.evaluation.services import evaluation_summary_save

    evaluation_summary_save(
        actor=cast.coordinator, period=draft_period, summary="Utkast ingen skal se", base_version=0
    )
    period = ready_to_send(cast)
    with time_machine.travel(MONDAY_NOON, tick=False):
        evaluation_send(actor=cast.coordinator, period=period)
        url = reverse("coordination:portal-evaluations", args=[cast.team.patient.pk])
        body = client_for(cast.patient).get(url).content.decode()
    assert "Det går bedre enn før." in body
    assert "Vi fortsetter." in body
    assert "Si fra til koordinatoren din før" in body
    assert "Utkast ingen skal se" not in body
    note = cast.patient.notifications.get(kind="evaluation_summary")
    assert note.url == url


@pytest.mark.parametrize("periods", [1, 10])
def test_the_patients_evaluations_use_the_same_queries_for_1_and_10(
    cast, periods, django_assert_num_queries
):
    goals = make_goals(cast, 3)
    start = dt.date(2020, 1, 1)
    for n in range(periods):
        period = make_period(
            cast,
            starts_on=start + dt.timedelta(days=30 * n),
            ends_on=start + dt.timedelta(days=30 * n + 29),
        )
        for goal in goals:
            goal_evaluation_save(
                actor=cast.coordinator,
                period=period,
                goal=goal,
                result="reached",
                patient_words="Ja",
            )
        Evaluation.objects.filter(period=period).update(status="closed", summary=f"Runde {n}")
    client = client_for(cast.patient)
    client.get("/")
    url = reverse("coordination:portal-evaluations", args=[cast.team.patient.pk])
    # 1 session, 2 user, 3 patient, 4 audit row, 5 evaluations with periods, 6 their results
    # with goals (the patient's own standing needs no query).
    with django_assert_num_queries(6):
        body = client.get(url).content.decode()
    assert body.count("Runde ") == periods


@time_machine.travel(MONDAY_NOON, tick=False)
def test_changing_a_goal_after_sending_is_refused_with_a_clear_message(cast):
    goals = make_goals(cast, 1)
    period = ready_to_send(cast, goals)
    evaluation_send(actor=cast.coordinator, period=period)
    url = reverse("coordination:goal-evaluation-edit", args=[period.pk, goals[0].pk])
    response = client_for(cast.coordinator).post(
        url, {"result": "reached", "patient_words": "Endret etterpå"}, headers=HTMX
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Oppsummeringen er sendt til teamet og kan ikke endres lenger." in body
    assert "Endret etterpå" in body  # what was typed is still there
    assert GoalEvaluation.objects.get().patient_words == "Det går bedre enn før."


# --- The evaluation meeting LKT will propose ----------------------------------------------------


def test_the_page_and_the_section_say_on_which_day_lkt_proposes_the_meeting(cast):
    today = timezone.localdate()
    period = make_period(
        cast, starts_on=today - dt.timedelta(days=60), ends_on=today + dt.timedelta(days=40)
    )
    day = proposed_meeting_day(period.ends_on, today)
    client = client_for(cast.coordinator)
    page = client.get(detail_url(period)).content.decode()
    assert f"foreslår LKT et møte {date_format(day, 'l j.n.Y')} kl. 10" in page
    section = client.get(reverse("workspace:team-evaluering", args=[cast.team.pk]), headers=HTMX)
    assert f"LKT foreslår evalueringsmøte {date_format(day, 'j.n.Y')} kl. 10" in (
        section.content.decode()
    )


def test_once_proposed_the_page_shows_the_meeting_and_promises_no_more(cast):
    today = timezone.localdate()
    period = make_period(
        cast, starts_on=today - dt.timedelta(days=60), ends_on=today + dt.timedelta(days=5)
    )
    meeting = evaluation_meeting_propose(period=period, today=today)
    assert meeting is not None
    page = client_for(cast.coordinator).get(detail_url(period)).content.decode()
    assert "Foreslått av LKT" in page
    assert "foreslår LKT et møte" not in page
    meeting.status = Meeting.Status.CANCELLED
    meeting.save(update_fields=["status"])
    page = client_for(cast.coordinator).get(detail_url(period)).content.decode()
    section = page[page.index('id="meeting-heading"') : page.index("</section>")]
    assert "Det er ikke foreslått eller planlagt et evalueringsmøte." in section
    assert "foreslår" not in section  # the proposal was made; it is not made again
