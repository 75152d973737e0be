"""HTTP for crisis access by legevakt and AMK: lookup by fødselsnummer, the reason (or
break-glass under helsepersonelloven § 7), and the crisis card.

The card is one plain page: one request, no htmx, no script, made for a phone at night and for
paper. Every step answers 404 to those who may not know the patient is there.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from actors.access import is_night_service, require_user
from actors.forms import submit
from coordination.night.crisis_forms import CrisisLookupForm, CrisisReasonForm
from coordination.night.crisis_selectors import CrisisCard, crisis_card_get, crisis_patient_find
from coordination.night.crisis_services import (
    BreakGlassRequired,
    crisis_card_for_team,
    crisis_card_open,
    crisis_card_show,
    crisis_step_get,
    lookup_token,
    lookup_token_patient,
)
from coordination.referral.menu import mark_night_menu
from lkt.core.http import form_data
from lkt.core.throttling import lookup_refused_message, national_id_lookup_refused


@login_required
@require_http_methods(["GET", "POST"])
def crisis_lookup(request: HttpRequest) -> HttpResponse:
    user = require_user(request.user)
    if not is_night_service(user):
        raise PermissionDenied
    mark_night_menu(request)
    form = CrisisLookupForm(form_data(request))
    context = {"form": form, "not_found": False}
    if form.is_valid():
        wait = national_id_lookup_refused(request)
        if wait is not None:
            context["too_many"] = lookup_refused_message(wait)
            response = render(request, "coordination/crisis_lookup.html", context, status=429)
            response["Retry-After"] = str(wait)
            return response
        patient = crisis_patient_find(form.cleaned_data["national_id"])
        if patient is not None:
            return redirect("coordination:crisis-access", lookup_token(user, patient.pk))
        context["not_found"] = True
    return render(request, "coordination/crisis_lookup.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def crisis_access(request: HttpRequest, token: str) -> HttpResponse:
    user = require_user(request.user)
    step = crisis_step_get(user, patient_pk=lookup_token_patient(user, token))
    form = CrisisReasonForm(form_data(request), break_glass=step.break_glass)
    card_token = submit(
        form,
        lambda data: crisis_card_open(
            actor=user,
            step=step,
            reason=data["reason"],
            emergency=bool(data.get("emergency")),
        ),
    )
    if card_token is not None:
        return redirect("coordination:crisis-card", card_token)
    return render(
        request, "coordination/crisis_access.html", {"form": form, "step": step, "token": token}
    )


def _card_page(
    request: HttpRequest, card: CrisisCard | None, *, night: bool, token: str = ""
) -> HttpResponse:
    if card is None:
        raise Http404
    # ``token``: the card's own link, which the night contact form takes to name the patient.
    return render(
        request,
        "coordination/crisis_card.html",
        {"card": card, "night": night, "token": token},
        using="jinja2",
    )


@login_required
@require_GET
def crisis_card(request: HttpRequest, token: str) -> HttpResponse:
    """The card under the link its access gave. The link names the logged access (signed,
    bound to this user, valid for ``TOKEN_MAX_AGE``); whether it still holds is decided at this
    request (crisis_services.crisis_card_show): a card opened with consent that has since been
    withdrawn sends the user back to the step, which asks for break-glass. A reload or print
    while it holds costs no new reason and no new row: the page is two queries after the
    session and user (scripts/bench/crisis.py)."""
    user = require_user(request.user)
    try:
        card = crisis_card_show(user, token)
    except BreakGlassRequired as needed:
        return redirect("coordination:crisis-access", needed.lookup)
    return _card_page(request, card, night=True, token=token)


@login_required
@require_GET
def crisis_card_team(request: HttpRequest, pk: int) -> HttpResponse:
    """The same card for staff in the team, from the team page (audited as a view)."""
    team = crisis_card_for_team(require_user(request.user), pk)
    return _card_page(request, crisis_card_get(team_pk=team.pk), night=False)
