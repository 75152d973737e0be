"""Årshjulet: when activities fall, the minimum package, and recurrences that make no sense."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from actors.models import Consent, Member, Role
from careplans.annual.rules import (
    Occurrence,
    RealMeeting,
    add_months,
    annual_strip,
    default_activities,
    next_occurrence,
    next_shown,
    occurrences,
    shown_occurrences,
    upcoming,
    validate_recurrence,
)
from careplans.models import AnnualActivity, CarePlan, CarePlanVersion
from tests.clock import days
from tests.conftest import Cast

D = dt.date
Kind = AnnualActivity.Kind
Recurrence = AnnualActivity.Recurrence


def version_for(cast: Cast, **fields: Any) -> CarePlanVersion:
    plan, _ = CarePlan.objects.get_or_create(team=cast.team)
    number = plan.versions.count() + 1
    return CarePlanVersion.objects.create(
        plan=plan, number=number, created_by=cast.coordinator, **fields
    )


def activity(**fields: Any) -> AnnualActivity:
    fields.setdefault("kind", Kind.OTHER)
    fields.setdefault("title", "Aktivitet")
    return AnnualActivity(**fields)


def test_add_months_clamps_to_the_end_of_a_short_month() -> None:
    assert add_months(D(2027, 1, 31), 1) == D(2027, 2, 28)
    assert add_months(D(2028, 1, 31), 1) == D(2028, 2, 29)
    assert add_months(D(2027, 11, 15), 3) == D(2028, 2, 15)
    assert add_months(D(2027, 3, 15), -3) == D(2026, 12, 15)


def test_a_once_activity_falls_on_its_date_only_inside_the_range() -> None:
    once = activity(recurrence=Recurrence.ONCE, first_on=D(2027, 3, 10))
    assert occurrences(once, D(2027, 1, 1), D(2027, 12, 31)) == [D(2027, 3, 10)]
    assert occurrences(once, D(2027, 3, 11), D(2027, 12, 31)) == []
    assert next_occurrence(once, D(2027, 3, 9)) == D(2027, 3, 10)
    assert next_occurrence(once, D(2027, 3, 10)) is None


def test_every_n_months_counts_from_the_first_date() -> None:
    every = activity(
        recurrence=Recurrence.EVERY_N_MONTHS, interval_months=4, first_on=D(2027, 1, 31)
    )
    assert occurrences(every, D(2027, 1, 1), D(2027, 12, 31)) == [
        D(2027, 1, 31),
        D(2027, 5, 31),
        D(2027, 9, 30),
    ]
    assert occurrences(every, D(2030, 2, 1), D(2030, 6, 30)) == [D(2030, 5, 31)]
    assert next_occurrence(every, D(2027, 1, 31)) == D(2027, 5, 31)
    assert next_occurrence(every, D(2026, 1, 1)) == D(2027, 1, 31)


@pytest.mark.django_db
def test_every_n_months_without_a_date_counts_from_the_plan_period_start(cast: Cast) -> None:
    version = version_for(cast, period_start=D(2027, 2, 1))
    every = activity(version=version, recurrence=Recurrence.EVERY_N_MONTHS, interval_months=6)
    assert occurrences(every, D(2027, 1, 1), D(2028, 12, 31)) == [
        D(2027, 8, 1),
        D(2028, 2, 1),
        D(2028, 8, 1),
    ]


def test_every_n_months_without_a_date_or_a_period_never_falls() -> None:
    every = activity(recurrence=Recurrence.EVERY_N_MONTHS, interval_months=6)
    assert occurrences(every, D(2027, 1, 1), D(2030, 1, 1)) == []
    assert next_occurrence(every, D(2027, 1, 1)) is None


def test_yearly_falls_on_the_first_of_the_month_or_on_the_first_dates_day() -> None:
    first = activity(recurrence=Recurrence.YEARLY, month=3)
    assert occurrences(first, D(2027, 1, 1), D(2028, 12, 31)) == [D(2027, 3, 1), D(2028, 3, 1)]
    dated = activity(recurrence=Recurrence.YEARLY, month=2, first_on=D(2027, 2, 28))
    assert occurrences(dated, D(2026, 1, 1), D(2028, 12, 31)) == [D(2027, 2, 28), D(2028, 2, 28)]
    assert next_occurrence(first, D(2027, 3, 1)) == D(2028, 3, 1)
    assert next_occurrence(dated, D(2020, 1, 1)) == D(2027, 2, 28)


def test_yearly_on_the_31st_falls_on_the_last_day_of_a_shorter_month() -> None:
    late = activity(recurrence=Recurrence.YEARLY, month=4, first_on=D(2027, 1, 31))
    assert occurrences(late, D(2027, 1, 1), D(2027, 12, 31)) == [D(2027, 4, 30)]


def test_upcoming_lists_the_soonest_occurrences_of_all_activities_in_order() -> None:
    once = activity(title="Oppstart", recurrence=Recurrence.ONCE, first_on=D(2027, 1, 14))
    yearly = activity(title="Samtykke", recurrence=Recurrence.YEARLY, month=2)
    every = activity(
        title="Aktørkart",
        recurrence=Recurrence.EVERY_N_MONTHS,
        interval_months=6,
        first_on=D(2027, 1, 20),
    )
    soon = upcoming([yearly, every, once], D(2027, 1, 1), limit=4)
    assert [(day, a.title) for day, a in soon] == [
        (D(2027, 1, 14), "Oppstart"),
        (D(2027, 1, 20), "Aktørkart"),
        (D(2027, 2, 1), "Samtykke"),
        (D(2027, 7, 20), "Aktørkart"),
    ]


def test_upcoming_includes_today() -> None:
    once = activity(recurrence=Recurrence.ONCE, first_on=D(2027, 1, 1))
    assert upcoming([once], D(2027, 1, 1), limit=3) == [(D(2027, 1, 1), once)]


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"recurrence": "every_n_months", "interval_months": 0}, "interval_months", "fra 1 til 24"),
        (
            {"recurrence": "every_n_months", "interval_months": 25},
            "interval_months",
            "fra 1 til 24",
        ),
        ({"recurrence": "every_n_months"}, "interval_months", "hvor mange måneder"),
        ({"recurrence": "yearly", "month": 13}, "month", "fra 1 (januar) til 12"),
        ({"recurrence": "yearly", "month": 0}, "month", "fra 1 (januar) til 12"),
        ({"recurrence": "yearly"}, "month", "hvilken måned"),
        ({"recurrence": "once"}, "first_on", "datoen"),
        ({"recurrence": "sometimes"}, "recurrence", "hvor ofte"),
    ],
)
def test_nonsense_recurrences_are_refused_with_a_norwegian_field_error(
    fields: dict[str, Any], field: str, words: str
) -> None:
    errors = validate_recurrence(**fields)
    assert list(errors) == [field]
    assert words in errors[field]


def test_sensible_recurrences_have_no_errors() -> None:
    assert validate_recurrence(recurrence="once", first_on=D(2027, 1, 1)) == {}
    assert validate_recurrence(recurrence="every_n_months", interval_months=24) == {}
    assert validate_recurrence(recurrence="yearly", month=12) == {}


def test_a_nonsense_recurrence_never_falls() -> None:
    assert (
        occurrences(activity(recurrence=Recurrence.YEARLY, month=13), D(2027, 1, 1), D(2028, 1, 1))
        == []
    )


@pytest.mark.django_db
def test_the_database_refuses_a_nonsense_recurrence_as_the_last_line_of_defence(
    cast: Cast,
) -> None:
    version = version_for(cast)
    bad = activity(version=version, recurrence=Recurrence.EVERY_N_MONTHS, interval_months=0)
    with pytest.raises(ValidationError, match="Gjentakelsen gir ikke mening"):
        bad.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        bad.save()


@pytest.mark.django_db
def test_defaults_are_the_minimum_package_unsaved_with_the_coordinator_responsible(
    cast: Cast,
) -> None:
    Consent.objects.filter(patient=cast.team.patient, scope=Consent.Scope.TEAM_SHARING).update(
        given_at=dt.datetime(2026, 9, 5, 12, tzinfo=dt.UTC)
    )
    version = version_for(cast, period_start=D(2027, 1, 4), period_end=D(2027, 12, 31))
    coordinator = Member.objects.get(team=cast.team, role=Role.COORDINATOR)

    defaults = default_activities(version, medicines=5)

    assert all(a.pk is None for a in defaults)
    assert all(a.responsible == coordinator for a in defaults)
    by_kind = {a.kind: a for a in defaults}
    assert list(by_kind) == [
        Kind.KICKOFF,
        Kind.EVALUATION,
        Kind.MEDICATION_REVIEW,
        Kind.CONSENT_RENEWAL,
        Kind.ACTOR_MAP_REVIEW,
    ]
    kickoff = by_kind[Kind.KICKOFF]
    assert (kickoff.recurrence, kickoff.first_on) == (Recurrence.ONCE, D(2027, 1, 18))
    evaluation = by_kind[Kind.EVALUATION]
    assert (evaluation.recurrence, evaluation.first_on) == (Recurrence.ONCE, D(2027, 12, 24))
    review = by_kind[Kind.MEDICATION_REVIEW]
    assert (review.recurrence, review.mandatory) == (Recurrence.YEARLY, True)
    assert by_kind[Kind.CONSENT_RENEWAL].month == 9
    actor_map = by_kind[Kind.ACTOR_MAP_REVIEW]
    assert (actor_map.recurrence, actor_map.interval_months) == (Recurrence.EVERY_N_MONTHS, 6)
    for a in defaults:
        a.full_clean(exclude=["version"])


@pytest.mark.django_db
def test_without_a_period_the_evaluation_is_every_six_months(cast: Cast) -> None:
    version = version_for(cast)
    today = D(2027, 3, 1)
    evaluation = next(
        a for a in default_activities(version, today=today) if a.kind == Kind.EVALUATION
    )
    assert (evaluation.recurrence, evaluation.interval_months) == (Recurrence.EVERY_N_MONTHS, 6)
    assert next_occurrence(evaluation, today) == D(2027, 9, 1)


@pytest.mark.django_db
@pytest.mark.parametrize(("medicines", "included"), [(3, False), (4, True), (0, False)])
def test_a_yearly_medication_review_is_included_from_four_medicines(
    cast: Cast, medicines: int, included: bool
) -> None:
    version = version_for(cast, period_start=D(2027, 1, 1))
    kinds = [a.kind for a in default_activities(version, medicines=medicines)]
    assert (Kind.MEDICATION_REVIEW in kinds) is included


@pytest.mark.django_db
def test_an_unknown_number_of_medicines_suggests_the_review_as_not_mandatory(cast: Cast) -> None:
    version = version_for(cast, period_start=D(2027, 1, 1))
    review = next(a for a in default_activities(version) if a.kind == Kind.MEDICATION_REVIEW)
    assert review.mandatory is False
    assert "4 legemidler eller flere" in review.title


@pytest.mark.django_db
def test_without_a_coordinator_nobody_is_responsible(cast: Cast) -> None:
    start = days(30)
    Member.objects.filter(team=cast.team, role=Role.COORDINATOR).update(left_on=start)
    version = version_for(cast, period_start=start)
    assert all(a.responsible is None for a in default_activities(version, medicines=4))


def test_the_strip_has_twelve_months_from_the_start_with_each_activity_in_its_month() -> None:
    once = activity(title="Oppstart", recurrence=Recurrence.ONCE, first_on=D(2027, 1, 14))
    every = activity(
        title="Aktørkart",
        recurrence=Recurrence.EVERY_N_MONTHS,
        interval_months=6,
        first_on=D(2026, 12, 20),
    )
    strip = annual_strip([once, every], D(2026, 11, 23), today=D(2026, 11, 23))
    assert [m.first for m in strip.months][::11] == [D(2026, 11, 1), D(2027, 10, 1)]
    assert len(strip.months) == 12
    titles = {m.first.month: [(i.day, i.activity.title) for i in m.items] for m in strip.months}
    assert titles[12] == [(D(2026, 12, 20), "Aktørkart")]
    assert titles[1] == [(D(2027, 1, 14), "Oppstart")]
    assert titles[6] == [(D(2027, 6, 20), "Aktørkart")]
    assert strip.count == 3
    assert [m.current for m in strip.months].count(True) == 1 and strip.months[0].current
    # Rows stack: each starts where the one before ended, and the strip is as tall as all.
    assert all(b.y == a.y + a.height for a, b in zip(strip.months, strip.months[1:], strict=False))
    assert strip.height == strip.months[-1].y + strip.months[-1].height


# --- Real meetings in the årshjul -------------------------------------------------------------


def meeting_on(day: dt.date, kind: str = Kind.EVALUATION, held: bool = False) -> RealMeeting:
    return RealMeeting(kind=kind, day=day, held=held, url="/moter/1/")


def test_a_real_meeting_takes_the_place_of_the_nearest_planned_day_only() -> None:
    every_six = activity(
        kind=Kind.EVALUATION,
        recurrence=Recurrence.EVERY_N_MONTHS,
        interval_months=6,
        first_on=D(2027, 3, 1),
    )
    shown = shown_occurrences(
        every_six, D(2027, 1, 1), D(2028, 6, 30), [meeting_on(D(2027, 9, 20))]
    )
    assert [(o.day, o.meeting is not None) for o in shown] == [
        (D(2027, 3, 1), False),
        (D(2027, 9, 20), True),
        (D(2028, 3, 1), False),
    ]


def test_a_meeting_far_from_every_planned_day_or_of_another_kind_replaces_none() -> None:
    once = activity(kind=Kind.KICKOFF, recurrence=Recurrence.ONCE, first_on=D(2027, 3, 1))
    far = meeting_on(D(2027, 9, 1), kind=Kind.KICKOFF)
    other = meeting_on(D(2027, 3, 2), kind=Kind.EVALUATION)
    shown = shown_occurrences(once, D(2027, 1, 1), D(2027, 12, 31), [far, other])
    assert [(o.day, o.meeting) for o in shown] == [(D(2027, 3, 1), None)]


def test_an_oppstartsmote_held_before_the_range_leaves_nothing_to_come() -> None:
    once = activity(kind=Kind.KICKOFF, recurrence=Recurrence.ONCE, first_on=days(10))
    held = meeting_on(days(-5), kind=Kind.KICKOFF, held=True)
    assert next_shown(once, days(0), [held]) is None
    assert next_shown(once, days(0)) == Occurrence(day=days(10), activity=once)


def test_the_strip_puts_the_meeting_in_its_own_month() -> None:
    once = activity(kind=Kind.EVALUATION, recurrence=Recurrence.ONCE, first_on=D(2027, 5, 31))
    strip = annual_strip([once], D(2027, 1, 1), meetings=[meeting_on(D(2027, 6, 2))])
    by_month = {
        m.first.month: [(i.day, i.meeting is not None) for i in m.items] for m in strip.months
    }
    assert by_month[5] == [] and by_month[6] == [(D(2027, 6, 2), True)]
