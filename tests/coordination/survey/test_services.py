"""The relational coordination survey's rules (coordination.survey.services): the coordinator
opens and closes rounds, the team's staff members answer once while a round is open, and the
answer stays anonymous."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404
from django.utils import timezone

from actors.models import Role, User
from coordination.models import (
    Dimension,
    Notification,
    SurveyAnswer,
    SurveyParticipation,
    SurveyRound,
)
from coordination.survey import services as survey_services
from coordination.survey.services import (
    survey_answer,
    survey_round_close,
    survey_round_open,
)
from lkt.models import AccessLog
from tests.conftest import Cast
from tests.factories import MemberFactory, StaffFactory

pytestmark = pytest.mark.django_db

ALL_THREES = dict.fromkeys(Dimension, 3)


def in_days(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def open_round(cast: Cast, days: int = 14) -> SurveyRound:
    """Cecilie opens the next round of Kari's team."""
    return survey_round_open(actor=cast.coordinator, team=cast.team, closes_on=in_days(days))


def more_members(cast: Cast, count: int) -> list[User]:
    """``count`` more staff members in Kari's team (besides Cecilie and Tor)."""
    users = [StaffFactory.create() for _ in range(count)]
    for user in users:
        MemberFactory.create(team=cast.team, user=user, role=Role.NURSE)
    return users


def scores(value: int = 3, **overrides: int) -> dict[Dimension, int]:
    return {d: overrides.get(d.value, value) for d in Dimension}


# ---------------------------------------------------------------------------------------------
# Opening and closing rounds


def test_the_coordinator_opens_round_one_and_every_staff_member_is_told_once(cast: Cast):
    MemberFactory(team=cast.team, user=None, external_name="Lærer Lund", organisation=None)
    left = StaffFactory.create(username="lars")
    MemberFactory.create(team=cast.team, user=left, left_on=timezone.localdate())
    survey_round = open_round(cast)
    assert survey_round.number == 1
    assert survey_round.closed_at is None
    recipients = sorted(
        Notification.objects.filter(kind=Notification.Kind.SURVEY, team=cast.team).values_list(
            "recipient__username", flat=True
        )
    )
    # Cecilie and Tor; not the external contact without login, nor the one who has left.
    assert recipients == ["cecilie", "tor"]
    assert left.username not in recipients
    notification = Notification.objects.get(recipient=cast.member, kind=Notification.Kind.SURVEY)
    assert notification.occurrence == f"survey:{survey_round.pk}"
    assert notification.url.endswith(f"/aktorfellesskap/{cast.team.pk}/koordinering/svar/")
    assert "Kari" not in notification.message  # the message also goes out by e-mail


def test_the_next_round_gets_the_next_number_and_its_own_notifications(cast: Cast):
    first = open_round(cast)
    survey_round_close(actor=cast.coordinator, round=first)
    second = open_round(cast)
    assert second.number == 2
    assert (
        Notification.objects.filter(recipient=cast.member, kind=Notification.Kind.SURVEY).count()
        == 2
    )


def test_a_round_whose_deadline_passed_is_closed_when_the_next_opens(cast: Cast):
    first = open_round(cast)
    SurveyRound.objects.filter(pk=first.pk).update(closes_at=timezone.now() - dt.timedelta(hours=1))
    second = open_round(cast)
    first.refresh_from_db()
    assert first.closed_at is not None
    assert second.number == 2


def test_a_running_round_must_be_closed_before_a_new_one_opens(cast: Cast):
    open_round(cast)
    with pytest.raises(ValidationError, match="allerede en åpen runde"):
        open_round(cast)
    assert SurveyRound.objects.filter(team=cast.team).count() == 1


@pytest.mark.parametrize("days", [0, -1, 31])
def test_the_deadline_is_one_to_thirty_days_ahead(cast: Cast, days: int):
    with pytest.raises(ValidationError) as error:
        open_round(cast, days=days)
    assert "closes_on" in error.value.message_dict
    assert not SurveyRound.objects.exists()


@pytest.mark.parametrize("days", [1, 30])
def test_the_deadline_may_be_the_first_or_the_thirtieth_day(cast: Cast, days: int):
    assert open_round(cast, days=days).closes_at.date() == in_days(days)


def test_only_the_coordinator_opens_a_round(cast: Cast):
    with pytest.raises(PermissionDenied):
        survey_round_open(actor=cast.member, team=cast.team, closes_on=in_days(7))
    with pytest.raises(Http404):
        survey_round_open(actor=cast.outsider, team=cast.team, closes_on=in_days(7))
    assert not SurveyRound.objects.exists()


def test_only_the_coordinator_closes_a_round_and_only_once(cast: Cast):
    survey_round = open_round(cast)
    with pytest.raises(PermissionDenied):
        survey_round_close(actor=cast.member, round=survey_round)
    closed = survey_round_close(actor=cast.coordinator, round=survey_round)
    assert closed.closed_at is not None
    with pytest.raises(ValidationError, match="allerede lukket"):
        survey_round_close(actor=cast.coordinator, round=survey_round)


# ---------------------------------------------------------------------------------------------
# Answering


def test_a_member_answers_and_the_answer_is_stored_without_who(cast: Cast):
    survey_round = open_round(cast)
    survey_answer(actor=cast.member, round=survey_round, scores=scores(4, frequent=2))
    answer = SurveyAnswer.objects.get(round=survey_round)
    assert answer.frequent == 2
    assert answer.mutual_respect == 4
    assert SurveyParticipation.objects.filter(round=survey_round, user=cast.member).exists()


def test_a_member_answers_only_once_per_round(cast: Cast):
    survey_round = open_round(cast)
    survey_answer(actor=cast.member, round=survey_round, scores=ALL_THREES)
    with pytest.raises(ValidationError, match="allerede svart"):
        survey_answer(actor=cast.member, round=survey_round, scores=scores(5))
    assert SurveyAnswer.objects.filter(round=survey_round).count() == 1


def test_a_closed_round_takes_no_answers(cast: Cast):
    survey_round = open_round(cast)
    survey_round_close(actor=cast.coordinator, round=survey_round)
    with pytest.raises(ValidationError, match="lukket"):
        survey_answer(actor=cast.member, round=survey_round, scores=ALL_THREES)
    assert not SurveyAnswer.objects.exists()


def test_a_round_past_its_deadline_takes_no_answers(cast: Cast):
    survey_round = open_round(cast)
    SurveyRound.objects.filter(pk=survey_round.pk).update(closes_at=timezone.now())
    with pytest.raises(ValidationError, match="lukket"):
        survey_answer(actor=cast.member, round=survey_round, scores=ALL_THREES)
    assert not SurveyParticipation.objects.exists()


@pytest.mark.parametrize("role", ["patient", "relative"])
def test_the_patient_and_relatives_do_not_answer(cast: Cast, role: str):
    survey_round = open_round(cast)
    with pytest.raises(PermissionDenied):
        survey_answer(actor=getattr(cast, role), round=survey_round, scores=ALL_THREES)
    assert not SurveyAnswer.objects.exists()


def test_staff_outside_the_team_and_former_members_do_not_answer(cast: Cast):
    survey_round = open_round(cast)
    former = MemberFactory(team=cast.team, left_on=timezone.localdate()).user
    for outsider in (cast.outsider, cast.leader, former):
        with pytest.raises(Http404):
            survey_answer(actor=outsider, round=survey_round, scores=ALL_THREES)
    assert not SurveyAnswer.objects.exists()


def test_every_question_needs_an_answer_on_the_scale(cast: Cast):
    survey_round = open_round(cast)
    incomplete = {d: 3 for d in Dimension if d != Dimension.MUTUAL_RESPECT}
    with pytest.raises(ValidationError) as error:
        survey_answer(actor=cast.member, round=survey_round, scores=incomplete)
    assert list(error.value.message_dict) == ["mutual_respect"]
    with pytest.raises(ValidationError):
        survey_answer(actor=cast.member, round=survey_round, scores=scores(6))
    assert not SurveyParticipation.objects.exists()


# ---------------------------------------------------------------------------------------------
# Anonymity


def test_the_answer_row_has_no_user_and_no_time():
    fields = SurveyAnswer._meta.get_fields()
    assert {f.name for f in fields} == {"id", "round", *Dimension.values}
    assert not any(isinstance(f, models.ForeignKey) and f.related_model is User for f in fields)
    assert not any(isinstance(f, models.DateField) for f in fields)  # DateTimeField included
    assert isinstance(SurveyAnswer._meta.pk, models.UUIDField)


def test_the_participation_row_has_none_of_the_scores():
    names = {f.name for f in SurveyParticipation._meta.get_fields()}
    assert names == {"id", "round", "user"}
    assert not names & set(Dimension.values)


def test_answering_leaves_no_trace_of_the_answer_in_the_audit_log(cast: Cast):
    survey_round = open_round(cast)
    before = AccessLog.objects.count()
    survey_answer(actor=cast.member, round=survey_round, scores=ALL_THREES)
    answer = SurveyAnswer.objects.get()
    assert AccessLog.objects.count() == before
    assert not AccessLog.objects.filter(object_id=str(answer.pk)).exists()


def test_the_unique_participation_is_the_last_line_against_a_double_answer(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
):
    """Two tabs posting at once both pass the friendly check; the constraint stops the second
    with the same clear message, and its answer is not written."""
    survey_round = open_round(cast)
    survey_answer(actor=cast.member, round=survey_round, scores=ALL_THREES)
    monkeypatch.setattr(survey_services, "survey_has_answered", lambda survey_round, user: False)
    with pytest.raises(ValidationError, match="allerede svart"):
        survey_answer(actor=cast.member, round=survey_round, scores=scores(5))
    assert SurveyAnswer.objects.filter(round=survey_round).count() == 1


def test_answers_from_several_members_are_counted_without_names(cast: Cast):
    survey_round = open_round(cast)
    for user in [cast.member, cast.coordinator, *more_members(cast, 3)]:
        survey_answer(actor=user, round=survey_round, scores=ALL_THREES)
    assert SurveyAnswer.objects.filter(round=survey_round).count() == 5
    assert SurveyParticipation.objects.filter(round=survey_round).count() == 5


def kari_survey_round(cast: Cast) -> list[int]:
    """An open round of Kari's team, for the access matrix: [team, round]."""
    return [cast.team.pk, open_round(cast).pk]


def kari_team_surveyed(cast: Cast) -> list[int]:
    """Kari's team with an open round, for the access matrix: [team]."""
    return kari_survey_round(cast)[:1]
