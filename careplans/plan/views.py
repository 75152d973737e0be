"""HTTP for the plan for samarbeid: the plan page (in force and draft, with the approval box),
the coordinator's draft form, approving, the diff between versions and the leader's list."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from actors.access import is_leader, require_user
from actors.forms import add_service_errors, submit
from careplans.plan import selectors as plan_selectors
from careplans.plan import services as plan_services
from careplans.plan.diff import TEXT_SECTIONS, diff_plan_versions
from careplans.plan.forms import (
    PersonalApprovalForm,
    PlanApproveForm,
    PlanCorrectionForm,
    PlanDraftForm,
)
from careplans.plan.selectors import PlanPage
from lkt.core.forms import unique_violation_as_validation_error
from lkt.core.http import HtmxHttpRequest, form_data, parameter_int

# The team page section and the plan page reload themselves on this event.
CHANGED_EVENT = "samarbeidsplan-changed"
DETAIL = "careplans/plan_detail.html"
EDIT = "careplans/plan_edit.html"
STALE_MESSAGE = _("Planen er endret av noen andre siden du åpnet den. Les den nye versjonen under.")


def _render_detail(
    request: HtmxHttpRequest, page: PlanPage, *, partial: str = "plan-body", **extra: Any
) -> HttpResponse:
    context = {
        "page": page,
        "team": page.team,
        "viewer": page.viewer,
        "correction_form": PlanCorrectionForm(),
        **extra,
    }
    template = DETAIL + (f"#{partial}" if request.htmx else "")
    return render(request, template, context)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def plan_detail(request: HtmxHttpRequest, team_pk: int) -> HttpResponse:
    page = plan_selectors.plan_get(request.user, team_pk)
    return _render_detail(request, page)


@login_required
@require_POST
def plan_draft_create(request: HtmxHttpRequest, team_pk: int) -> HttpResponse:
    team = plan_selectors.team_for_plan(team_pk)
    viewer = plan_selectors.plan_viewer(request.user, team)
    if not viewer.manages:
        raise PermissionDenied
    try:
        with unique_violation_as_validation_error():
            draft, new = plan_services.plan_draft_open(actor=viewer.user, team=team)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("careplans:plan", team_pk=team.pk)
    if new:
        messages.success(
            request,
            _("Et nytt utkast er laget. Les gjennom, rett det som trengs, og be om godkjenning."),
        )
    else:
        messages.info(
            request,
            _(
                "Planen har allerede et utkast (versjon %(number)s). "
                "Rett i det her – det lages ikke et nytt."
            )
            % {"number": draft.number},
        )
    return redirect("careplans:plan-draft-edit", team_pk=team.pk)


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def plan_draft_edit(request: HtmxHttpRequest, team_pk: int) -> HttpResponse:
    page = plan_selectors.plan_get(request.user, team_pk)
    if not page.viewer.manages:
        raise PermissionDenied
    draft = page.draft
    if draft is None:
        raise Http404
    form = PlanDraftForm.for_version(draft, page.base_version, form_data(request))
    context: dict[str, Any] = {"page": page, "team": page.team, "draft": draft, "form": form}
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        base = data.pop("base_version")
        try:
            plan_services.plan_draft_update(
                actor=page.viewer.user, version=draft, base_version=base, **data
            )
        except plan_services.StalePlan:
            # Nothing is lost: the form keeps the user's text and now starts from the newest
            # state, so saving again is a deliberate choice, not an overwrite.
            fresh = plan_selectors.plan_get(request.user, team_pk)
            posted = request.POST.copy()
            posted["base_version"] = str(fresh.base_version)
            form = PlanDraftForm.for_version(fresh.draft or draft, fresh.base_version, posted)
            form.is_valid()
            form.add_error(None, STALE_MESSAGE)
            theirs = fresh.draft or draft
            context.update(
                page=fresh,
                form=form,
                stale=True,
                theirs=[
                    (label, getattr(theirs, name))
                    for name, label in TEXT_SECTIONS
                    if name != "patient_summary" and getattr(theirs, name)
                ],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if not request.htmx:
                messages.success(request, _("Utkastet er lagret."))
                return redirect("careplans:plan", team_pk=page.team.pk)
            fresh = plan_selectors.plan_get(request.user, team_pk)
            if fresh.draft is not None:
                form = PlanDraftForm.for_version(fresh.draft, fresh.base_version)
            context.update(page=fresh, form=form, saved=True)
            response = render(request, f"{EDIT}#plan-draft-form", context)
            return trigger_client_event(response, CHANGED_EVENT)
    template = EDIT + ("#plan-draft-form" if request.htmx else "")
    return render(request, template, context)


@login_required
@require_POST
@vary_on_headers("HX-Request")
def plan_approve(request: HtmxHttpRequest, team_pk: int, number: int) -> HttpResponse:
    page = plan_selectors.plan_get(request.user, team_pk)
    version = next((v for v in page.versions if v.number == number), None)
    if version is None:
        raise Http404
    form = PlanApproveForm(form_data(request))
    problem = ""
    if not form.is_valid():
        problem = _("Last siden på nytt og prøv igjen.")
    else:
        try:
            with unique_violation_as_validation_error():
                plan_services.plan_approve(
                    actor=require_user(request.user),
                    version=version,
                    base_version=form.cleaned_data["base_version"],
                )
        except plan_services.StalePlan:
            problem = str(STALE_MESSAGE) + " " + _("Godkjenningen din er ikke registrert.")
        except ValidationError as error:
            problem = " ".join(error.messages)
    if not request.htmx:
        if problem:
            messages.error(request, problem)
        else:
            messages.success(request, _("Takk! Godkjenningen din er registrert."))
        return redirect(reverse("careplans:plan", args=[team_pk]) + "#godkjenning")
    fresh = plan_selectors.plan_get(request.user, team_pk)
    response = _render_detail(request, fresh, problem=problem, approved=not problem)
    return response if problem else trigger_client_event(response, CHANGED_EVENT)


@login_required
@require_http_methods(["GET", "POST"])
def plan_personal_approval(request: HtmxHttpRequest, team_pk: int, number: int) -> HttpResponse:
    """The coordinator records the patient's approval of the draft given in person."""
    page = plan_selectors.plan_get(request.user, team_pk)
    if not page.viewer.manages:
        raise PermissionDenied
    draft = page.draft
    if draft is None or draft.number != number:
        raise Http404
    initial = {"base_version": page.base_version, "given_on": timezone.localdate()}
    form = PersonalApprovalForm(form_data(request), team=page.team, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            with unique_violation_as_validation_error():
                plan_services.plan_personal_approval_record(
                    actor=page.viewer.user, version=draft, **data
                )
        except plan_services.StalePlan:
            # What was typed stays; the form now starts from the newest state.
            posted = request.POST.copy()
            posted["base_version"] = str(
                plan_selectors.plan_get(request.user, team_pk).base_version
            )
            form = PersonalApprovalForm(posted, team=page.team)
            form.is_valid()
            form.add_error(None, STALE_MESSAGE)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Pasientens godkjenning er registrert. Pasienten ser den på Min side."),
            )
            return redirect(reverse("careplans:plan", args=[team_pk]) + "#godkjenning")
    context = {"page": page, "team": page.team, "draft": draft, "form": form}
    return render(request, "careplans/plan_personal_approval.html", context)


def _version(page: PlanPage, number: int) -> Any:
    version = next((v for v in page.versions if v.number == number), None)
    if version is None:
        raise Http404
    return version


@login_required
@require_POST
@vary_on_headers("HX-Request")
def plan_correction_add(request: HtmxHttpRequest, team_pk: int, number: int) -> HttpResponse:
    """A member posts a correction to the draft while the window is open; htmx in place."""
    page = plan_selectors.plan_get(request.user, team_pk)
    # The patient and the leaders read the plan but approve it; the members correct it.
    if not (page.viewer.full and page.viewer.standing.is_member):
        raise PermissionDenied
    version = _version(page, number)
    form = PlanCorrectionForm(form_data(request))
    saved = submit(
        form,
        lambda data: plan_services.plan_correction_add(
            actor=page.viewer.user, version=version, text=data["text"]
        ),
    )
    if saved is None:
        # Errors stay in the form, with the user's text (200, also without JavaScript).
        return _render_detail(request, page, partial="plan-corrections", correction_form=form)
    if not request.htmx:
        messages.success(request, _("Takk! Innspillet ditt er lagt til."))
        return redirect(reverse("careplans:plan", args=[team_pk]) + "#innspill")
    fresh = plan_selectors.plan_get(request.user, team_pk)
    return _render_detail(request, fresh, partial="plan-corrections", correction_saved=True)


@login_required
@require_POST
@vary_on_headers("HX-Request")
def plan_corrections_close(request: HtmxHttpRequest, team_pk: int, number: int) -> HttpResponse:
    """The coordinator closes the window for corrections now, so the approvals can start."""
    page = plan_selectors.plan_get(request.user, team_pk)
    if not page.viewer.manages:
        raise PermissionDenied
    version = _version(page, number)
    problem = ""
    try:
        plan_services.plan_corrections_close(actor=page.viewer.user, version=version)
    except ValidationError as error:
        problem = " ".join(error.messages)
    if not request.htmx:
        if problem:
            messages.error(request, problem)
        else:
            messages.success(request, _("Fristen for innspill er lukket. Nå kan dere godkjenne."))
        return redirect(reverse("careplans:plan", args=[team_pk]) + "#godkjenning")
    fresh = plan_selectors.plan_get(request.user, team_pk)
    response = _render_detail(request, fresh, problem=problem, corrections_closed=not problem)
    return response if problem else trigger_client_event(response, CHANGED_EVENT)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def plan_diff(request: HtmxHttpRequest, team_pk: int) -> HttpResponse:
    older, newer = parameter_int(request.GET.get("fra")), parameter_int(request.GET.get("til"))
    if newer is None and older is not None:
        newer, older = older, None
    if newer is not None and older is None:
        older = newer - 1 or None
    viewer, first, second = plan_selectors.plan_version_pair(request.user, team_pk, older, newer)
    context = {
        "team": viewer.team,
        "viewer": viewer,
        "diff": diff_plan_versions(first, second, full=viewer.full),
    }
    template = "careplans/plan_diff.html" + ("#plan-diff" if request.htmx else "")
    return render(request, template, context)


@login_required
@require_GET
def plan_approvals_for_leader(request: HtmxHttpRequest) -> HttpResponse:
    """Leaders: drafts that wait for their approval, without patient data."""
    user = require_user(request.user)
    if not is_leader(user):
        raise PermissionDenied
    rows = plan_selectors.plan_list_awaiting_leader(user)
    return render(request, "careplans/plan_leader_list.html", {"rows": rows})
