"""HTTP for night contacts (issue 7): the short contact form, the CSV import and its result,
the team's full timeline, and the coordinator's phase rules.

The team page section "natt" is built here (``night_section``). Every page works as a plain
form post; the contact form also answers htmx in place (status 200 on invalid input).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from actors.access import Action, allows, is_night_service, require_user
from actors.forms import add_service_errors
from actors.selectors import TeamPage, team_for_action
from coordination.models import NightContact
from coordination.night import digest as night_digest
from coordination.night import services as night_services
from coordination.night.crisis_services import CardPatient, crisis_card_patient
from coordination.night.forms import (
    ContactImportForm,
    NewCountRuleForm,
    NightContactForm,
    PhaseRuleForm,
)
from coordination.night.selectors import (
    PAGE_LIMIT,
    contact_import_get,
    night_section_data,
    timeline,
)
from coordination.night.services import NOT_FOUND
from coordination.phase import rules as phase_rules
from coordination.referral.menu import mark_night_menu
from lkt.core.dates import short_datetime
from lkt.core.http import HtmxHttpRequest, form_data
from lkt.core.throttling import lookup_refused_message, national_id_lookup_refused

CONTACT_PAGE = "coordination/night_contact_form.html"
CHANGED = "natt-changed"


def night_section(page: TeamPage) -> dict[str, Any]:
    """The "natt" section: timeline and per-service counts (three queries, see
    ``night_selectors.night_section_data``); the links cost none."""
    return {
        **night_section_data(page.team),
        "manages": allows(page.standing, Action.MANAGE_TEAM),
        "may_record": page.standing.is_member or page.standing.is_coordinator,
    }


# The crisis card's link to the form carries the card's own link (signed, bound to the user,
# short-lived): the form names the patient only while that card could be shown to this user.
CARD_PARAMETER = "kort"


def _from_card(request: HtmxHttpRequest, actor: Any) -> tuple[CardPatient | None, bool]:
    """The patient of the crisis card the form was opened from, and whether a card link was
    given that no longer names anyone this user may see. That second answer is the same for
    every refused link (expired, another user's, forged, consent withdrawn, team closed), so
    nobody learns from it whether a patient exists."""
    token = request.GET.get(CARD_PARAMETER, "")
    if not token:
        return None, False
    found = crisis_card_patient(actor, token)
    return found, found is None


def _record(
    request: HtmxHttpRequest, actor: Any, form: NightContactForm, card: CardPatient | None
) -> NightContact | None:
    if not form.is_valid():
        return None
    data = dict(form.cleaned_data)
    try:
        if card is not None:
            # The patient comes from the card: no lookup by fødselsnummer to throttle.
            return night_services.night_contact_record_for_patient(
                actor=actor, patient_pk=card.patient_pk, **data
            )
        # A contact recorded by fødselsnummer counts as a lookup (lkt.core.throttling).
        wait = national_id_lookup_refused(request)
        if wait is not None:
            form.add_error(None, lookup_refused_message(wait))
            return None
        return night_services.night_contact_record_by_national_id(actor=actor, **data)
    except Http404:
        if card is not None:
            form.add_error(None, str(NOT_FOUND))
        else:
            form.add_error("national_id", str(NOT_FOUND))
    except ValidationError as error:
        add_service_errors(form, error)
    return None


def _saved_message(contact: NightContact) -> str:
    when = short_datetime(contact.occurred_at)
    values = {"service": contact.get_service_display(), "when": when}
    if night_digest.is_late(contact):
        return (
            _(
                "Kontakten er registrert (%(service)s %(when)s). Morgenoppsummeringen for den "
                "natten er sendt, så pasientens koordinator og stedfortreder får et eget "
                "varsel om den nå."
            )
            % values
        )
    return (
        _(
            "Kontakten er registrert (%(service)s %(when)s). Pasientens koordinator får den i "
            "morgenoppsummeringen."
        )
        % values
    )


@login_required
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def night_contact_create(request: HtmxHttpRequest) -> HttpResponse:
    """One short form: fødselsnummer, service, time, reason, outcome, suicide risk. Opened
    from a crisis card (``?kort=``), the patient is the card's and no fødselsnummer is asked."""
    if not night_services.may_open_record_page(request.user):
        raise PermissionDenied
    actor = require_user(request.user)
    if is_night_service(actor):
        mark_night_menu(request)
    card, link_refused = _from_card(request, actor)
    form = NightContactForm(form_data(request), prefilled=card is not None)
    contact = _record(request, actor, form, card)
    record_url = reverse("coordination:night-contact-create")
    if card is not None:
        record_url += "?" + urlencode({CARD_PARAMETER: card.token})
    context: dict[str, Any] = {
        "form": form,
        "card": card,
        "card_url": reverse("coordination:crisis-card", args=[card.token]) if card else "",
        "link_refused": link_refused,
        "record_url": record_url,
        "may_import": night_services.may_import(actor),
    }
    if contact is not None:
        messages.success(request, _saved_message(contact))
        if not request.htmx:
            return redirect(record_url)
        # In place: a fresh form under the confirmation, and the team page's sections reload.
        context |= {"form": NightContactForm(prefilled=card is not None), "saved": True}
        response = render(request, f"{CONTACT_PAGE}#contact-form", context)
        return trigger_client_event(response, CHANGED)
    if request.htmx:
        return render(request, f"{CONTACT_PAGE}#contact-form", context)
    return render(request, CONTACT_PAGE, context)


@login_required
@require_http_methods(["GET", "POST"])
def night_contact_import(request: HtmxHttpRequest) -> HttpResponse:
    """Upload a CSV file of contacts; the result page lists each refused row."""
    if not night_services.may_import(request.user):
        raise PermissionDenied
    actor = require_user(request.user)
    form = ContactImportForm(form_data(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = night_services.night_contact_import(
                actor=actor, file_name=upload.name, content=upload.read()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("coordination:night-import-detail", pk=batch.pk)
    return render(request, "coordination/night_import.html", {"form": form})


@login_required
@require_GET
def night_import_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    batch = contact_import_get(request.user, pk)
    return render(request, "coordination/night_import_result.html", {"batch": batch})


@login_required
@require_GET
def team_night(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The whole timeline of night contacts and phase changes for the team's patient."""
    team = team_for_action(request.user, pk, Action.VIEW_CLINICAL)
    entries, more = timeline(team, PAGE_LIMIT)
    return render(
        request,
        "coordination/night_timeline.html",
        {"team": team, "entries": entries, "more": more},
    )


@login_required
@require_http_methods(["GET", "POST"])
def phase_rules_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The coordinator edits the team's phase rules (the defaults until the first save)."""
    team = team_for_action(request.user, pk, Action.MANAGE_TEAM)
    actor = require_user(request.user)
    rules = phase_rules.rules_for(team)
    data = form_data(request)
    forms = [
        PhaseRuleForm(
            data,
            prefix=f"rule-{index}",
            initial={
                "active": rule.active,
                "min_contacts": rule.min_contacts,
                "within_days": rule.within_days,
                "phase": rule.phase,
            },
        )
        for index, rule in enumerate(rules)
    ]
    new_form = NewCountRuleForm(data, prefix="new")
    if data is not None and all(f.is_valid() for f in forms) and new_form.is_valid():
        new = new_form.cleaned_data
        try:
            phase_rules.phase_rules_save(
                actor=actor,
                team=team,
                changes=[f.cleaned_data for f in forms],
                new=(
                    {
                        "min_contacts": new["min_contacts"],
                        "within_days": new["within_days"],
                        "phase": new["phase"],
                        "active": new["active"],
                    }
                    if new["phase"]
                    else None
                ),
            )
        except ValidationError as error:
            for key, found in error.message_dict.items():
                target = new_form if key == "new" else forms[int(key.split("-")[1])]
                target.add_error(None, found)
        else:
            messages.success(request, _("Fasereglene er lagret."))
            return redirect("coordination:phase-rules-edit", pk=team.pk)
    context = {
        "team": team,
        "rows": list(zip(rules, forms, strict=True)),
        "new_form": new_form,
        "own": bool(rules and rules[0].pk),
        "has_errors": any(f.errors for f in forms) or bool(new_form.errors),
    }
    return render(request, "coordination/night_rules.html", context)
