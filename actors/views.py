"""HTTP for people and teams: parse, call a service or selector, render a page or a partial."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from actors import selectors, services
from actors.forms import (
    ConsentForm,
    PatientRegisterForm,
    submit,
)
from actors.models import Consent, User
from actors.network_selectors import continuity_warnings_for_teams
from actors.selectors import team_section_url
from actors.team_page import FOLLOWING, SECTIONS_BY_KEY, visible_sections
from coordination.task_selectors import overdue_counts
from lkt.access import Action, allows, is_leader, require_user
from lkt.http import HtmxHttpRequest, form_data
from lkt.throttling import lookup_refused_message, national_id_lookup_refused


def _staff(request: HtmxHttpRequest) -> User:
    user = require_user(request.user)
    if user.kind != User.Kind.STAFF:
        raise PermissionDenied
    return user


@login_required
def team_list(request: HtmxHttpRequest) -> HttpResponse:
    user = _staff(request)
    teams = selectors.team_list_for_member(user)
    unprepared = continuity_warnings_for_teams(teams)
    # Element E: open tasks past their due date, one aggregate query for all the teams.
    overdue = overdue_counts(team.pk for team in teams)
    rows = [
        (team, selectors.missing_roles(team), unprepared.get(team.pk, 0), overdue.get(team.pk, 0))
        for team in teams
    ]
    return render(
        request,
        "actors/team_list.html",
        {
            "rows": rows,
            "awaiting_consent": selectors.team_count_awaiting_consent(user),
        },
    )


@login_required
@vary_on_headers("HX-Request")
def team_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    page = selectors.team_get(request.user, pk)
    context = {"page": page, "team": page.team, "sections": visible_sections(page)}
    return render(request, "actors/team_detail.html", context)


@login_required
@vary_on_headers("HX-Request")
def team_section(request: HtmxHttpRequest, pk: int, key: str) -> HttpResponse:
    """One section of the team page as an htmx partial; without htmx, the page at its anchor."""
    section = SECTIONS_BY_KEY[key]
    if not request.htmx:
        return redirect(team_section_url(pk, key))
    page = selectors.team_get(request.user, pk)
    if not allows(page.standing, section.action):
        raise PermissionDenied
    context = {"page": page, "team": page.team, "data": section.data(page), "section": section}
    if FOLLOWING in request.GET:
        # A message belongs to the section whose change it reports: not taking it here leaves
        # it for that section's own reload, whichever request arrives first.
        context["messages"] = ()
    return render(request, section.template, context)


@login_required
def patient_search(request: HtmxHttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    results = selectors.patient_search(request.user, query)
    template = "actors/patient_search.html" + ("#results" if request.htmx else "")
    return render(request, template, {"query": query, "results": results})


@login_required
@require_http_methods(["GET", "POST"])
def patient_register(request: HtmxHttpRequest) -> HttpResponse:
    user = _staff(request)
    form = PatientRegisterForm(form_data(request))
    # "Already registered" tells whether a fødselsnummer is in LKT: a lookup (lkt.throttling).
    if form.is_valid() and (wait := national_id_lookup_refused(request)) is not None:
        form.add_error(None, lookup_refused_message(wait))
    team = submit(form, lambda data: services.patient_register(actor=user, **data))
    if team is not None:
        messages.success(
            request, _("Pasienten er registrert. Neste steg: innhent samtykke til deling.")
        )
        return redirect("actors:team-detail", pk=team.pk)
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
        return redirect("actors:team-detail", pk=team.pk)
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
    return redirect("actors:team-detail", pk=team.pk)


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
