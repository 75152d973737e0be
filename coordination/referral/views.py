"""HTTP from need to team and for the coordinator's role: parse, call a service or selector,
render a page or, for htmx, the fragment. Every form also works without JavaScript."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from actors.access import Action, is_leader, is_unit_staff, require_user
from actors.forms import submit
from actors.models import Member, Team, User
from actors.selectors import active_members, team_for_action, team_section_url
from coordination.models import (
    COORDINATOR_CASELOAD_LIMIT,
)
from coordination.referral import selectors, services
from coordination.referral.forms import (
    AppointmentDecideForm,
    AppointmentProposeForm,
    EstablishTeamForm,
    MandateForm,
    NeedReportForm,
    NeedReportStatusForm,
    reporter_relation,
)
from coordination.referral.menu import mark_unit_menu
from lkt.core.forms import unique_violation_as_validation_error
from lkt.core.http import (
    HtmxHttpRequest,
    form_answer,
    form_data,
    go_to,
    parameter_int,
    saved_in_panel,
)

REPORT = "coordination/need_report_detail.html"
COORDINATOR = "coordination/team_coordinator.html"
SECTION_EVENT = "koordinator-changed"


# ---------------------------------------------------------------------------------------------
# Need reports


@login_required
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def need_report_create(request: HtmxHttpRequest) -> HttpResponse:
    actor = require_user(request.user)
    form = NeedReportForm(form_data(request), initial={"relation": reporter_relation(actor)})
    report = submit(form, lambda data: services.need_report_create(actor=actor, **data))
    if report is not None:
        messages.success(
            request,
            _("Meldingen er sendt til den koordinerende enheten. Du kan følge statusen her."),
        )
        return go_to(request, reverse("coordination:need-report-detail", args=[report.pk]))
    template = "coordination/need_report_form.html" + ("#need-report-form" if request.htmx else "")
    return render(request, template, {"form": form, "is_unit": is_unit_staff(actor)})


@login_required
def need_report_mine(request: HtmxHttpRequest) -> HttpResponse:
    reports = selectors.need_report_list_for_reporter(require_user(request.user))
    return render(request, "coordination/need_report_mine.html", {"reports": reports})


@login_required
def need_report_worklist(request: HtmxHttpRequest) -> HttpResponse:
    user = require_user(request.user)
    if not is_unit_staff(user):
        raise PermissionDenied
    mark_unit_menu(request, user)
    page = selectors.need_report_worklist(user, max(1, parameter_int(request.GET.get("side")) or 1))
    return render(
        request, "coordination/need_report_worklist.html", {"reports": page.reports, "page": page}
    )


def _report_page(
    request: HtmxHttpRequest, pk: int, **forms: Any
) -> tuple[selectors.NeedReportPage, dict[str, Any]]:
    page = selectors.need_report_get(request.user, pk)
    context: dict[str, Any] = {"page": page, "report": page.report}
    if page.is_unit and page.report.team_id:
        context["appointments"] = selectors.appointments_for_team(page.report.team_id)
    if page.is_unit and page.report.is_open:
        context["status_form"] = forms.get("status_form") or NeedReportStatusForm(
            auto_id="status-%s"
        )
        context["establish_form"] = forms.get("establish_form") or EstablishTeamForm(
            initial={"name": page.report.patient_name, "national_id": page.report.national_id},
            auto_id="establish-%s",
        )
    return page, context


@login_required
def need_report_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    _page, context = _report_page(request, pk)
    return render(request, REPORT, context)


def _unit_report(request: HtmxHttpRequest, pk: int) -> tuple[selectors.NeedReportPage, User]:
    page = selectors.need_report_get(request.user, pk)
    if not page.is_unit:
        raise PermissionDenied  # the reporter sees the report but does not handle it
    return page, require_user(request.user)


@login_required
@require_POST
def need_report_status(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    page, actor = _unit_report(request, pk)
    form = NeedReportStatusForm(request.POST, auto_id="status-%s")
    if submit(
        form,
        lambda data: services.need_report_set_status(actor=actor, report=page.report, **data),
    ):
        messages.success(request, _("Statusen er endret."))
        return go_to(request, reverse("coordination:need-report-detail", args=[pk]))
    _page, context = _report_page(request, pk, status_form=form)
    return render(request, REPORT + ("#status-form" if request.htmx else ""), context)


@login_required
@require_POST
def need_report_establish(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    page, actor = _unit_report(request, pk)
    form = EstablishTeamForm(request.POST, auto_id="establish-%s")
    team = submit(
        form,
        lambda data: services.need_report_establish_team(actor=actor, report=page.report, **data),
    )
    if team is not None:
        messages.success(
            request, _("Aktørfellesskapet er opprettet. Neste steg: innhent samtykke til deling.")
        )
        return go_to(request, reverse("workspace:team-detail", args=[team.pk]))
    _page, context = _report_page(request, pk, establish_form=form)
    return render(request, REPORT + ("#establish-form" if request.htmx else ""), context)


# ---------------------------------------------------------------------------------------------
# The coordinator on the team page: appointment and mandate


def _panel(
    request: HtmxHttpRequest, team: Any, partial: str, context: dict[str, Any]
) -> HttpResponse:
    return form_answer(
        request,
        template=COORDINATOR,
        partial=partial,
        page="coordination/coordinator_form_page.html",
        context={"team": team, **context},
    )


def _saved(request: HtmxHttpRequest, team_pk: int, message: str) -> HttpResponse:
    return saved_in_panel(
        request, message, event=SECTION_EVENT, back=team_section_url(team_pk, "koordinator")
    )


@login_required
@require_http_methods(["GET", "POST"])
def appointment_propose(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    team = team_for_action(request.user, pk, Action.MANAGE_TEAM)
    form = AppointmentProposeForm(form_data(request))
    actor = require_user(request.user)
    if submit(form, lambda data: services.appointment_propose(actor=actor, team=team, **data)):
        return _saved(request, team.pk, _("Forslaget er sendt til lederen for godkjenning."))
    return _panel(request, team, "appointment-form", {"form": form})


@login_required
@require_POST
def appointment_register(request: HtmxHttpRequest, pk: int, appointment_pk: int) -> HttpResponse:
    actor = require_user(request.user)
    appointment = selectors.appointment_for_unit(actor, pk, appointment_pk)
    team = appointment.team
    try:
        with unique_violation_as_validation_error():
            member = services.appointment_register(actor=actor, appointment=appointment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _registered_message(team, member))
    # Back where the unit registered: the team page's section, or the need report it works from.
    if request.POST.get("from") == "team":
        return redirect(team_section_url(team.pk, "koordinator"))
    report = selectors.newest_need_report(team)
    if report is not None:
        return redirect("coordination:need-report-detail", pk=report.pk)
    return redirect(team_section_url(team.pk, "koordinator"))


def _registered_message(team: Team, member: Member) -> str:
    """A first coordinator simply is registered; a successor overlaps the one leaving."""
    if any(m.pk != member.pk for m in selectors.active_coordinators(team)):
        return _(
            "%(name)s er registrert som koordinator i teamet. Den forrige koordinatoren "
            "fortsetter til overleveringen er gjort."
        ) % {"name": member.display_name}
    return _("%(name)s er registrert som koordinator i teamet.") % {"name": member.display_name}


@login_required
@require_http_methods(["GET", "POST"])
def mandate_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    team = team_for_action(request.user, pk, Action.MANAGE_TEAM)
    members = active_members(team)
    mandate = selectors.mandate_for_team(team)
    initial = (
        {
            "task_description": mandate.task_description,
            "authority": mandate.authority,
            "hours_per_month": mandate.hours_per_month,
            "deputy": mandate.deputy_id,
        }
        if mandate
        else {}
    )
    form = MandateForm(form_data(request), initial=initial, members=members)
    actor = require_user(request.user)
    if submit(form, lambda data: services.mandate_save(actor=actor, team=team, **data)):
        return _saved(request, team.pk, _("Mandatet er lagret og sendt til lederen."))
    return _panel(request, team, "mandate-form", {"form": form, "mandate": mandate})


# ---------------------------------------------------------------------------------------------
# The leader


def _leader(request: HtmxHttpRequest) -> User:
    user = require_user(request.user)
    if not is_leader(user):
        raise PermissionDenied
    return user


@login_required
def leader_approvals(request: HtmxHttpRequest) -> HttpResponse:
    leader = _leader(request)
    rows, mandates = selectors.approvals_for_leader(leader)
    forms = {
        row.appointment.pk: AppointmentDecideForm(auto_id=f"a{row.appointment.pk}-%s")
        for row in rows
    }
    return render(
        request,
        "coordination/leader_approvals.html",
        {
            "rows": [(row, forms[row.appointment.pk]) for row in rows],
            "mandates": mandates,
            "limit": COORDINATOR_CASELOAD_LIMIT,
        },
    )


@login_required
@require_POST
def appointment_decide(request: HtmxHttpRequest, appointment_pk: int) -> HttpResponse:
    leader = _leader(request)
    appointment = selectors.appointment_for_leader(leader, appointment_pk)
    form = AppointmentDecideForm(request.POST, auto_id=f"a{appointment.pk}-%s")
    if submit(
        form,
        lambda data: services.appointment_decide(
            actor=leader,
            appointment=appointment,
            approve=data["decision"] == "approve",
            note=data["note"],
        ),
    ):
        messages.success(request, _("Avgjørelsen er lagret."))
        return go_to(request, reverse("coordination:leader-approvals"))
    row = selectors.AppointmentRow(appointment, selectors.caseload(appointment.candidate))
    context = {"row": row, "form": form, "limit": COORDINATOR_CASELOAD_LIMIT}
    if request.htmx:
        return render(request, "coordination/leader_approvals.html#appointment-form", context)
    rows, mandates = selectors.approvals_for_leader(leader)
    forms = [
        (
            r,
            form
            if r.appointment.pk == appointment.pk
            else AppointmentDecideForm(auto_id=f"a{r.appointment.pk}-%s"),
        )
        for r in rows
    ]
    return render(
        request,
        "coordination/leader_approvals.html",
        {"rows": forms, "mandates": mandates, "limit": COORDINATOR_CASELOAD_LIMIT},
    )


@login_required
@require_POST
def mandate_approve(request: HtmxHttpRequest, mandate_pk: int) -> HttpResponse:
    leader = _leader(request)
    mandate = selectors.mandate_get(mandate_pk)
    try:
        services.mandate_approve(actor=leader, mandate=mandate)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Mandatet er godkjent."))
    return redirect("coordination:leader-approvals")


# ---------------------------------------------------------------------------------------------
# Notifications: the inbox is in coordination.notifications.inbox_views.
