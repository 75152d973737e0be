"""Adding, changing and ending memberships, in place on the team page.

Each form is a fragment that loads into the members section's panel with htmx and posts back
there; without JavaScript the same form is a page of its own. On success the members section
and the aktørkart reload themselves (HX-Trigger), and history stays: ending sets a date and a
reason, it never deletes.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from actors import selectors, services
from actors.access import Action, require_user
from actors.forms import (
    MemberAddForm,
    MemberEditForm,
    MemberEndForm,
    TeamActivateForm,
    TeamCloseForm,
    submit,
)
from actors.models import Member, Team
from actors.selectors import team_section_url
from lkt.core.http import HtmxHttpRequest, form_answer, form_data, saved_in_panel

FORMS_TEMPLATE = "actors/member_forms.html"


def _form_response(
    request: HtmxHttpRequest, team: Team, partial: str, context: dict[str, Any]
) -> HttpResponse:
    return form_answer(
        request,
        template=FORMS_TEMPLATE,
        partial=partial,
        page="actors/member_form_page.html",
        context={"team": team, **context},
    )


def _saved(request: HtmxHttpRequest, team: Team, message: str) -> HttpResponse:
    # The panel empties; the members section, and those that follow it, reload with the change.
    return saved_in_panel(
        request, message, event="medlemmer-changed", back=team_section_url(team.pk, "medlemmer")
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    team = selectors.team_for_action(request.user, pk, Action.MANAGE_TEAM)
    form = MemberAddForm(form_data(request))
    if submit(
        form, lambda data: services.member_add(actor=require_user(request.user), team=team, **data)
    ):
        return _saved(request, team, _("Medlemmet er lagt til."))
    return _form_response(request, team, "member-add-form", {"form": form})


def _member(request: HtmxHttpRequest, pk: int, member_pk: int) -> tuple[Team, Member]:
    team = selectors.team_for_action(request.user, pk, Action.MANAGE_TEAM)
    return team, selectors.active_member(team, member_pk)


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request: HtmxHttpRequest, pk: int, member_pk: int) -> HttpResponse:
    team, member = _member(request, pk, member_pk)
    form = MemberEditForm.for_member(member, form_data(request))
    if submit(
        form,
        lambda data: services.member_update(
            actor=require_user(request.user), member=member, **data
        ),
    ):
        return _saved(request, team, _("Endringen er lagret."))
    return _form_response(request, team, "member-edit-form", {"form": form, "member": member})


@login_required
@require_http_methods(["GET", "POST"])
def member_end(request: HtmxHttpRequest, pk: int, member_pk: int) -> HttpResponse:
    team, member = _member(request, pk, member_pk)
    form = MemberEndForm(form_data(request), initial={"left_on": timezone.localdate()})
    if submit(
        form,
        lambda data: services.member_end(actor=require_user(request.user), member=member, **data),
    ):
        return _saved(request, team, _("Medlemskapet er avsluttet. Historikken er tatt vare på."))
    return _form_response(request, team, "member-end-form", {"form": form, "member": member})


@login_required
@require_http_methods(["GET", "POST"])
def team_activate(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    team = selectors.team_for_action(request.user, pk, Action.MANAGE_TEAM)
    form = TeamActivateForm(form_data(request))
    if submit(
        form,
        lambda data: services.team_activate(actor=require_user(request.user), team=team, **data),
    ):
        messages.success(request, _("Aktørfellesskapet er aktivt."))
        return redirect("workspace:team-detail", pk=team.pk)
    return render(request, "actors/team_activate.html", {"form": form, "team": team})


@login_required
@require_http_methods(["GET", "POST"])
def team_close(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Close the aktørfellesskap, after a confirmation page that says what follows; then on to
    the closed team's archive copy (the team page is no longer there for staff)."""
    team, leader = selectors.team_for_close(request.user, pk)
    form = TeamCloseForm(form_data(request))
    if submit(
        form,
        lambda data: services.team_close(
            actor=require_user(request.user), team=team, reason=data["reason"]
        ),
    ):
        messages.success(
            request,
            _("Aktørfellesskapet er avsluttet. Last ned arkivkopien til kommunens arkiv."),
        )
        return redirect("coordination:team-archive", pk=team.pk)
    return render(request, "actors/team_close.html", {"form": form, "team": team, "leader": leader})
