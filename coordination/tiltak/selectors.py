"""Reads for tasks (tiltak): the team's list, the team page section "Tiltak", and the count
of overdue tasks per team for the coordinator's home page.

Tasks are part of the team's clinical work (``Action.VIEW_CLINICAL``): staff in the team with
the sharing consent, and the patient herself, since every task serves one of her goals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import ngettext

from actors.access import Action, Standing, allows, check, require_user
from actors.models import Team
from coordination.models import Task
from lkt.core import audit
from lkt.core.compiled_query import CompiledQuery

if TYPE_CHECKING:
    from actors.access import AnyUser
    from actors.selectors import TeamPage


@dataclass
class TaskRow:
    task: Task
    overdue: bool
    # The viewer may change its status: its owner, or the coordinator.
    may_update: bool = False


def _tasks(team: Team | int) -> QuerySet[Task]:
    return Task.objects.filter(team=team).select_related(
        "goal", "owner__user", "owner__organisation", "decision__meeting"
    )


def _rows(tasks: Iterable[Task], standing: Standing, user_id: int | None) -> list[TaskRow]:
    today = timezone.localdate()
    edits = allows(standing, Action.EDIT_NETWORK)
    return [
        TaskRow(
            task=task,
            overdue=task.is_open and task.due_on < today,
            may_update=edits and (standing.manages or task.owner.user_id == user_id),
        )
        for task in tasks
    ]


@dataclass
class TaskList:
    team: Team
    standing: Standing
    rows: list[TaskRow]

    @property
    def open_rows(self) -> list[TaskRow]:
        return [r for r in self.rows if r.task.is_open]

    @property
    def closed_rows(self) -> list[TaskRow]:
        return [r for r in self.rows if not r.task.is_open]

    @property
    def overdue(self) -> str:
        return overdue_text(self.rows)

    @property
    def may_create(self) -> bool:
        return allows(self.standing, Action.EDIT_NETWORK)


def task_list_for_team(user: AnyUser, pk: int) -> TaskList:
    """All tasks of the team, by due date. Four queries whatever the number of tasks: 1 team
    with patient, 2 standing, 3 audit row, 4 tasks with goal, owner and the meeting of the
    decision they came from."""
    team = Team.objects.select_related("patient").filter(pk=pk).first()
    if team is None:
        raise Http404
    standing = check(user, Action.VIEW_CLINICAL, team.patient)
    actor = require_user(user)
    audit.record(user=actor, patient=team.patient, action=audit.VIEW, obj=team)
    return TaskList(team=team, standing=standing, rows=_rows(_tasks(team), standing, actor.pk))


def tasks_section(page: TeamPage) -> dict[str, Any]:
    """One query: the team's open tasks with goal and decision; the owners come from the
    members the page reads."""
    # The status is changed on the task list; the section only shows, so no viewer is needed.
    tasks = _SECTION_OPEN_TASKS.all(team=page.team.pk)
    # Each owner from the members the page has read (every member, former ones too): three
    # joins fewer, and planning the joins took longer than running the query (issue 17).
    members = page.members_by_pk
    for task in tasks:
        task.owner = members[task.owner_id]
    rows = _rows(tasks, page.standing, None)
    return {
        "rows": rows,
        "overdue": overdue_text(rows),
        "may_create": allows(page.standing, Action.EDIT_NETWORK),
    }


# The section's read, compiled once (issue 17, lkt.core.compiled_query).
_SECTION_OPEN_TASKS = CompiledQuery(
    lambda team: Task.objects.filter(team_id=team, status__in=Task.OPEN_STATUSES).select_related(
        "goal", "decision__meeting"
    ),
    "team",
)


def overdue_text(rows: list[TaskRow]) -> str:
    """How many of the tasks are past their due date, in words ("" when none is)."""
    count = sum(1 for r in rows if r.overdue)
    if not count:
        return ""
    return ngettext(
        "%(counter)s tiltak er over fristen.", "%(counter)s tiltak er over fristen.", count
    ) % {"counter": count}


def overdue_counts(team_ids: Iterable[int], today: dt.date | None = None) -> dict[int, int]:
    """Open tasks past their due date, per team: one aggregate query for any number of teams
    (the coordinator's home page lists them all)."""
    ids = list(team_ids)
    if not ids:
        return {}
    today = today or timezone.localdate()
    return dict(
        Task.objects.filter(team_id__in=ids, status__in=Task.OPEN_STATUSES, due_on__lt=today)
        .values_list("team_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
