"""Årshjulet: when the plan's recurring activities fall, and the minimum package of defaults.

Pure date arithmetic over ``AnnualActivity`` rows (saved or not). The only reads are in
``default_activities`` when the caller does not pass the coordinator and the consent date.

Recurrences:
- ``once``: on ``first_on``.
- ``every_n_months``: from ``first_on`` (the first occurrence), or else every n months after
  the plan period starts (the start itself is not an occurrence: nothing to review yet).
- ``yearly``: in ``month``, on the 1st, or on ``first_on``'s day (and not before ``first_on``).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from actors.models import Consent, Member, Role
from careplans.models import AnnualActivity

if TYPE_CHECKING:
    from actors.models import Member
    from careplans.models import CarePlanVersion

Recurrence = AnnualActivity.Recurrence
Kind = AnnualActivity.Kind

# The minimum package (sluttrapport 7.1.4): when to meet, how often to look again.
KICKOFF_WITHIN_DAYS = 14
# The one rule for the evaluation: the team is evaluating from a week before the period ends,
# when LKT proposes the meeting (coordination.evaluation.services) and the årshjul plans it.
EVALUATION_BEFORE_END_DAYS = 7
EVALUATION_EVERY_MONTHS = 6
ACTOR_MAP_EVERY_MONTHS = 6
# Legemiddelgjennomgang yearly from this many regular medicines (polyfarmasi).
MEDICINES_FOR_REVIEW = 4
MAX_INTERVAL_MONTHS = 24
# Guards against an endless loop on absurd ranges; 24 years of monthly activities.
_MAX_STEPS = 12 * 24


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def _on_month(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def validate_recurrence(
    *,
    recurrence: str,
    interval_months: int | None = None,
    month: int | None = None,
    first_on: dt.date | None = None,
) -> dict[str, str]:
    """Field errors (field name → Norwegian message) for a recurrence that makes no sense;
    empty when it is fine. The database check constraint is the last line of defence."""
    errors: dict[str, str] = {}
    if recurrence == Recurrence.ONCE:
        if first_on is None:
            errors["first_on"] = _("Velg datoen for aktiviteten når den skal skje én gang.")
    elif recurrence == Recurrence.EVERY_N_MONTHS:
        if interval_months is None:
            errors["interval_months"] = _("Skriv hvor mange måneder det skal gå mellom hver gang.")
        elif not 1 <= interval_months <= MAX_INTERVAL_MONTHS:
            errors["interval_months"] = _(
                "Antall måneder mellom hver gang må være fra 1 til %(max)s."
            ) % {"max": MAX_INTERVAL_MONTHS}
    elif recurrence == Recurrence.YEARLY:
        if month is None:
            errors["month"] = _("Velg hvilken måned aktiviteten skal skje hvert år.")
        elif not 1 <= month <= 12:
            errors["month"] = _("Måneden må være fra 1 (januar) til 12 (desember).")
    else:
        errors["recurrence"] = _("Velg hvor ofte aktiviteten skal skje.")
    return errors


def _anchor(activity: AnnualActivity) -> dt.date | None:
    """The first occurrence of an every-n-months series: ``first_on``, or n months into the
    plan period."""
    if activity.first_on is not None:
        return activity.first_on
    # An unsaved activity may carry an unsaved version: read it from the cache, not the DB.
    cached = "version" in activity._state.fields_cache
    version = activity.version if cached or activity.version_id else None
    if version is not None and version.period_start is not None:
        return add_months(version.period_start, activity.interval_months or 0)
    return None


def occurrences(activity: AnnualActivity, start: dt.date, end: dt.date) -> list[dt.date]:
    """Every day in ``start``..``end`` (both included) on which the activity falls, in order."""
    if end < start or validate_recurrence(
        recurrence=activity.recurrence,
        interval_months=activity.interval_months,
        month=activity.month,
        first_on=activity.first_on,
    ):
        return []
    first_on = activity.first_on
    if activity.recurrence == Recurrence.ONCE:
        return [first_on] if first_on is not None and start <= first_on <= end else []
    days: list[dt.date] = []
    if activity.recurrence == Recurrence.EVERY_N_MONTHS:
        anchor = _anchor(activity)
        step = activity.interval_months
        if anchor is None or step is None:
            return []
        # Skip whole steps before the range without walking them one by one.
        behind = (start.year - anchor.year) * 12 + start.month - anchor.month
        k = max(0, behind // step - 1)
        for _i in range(_MAX_STEPS):
            day = add_months(anchor, k * step)
            if day > end:
                break
            if day >= start:
                days.append(day)
            k += 1
        return days
    # Yearly in a month.
    month = activity.month
    if month is None:
        return []
    day_of_month = first_on.day if first_on else 1
    for year in range(start.year, end.year + 1):
        day = _on_month(year, month, day_of_month)
        if start <= day <= end and (first_on is None or day >= first_on):
            days.append(day)
    return days


def next_occurrence(activity: AnnualActivity, after: dt.date) -> dt.date | None:
    """The first day strictly after ``after`` on which the activity falls, if any."""
    start = after + dt.timedelta(days=1)
    # Far enough to hold one full cycle beyond any anchor or first date.
    candidates = [start, activity.first_on or start]
    if activity.recurrence == Recurrence.EVERY_N_MONTHS:
        candidates.append(_anchor(activity) or start)
    found = occurrences(activity, start, add_months(max(candidates), MAX_INTERVAL_MONTHS + 1))
    return found[0] if found else None


# ---------------------------------------------------------------------------------------------
# Real meetings in the årshjul. The årshjul plans an oppstartsmøte and evaluations on computed
# days; the team then holds or plans the real meeting on a day of its own. Where a real meeting
# carries out a planned occurrence, the årshjul shows the meeting's day and says so, so the
# two never disagree; the planned day remains in the plan, which is the agreement.


@dataclass(frozen=True)
class RealMeeting:
    """A meeting of the team (planned, proposed or held; not cancelled) of a kind the årshjul
    plans: which activity kind it carries out, its day, whether it is still to come, and its
    page. ``activity_id``: the activity it was made for, when it says."""

    kind: str
    day: dt.date
    held: bool
    url: str
    activity_id: int | None = None


@dataclass(frozen=True)
class Occurrence:
    """One day of an activity as shown: planned, or the real meeting that carries it out."""

    day: dt.date
    activity: AnnualActivity
    meeting: RealMeeting | None = None


def match_window(activity: AnnualActivity) -> dt.timedelta:
    """How far from a planned day a real meeting may lie and still carry it out: half the
    cycle for a recurring activity, a quarter of a year for one that happens once (an
    oppstartsmøte held before the plan period started is still the oppstartsmøte)."""
    if activity.recurrence == Recurrence.EVERY_N_MONTHS and activity.interval_months:
        return dt.timedelta(days=activity.interval_months * 15)
    if activity.recurrence == Recurrence.YEARLY:
        return dt.timedelta(days=182)
    return dt.timedelta(days=92)


def shown_occurrences(
    activity: AnnualActivity, start: dt.date, end: dt.date, meetings: Iterable[RealMeeting] = ()
) -> list[Occurrence]:
    """The activity's days in ``start``..``end`` with the real meetings in: each meeting of
    the activity (or of its kind) carries out the nearest planned day within the window, one
    meeting per day, and is shown on its own day instead."""
    window = match_window(activity)
    planned = occurrences(activity, start - window, end + window)
    own = [
        m
        for m in meetings
        if (m.activity_id is not None and m.activity_id == activity.pk)
        or (m.activity_id is None and m.kind == activity.kind)
    ]
    pairs = sorted(
        (
            (abs(m.day - day), day, n)
            for n, m in enumerate(own)
            for day in planned
            if abs(m.day - day) <= window
        ),
        key=lambda pair: (pair[0], pair[1], pair[2]),
    )
    carried: dict[dt.date, RealMeeting] = {}
    used: set[int] = set()
    for _distance, day, n in pairs:
        if day in carried or n in used:
            continue
        carried[day] = own[n]
        used.add(n)
    shown = [
        Occurrence(day=carried[day].day, activity=activity, meeting=carried[day])
        if day in carried
        else Occurrence(day=day, activity=activity)
        for day in planned
    ]
    return sorted((o for o in shown if start <= o.day <= end), key=lambda o: o.day)


def next_shown(
    activity: AnnualActivity, today: dt.date, meetings: Iterable[RealMeeting] = ()
) -> Occurrence | None:
    """The first day from today (included) on which the activity shows: a planned day, or the
    real meeting that carries it out."""
    found = shown_occurrences(
        activity, today, add_months(today, MAX_INTERVAL_MONTHS + 12), list(meetings)
    )
    return found[0] if found else None


def upcoming_shown(
    activities: Iterable[AnnualActivity],
    today: dt.date,
    limit: int,
    meetings: Iterable[RealMeeting] = (),
) -> list[Occurrence]:
    """The next ``limit`` days of all activities from today (included), soonest first, each
    planned day that a real meeting carries out shown as that meeting (``Occurrence.meeting``)
    on the meeting's own day, as the årshjul page shows it."""
    horizon = add_months(today, MAX_INTERVAL_MONTHS + 12)
    real = list(meetings)
    found = [o for a in activities for o in shown_occurrences(a, today, horizon, real)]
    found.sort(key=lambda o: (o.day, o.activity.title))
    return found[:limit]


def upcoming(
    activities: Iterable[AnnualActivity], today: dt.date, limit: int = 5
) -> list[tuple[dt.date, AnnualActivity]]:
    """The next ``limit`` occurrences of all activities from today (included), soonest first."""
    horizon = add_months(today, MAX_INTERVAL_MONTHS + 12)
    found = [
        (day, activity) for activity in activities for day in occurrences(activity, today, horizon)
    ]
    found.sort(key=lambda pair: (pair[0], pair[1].title))
    return found[:limit]


def _first_coordinator(team_id: int) -> Member | None:
    return (
        Member.objects.active()
        .filter(team_id=team_id, role=Role.COORDINATOR)
        .order_by("joined_on", "pk")
        .first()
    )


def _sharing_consent_on(team_id: int) -> dt.date | None:
    """The day the standing consent to share in the team was given: consent renewal's month."""
    consent = (
        Consent.objects.filter(
            patient__teams__pk=team_id,
            scope=Consent.Scope.TEAM_SHARING,
            withdrawn_at__isnull=True,
        )
        .order_by("-given_at")
        .first()
    )
    return consent.given_at.date() if consent else None


def default_activities(
    version: CarePlanVersion,
    *,
    medicines: int | None = None,
    coordinator: Member | None = None,
    consent_on: dt.date | None = None,
    today: dt.date | None = None,
) -> list[AnnualActivity]:
    """The minimum package of the årshjul for a version, UNSAVED.

    ``medicines``: how many regular medicines the patient uses; from 4 a yearly
    legemiddelgjennomgang is mandatory, below 4 it is left out, and when unknown it is
    suggested but not mandatory. ``coordinator`` and ``consent_on`` (the date of the standing
    consent to share in the team) are read from the database when not given (two queries).
    """
    today = today or timezone.localdate()
    team_id = version.plan.team_id
    if coordinator is None:
        coordinator = _first_coordinator(team_id)
    if consent_on is None:
        consent_on = _sharing_consent_on(team_id)
    start = version.period_start or today

    def make(kind: str, title: str, recurrence: str, **rest: object) -> AnnualActivity:
        activity = AnnualActivity(
            kind=kind, title=title, recurrence=recurrence, responsible=coordinator, **rest
        )
        activity.version = version
        return activity

    activities = [
        make(
            Kind.KICKOFF,
            _("Oppstartsmøte"),
            Recurrence.ONCE,
            first_on=start + dt.timedelta(days=KICKOFF_WITHIN_DAYS),
        )
    ]
    if version.period_end is not None:
        activities.append(
            make(
                Kind.EVALUATION,
                _("Evalueringsmøte"),
                Recurrence.ONCE,
                first_on=version.period_end - dt.timedelta(days=EVALUATION_BEFORE_END_DAYS),
            )
        )
    else:
        activities.append(
            make(
                Kind.EVALUATION,
                _("Evalueringsmøte"),
                Recurrence.EVERY_N_MONTHS,
                interval_months=EVALUATION_EVERY_MONTHS,
                first_on=add_months(start, EVALUATION_EVERY_MONTHS),
            )
        )
    if medicines is None:
        activities.append(
            make(
                Kind.MEDICATION_REVIEW,
                _("Legemiddelgjennomgang (hvis pasienten bruker 4 legemidler eller flere)"),
                Recurrence.YEARLY,
                month=start.month,
                mandatory=False,
            )
        )
    elif medicines >= MEDICINES_FOR_REVIEW:
        activities.append(
            make(
                Kind.MEDICATION_REVIEW,
                _("Legemiddelgjennomgang"),
                Recurrence.YEARLY,
                month=start.month,
            )
        )
    activities.append(
        make(
            Kind.CONSENT_RENEWAL,
            _("Fornyelse av samtykke"),
            Recurrence.YEARLY,
            month=(consent_on or start).month,
        )
    )
    activities.append(
        make(
            Kind.ACTOR_MAP_REVIEW,
            _("Gjennomgang av aktørkartet"),
            Recurrence.EVERY_N_MONTHS,
            interval_months=ACTOR_MAP_EVERY_MONTHS,
            first_on=add_months(start, ACTOR_MAP_EVERY_MONTHS),
        )
    )
    return activities


# ---------------------------------------------------------------------------------------------
# The 12-month strip: one row per month, each activity a text line with a marker. The
# positions are computed here so the SVG needs only presentation attributes (no inline style).

STRIP_WIDTH = 760
STRIP_ROW_MIN = 40  # a month without activities
STRIP_LINE = 24  # one activity line
STRIP_MARK_X = 166  # right of the longest month label ("September 2027")
STRIP_TEXT_X = 182


@dataclass
class StripItem:
    day: dt.date
    activity: AnnualActivity
    y: int
    meeting: RealMeeting | None = None


@dataclass
class StripMonth:
    first: dt.date  # the 1st of the month: the label is formatted in the template's language
    y: int
    height: int
    current: bool
    items: list[StripItem] = field(default_factory=list)

    @property
    def label_y(self) -> int:
        return self.y + 26


@dataclass
class Strip:
    months: list[StripMonth]
    height: int
    width: int = STRIP_WIDTH
    mark_x: int = STRIP_MARK_X
    text_x: int = STRIP_TEXT_X

    @property
    def count(self) -> int:
        return sum(len(m.items) for m in self.months)


def annual_strip(
    activities: Iterable[AnnualActivity],
    start: dt.date,
    today: dt.date | None = None,
    meetings: Iterable[RealMeeting] = (),
) -> Strip:
    """Twelve months from ``start``'s month with the activities falling in each, real meetings
    on their own days (``shown_occurrences``)."""
    first = start.replace(day=1)
    last = add_months(first, 12) - dt.timedelta(days=1)
    meetings = list(meetings)
    shown = [
        occurrence
        for activity in activities
        for occurrence in shown_occurrences(activity, first, last, meetings)
    ]
    months: list[StripMonth] = []
    y = 0
    for i in range(12):
        month_start = add_months(first, i)
        found = sorted(
            (
                o
                for o in shown
                if (o.day.year, o.day.month) == (month_start.year, month_start.month)
            ),
            key=lambda o: (o.day, o.activity.title),
        )
        height = max(STRIP_ROW_MIN, 16 + STRIP_LINE * len(found))
        month = StripMonth(
            first=month_start,
            y=y,
            height=height,
            current=today is not None
            and (today.year, today.month) == (month_start.year, month_start.month),
        )
        month.items = [
            StripItem(day=o.day, activity=o.activity, y=y + 26 + STRIP_LINE * n, meeting=o.meeting)
            for n, o in enumerate(found)
        ]
        months.append(month)
        y += height
    return Strip(months=months, height=y)
