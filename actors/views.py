"""HTTP for people and teams: parse, call a service or selector, render a page or a partial."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from actors import selectors, services
from actors.access import Action, is_leader, require_staff, require_user
from actors.forms import (
    ConsentForm,
    PatientRegisterForm,
    submit,
)
from actors.models import Consent, User
from lkt.core.http import HtmxHttpRequest, form_data
from lkt.core.throttling import lookup_refused_message, national_id_lookup_refused


@login_required
def patient_search(request: HtmxHttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    results = selectors.patient_search(request.user, query)
    template = "actors/patient_search.html" + ("#results" if request.htmx else "")
    return render(request, template, {"query": query, "results": results})


@login_required
@require_http_methods(["GET", "POST"])
def patient_register(request: HtmxHttpRequest) -> HttpResponse:
    user = require_staff(request.user)
    form = PatientRegisterForm(form_data(request))
    # "Already registered" tells whether a fødselsnummer is in LKT: a lookup (lkt.core.throttling).
    if form.is_valid() and (wait := national_id_lookup_refused(request)) is not None:
        form.add_error(None, lookup_refused_message(wait))
    team = submit(form, lambda data: services.patient_register(actor=user, **data))
    if team is not None:
        messages.success(
            request, _("Pasienten er registrert. Neste steg: innhent samtykke til deling.")
        )
        return redirect("workspace:team-detail", pk=team.pk)
    return render(request, "actors/patient_register.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def consent_record(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    team = selectors.team_for_action(request.user, pk, Action.RECORD_CONSENT)
    form = ConsentForm(form_data(request))
    actor = require_user(request.user)
    if submit(
        form,
        lambda data: services.consent_record(actor=actor, patient=team.patient, **data),
    ):
        messages.success(request, _("Samtykket er registrert."))
        return redirect("workspace:team-detail", pk=team.pk)
    return render(request, "actors/consent_form.html", {"form": form, "team": team})


@login_required
@require_POST
def consent_withdraw(request: HtmxHttpRequest, pk: int, consent_pk: int) -> HttpResponse:
    team = selectors.team_for_action(request.user, pk, Action.RECORD_CONSENT)
    consent = get_object_or_404(Consent, pk=consent_pk, patient=team.patient)
    try:
        services.consent_withdraw(actor=require_user(request.user), consent=consent)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Samtykket er trukket tilbake og gjelder ikke lenger."))
    return redirect("workspace:team-detail", pk=team.pk)


@login_required
def relative_home(request: HtmxHttpRequest) -> HttpResponse:
    """What a relative may see: the patients who gave them access, and to what."""
    user = require_user(request.user)
    if user.kind != User.Kind.RELATIVE:
        raise PermissionDenied
    links = selectors.relative_link_list_for_relative(user)
    return render(request, "actors/relative_home.html", {"links": links})


@login_required
def incomplete_teams(request: HtmxHttpRequest) -> HttpResponse:
    """Leaders: teams in their organisation that miss a mandatory role."""
    user = require_user(request.user)
    if not is_leader(user):
        raise PermissionDenied
    teams = selectors.team_list_incomplete_for_leader(user)
    rows = [(team, selectors.missing_roles(team)) for team in teams]
    return render(request, "actors/incomplete_teams.html", {"rows": rows})
