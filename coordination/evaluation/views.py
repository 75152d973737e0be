"""HTTP for plan periods and the evaluation of a period against the patient's goals.

The evaluation page is one template with partials: the whole body, one goal at a time, the
summary. With htmx a goal's form opens in place and a save swaps the page body (status 200 with
the messages on bad input, so nothing typed is lost); without JavaScript every form is a page
of its own and a save returns to the evaluation page.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import (
    HttpResponseClientRedirect,
    reswap,
    retarget,
    trigger_client_event,
)

from actors.access import Action, require_user
from actors.forms import add_service_errors, submit
from actors.selectors import team_for_action, team_section_url
from coordination.evaluation import selectors, services
from coordination.evaluation.forms import (
    CloseForm,
    CorrectionForm,
    GoalEvaluationForm,
    MeetingConfirmForm,
    PlanPeriodForm,
    SummaryForm,
)
from coordination.models import Evaluation, Meeting
from lkt.core.dates import short_date, short_datetime
from lkt.core.forms import unique_violation_as_validation_error
from lkt.core.http import HtmxHttpRequest, form_answer, form_data

DETAIL = "coordination/evaluation_detail.html"
FORM_PAGE = "coordination/evaluation_form_page.html"
TEAM_SECTION = "coordination/team_evaluation.html"
PORTAL = "coordination/evaluation_portal.html"
SECTION_EVENT = "evaluering-changed"


def _detail_url(period_pk: int) -> str:
    return reverse("coordination:evaluation-detail", args=[period_pk])


def _form_answer(
    request: HtmxHttpRequest, *, partial: str, context: dict[str, Any], title: str
) -> HttpResponse:
    return form_answer(
        request,
        template=DETAIL,
        partial=partial,
        page=FORM_PAGE,
        context={**context, "title": title},
    )


def _body(request: HtmxHttpRequest, period_pk: int, extra: dict[str, Any] | None = None) -> Any:
    page = selectors.evaluation_get(request.user, period_pk)
    return {
        "page": page,
        "period": page.period,
        "team": page.period.team,
        "correction_form": CorrectionForm(auto_id="correction-%s"),
        "correction_days": services.CORRECTION_WORKING_DAYS,
        **(extra or {}),
    }


def _saved(
    request: HtmxHttpRequest, period_pk: int, message: str, anchor: str = ""
) -> HttpResponse:
    """After a save: htmx gets the fresh page body swapped in, with the message; a plain post
    is redirected to the evaluation page."""
    messages.success(request, message)
    url = _detail_url(period_pk)
    if not request.htmx:
        return redirect(url + (f"#{anchor}" if anchor else ""))
    if urlsplit(request.htmx.current_url or "").path != url:
        # A form opened on a page of its own: go back to the evaluation.
        return HttpResponseClientRedirect(url + (f"#{anchor}" if anchor else ""))
    response = render(request, f"{DETAIL}#evaluation-body", _body(request, period_pk))
    response = retarget(response, "#evaluation-body")
    response = reswap(response, "outerHTML")
    return trigger_client_event(response, SECTION_EVENT)


def _refused(request: HtmxHttpRequest, period_pk: int, error: ValidationError) -> HttpResponse:
    """A refused action (send, close, confirm): the page again with the reason, status 200."""
    for text in error.messages:
        messages.error(request, text)
    context = _body(request, period_pk)
    if request.htmx:
        response = render(request, f"{DETAIL}#evaluation-body", context)
        return reswap(retarget(response, "#evaluation-body"), "outerHTML")
    return render(request, DETAIL, context)


# ---------------------------------------------------------------------------------------------
# Plan period


@login_required
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def plan_period_create(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    team = team_for_action(request.user, pk, Action.MANAGE_TEAM)
    defaults = selectors.plan_period_defaults(team.pk)
    form = PlanPeriodForm(
        form_data(request),
        initial={"starts_on": defaults.starts_on, "ends_on": defaults.ends_on},
        auto_id="period-%s",
    )
    actor = require_user(request.user)
    period = submit(form, lambda data: services.plan_period_create(actor=actor, team=team, **data))
    back = team_section_url(team.pk, "evaluering")
    if period is not None:
        messages.success(
            request,
            _("Planperioden %(start)s–%(end)s er satt.")
            % {
                "start": short_date(period.starts_on),
                "end": short_date(period.ends_on),
            },
        )
        if not request.htmx:
            return redirect(back)
        if urlsplit(request.htmx.current_url or "").path != urlsplit(back).path:
            return HttpResponseClientRedirect(back)
        return trigger_client_event(HttpResponse(""), SECTION_EVENT)
    context = {"team": team, "form": form, "from_plan": defaults.starts_on is not None}
    if request.htmx:
        return render(request, f"{TEAM_SECTION}#period-form", context)
    return render(
        request,
        FORM_PAGE,
        {**context, "partial": f"{TEAM_SECTION}#period-form", "title": _("Ny planperiode")},
    )


# ---------------------------------------------------------------------------------------------
# The evaluation page


@login_required
@vary_on_headers("HX-Request")
def evaluation_detail(request: HtmxHttpRequest, period_pk: int) -> HttpResponse:
    template = DETAIL + ("#evaluation-body" if request.htmx else "")
    return render(request, template, _body(request, period_pk))


@login_required
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def goal_evaluation_edit(request: HtmxHttpRequest, period_pk: int, goal_pk: int) -> HttpResponse:
    period, _standing = selectors.period_for(request.user, period_pk, Action.MANAGE_TEAM)
    goal = selectors.goal_for(period, goal_pk)
    existing = selectors.goal_result(period, goal)
    initial = (
        {
            "result": existing.result,
            "patient_words": existing.patient_words,
            "team_words": existing.team_words,
            "next_step": existing.next_step,
        }
        if existing
        else {}
    )
    form = GoalEvaluationForm(form_data(request), initial=initial, auto_id=f"goal-{goal.pk}-%s")
    actor = require_user(request.user)
    saved = submit(
        form,
        lambda data: services.goal_evaluation_save(actor=actor, period=period, goal=goal, **data),
    )
    if saved is not None:
        return _saved(
            request,
            period.pk,
            _("Evalueringen av målet «%(goal)s» er lagret.") % {"goal": goal.text},
            anchor=f"goal-{goal.pk}",
        )
    return _form_answer(
        request,
        partial="goal-form",
        context={"period": period, "team": period.team, "goal": goal, "form": form},
        title=_("Evaluer målet"),
    )


@login_required
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def evaluation_summary(request: HtmxHttpRequest, period_pk: int) -> HttpResponse:
    period, _standing = selectors.period_for(request.user, period_pk, Action.MANAGE_TEAM)
    evaluation = Evaluation.objects.filter(period=period).first()
    initial = {
        "summary": evaluation.summary if evaluation else "",
        "base_version": evaluation.version if evaluation else 0,
    }
    form = SummaryForm(form_data(request), initial=initial, auto_id="summary-%s")
    actor = require_user(request.user)
    theirs: Evaluation | None = None
    saved = None
    if form.is_valid():
        try:
            with unique_violation_as_validation_error():
                saved = services.evaluation_summary_save(
                    actor=actor, period=period, **form.cleaned_data
                )
        except services.StaleSummary as stale:
            theirs = stale.current
            add_service_errors(form, stale)
            # Keep what this person wrote, but base the next save on the newer version, so
            # saving again after merging the texts succeeds.
            data = request.POST.copy()
            data["base_version"] = str(theirs.version)
            form.data = data
        except ValidationError as error:
            add_service_errors(form, error)
    if saved is not None:
        return _saved(request, period.pk, _("Oppsummeringen er lagret."), anchor="oppsummering")
    return _form_answer(
        request,
        partial="summary-form",
        context={"period": period, "team": period.team, "form": form, "theirs": theirs},
        title=_("Oppsummering"),
    )


@login_required
@require_POST
def evaluation_send(request: HtmxHttpRequest, period_pk: int) -> HttpResponse:
    period, _standing = selectors.period_for(request.user, period_pk, Action.MANAGE_TEAM)
    try:
        with unique_violation_as_validation_error():
            evaluation = services.evaluation_send(actor=require_user(request.user), period=period)
    except ValidationError as error:
        return _refused(request, period.pk, error)
    deadline = timezone.localtime(evaluation.corrections_until or timezone.now())
    return _saved(
        request,
        period.pk,
        _("Oppsummeringen er sendt til teamet og pasienten. Frist for rettelser: %(d)s.")
        % {"d": short_datetime(deadline)},
    )


@login_required
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def evaluation_correction(request: HtmxHttpRequest, period_pk: int) -> HttpResponse:
    period, standing = selectors.period_for(request.user, period_pk, Action.VIEW_CLINICAL)
    evaluation = get_object_or_404(Evaluation, period=period)
    form = CorrectionForm(form_data(request), auto_id="correction-%s")
    actor = require_user(request.user)
    saved = submit(
        form,
        lambda data: services.evaluation_correction_add(actor=actor, evaluation=evaluation, **data),
    )
    if saved is not None:
        return _saved(request, period.pk, _("Rettelsen er sendt."), anchor="rettelser")
    return _form_answer(
        request,
        partial="correction-form",
        context={"period": period, "team": period.team, "correction_form": form},
        title=_("Skriv en rettelse"),
    )


@login_required
@require_POST
def evaluation_close(request: HtmxHttpRequest, period_pk: int) -> HttpResponse:
    period, _standing = selectors.period_for(request.user, period_pk, Action.MANAGE_TEAM)
    form = CloseForm(request.POST)
    form.is_valid()
    try:
        with unique_violation_as_validation_error():
            services.evaluation_close(
                actor=require_user(request.user),
                period=period,
                today=timezone.localdate(),
                early=bool(form.cleaned_data.get("early")),
            )
    except ValidationError as error:
        return _refused(request, period.pk, error)
    return _saved(
        request,
        period.pk,
        _("Evalueringen er avsluttet. Neste steg: sett en ny planperiode med nye mål."),
    )


@login_required
@require_POST
def evaluation_meeting_confirm(
    request: HtmxHttpRequest, period_pk: int, meeting_pk: int
) -> HttpResponse:
    period, _standing = selectors.period_for(request.user, period_pk, Action.MANAGE_TEAM)
    meeting = get_object_or_404(Meeting, pk=meeting_pk, plan_period=period)
    form = MeetingConfirmForm(request.POST, auto_id="meeting-%s")
    if not form.is_valid():
        error = ValidationError([e for errors in form.errors.values() for e in errors])
        return _refused(request, period.pk, error)
    try:
        services.evaluation_meeting_confirm(
            actor=require_user(request.user),
            meeting=meeting,
            starts_at=form.cleaned_data["starts_at"],
        )
    except ValidationError as error:
        return _refused(request, period.pk, error)
    return _saved(request, period.pk, _("Tidspunktet for evalueringsmøtet er bekreftet."))


# ---------------------------------------------------------------------------------------------
# The patient's own view


@login_required
def portal_evaluations(request: HtmxHttpRequest, patient_pk: int) -> HttpResponse:
    """The evaluations of the patient's plan periods, once the summary is sent: plain words,
    the patient's own words first."""
    patient, rows = selectors.portal_evaluations(request.user, patient_pk)
    return render(request, PORTAL, {"patient": patient, "rows": rows, "now": timezone.now()})
