"""HTTP for observations, phase-change proposals and acknowledging alerts.

The "observasjoner" section of the team page is built here (``observation_section``). Forms
post with htmx and come back in place with status 200 on invalid input; a save sends
"observasjoner-changed" (and "fase-changed" when the phase changed) so the sections reload.
Without JavaScript every form posts normally and a save returns to the team page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from actors.access import Action, allows, require_user
from actors.forms import submit
from actors.selectors import TeamPage, team_for_action, team_get
from careplans.models import Phase
from coordination.models import Notification, Observation
from coordination.observations import services as observation_services
from coordination.observations.forms import (
    ObservationDecideForm,
    ObservationForm,
    PortalObservationForm,
)
from coordination.observations.selectors import (
    decided_observations,
    observation_list_for_patient,
    open_observations,
)
from coordination.observations.services import observations_url
from coordination.phase import alerts
from lkt.core.forms import focus_when_opened
from lkt.core.http import HtmxHttpRequest, form_data

SECTION = "coordination/team_observations_section.html"  # Jinja2, as the item
ITEM = "coordination/observation_item.html"
REPORT_FORM = "coordination/observation_report_form.html"
FORM_PAGE = "coordination/observation_form_page.html"
PORTAL = "portal/observation_list.html"
CHANGED = "observasjoner-changed"


def _report_form(data: Any = None) -> ObservationForm:
    return ObservationForm(data, auto_id="observation-new-%s")


def observation_section(page: TeamPage) -> dict[str, Any]:
    """Two queries whatever the number of observations: 1 the open observations with their
    reporters, 2 the latest decided ones with reporter and decider. The forms cost none."""
    manages = allows(page.standing, Action.MANAGE_TEAM)
    observations = open_observations(page.team)
    return {
        "open": [
            (o, ObservationDecideForm(observation=o) if manages else None) for o in observations
        ],
        "decided": decided_observations(page.team),
        "manages": manages,
        # The report form renders when opened (observation_create answers its GET).
        "may_report": allows(page.standing, Action.VIEW_CLINICAL),
    }


def _back(team_pk: int) -> str:
    return observations_url(team_pk)


@login_required
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def observation_create(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Tell the team that something has changed (staff in the team, or the patient)."""
    team = team_for_action(request.user, pk, Action.VIEW_CLINICAL)
    form = _report_form(form_data(request))
    actor = require_user(request.user)
    observation = submit(
        form,
        lambda data: observation_services.observation_report(actor=actor, team=team, **data),
    )
    if observation is not None:
        messages.success(
            request,
            _("Takk. Koordinatoren har fått beskjed.")
            if not observation.proposed_phase
            else _("Takk. Koordinatoren har fått forslaget om %(phase)s fase.")
            % {"phase": str(Phase(observation.proposed_phase).label).lower()},
        )
        if not request.htmx:
            return redirect(_back(team.pk))
        return trigger_client_event(HttpResponse(""), CHANGED)
    context = {"team": team, "report_form": form, "title": _("Noe har endret seg")}
    focus_when_opened(request, form)
    if request.htmx:
        return render(request, REPORT_FORM, context)
    return render(request, FORM_PAGE, {**context, "partial": REPORT_FORM})


@login_required
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def observation_decide(request: HtmxHttpRequest, pk: int, observation_pk: int) -> HttpResponse:
    """The coordinator confirms, rejects or notes an observation."""
    team = team_for_action(request.user, pk, Action.MANAGE_TEAM)
    observation = get_object_or_404(
        Observation.objects.select_related("reported_by"), pk=observation_pk, team=team
    )
    observation.team = team
    form = ObservationDecideForm(form_data(request), observation=observation)
    actor = require_user(request.user)
    decided = submit(
        form,
        lambda data: observation_services.observation_decide(
            actor=actor, observation=observation, **data
        ),
    )
    if decided is not None:
        if decided.status == Observation.Status.CONFIRMED:
            message = _("Fasen er endret til %(phase)s. De som er navngitt i planen, er varslet.")
            message %= {"phase": str(Phase(decided.proposed_phase).label).lower()}
        elif decided.status == Observation.Status.REJECTED:
            message = _("Forslaget er avvist. Den som meldte, ser merknaden din.")
        else:
            message = _("Observasjonen er merket som lest.")
        messages.success(request, message)
        if not request.htmx:
            return redirect(_back(team.pk))
        # The whole section comes back in this response, message included: a reload fired by
        # an event would race the other sections' reloads for the one flash message.
        page = team_get(request.user, team.pk)
        response = render(
            request,
            SECTION,
            {
                "page": page,
                "team": team,
                "data": observation_section(page),
                "messages": get_messages(request),
            },
        )
        response["HX-Retarget"] = "#observasjoner"
        response["HX-Reswap"] = "innerHTML"
        if decided.status == Observation.Status.CONFIRMED:
            return trigger_client_event(response, "fase-changed")
        return response
    context = {
        "team": team,
        "observation": observation,
        "form": form,
        "manages": True,
        "title": _("Svar på observasjonen"),
    }
    if request.htmx:
        return render(request, ITEM, context)
    return render(request, FORM_PAGE, context)


# ---------------------------------------------------------------------------------------------
# The patient in the portal


@login_required
@require_http_methods(["GET", "POST"])
def observation_portal(request: HtmxHttpRequest, patient_pk: int) -> HttpResponse:
    """ "Har noe endret seg? Fortell teamet ditt": the patient's own reports and a new one."""
    page = observation_list_for_patient(request.user, patient_pk)
    form = PortalObservationForm(form_data(request), auto_id="portal-observation-%s")
    actor = require_user(request.user)

    def report(data: dict[str, Any]) -> Observation:
        if page.team is None:  # no team yet: nobody to tell, and no form is shown
            raise Http404
        return observation_services.observation_report(actor=actor, team=page.team, **data)

    saved = submit(form, report)
    if saved is not None:
        messages.success(request, _("Takk! Teamet ditt har fått beskjeden. Svaret kommer her."))
        return redirect("coordination:observation-portal", patient_pk=page.patient.pk)
    context = {"page": page, "patient": page.patient, "form": form}
    return render(request, PORTAL, context)


# ---------------------------------------------------------------------------------------------
# Acknowledging an alert


def _inbox(request: HtmxHttpRequest) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("coordination:notification-list")


@login_required
@require_POST
def notification_acknowledge(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The recipient acknowledges an alert, so it does not escalate. Someone else's
    notification is not there for them (404)."""
    actor = require_user(request.user)
    notification = Notification.objects.filter(pk=pk, recipient=actor).first()
    if notification is None:
        raise Http404
    try:
        alerts.notification_acknowledge(actor=actor, notification=notification)
    except PermissionDenied:  # pragma: no cover - the filter above already refused others
        raise Http404 from None
    if request.htmx:
        response = HttpResponse(
            format_html(
                '<span class="ds-tag" data-color="success" role="status">{}</span>',
                _("Kvittert"),
            )
        )
        return trigger_client_event(response, "varsler-changed")
    messages.success(request, _("Takk, varselet er kvittert."))
    return redirect(_inbox(request))
