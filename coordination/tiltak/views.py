"""HTTP for tasks (tiltak): the team's list, a new task, a task's status, and the team page
section "Tiltak" (built in ``coordination.tiltak.selectors.tasks_section``).

Forms post with htmx into a panel; invalid input comes back in the same fragment with status
200; a save sends "tiltak-changed", so the list and the section reload themselves. Without
JavaScript each form is a page of its own and a save returns to the list.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event

from actors.access import Action, check, require_user
from actors.forms import submit
from actors.models import Team
from actors.selectors import active_members, team_for_action
from coordination.models import Task
from coordination.tiltak import selectors as task_selectors
from coordination.tiltak import services as task_services
from coordination.tiltak.forms import TaskForm, TaskStatusForm
from lkt.core.http import HtmxHttpRequest, form_data

TEAM_TASKS = "coordination/team_tasks.html"
TASK_FORM_PAGE = "coordination/task_form_page.html"
TASKS_EVENT = "tiltak-changed"


def task_form(team: Team, data: Any = None, *, initial: dict[str, Any] | None = None) -> TaskForm:
    return TaskForm(
        data,
        initial=initial or {},
        patient_id=team.patient_id,
        members=active_members(team),
        auto_id="task-%s",
    )


def tasks_back(team_pk: int) -> str:
    return reverse("coordination:team-tasks", args=[team_pk])


def on_own_page(request: HtmxHttpRequest) -> bool:
    """The htmx form sits on its own page (opened by its plain link), not in a list's panel:
    after a save the browser goes back to the list instead of emptying the panel."""
    return bool(request.htmx) and request.htmx.current_url_abs_path == request.get_full_path()


@login_required
@vary_on_headers("HX-Request")
def team_tasks(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    tasks = task_selectors.task_list_for_team(request.user, pk)
    context = {"tasks": tasks, "team": tasks.team, "status_choices": Task.Status.choices}
    return render(request, TEAM_TASKS + ("#task-list" if request.htmx else ""), context)


@login_required
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def task_create(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    team = team_for_action(request.user, pk, Action.EDIT_NETWORK)
    form = task_form(team, form_data(request))
    actor = require_user(request.user)
    task = submit(form, lambda data: task_services.task_create(actor=actor, team=team, **data))
    if task is not None:
        messages.success(request, _("Tiltaket «%(title)s» er lagt til.") % {"title": task.title})
        if not request.htmx:
            return redirect(tasks_back(team.pk))
        if on_own_page(request):
            return HttpResponseClientRedirect(tasks_back(team.pk))
        return trigger_client_event(HttpResponse(""), TASKS_EVENT)
    partial = f"{TEAM_TASKS}#task-form"
    context = {
        "team": team,
        "form": form,
        "action": reverse("coordination:task-create", args=[team.pk]),
        "title": _("Nytt tiltak"),
        "partial": partial,
    }
    if request.htmx:
        return render(request, partial, context)
    return render(request, TASK_FORM_PAGE, context)


@login_required
@require_POST
def task_update(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Change a task's status (its owner or the coordinator)."""
    task = get_object_or_404(Task.objects.select_related("team__patient", "owner"), pk=pk)
    check(request.user, Action.EDIT_NETWORK, task.team.patient)
    form = TaskStatusForm(request.POST)
    if form.is_valid():
        try:
            task = task_services.task_update(
                actor=require_user(request.user), task=task, status=form.cleaned_data["status"]
            )
            messages.success(
                request,
                _("«%(title)s» har nå status %(status)s.")
                % {"title": task.title, "status": task.get_status_display().lower()},
            )
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
    else:
        messages.error(request, _("Velg en gyldig status."))
    if not request.htmx:
        return redirect(tasks_back(task.team_id))
    return trigger_client_event(HttpResponse(""), TASKS_EVENT)
