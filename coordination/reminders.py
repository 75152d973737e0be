"""The daily reminder sweep: what is due today, found through indexes, each reminder once.

One small function per kind of reminder. Each reads only the rows that are due, through a
partial index made for it (named next to each query; ``tests/coordination/test_reminders_plan``
proves the plans), and then a fixed number of queries for everyone to tell (coordinators, line
leaders) for all due rows at once. So the sweep costs the same for 100 teams as for 100 000
teams with the same things due (``make bench`` measures it).

Never lost, never doubled: every reminder goes through ``coordination.notifications.notify.notify`` with an
occurrence key (what, whom, which occurrence), in its own short transaction. A second run, a
retry or two workers at once find the key taken and send nothing; a run that dies halfway is
finished by the next run. Windows reach a week back where a missed day (an outage) would
otherwise lose a reminder: the key keeps the catch-up from repeating what was sent.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from actors.models import Consent, Member, Organisation, Role, Team, User
from careplans.annual.schedule import roll_forward
from careplans.models import AnnualActivity
from coordination.evaluation.services import evaluation_meeting_propose
from coordination.models import Mandate, Notification, PlanPeriod, Task
from coordination.notifications.notify import notify
from coordination.referral.turning_16 import turning_16_sweep
from lkt.core.dates import short_date

Kind = Notification.Kind

ANNUAL_FIRST_DAYS = 14
ANNUAL_LAST_DAYS = 2
EVALUATION_DUE_DAYS = 7
CONSENT_RENEWAL_DAYS = 30
LEAVING_DAYS = 30
# How far back a missed run is caught up for reminders about something that has passed.
CATCH_UP_DAYS = 7
# Deputies who have left are looked for once a week (see ``no_deputy_reminders``).
NO_DEPUTY_FULL_CHECK_WEEKDAY = 1  # Monday


@dataclass(frozen=True)
class Reminder:
    recipient: User
    team: Team
    occurrence: str
    message: str
    url: str


def _date(day: dt.date) -> str:
    return short_date(day)


def _url(name: str, *args: int, fallback_team: int) -> str:
    """The page where the reminder is acted on; the team page while that page is not there."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return reverse("workspace:team-detail", args=[fallback_team])


def _open(team: Team) -> bool:
    return team.status != Team.Status.CLOSED


def _send(kind: str, reminders: Iterable[Reminder]) -> int:
    """Notify each reminder not sent before; returns how many were sent now.

    One query finds those sent already (through the index on the recipient: it reads the
    recipients' notifications, not all), so a second run of the day costs one query per kind. Each new one is written in its own
    transaction: notify's get_or_create on the unique key settles a race with another sweep
    (the loser's insert waits for the winner's commit, fails on the key, and reads the row)."""
    unique = {(r.recipient.pk, r.team.pk, r.occurrence): r for r in reminders}
    if not unique:
        return 0
    sent = set(
        Notification.objects.filter(
            kind=kind,
            recipient_id__in={key[0] for key in unique},
            occurrence__in={key[2] for key in unique},
        ).values_list("recipient_id", "team_id", "occurrence")
    )
    count = 0
    for key, reminder in sorted(unique.items(), key=lambda item: item[0]):
        if key in sent:
            continue
        with transaction.atomic():
            created = notify(
                recipient=reminder.recipient,
                kind=kind,
                team=reminder.team,
                occurrence=reminder.occurrence,
                message=reminder.message,
                url=reminder.url,
            )
        count += created is not None
    return count


def _coordinators(team_ids: Iterable[int]) -> dict[int, list[Member]]:
    """The active coordinators with a login of every given team: one query for all teams."""
    found: dict[int, list[Member]] = defaultdict(list)
    ids = set(team_ids)
    if not ids:
        return found
    for member in (
        Member.objects.active()
        .filter(team_id__in=ids, role=Role.COORDINATOR, user__isnull=False)
        .select_related("user")
        .order_by("joined_on", "pk")
    ):
        if member.user is not None and member.user.is_active:
            found[member.team_id].append(member)
    return found


def _line_leaders(organisation_ids: Iterable[int]) -> dict[int, list[User]]:
    """Leaders of each organisation or of one above it (at most four levels, as
    ``coordination.referral.selectors.line_leaders``): two queries for all organisations."""
    ids = {i for i in organisation_ids if i}
    if not ids:
        return {}
    ancestors: dict[int, list[int]] = {}
    for org in Organisation.objects.filter(pk__in=ids).select_related("parent__parent__parent"):
        chain: list[int] = []
        node: Organisation | None = org
        while node is not None and len(chain) < 4:
            chain.append(node.pk)
            node = node.parent
        ancestors[org.pk] = chain
    every = {pk for chain in ancestors.values() for pk in chain}
    by_org: dict[int, list[User]] = defaultdict(list)
    for user in User.objects.filter(
        is_leader=True, is_active=True, organisation_id__in=every
    ).order_by("pk"):
        assert user.organisation_id is not None  # noqa: S101 - filtered on it
        by_org[user.organisation_id].append(user)
    return {
        org_id: [leader for pk in chain for leader in by_org.get(pk, [])]
        for org_id, chain in ancestors.items()
    }


def _users(members: Iterable[Member]) -> list[User]:
    return [m.user for m in members if m.user is not None]


# ---------------------------------------------------------------------------------------------
# Årshjulet


def annual_roll_forward(today: dt.date) -> int:
    """Activities whose due date has passed move on to their next occurrence. No overdue
    notice: the team was reminded 14 and 2 days before, and the team page shows the årshjul;
    a reminder after the day would repeat for every activity nobody marked as done.
    Index ``annual_activities_by_due`` (a range below today); rows roll daily, so the range
    holds only yesterday's occurrences."""
    passed = list(
        AnnualActivity.objects.filter(next_due_on__isnull=False, next_due_on__lt=today)
        .select_related("version")
        .order_by("pk")
    )
    return roll_forward(passed, today) if passed else 0


def annual_due_query(today: dt.date) -> QuerySet[AnnualActivity]:
    # Index annual_activities_by_due: a range of 15 days.
    return (
        AnnualActivity.objects.filter(
            next_due_on__isnull=False,
            next_due_on__gte=today,
            next_due_on__lte=today + dt.timedelta(days=ANNUAL_FIRST_DAYS),
        )
        .select_related("version__plan__team", "responsible__user")
        .order_by("next_due_on", "pk")
    )


def annual_reminders(today: dt.date) -> int:
    """Due in 14 days and due in 2 days, to the responsible member, else the coordinators.
    An activity first seen closer than 14 days (added late) gets the 14-day reminder then,
    one first seen within 2 days only the 2-day one."""
    due = [a for a in annual_due_query(today) if _open(a.version.plan.team)]
    coordinators = _coordinators(a.version.plan.team_id for a in due)
    reminders = []
    for activity in due:
        assert activity.next_due_on is not None  # noqa: S101 - filtered on it
        team = activity.version.plan.team
        days = (activity.next_due_on - today).days
        mark = ANNUAL_LAST_DAYS if days <= ANNUAL_LAST_DAYS else ANNUAL_FIRST_DAYS
        responsible = activity.responsible
        if responsible and responsible.user and responsible.left_on is None:
            recipients = [responsible.user]
        else:
            recipients = _users(coordinators.get(team.pk, []))
        message = _(
            "«%(title)s» i årshjulet til aktørfellesskap nr. %(team)s skal gjøres %(date)s "
            "(om %(days)s dager). Avtal tidspunktet med pasienten og teamet, og merk "
            "aktiviteten som utført når den er gjort."
        ) % {
            "title": activity.title,
            "team": team.pk,
            "date": _date(activity.next_due_on),
            "days": days,
        }
        url = _url("careplans:annual", activity.version_id, fallback_team=team.pk)
        occurrence = f"annual:{activity.pk}:{activity.next_due_on.isoformat()}:{mark}"
        reminders += [Reminder(user, team, occurrence, message, url) for user in recipients]
    return _send(Kind.ANNUAL_DUE, reminders)


# ---------------------------------------------------------------------------------------------
# Tasks


def task_due_query(today: dt.date) -> QuerySet[Task]:
    # Index open_tasks_by_due: open tasks due from a week ago (catch-up) to today.
    return (
        Task.objects.filter(
            status__in=Task.OPEN_STATUSES,
            due_on__gte=today - dt.timedelta(days=CATCH_UP_DAYS),
            due_on__lte=today,
        )
        .select_related("team", "owner__user")
        .order_by("due_on", "pk")
    )


def task_reminders(today: dt.date) -> dict[str, int]:
    """Due today (TASK_DUE) and over the due date (TASK_OVERDUE, once per task and date) to
    the owner; to the coordinators when the owner has no login (an external contact)."""
    tasks = [t for t in task_due_query(today) if _open(t.team)]
    without_login = {t.team_id for t in tasks if t.owner.user is None}
    coordinators = _coordinators(without_login)
    due: list[Reminder] = []
    overdue: list[Reminder] = []
    for task in tasks:
        owner = task.owner
        recipients = (
            [owner.user]
            if owner.user is not None and owner.left_on is None
            else _users(coordinators.get(task.team_id, []))
        )
        values = {"title": task.title, "team": task.team_id, "date": _date(task.due_on)}
        url = _url("coordination:team-tasks", task.team_id, fallback_team=task.team_id)
        if task.due_on == today:
            message = _(
                "Tiltaket «%(title)s» i aktørfellesskap nr. %(team)s har frist i dag. "
                "Gjør det, eller sett status når det er gjort."
            )
            occurrence = f"task:{task.pk}:due:{task.due_on.isoformat()}"
            target = due
        else:
            message = _(
                "Tiltaket «%(title)s» i aktørfellesskap nr. %(team)s gikk over fristen "
                "%(date)s. Gjør det, eller avtal en ny frist med koordinatoren."
            )
            occurrence = f"task:{task.pk}:overdue:{task.due_on.isoformat()}"
            target = overdue
        target += [
            Reminder(user, task.team, occurrence, message % values, url) for user in recipients
        ]
    return {
        Kind.TASK_DUE.value: _send(Kind.TASK_DUE, due),
        Kind.TASK_OVERDUE.value: _send(Kind.TASK_OVERDUE, overdue),
    }


# ---------------------------------------------------------------------------------------------
# Plan periods and evaluation


def evaluation_due_query(today: dt.date) -> QuerySet[PlanPeriod]:
    # Index periods_awaiting_evaluation: periods not evaluated, ending within a week.
    return (
        PlanPeriod.objects.filter(
            evaluated_on__isnull=True,
            ends_on__gte=today,
            ends_on__lte=today + dt.timedelta(days=EVALUATION_DUE_DAYS),
        )
        .select_related("team")
        .order_by("ends_on", "pk")
    )


def _period_url(period: PlanPeriod) -> str:
    return _url("coordination:evaluation-detail", period.pk, fallback_team=period.team_id)


def evaluation_due_reminders(today: dt.date) -> dict[str, int]:
    """A period ending within a week: the evaluation meeting is proposed (once: the period
    row is locked and marked) and the coordinators are reminded."""
    periods = [p for p in evaluation_due_query(today) if _open(p.team)]
    proposed = 0
    for period in periods:
        if period.evaluation_proposed_at is None:
            proposed += evaluation_meeting_propose(period=period, today=today) is not None
    coordinators = _coordinators(p.team_id for p in periods)
    reminders = []
    for period in periods:
        message = _(
            "Planperioden i aktørfellesskap nr. %(team)s slutter %(date)s. Gjennomfør "
            "evalueringsmøtet med pasienten og teamet før da, og skriv resultatet for hvert mål."
        ) % {"team": period.team_id, "date": _date(period.ends_on)}
        reminders += [
            Reminder(user, period.team, f"period:{period.pk}:due", message, _period_url(period))
            for user in _users(coordinators.get(period.team_id, []))
        ]
    return {
        Kind.EVALUATION_DUE.value: _send(Kind.EVALUATION_DUE, reminders),
        "evaluation_meeting_proposed": proposed,
    }


def evaluation_missing_query(today: dt.date) -> QuerySet[PlanPeriod]:
    # Index periods_awaiting_evaluation: periods not evaluated that ended in the last week.
    return (
        PlanPeriod.objects.filter(
            evaluated_on__isnull=True,
            ends_on__gte=today - dt.timedelta(days=CATCH_UP_DAYS),
            ends_on__lt=today,
        )
        .select_related("team")
        .order_by("ends_on", "pk")
    )


def evaluation_missing_reminders(today: dt.date) -> int:
    """A period that ended without evaluation: the coordinators and their line leaders, once
    (the national target is a plan evaluated within its interval; the leader must know)."""
    periods = [p for p in evaluation_missing_query(today) if _open(p.team)]
    coordinators = _coordinators(p.team_id for p in periods)
    leaders = _line_leaders(
        m.user.organisation_id
        for members in coordinators.values()
        for m in members
        if m.user and m.user.organisation_id
    )
    reminders = []
    for period in periods:
        members = coordinators.get(period.team_id, [])
        recipients = {u.pk: u for u in _users(members)}
        for member in members:
            if member.user and member.user.organisation_id:
                recipients.update({u.pk: u for u in leaders.get(member.user.organisation_id, [])})
        message = _(
            "Planperioden i aktørfellesskap nr. %(team)s sluttet %(date)s uten evaluering. "
            "Evaluer planen sammen med pasienten så snart som mulig, og sett en ny planperiode."
        ) % {"team": period.team_id, "date": _date(period.ends_on)}
        reminders += [
            Reminder(user, period.team, f"period:{period.pk}:missing", message, _period_url(period))
            for user in recipients.values()
        ]
    return _send(Kind.EVALUATION_MISSING, reminders)


# ---------------------------------------------------------------------------------------------
# Consent


def consent_renewal_query(today: dt.date) -> QuerySet[Consent]:
    # Index standing_consents_by_renewal: standing consents to renew within 30 days.
    return (
        Consent.objects.filter(
            withdrawn_at__isnull=True,
            renew_on__isnull=False,
            renew_on__gte=today,
            renew_on__lte=today + dt.timedelta(days=CONSENT_RENEWAL_DAYS),
        )
        .only("pk", "patient_id", "scope", "renew_on")
        .order_by("renew_on", "pk")
    )


def consent_renewal_reminders(today: dt.date) -> int:
    """A standing consent to renew within 30 days: the coordinators of the patient's open
    team, once per consent and renewal date."""
    consents = list(consent_renewal_query(today))
    teams = {
        team.patient_id: team
        for team in Team.objects.filter(patient_id__in={c.patient_id for c in consents}).exclude(
            status=Team.Status.CLOSED
        )
    }
    coordinators = _coordinators(team.pk for team in teams.values())
    reminders = []
    for consent in consents:
        team = teams.get(consent.patient_id)
        if team is None or consent.renew_on is None:
            continue
        message = _(
            "Samtykket «%(scope)s» for pasienten i aktørfellesskap nr. %(team)s må fornyes "
            "innen %(date)s. Snakk med pasienten og registrer samtykket på nytt."
        ) % {"scope": consent.get_scope_display(), "team": team.pk, "date": _date(consent.renew_on)}
        occurrence = f"consent:{consent.pk}:{consent.renew_on.isoformat()}"
        url = reverse("workspace:team-detail", args=[team.pk])
        reminders += [
            Reminder(user, team, occurrence, message, url)
            for user in _users(coordinators.get(team.pk, []))
        ]
    return _send(Kind.CONSENT_RENEWAL, reminders)


# ---------------------------------------------------------------------------------------------
# Members leaving and the coordinator's deputy


def member_leaving_query(today: dt.date) -> QuerySet[Member]:
    # Index members_leaving: active members with a leave date within 30 days.
    return (
        Member.objects.active()
        .filter(
            expected_leave_on__isnull=False,
            expected_leave_on__gte=today,
            expected_leave_on__lte=today + dt.timedelta(days=LEAVING_DAYS),
        )
        .select_related("team", "user")
        .order_by("expected_leave_on", "pk")
    )


def member_leaving_reminders(today: dt.date) -> int:
    """A member leaving within 30 days: the coordinators, so someone takes over. When the
    one leaving is a coordinator, not to them but to the deputy and their line leaders."""
    leaving = [m for m in member_leaving_query(today) if _open(m.team)]
    team_ids = {m.team_id for m in leaving}
    coordinators = _coordinators(team_ids)
    leaving_coordinators = [m for m in leaving if m.role == Role.COORDINATOR]
    deputies: dict[int, User] = {}
    leaders: dict[int, list[User]] = {}
    if leaving_coordinators:
        for mandate in Mandate.objects.filter(
            team_id__in={m.team_id for m in leaving_coordinators}, deputy__isnull=False
        ).select_related("deputy__user"):
            deputy = mandate.deputy
            if deputy and deputy.user and deputy.left_on is None:
                deputies[mandate.team_id] = deputy.user
        leaders = _line_leaders(
            m.organisation_id or (m.user.organisation_id if m.user else None) or 0
            for m in leaving_coordinators
        )
    reminders = []
    for member in leaving:
        assert member.expected_leave_on is not None  # noqa: S101 - filtered on it
        recipients = {u.pk: u for u in _users(coordinators.get(member.team_id, []))}
        if member.role == Role.COORDINATOR:
            if member.team_id in deputies:
                stand_in = deputies[member.team_id]
                recipients[stand_in.pk] = stand_in
            org = member.organisation_id or (member.user.organisation_id if member.user else None)
            recipients.update({u.pk: u for u in leaders.get(org or 0, [])})
        if member.user_id:
            recipients.pop(member.user_id, None)
        message = _(
            "%(name)s (%(role)s) slutter i aktørfellesskap nr. %(team)s %(date)s. Avtal hvem "
            "som tar over oppgavene, og oppdater aktørkartet og planen."
        ) % {
            "name": member.display_name,
            "role": member.get_role_display(),
            "team": member.team_id,
            "date": _date(member.expected_leave_on),
        }
        occurrence = f"leaving:{member.pk}:{member.expected_leave_on.isoformat()}"
        url = reverse("workspace:team-detail", args=[member.team_id])
        reminders += [
            Reminder(user, member.team, occurrence, message, url) for user in recipients.values()
        ]
    return _send(Kind.MEMBER_LEAVING, reminders)


def no_deputy_query() -> QuerySet[Mandate]:
    # The foreign-key index on Mandate.deputy_id: a B-tree holds NULLs, so "deputy_id IS NULL"
    # is one index range. Only unapproved mandates can lack a deputy (a check constraint), so
    # the range holds the teams still setting up their mandate.
    return Mandate.objects.filter(deputy__isnull=True).select_related("team").order_by("team_id")


def departed_deputy_query() -> QuerySet[Mandate]:
    # Deputies who have left: no index can serve "the member behind deputy_id has left", so
    # this query joins every mandate with a deputy to the deputy's row (one hash join, tens of
    # milliseconds at 100 000 teams, see ``make bench``). It runs once a week, the reminder's
    # own rhythm, not daily.
    return (
        Mandate.objects.filter(deputy__isnull=False, deputy__left_on__isnull=False)
        .select_related("team")
        .order_by("team_id")
    )


def no_deputy_reminders(today: dt.date) -> int:
    """A team whose coordinator has no deputy (none chosen, or the deputy has left): the
    coordinators, at most once a week (the occurrence is the ISO week)."""
    mandates = list(no_deputy_query())
    if today.isoweekday() == NO_DEPUTY_FULL_CHECK_WEEKDAY:
        mandates += list(departed_deputy_query())
    mandates = [m for m in mandates if _open(m.team)]
    coordinators = _coordinators(m.team_id for m in mandates)
    year, week, _day = today.isocalendar()
    reminders = []
    for mandate in mandates:
        message = _(
            "Koordinatoren i aktørfellesskap nr. %(team)s har ingen stedfortreder. Velg en "
            "stedfortreder i mandatet, så teamet har en leder også ved fravær."
        ) % {"team": mandate.team_id}
        url = _url("coordination:mandate-edit", mandate.team_id, fallback_team=mandate.team_id)
        reminders += [
            Reminder(user, mandate.team, f"no-deputy:{year}-W{week:02d}", message, url)
            for user in _users(coordinators.get(mandate.team_id, []))
        ]
    return _send(Kind.NO_DEPUTY, reminders)


# ---------------------------------------------------------------------------------------------


def reminders_sweep(today: dt.date) -> dict[str, int]:
    """Run every reminder for ``today``; returns how many were sent per kind (plus the
    årshjul rows rolled on and the evaluation meetings proposed). Safe to run again."""
    counts: dict[str, int] = {"annual_rolled": annual_roll_forward(today)}
    counts[Kind.ANNUAL_DUE.value] = annual_reminders(today)
    counts.update(task_reminders(today))
    counts.update(evaluation_due_reminders(today))
    counts[Kind.EVALUATION_MISSING.value] = evaluation_missing_reminders(today)
    # Turning 16 first: the consents the parents gave become due today, so the consent
    # reminders below tell the coordinators about each of them in the same run.
    counts[Kind.TURNING_16.value] = turning_16_sweep(today)
    counts[Kind.CONSENT_RENEWAL.value] = consent_renewal_reminders(today)
    counts[Kind.MEMBER_LEAVING.value] = member_leaving_reminders(today)
    counts[Kind.NO_DEPUTY.value] = no_deputy_reminders(today)
    return counts
