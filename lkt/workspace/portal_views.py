"""HTTP for the patient and relative portal ("Min side"): phone-first, plain language.

The patient sees their own portal; a relative sees only what the patient allowed; a parent or
guardian of a child under 16 manages the child's consent. Staff use the team page instead.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from actors import services
from actors.access import Action, require_user
from actors.forms import add_service_errors
from actors.models import Consent, User
from actors.selectors import own_patient
from coordination.meetings.selectors import portal_meetings_seen
from lkt.core.forms import unique_violation_as_validation_error
from lkt.core.http import HtmxHttpRequest, form_data
from lkt.workspace import access_log_selectors
from lkt.workspace import portal_selectors as selectors
from lkt.workspace.portal_forms import SCOPE_WORDS, ConsentDecisionForm

# Events that make the portal's sections reload themselves after a change.
CONSENT_CHANGED = "portal-consent-changed"


def _overview(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    page = selectors.portal_get(request.user, pk, meetings_for=portal_meetings_seen)
    return render(request, "portal/home.html", {"page": page, "patient": page.patient})


@login_required
@require_GET
def portal_home(request: HtmxHttpRequest) -> HttpResponse:
    """/min-side/: the patient's own portal; a relative is sent to their list of patients."""
    user = require_user(request.user)
    if user.kind == User.Kind.RELATIVE:
        return redirect("actors:relative-home")
    if user.kind != User.Kind.PATIENT:
        raise PermissionDenied
    patient = own_patient(user)
    return _overview(request, patient.pk)


@login_required
@require_GET
def portal_overview(request: HtmxHttpRequest, patient_pk: int) -> HttpResponse:
    return _overview(request, patient_pk)


@login_required
@require_GET
def portal_team(request: HtmxHttpRequest, patient_pk: int) -> HttpResponse:
    page = selectors.portal_get(request.user, patient_pk, Action.VIEW_TEAM)
    return render(request, "portal/team.html", {"page": page, "patient": page.patient})


@login_required
@require_GET
def portal_plan(request: HtmxHttpRequest, patient_pk: int) -> HttpResponse:
    page = selectors.portal_get(
        request.user,
        patient_pk,
        Action.VIEW_PLAN,
        meetings_for=portal_meetings_seen,
        documents=True,
    )
    return render(request, "portal/plan.html", {"page": page, "patient": page.patient})


def _consent_context(page: selectors.PortalPage, form: ConsentDecisionForm | None) -> dict:
    standing = {c.scope: c for c in page.consents if c.withdrawn_at is None}
    rows = [
        {"scope": scope, "label": SCOPE_WORDS[scope], "consent": standing.get(scope)}
        for scope in Consent.Scope
    ]
    return {"page": page, "patient": page.patient, "rows": rows, "form": form}


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def portal_consent(request: HtmxHttpRequest, patient_pk: int) -> HttpResponse:
    """The patient's consents: give or withdraw each. From 16 the patient decides; for a
    younger child a parent or guardian does, and the child sees the same page read-only."""
    page = selectors.portal_get(request.user, patient_pk)
    if not (page.standing.is_self or page.standing.acts_for_child):
        raise PermissionDenied
    form = ConsentDecisionForm(form_data(request))
    if request.method == "POST":
        if not page.may_manage_consent:
            raise PermissionDenied
        if form.is_valid():
            try:
                with unique_violation_as_validation_error():
                    changed = _decide(request, page, form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if not request.htmx:
                    messages.success(request, changed)
                    return redirect("workspace:portal-consent", patient_pk=page.patient.pk)
                page = selectors.portal_get(request.user, patient_pk)
                context = {**_consent_context(page, None), "saved": changed}
                response = render(request, "portal/consent.html#consents", context)
                return trigger_client_event(response, CONSENT_CHANGED)
    template = "portal/consent.html" + ("#consents" if request.htmx else "")
    return render(request, template, _consent_context(page, form))


def _decide(request: HtmxHttpRequest, page: selectors.PortalPage, data: dict) -> str:
    """Give or withdraw; the message to show. Withdrawal counts from the next request on."""
    actor = require_user(request.user)
    scope = data["scope"]
    current = next((c for c in page.consents if c.scope == scope and c.withdrawn_at is None), None)
    if data["decision"] == ConsentDecisionForm.GIVE:
        if current is not None:
            raise ValidationError({"scope": _("Du har allerede gitt dette samtykket.")})
        services.consent_record(
            actor=actor,
            patient=page.patient,
            scope=scope,
            method=Consent.Method.WRITTEN,
            note=_("Gitt på Min side."),
        )
        return _("Takk. Samtykket gjelder fra nå.")
    if current is None:
        raise ValidationError(
            {"scope": _("Dette samtykket er ikke gitt, eller er trukket tilbake.")}
        )
    services.consent_withdraw(actor=actor, consent=current)
    return _("Samtykket er trukket tilbake. Det gjelder fra nå.")


@login_required
@require_GET
def portal_access_log(request: HtmxHttpRequest, patient_pk: int) -> HttpResponse:
    patient, log, groups = access_log_selectors.access_log_page(
        request.user, patient_pk, request.GET.get("side", 1)
    )
    context = {"patient": patient, "log": log, "groups": groups}
    return render(request, "portal/access_log.html", context)
