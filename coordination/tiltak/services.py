"""Writes for tasks (tiltak): what a member does, by when, for which of the patient's goals.

Every member of the team who shares the patient's clinical picture (``Action.EDIT_NETWORK``:
an active staff member while the team-sharing consent stands) may create a task and change
its status: tiltak are agreed in the team's meetings and are written down by whoever holds the
pen, not only by the coordinator. Each function authorizes first (which writes the audit row),
checks its input with clear Norwegian messages per field, and saves in one transaction. The
owner is told through ``coordination.notifications.notify`` inside the same transaction.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from actors.access import Action, authorize
from actors.models import Member, Team, User
from careplans.models import Goal
from coordination.models import Decision, Notification, Task
from coordination.notifications.notify import notify
from lkt.core.dates import short_date

Status = Task.Status


def owner_problem(team: Team, owner: Member | None) -> str | None:
    """Why ``owner`` cannot own a task in ``team``, or None."""
    if owner is None:
        return _("Velg hvem som er ansvarlig for tiltaket.")
    if owner.team_id != team.pk:
        return _("Den ansvarlige hører ikke til dette teamet.")
    if owner.left_on is not None:
        return _("%(name)s har sluttet i aktørfellesskapet. Velg en aktiv aktør.") % {
            "name": owner.display_name
        }
    return None


def goal_problem(team: Team, goal: Goal | None) -> str | None:
    """Why a task in ``team`` cannot serve ``goal``, or None: it must be a current goal of
    the team's own patient."""
    if goal is None:
        return _("Velg hvilket av pasientens mål tiltaket skal hjelpe med.")
    if goal.patient_id != team.patient_id:
        return _("Målet hører ikke til denne pasienten.")
    if goal.retired_at is not None:
        return _("Målet «%(goal)s» er ikke lenger gjeldende. Velg et gjeldende mål.") % {
            "goal": goal.text
        }
    return None


def _notify_owner(task: Task, actor: User) -> None:
    owner = task.owner
    if owner.user_id is None or owner.user_id == actor.pk or owner.user is None:
        return
    notify(
        recipient=owner.user,
        kind=Notification.Kind.TASK_ASSIGNED,
        team=task.team,
        occurrence=f"task:{task.pk}:owner:{owner.pk}",
        message=_("Du er ansvarlig for tiltaket «%(title)s» med frist %(due)s.")
        % {"title": task.title, "due": short_date(task.due_on)},
        url=reverse("coordination:team-tasks", args=[task.team_id]),
    )


@transaction.atomic
def task_create(
    *,
    actor: User,
    team: Team,
    goal: Goal | None,
    title: str,
    owner: Member | None,
    due_on: dt.date | None,
    description: str = "",
    decision: Decision | None = None,
) -> Task:
    """Create a task that serves one current goal of the patient, owned by an active member,
    due today or later. A task made from a meeting decision keeps the link (one task per
    decision). The owner is notified unless they created it themselves."""
    authorize(actor, Action.EDIT_NETWORK, team.patient, obj=team)
    if team.status == Team.Status.CLOSED:
        raise ValidationError(_("Aktørfellesskapet er avsluttet."))
    errors: dict[str, str] = {}
    if problem := goal_problem(team, goal):
        errors["goal"] = problem
    if problem := owner_problem(team, owner):
        errors["owner"] = problem
    if not title.strip():
        errors["title"] = _("Skriv hva tiltaket er.")
    if due_on is None:
        errors["due_on"] = _("Velg en frist.")
    elif due_on < timezone.localdate():
        errors["due_on"] = _("Fristen kan ikke være tilbake i tid.")
    if decision is not None:
        if decision.meeting.team_id != team.pk:
            errors["decision"] = _("Beslutningen hører til et annet team.")
        elif Task.objects.filter(decision=decision).exists():
            errors["decision"] = _("Beslutningen er allerede gjort til et tiltak.")
    if errors or goal is None or owner is None or due_on is None:
        raise ValidationError(errors)
    task = Task(
        team=team,
        goal=goal,
        title=title.strip(),
        description=description.strip(),
        owner=owner,
        due_on=due_on,
        decision=decision,
        created_by=actor,
    )
    task.full_clean()
    task.save()
    _notify_owner(task, actor)
    return task


@transaction.atomic
def task_update(*, actor: User, task: Task, status: str) -> Task:
    """Change a task's status. The owner and the coordinator may; marking it done records
    when, reopening clears it."""
    team = task.team
    standing = authorize(actor, Action.EDIT_NETWORK, team.patient, obj=task)
    locked = Task.objects.select_for_update().select_related("owner").get(pk=task.pk)
    if not (standing.is_coordinator or standing.is_creator or locked.owner.user_id == actor.pk):
        raise PermissionDenied
    if status not in Status.values:
        raise ValidationError({"status": _("Velg en gyldig status.")})
    if status == locked.status:
        return locked
    locked.status = status
    locked.done_at = timezone.now() if status == Status.DONE else None
    locked.full_clean()
    locked.save(update_fields=["status", "done_at", "updated_at"])
    return locked
