"""HTTP for relatives and representation from the team page (the coordinator, on the patient's
behalf) and on Min side (the patient). Forms are pages of their own; a save goes back to the
team page's "Pårørende" section, or to the patient's list, with a message."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from actors import selectors
from actors.access import Action, require_user
from actors.forms import submit
from actors.models import Patient, RelativeLink, Team, User
from actors.relatives import selectors as relative_selectors
from actors.relatives import services as relative_services
from actors.relatives.forms import (
    PORTAL_ACCESS_LABELS,
    TEAM_ACCESS_LABELS,
    RelativeAccessForm,
    RelativeAddForm,
    RepresentationEndForm,
    RepresentationForm,
)
from actors.relatives.selectors import relative_links_for_patient
from actors.selectors import team_section_url
from lkt.core.http import HtmxHttpRequest, form_data

SECTION = "parorende"
# The patient's list of relatives on Min side reloads itself on this event.
RELATIVES_CHANGED = "portal-relatives-changed"


def _back(team_pk: int) -> HttpResponse:
    return redirect(team_section_url(team_pk, SECTION))


def _on_behalf(actor: User, team: Team) -> bool:
    """Staff act on the patient's behalf and confirm the patient agreed; the patient (who may
    use these pages too, though Min side is hers) does not."""
    return actor.pk != team.patient.user_id


@login_required
@require_http_methods(["GET", "POST"])
def relative_create(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The coordinator adds a relative on the patient's behalf, with the patient's consent."""
    team = selectors.team_for_action(request.user, pk, Action.MANAGE_RELATIVES)
    actor = require_user(request.user)
    form = RelativeAddForm(
        form_data(request), labels=TEAM_ACCESS_LABELS, on_behalf=_on_behalf(actor, team)
    )
    if submit(
        form,
        lambda data: relative_services.relative_link_create(
            actor=actor, patient=team.patient, **data
        ),
    ):
        messages.success(
            request,
            _(
                "Pårørende er lagt til med tilgangen du valgte. Hun eller han får tilgang ved "
                "første innlogging med BankID eller MinID."
            ),
        )
        return _back(team.pk)
    return render(request, "actors/relative_form.html", {"form": form, "team": team})


@login_required
@require_http_methods(["GET", "POST"])
def relative_edit(request: HtmxHttpRequest, pk: int, link_pk: int) -> HttpResponse:
    team = selectors.team_for_action(request.user, pk, Action.MANAGE_RELATIVES)
    link = relative_selectors.relative_link_for_team(team, link_pk)
    actor = require_user(request.user)
    form = RelativeAccessForm.for_link(
        link, form_data(request), labels=TEAM_ACCESS_LABELS, on_behalf=_on_behalf(actor, team)
    )
    if submit(
        form,
        lambda data: relative_services.relative_link_update(actor=actor, link=link, **data),
    ):
        messages.success(request, _("Tilgangen er endret. Det gjelder fra nå."))
        return _back(team.pk)
    context = {"form": form, "team": team, "link": link}
    return render(request, "actors/relative_edit.html", context)


@login_required
@require_POST
def relative_end(request: HtmxHttpRequest, pk: int, link_pk: int) -> HttpResponse:
    team = selectors.team_for_action(request.user, pk, Action.MANAGE_RELATIVES)
    link = relative_selectors.relative_link_for_team(team, link_pk)
    try:
        relative_services.relative_link_end(actor=require_user(request.user), link=link)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Tilgangen til %(name)s er avsluttet. Det gjelder fra nå.")
            % {"name": link.display_name},
        )
    return _back(team.pk)


@login_required
@require_http_methods(["GET", "POST"])
def representation_add(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    team = selectors.team_for_action(request.user, pk, Action.MANAGE_TEAM)
    actor = require_user(request.user)
    # Only a relative whose link gives full access can be chosen (the service says why else).
    links = [
        link
        for link in relative_selectors.patient_relative_links(team.patient)
        if link.is_active and link.has_full_access
    ]
    form = RepresentationForm(form_data(request), links=links)
    if submit(
        form,
        lambda data: relative_services.representation_record(
            actor=actor,
            link=data["relative_link"],
            basis=data["basis"],
            scope=data["scope"],
            valid_from=data["valid_from"],
            valid_until=data["valid_until"],
        ),
    ):
        messages.success(request, _("Representanten er registrert med grunnlaget."))
        return _back(team.pk)
    context = {"form": form, "team": team, "has_links": bool(links)}
    return render(request, "actors/representation_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def representation_end(request: HtmxHttpRequest, pk: int, representation_pk: int) -> HttpResponse:
    team = selectors.team_for_action(request.user, pk, Action.MANAGE_TEAM)
    representation = relative_selectors.representation_for_team(team, representation_pk)
    actor = require_user(request.user)
    form = RepresentationEndForm(form_data(request))
    if submit(
        form,
        lambda data: relative_services.representation_end(
            actor=actor, representation=representation, reason=data["ended_reason"]
        ),
    ):
        messages.success(request, _("Representasjonen er avsluttet."))
        return _back(team.pk)
    context = {"form": form, "team": team, "representation": representation}
    return render(request, "actors/representation_end.html", context)


# Min side: the patient's own list of relatives (only the patient: relatives_for_patient
# authorizes MANAGE_RELATIVES, and the portal is not for staff)


def _portal_rows(
    links: list[RelativeLink], posted: tuple[int, RelativeAccessForm] | None = None
) -> list[tuple[RelativeLink, RelativeAccessForm]]:
    return [
        (
            link,
            posted[1]
            if posted and posted[0] == link.pk
            else RelativeAccessForm.for_link(link, labels=PORTAL_ACCESS_LABELS),
        )
        for link in links
    ]


def portal_relatives_context(
    patient: Patient,
    links: list[RelativeLink],
    *,
    add_form: RelativeAddForm | None = None,
    posted: tuple[int, RelativeAccessForm] | None = None,
) -> dict[str, Any]:
    return {
        "patient": patient,
        "rows": _portal_rows(links, posted),
        "add_form": add_form or RelativeAddForm(labels=PORTAL_ACCESS_LABELS, on_behalf=False),
    }


@login_required
@require_POST
def portal_relative_add(request: HtmxHttpRequest, patient_pk: int) -> HttpResponse:
    """The patient adds a relative on Min side: name, fødselsnummer, phone and access."""
    patient, links = relative_links_for_patient(request.user, patient_pk)
    actor = require_user(request.user)
    form = RelativeAddForm(request.POST, labels=PORTAL_ACCESS_LABELS, on_behalf=False)
    link = submit(
        form,
        lambda data: relative_services.relative_link_create(actor=actor, patient=patient, **data),
    )
    if link is not None:
        messages.success(
            request,
            _(
                "%(name)s er lagt til. Hun eller han ser det du valgte når hun eller han har "
                "logget inn med BankID eller MinID."
            )
            % {"name": link.display_name},
        )
        return redirect("workspace:portal-relatives", patient_pk=patient.pk)
    context = portal_relatives_context(patient, links, add_form=form)
    return render(request, "portal/relatives.html", context)


@login_required
@require_POST
def portal_relative_end(request: HtmxHttpRequest, patient_pk: int, link_pk: int) -> HttpResponse:
    patient, links = relative_links_for_patient(request.user, patient_pk)
    link = next((x for x in links if x.pk == link_pk), None)
    if link is None:
        raise Http404
    try:
        relative_services.relative_link_end(actor=require_user(request.user), link=link)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s ser ikke lenger noe om deg. Det gjelder fra nå.")
            % {"name": link.display_name},
        )
    return redirect("workspace:portal-relatives", patient_pk=patient.pk)


@login_required
@require_GET
def portal_relatives(request: HtmxHttpRequest, patient_pk: int) -> HttpResponse:
    patient, links = relative_links_for_patient(request.user, patient_pk)
    return render(request, "portal/relatives.html", portal_relatives_context(patient, links))


@login_required
@require_POST
@vary_on_headers("HX-Request")
def portal_relative_update(request: HtmxHttpRequest, patient_pk: int, link_pk: int) -> HttpResponse:
    """Change what one relative may see and until when; it counts from their next request."""
    patient, links = relative_links_for_patient(request.user, patient_pk)
    found = next((x for x in links if x.pk == link_pk), None)
    if found is None:
        raise Http404
    link: RelativeLink = found
    actor = require_user(request.user)
    form = RelativeAccessForm.for_link(link, request.POST, labels=PORTAL_ACCESS_LABELS)
    saved = submit(
        form, lambda data: relative_services.relative_link_update(actor=actor, link=found, **data)
    )
    if saved is not None:
        if not request.htmx:
            messages.success(request, _("Lagret. Det gjelder fra nå."))
            return redirect("workspace:portal-relatives", patient_pk=patient.pk)
        link = saved
        form = RelativeAccessForm.for_link(link, labels=PORTAL_ACCESS_LABELS)
    if not request.htmx:
        context = portal_relatives_context(patient, links, posted=(link.pk, form))
        return render(request, "portal/relatives.html", context)
    context = {"patient": patient, "link": link, "form": form, "saved": saved is not None}
    response = render(request, "portal/relatives.html#relative", context)
    return trigger_client_event(response, RELATIVES_CHANGED) if saved is not None else response
