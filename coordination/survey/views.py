"""HTTP for the relational coordination survey: the "koordinering" section of the team page,
the answer page, and the coordinator's opening and closing of rounds.

The coordinator's forms post with htmx and get the whole section back in place (status 200
with the messages on invalid input); without JavaScript they post normally and a success
returns to the team page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from actors.access import Action, allows, require_user
from actors.forms import submit
from actors.models import Team
from actors.selectors import TeamPage, team_for_action, team_get, team_section_url
from coordination.models import SurveyRound
from coordination.reports.indicators import SUPPRESS_BELOW
from coordination.survey import services as survey_services
from coordination.survey.forms import SurveyAnswerForm, SurveyRoundOpenForm
from coordination.survey.selectors import (
    survey_answered_user_ids,
    survey_has_answered,
    survey_open_round,
    survey_results,
)
from lkt.core.forms import focus_when_opened
from lkt.core.http import HtmxHttpRequest, form_data

SECTION = "coordination/team_survey_section.html"  # Jinja2
OPEN_FORM = "coordination/survey_round_open_form.html"
KEY = "koordinering"


def survey_section(page: TeamPage, open_form: SurveyRoundOpenForm | None = None) -> dict[str, Any]:
    """One query for the rounds with their counts and means (``survey_results``), and one more
    while a round is open for a member who may answer: who has answered it already."""
    results = survey_results(page.team)
    manages = allows(page.standing, Action.MANAGE_TEAM)
    may_answer = page.standing.is_member
    answered: frozenset[int] = frozenset()
    if results.open is not None and may_answer:
        answered = survey_answered_user_ids(results.open.round)
    return {
        "results": results,
        "answered_ids": answered,
        "may_answer": may_answer,
        "manages": manages,
        # The form renders when opened (issue 17: survey_round_open answers its GET); the
        # section carries it only with its errors.
        "open_form": open_form if manages else None,
        "suppress_below": SUPPRESS_BELOW,
    }


def _section_response(
    request: HtmxHttpRequest, team: Team, open_form: SurveyRoundOpenForm | None = None
) -> HttpResponse:
    """The whole section in this response, message included (like the observations)."""
    page = team_get(request.user, team.pk)
    context = {
        "page": page,
        "team": page.team,
        "data": survey_section(page, open_form),
        "messages": messages.get_messages(request),
    }
    response = render(request, SECTION, context, using="jinja2")
    response["HX-Retarget"] = f"#{KEY}"
    response["HX-Reswap"] = "innerHTML"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def survey_answer(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The seven questions for a staff member of the team; the answer is anonymous."""
    team = team_for_action(request.user, pk, Action.VIEW_CLINICAL)
    actor = require_user(request.user)
    if not survey_services.survey_is_respondent(actor, team):
        raise PermissionDenied
    survey_round = survey_open_round(team)
    form = SurveyAnswerForm(form_data(request))
    answered = survey_round is not None and survey_has_answered(survey_round, actor)
    if survey_round is not None and not answered:
        current = survey_round
        saved = submit(
            form,
            lambda data: survey_services.survey_answer(
                actor=actor, round=current, scores=form.scores()
            ),
        )
        if saved is not None:
            messages.success(request, _("Takk for svaret! Svaret ditt er anonymt."))
            return redirect(team_section_url(team.pk, KEY))
    return render(
        request,
        "coordination/survey_answer.html",
        {"team": team, "round": survey_round, "answered": answered, "form": form},
    )


@login_required
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def survey_round_open(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The coordinator opens a round; the members are invited to answer. GET: the empty form,
    opened in the section (htmx) or on a page of its own."""
    team = team_for_action(request.user, pk, Action.MANAGE_TEAM)
    actor = require_user(request.user)
    form = SurveyRoundOpenForm(form_data(request))
    if request.method == "GET" and request.htmx:
        focus_when_opened(request, form)
        return render(request, OPEN_FORM, {"team": team, "form": form})
    opened = submit(
        form, lambda data: survey_services.survey_round_open(actor=actor, team=team, **data)
    )
    if opened is not None:
        messages.success(
            request,
            _("Runde %(number)s er åpnet. Medlemmene har fått beskjed om å svare.")
            % {"number": opened.number},
        )
        if not request.htmx:
            return redirect(team_section_url(team.pk, KEY))
        return _section_response(request, team)
    if request.htmx:
        return _section_response(request, team, form)
    return render(request, "coordination/survey_round_form_page.html", {"team": team, "form": form})


@login_required
@vary_on_headers("HX-Request")
@require_POST
def survey_round_close(request: HtmxHttpRequest, pk: int, round_pk: int) -> HttpResponse:
    """The coordinator closes the open round before its deadline."""
    team = team_for_action(request.user, pk, Action.MANAGE_TEAM)
    survey_round = get_object_or_404(SurveyRound, pk=round_pk, team=team)
    survey_round.team = team
    try:
        closed = survey_services.survey_round_close(
            actor=require_user(request.user), round=survey_round
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Runde %(number)s er lukket.") % {"number": closed.number})
    if not request.htmx:
        return redirect(team_section_url(team.pk, KEY))
    return _section_response(request, team)
