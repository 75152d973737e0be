"""HTTP for the network sections of the team page: communication lines and scenarios (and the
two helpers the perspectives section in careplans.good_day shares). Each section is built from the ``TeamPage`` (see ``lkt.workspace.team_page``) and saves in
place with htmx; without JavaScript the forms post normally and come back to the team page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from actors import selectors
from actors.access import Action, allows, as_user
from actors.forms import submit
from actors.models import CommunicationLine, Member, Scenario, User
from actors.network import services as network_services
from actors.network.forms import CommunicationLineForm, ScenarioAddForm, ScenarioPrepareForm
from actors.network.selectors import (
    AGE_TRANSITIONS,
    ScenarioRow,
    birthday,
    communication_overview,
    parse_scenario_key,
    scenario_overview,
)
from actors.selectors import TeamPage, team_section_url
from lkt.core.forms import focus_when_opened
from lkt.core.http import HtmxHttpRequest, form_data

COMMUNICATION = "actors/team_communication.html"
LINE_END = "actors/communication_line_end.html"  # Jinja2, in the section's rows
SCENARIOS = "actors/team_scenarios.html"


# ---------------------------------------------------------------------------------------------
# Section builders, registered in lkt.workspace.team_page. Forms cost no query: their actor choices
# come from page.members.


def communication_section(page: TeamPage) -> dict[str, Any]:
    """One query (``communication_overview``); the form to add a line renders when opened
    (``communication_line_add`` answers GET with it, issue 17)."""
    return {
        "overview": communication_overview(page),
        "can_edit": allows(page.standing, Action.EDIT_NETWORK),
    }


def _prepare_form(row: ScenarioRow, members: list[Member], data: Any = None) -> ScenarioPrepareForm:
    initial: dict[str, Any] = {}
    if row.scenario is not None:
        initial = {"what_then": row.scenario.what_then, "responsible": row.scenario.responsible_id}
    return ScenarioPrepareForm(data, initial=initial, members=members, auto_id=f"{row.key}-%s")


def scenarios_section(page: TeamPage) -> dict[str, Any]:
    """One query (``scenario_overview``); the forms to add a planned transition and to write a
    scenario's plan render when opened (``scenario_add`` and ``scenario_prepare`` answer GET
    with them, issue 17)."""
    return {
        "overview": scenario_overview(page),
        "can_edit": allows(page.standing, Action.EDIT_NETWORK),
    }


# ---------------------------------------------------------------------------------------------
# Writes


def page_for_writing(request: HtmxHttpRequest, pk: int) -> tuple[TeamPage, User]:
    """404 for those who may not see the team, 403 for those who see it but may not edit the
    network (the patient, a relative); decided before any input is read."""
    user = as_user(request.user)
    if user is None:
        raise PermissionDenied
    page = selectors.team_get(user, pk)
    if not allows(page.standing, Action.EDIT_NETWORK):
        raise PermissionDenied
    return page, user


def section_answer(
    request: HtmxHttpRequest,
    page: TeamPage,
    *,
    key: str,
    template: str,
    partial: str,
    context: dict[str, Any],
    saved: bool,
) -> HttpResponse:
    """htmx: the form fragment (status 200 also when invalid, so htmx swaps it), and on success
    the "<key>-changed" event that makes the section reload itself. Without htmx: back to the
    team page after a save, or the form alone on its own page with its messages."""
    if saved and not request.htmx:
        return redirect(team_section_url(page.team.pk, key))
    context = {"page": page, "team": page.team, "saved": saved, **context}
    if request.htmx:
        response = render(request, f"{template}#{partial}", context)
        return trigger_client_event(response, f"{key}-changed") if saved else response
    return render(request, template, {**context, "form_partial": partial})


@login_required
@require_http_methods(["GET", "POST"])
def communication_line_add(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """GET: the empty form; POST: add the line."""
    page, user = page_for_writing(request, pk)
    form = CommunicationLineForm(form_data(request), members=page.members, auto_id="line-%s")
    saved = (
        submit(
            form,
            lambda data: network_services.communication_line_add(
                actor=user, team=page.team, **data
            ),
        )
        is not None
    )
    if saved:
        form = CommunicationLineForm(members=page.members, auto_id="line-%s")
    focus_when_opened(request, form)
    return section_answer(
        request,
        page,
        key="kommunikasjon",
        template=COMMUNICATION,
        partial="line-form",
        context={"form": form},
        saved=saved,
    )


@login_required
@require_POST
def communication_line_end(request: HtmxHttpRequest, pk: int, line_pk: int) -> HttpResponse:
    page, user = page_for_writing(request, pk)
    line = get_object_or_404(CommunicationLine, pk=line_pk, team=page.team)
    members = page.members_by_pk
    line.team = page.team
    line.from_member = members[line.from_member_id]
    line.to_member = members[line.to_member_id]
    error = ""
    try:
        network_services.communication_line_end(actor=user, line=line)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, _("Linjen er avsluttet. Den vises under tidligere linjer."))
        return redirect(team_section_url(page.team.pk, "kommunikasjon"))
    response = render(
        request,
        LINE_END,
        {"team": page.team, "line": line, "error": error, "ended": not error},
    )
    return response if error else trigger_client_event(response, "kommunikasjon-changed")


@login_required
@require_http_methods(["GET", "POST"])
def scenario_add(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """GET: the empty form; POST: add the planned transition."""
    page, user = page_for_writing(request, pk)
    form = ScenarioAddForm(form_data(request), members=page.members, auto_id="scenario-%s")
    saved = (
        submit(form, lambda data: network_services.scenario_add(actor=user, team=page.team, **data))
        is not None
    )
    if saved:
        form = ScenarioAddForm(members=page.members, auto_id="scenario-%s")
    focus_when_opened(request, form)
    return section_answer(
        request,
        page,
        key="scenarier",
        template=SCENARIOS,
        partial="scenario-add-form",
        context={"add_form": form},
        saved=saved,
    )


@login_required
@require_http_methods(["GET", "POST"])
def scenario_prepare(request: HtmxHttpRequest, pk: int, key: str) -> HttpResponse:
    """GET: the form with the scenario's saved plan, for a scenario the section shows now;
    POST: save "what then" and the responsible actor for one scenario, detected or planned."""
    page, user = page_for_writing(request, pk)
    if request.method == "GET":
        return _scenario_form(request, page, key)
    parsed = parse_scenario_key(key)
    if parsed is None:
        raise Http404
    members = page.members_by_pk
    scenario: Scenario | None = None
    member: Member | None = None
    if parsed.scenario_id is not None:
        scenario = get_object_or_404(Scenario, pk=parsed.scenario_id, team=page.team)
        scenario.team = page.team
        kind = scenario.kind
    else:
        kind = str(parsed.kind)
        if parsed.member_id is not None:
            member = members.get(parsed.member_id)
            if member is None:
                raise Http404
    if scenario is not None:
        expected_on = scenario.expected_on
    elif member is not None and member.expected_leave_on is not None:
        expected_on = member.expected_leave_on
    elif kind in AGE_TRANSITIONS:
        expected_on = birthday(page.team.patient.birth_date, AGE_TRANSITIONS[kind])
    else:
        expected_on = timezone.localdate()  # the service explains what is wrong
    row = ScenarioRow(
        key=key,
        kind=kind,
        expected_on=expected_on,
        detected=scenario is None,
        member=member,
        scenario=scenario,
    )
    row.form = _prepare_form(row, page.members, request.POST)

    def prepare(data: dict[str, Any]) -> object:
        if scenario is not None:
            return network_services.scenario_prepare(actor=user, scenario=scenario, **data)
        return network_services.scenario_prepare_detected(
            actor=user, team=page.team, kind=kind, member=member, **data
        )

    saved = submit(row.form, prepare) is not None
    return _scenario_answer(request, page, row, saved=saved)


def _scenario_form(request: HtmxHttpRequest, page: TeamPage, key: str) -> HttpResponse:
    # The row as the section shows it, with its saved plan: one query.
    row = next((row for row in scenario_overview(page).rows if row.key == key), None)
    if row is None:
        raise Http404
    row.form = _prepare_form(row, page.members)
    focus_when_opened(request, row.form)
    return _scenario_answer(request, page, row, saved=False)


def _scenario_answer(
    request: HtmxHttpRequest, page: TeamPage, row: ScenarioRow, *, saved: bool
) -> HttpResponse:
    return section_answer(
        request,
        page,
        key="scenarier",
        template=SCENARIOS,
        partial="scenario-form",
        context={"row": row},
        saved=saved,
    )
