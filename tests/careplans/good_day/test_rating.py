"""The good-day count's rules, through the service: the range, one answer a day (a second
replaces the first), and who may record it (Kari herself and staff in her team; never Per)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from careplans.good_day.rating import good_day_rating_record, good_day_ratings, sparkline
from careplans.models import GoodDayRating
from lkt.models import AccessLog
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def _record(cast: Cast, actor, good_days: int = 4, rated_on: dt.date | None = None):
    return good_day_rating_record(
        actor=actor,
        patient=cast.team.patient,
        rated_on=rated_on or timezone.localdate(),
        good_days=good_days,
    )


def test_kari_records_her_own_answer_and_it_is_audited_as_a_change(cast: Cast):
    rating = _record(cast, cast.patient, good_days=5)
    assert (rating.good_days, rating.recorded_by) == (5, cast.patient)
    assert AccessLog.objects.filter(
        user=cast.patient, action=AccessLog.Action.CHANGE, object_id=str(rating.pk)
    ).exists()


@pytest.mark.parametrize("good_days", [0, 7])
def test_the_ends_of_the_week_are_allowed(cast: Cast, good_days: int):
    assert _record(cast, cast.coordinator, good_days=good_days).good_days == good_days


@pytest.mark.parametrize("good_days", [-1, 8])
def test_a_count_outside_0_to_7_is_refused(cast: Cast, good_days: int):
    with pytest.raises(ValidationError) as error:
        _record(cast, cast.coordinator, good_days=good_days)
    assert "good_days" in error.value.message_dict
    assert not GoodDayRating.objects.exists()


def test_a_day_in_the_future_is_refused(cast: Cast):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        _record(cast, cast.coordinator, rated_on=tomorrow)
    assert "rated_on" in error.value.message_dict


def test_a_second_answer_the_same_day_replaces_the_first(cast: Cast):
    first = _record(cast, cast.patient, good_days=2)
    second = _record(cast, cast.coordinator, good_days=6)
    assert GoodDayRating.objects.count() == 1
    assert second.pk == first.pk
    assert (second.good_days, second.recorded_by) == (6, cast.coordinator)


def test_answers_on_different_days_are_kept(cast: Cast):
    today = timezone.localdate()
    _record(cast, cast.patient, good_days=2, rated_on=today - dt.timedelta(days=7))
    _record(cast, cast.patient, good_days=3, rated_on=today)
    assert [r.good_days for r in good_day_ratings(cast.team.patient, 12)] == [3, 2]


def test_tor_in_her_team_may_record_with_her(cast: Cast):
    assert _record(cast, cast.member).recorded_by == cast.member


def test_per_cannot_record_even_though_he_sees_her_goals(cast: Cast):
    with pytest.raises(PermissionDenied):
        _record(cast, cast.relative)


def test_a_relative_allowed_to_edit_goals_still_cannot_record(cast: Cast):
    cast.team.patient.relative_links.filter(relative=cast.relative).update(may_edit_goals=True)
    with pytest.raises(PermissionDenied):
        _record(cast, cast.relative)


@pytest.mark.parametrize("role", ["outsider", "leader", "night", "other_patient"])
def test_those_who_do_not_know_kari_get_not_found(cast: Cast, role: str):
    with pytest.raises(Http404):
        _record(cast, cast.user(role))
    assert not GoodDayRating.objects.exists()


def test_the_sparkline_puts_the_oldest_answer_left_and_seven_at_the_top(cast: Cast):
    today = timezone.localdate()
    _record(cast, cast.patient, good_days=0, rated_on=today - dt.timedelta(days=7))
    _record(cast, cast.patient, good_days=7, rated_on=today)
    line = sparkline(good_day_ratings(cast.team.patient, 12))
    assert line is not None
    (x0, y0, old), (x1, y1, new) = line.dots
    assert (old.good_days, new.good_days) == (0, 7)
    assert x0 < x1 and y1 < y0


def test_one_answer_is_no_line(cast: Cast):
    _record(cast, cast.patient)
    assert sparkline(good_day_ratings(cast.team.patient, 12)) is None
