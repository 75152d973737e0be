"""HTTP for people and teams: parse, call a service or selector, render a page or a partial."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event

from actors import selectors, services
from actors.forms import (
    ConsentForm,
    MemberAddForm,
    PatientRegisterForm,
    RelativeLinkForm,
    add_service_errors,
)
from actors.models import Consent, Member, Team, User
from lkt.access import Action, as_user, authorize
from lkt.http import HtmxHttpRequest


def _user(request: HtmxHttpRequest) -> User:
    user = as_user(request.user)
    if user is None:
        raise PermissionDenied
    return user


def _staff(request: HtmxHttpRequest) -> User:
    user = _user(request)
    if user.kind != User.Kind.STAFF:
        raise PermissionDenied
    return user


@login_required
def team_list(request: HtmxHttpRequest) -> HttpResponse:
    user = _staff(request)
    teams = selectors.team_list_for_member(user)
    rows = [(team, selectors.missing_roles(team)) for team in teams]
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
    template = "actors/team_detail.html" + ("#members" if request.htmx else "")
    return render(request, template, {"page": page, "team": page.team})


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
    form = PatientRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            team = services.patient_register(actor=user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Pasienten er registrert. Neste steg: innhent samtykke til deling.")
            )
            return redirect("actors:team-detail", pk=team.pk)
    return render(request, "actors/patient_register.html", {"form": form})


def _team_for(request: HtmxHttpRequest, pk: int, action: Action) -> Team:
    team = get_object_or_404(Team.objects.select_related("patient"), pk=pk)
    authorize(request.user, action, team.patient, obj=team)
    return team


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    team = _team_for(request, pk, Action.MANAGE_TEAM)
    form = MemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_add(actor=_user(request), team=team, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Medlemmet er lagt til."))
            if request.htmx:
                response = render(
                    request,
                    "actors/member_form.html#member-form",
                    {"form": MemberAddForm(), "team": team},
                )
                return trigger_client_event(response, "members-changed")
            return redirect("actors:team-detail", pk=team.pk)
    template = "actors/member_form.html" + ("#member-form" if request.htmx else "")
    return render(request, template, {"form": form, "team": team})


@login_required
@require_POST
def member_end(request: HtmxHttpRequest, pk: int, member_pk: int) -> HttpResponse:
    team = _team_for(request, pk, Action.MANAGE_TEAM)
    member = get_object_or_404(
        Member.objects.select_related("team__patient"), pk=member_pk, team=team
    )
    try:
        services.member_end(actor=_user(request), member=member)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Medlemskapet er avsluttet. Historikken er tatt vare på."))
    url = reverse("actors:team-detail", args=[team.pk])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@login_required
@require_http_methods(["GET", "POST"])
def consent_record(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    team = _team_for(request, pk, Action.RECORD_CONSENT)
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(actor=_user(request), patient=team.patient, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Samtykket er registrert."))
            return redirect("actors:team-detail", pk=team.pk)
    return render(request, "actors/consent_form.html", {"form": form, "team": team})


@login_required
@require_POST
def consent_withdraw(request: HtmxHttpRequest, pk: int, consent_pk: int) -> HttpResponse:
    team = _team_for(request, pk, Action.RECORD_CONSENT)
    consent = get_object_or_404(Consent, pk=consent_pk, patient=team.patient)
    try:
        services.consent_withdraw(actor=_user(request), consent=consent)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Samtykket er trukket tilbake og gjelder ikke lenger."))
    return redirect("actors:team-detail", pk=team.pk)


@login_required
@require_http_methods(["GET", "POST"])
def relative_link_create(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    team = _team_for(request, pk, Action.MANAGE_RELATIVES)
    form = RelativeLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.relative_link_create(
                actor=_user(request), patient=team.patient, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Pårørende er lagt til med tilgangen du valgte."))
            return redirect("actors:team-detail", pk=team.pk)
    return render(request, "actors/relative_form.html", {"form": form, "team": team})


@login_required
def relative_home(request: HtmxHttpRequest) -> HttpResponse:
    """What a relative may see: the patients who gave them access, and to what."""
    user = _user(request)
    if user.kind != User.Kind.RELATIVE:
        raise PermissionDenied
    links = selectors.relative_link_list_for_relative(user)
    return render(request, "actors/relative_home.html", {"links": links})
