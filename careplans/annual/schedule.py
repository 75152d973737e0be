"""The årshjul's next due date, kept on the row (``AnnualActivity.next_due_on``).

Only activities of the plan version in force carry a date; every other version's activities
carry None. That keeps the reminder sweep's selection to one range over the partial index
``annual_activities_by_due``: it reads what is due, never every team's årshjul. The date is
the first occurrence (``careplans.annual.rules.next_occurrence``) on or after the later of today and
the day after the activity was last done.

Writers: ``_put_in_force`` (a version goes in force, the old one is superseded), the sweep
(an occurrence that has passed rolls on to the next), ``annual_activity_mark_done`` and the
``annual_schedule_refresh`` command (rows from before the date existed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actors.access import Action, authorize, can
from actors.models import Member, User
from careplans.annual.rules import next_occurrence, occurrences
from careplans.models import (
    AnnualActivity,
    AnnualActivityDone,
    AnnualActivityMissed,
    CarePlanVersion,
)

ONE_DAY = dt.timedelta(days=1)
BATCH = 2000
# Done this many days or fewer before an occurrence counts as done for it: the first reminder
# comes 14 days ahead, and a team that acts on it at once should not be reminded again.
EARLY_DAYS = 14


def next_due(activity: AnnualActivity, today: dt.date) -> dt.date | None:
    """The first occurrence on or after ``max(today, last_done_on + 1 day)``, skipping one
    that was done early (within ``EARLY_DAYS`` before it).

    An every-n-months activity without a first date reads its version's period start: pass
    activities with ``version`` loaded (select_related) to avoid a query each."""
    done = activity.last_done_on
    start = today if done is None else max(today, done + ONE_DAY)
    due = next_occurrence(activity, start - ONE_DAY)
    if due is not None and done is not None and (due - done).days <= EARLY_DAYS:
        due = next_occurrence(activity, due)
    return due


def _schedule(activities: Iterable[AnnualActivity], today: dt.date) -> int:
    changed = []
    for activity in activities:
        due = next_due(activity, today)
        if due != activity.next_due_on:
            activity.next_due_on = due
            changed.append(activity)
    AnnualActivity.objects.bulk_update(changed, ["next_due_on"], batch_size=BATCH)
    return len(changed)


def version_put_in_force(
    version: CarePlanVersion, superseded: Iterable[int] = (), today: dt.date | None = None
) -> None:
    """Schedule the activities of the version going in force and unschedule those of the
    versions it supersedes. An activity carried over from the old version (same kind and
    title) keeps the day it was last done, so a consent renewed last month is not due again
    because a new version of the plan was approved. Three or four queries."""
    today = today or timezone.localdate()
    superseded = list(superseded)
    done: dict[tuple[str, str], dt.date] = {}
    if superseded:
        for kind, title, last in AnnualActivity.objects.filter(
            version_id__in=superseded, last_done_on__isnull=False
        ).values_list("kind", "title", "last_done_on"):
            if last is not None:
                key = (kind, title)
                done[key] = max(done.get(key, last), last)
        AnnualActivity.objects.filter(version_id__in=superseded, next_due_on__isnull=False).update(
            next_due_on=None
        )
    activities = list(AnnualActivity.objects.filter(version=version))
    for activity in activities:
        activity.version = version  # the anchor of every-n-months reads the period start
        carried = done.get((activity.kind, activity.title))
        if carried and (activity.last_done_on is None or carried > activity.last_done_on):
            activity.last_done_on = carried
    for activity in activities:
        activity.next_due_on = next_due(activity, today)
    AnnualActivity.objects.bulk_update(
        activities, ["next_due_on", "last_done_on"], batch_size=BATCH
    )


def roll_forward(activities: Iterable[AnnualActivity], today: dt.date) -> int:
    """Move activities whose due date has passed on to their next occurrence (None when
    there is none: a once-activity that has passed), keeping each passed occurrence as missed
    (one not marked done: marking moves the due date on at once), also those between when the
    sweep has not run for days. The sweep calls this for the rows it read through the index;
    returns how many rows changed."""
    activities = list(activities)
    missed = [
        AnnualActivityMissed(activity=activity, due_on=day)
        for activity in activities
        if activity.next_due_on is not None and activity.next_due_on < today
        for day in [
            activity.next_due_on,
            *occurrences(activity, activity.next_due_on + ONE_DAY, today - ONE_DAY),
        ]
    ]
    AnnualActivityMissed.objects.bulk_create(missed, batch_size=BATCH, ignore_conflicts=True)
    return _schedule(activities, today)


def annual_schedule_refresh(today: dt.date | None = None) -> tuple[int, int]:
    """Recompute every date: set it for activities of versions in force, clear it for all
    others. A maintenance step for rows written before the date was kept (the
    ``annual_schedule_refresh`` command, ``seed_demo``); it reads every in-force activity, so
    it is not part of the daily sweep. Returns (scheduled rows changed, rows cleared)."""
    today = today or timezone.localdate()
    cleared = (
        AnnualActivity.objects.filter(next_due_on__isnull=False)
        .exclude(version__status=CarePlanVersion.Status.IN_FORCE)
        .update(next_due_on=None)
    )
    changed = 0
    rows = (
        AnnualActivity.objects.filter(version__status=CarePlanVersion.Status.IN_FORCE)
        .select_related("version")
        .order_by("pk")
    )
    batch: list[AnnualActivity] = []
    for activity in rows.iterator(chunk_size=BATCH):
        batch.append(activity)
        if len(batch) >= BATCH:
            changed += _schedule(batch, today)
            batch = []
    changed += _schedule(batch, today)
    return changed, cleared


def may_mark_done(user: User, activity: AnnualActivity) -> bool:
    """The coordinator (``MANAGE_TEAM``) or the activity's responsible member."""
    team = activity.version.plan.team
    if can(user, Action.MANAGE_TEAM, team.patient):
        return True
    responsible: Member | None = activity.responsible
    return bool(
        responsible is not None
        and responsible.user_id == user.pk
        and responsible.left_on is None
        and can(user, Action.VIEW_PLAN, team.patient)
    )


@transaction.atomic
def annual_activity_mark_done(
    *, actor: User, activity: AnnualActivity, done_on: dt.date | None = None
) -> AnnualActivity:
    """Record that the activity's occurrence is done ("Merk som utført"); its next due date
    moves to the next occurrence after ``done_on``. Only on the version in force."""
    team = activity.version.plan.team
    authorize(actor, Action.VIEW_PLAN, team.patient, obj=activity)
    if not may_mark_done(actor, activity):
        raise PermissionDenied
    today = timezone.localdate()
    done_on = done_on or today
    locked = (
        AnnualActivity.objects.select_for_update().select_related("version").get(pk=activity.pk)
    )
    if locked.version.status != CarePlanVersion.Status.IN_FORCE:
        raise ValidationError(_("Bare aktiviteter i den gjeldende planen kan merkes som utført."))
    if done_on > today:
        raise ValidationError({"done_on": _("Datoen kan ikke være fram i tid.")})
    AnnualActivityDone.objects.create(
        activity=locked, due_on=locked.next_due_on, done_on=done_on, done_by=actor
    )
    locked.last_done_on = max(done_on, locked.last_done_on or done_on)
    locked.next_due_on = next_due(locked, today)
    locked.save(update_fields=["last_done_on", "next_due_on"])
    return locked
