"""HTTP for the good-day count: the patient's answer in her portal, and the team page section
"gode-dager" where the coordinator records it together with the patient.

Both forms post with htmx and come back in place (status 200 on invalid input); without
JavaScript they post normally and a save redirects back to the page the form was on.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from actors.access import require_user
from actors.forms import submit
from actors.selectors import TeamPage, team_get, team_section_url
from careplans.good_day.rating import (
    PORTAL_ANSWERS,
    SECTION_ANSWERS,
    good_day_rating_record,
    good_day_ratings,
    good_day_ratings_for_portal,
    may_record,
    newest_ratings,
    sparkline,
)
from careplans.good_day.rating_forms import GoodDayRatingForm, TeamGoodDayRatingForm
from lkt.core.compiled_query import CompiledQuery
from lkt.core.forms import focus_when_opened
from lkt.core.http import HtmxHttpRequest, form_data

PORTAL = "careplans/good_day_rating_portal.html"
SECTION = "careplans/team_good_days_section.html"  # Jinja2
FORM = "careplans/good_days_form.html"
SECTION_KEY = "gode-dager"
FORM_PREFIX = "good-days"


def good_day_rating_section(
    page: TeamPage, form: TeamGoodDayRatingForm | None = None
) -> dict[str, Any]:
    """The "gode-dager" section: one query (the last answers with who recorded them); the
    standing is the page's. The form renders when opened (issue 17: a GET of the URL it posts
    to), so the section carries one only when it is given: with its errors, or on the page
    without JavaScript."""
    ratings = _SECTION_RATINGS.all(patient=page.team.patient_id)
    recording = may_record(page.standing)
    return {
        "ratings": ratings,
        "sparkline": sparkline(ratings),
        "may_record": recording,
        "form": form if recording else None,
    }


# The section's read, compiled once: compiling it took longer than running it, on every request
# of the section (issue 17, lkt.core.compiled_query).
_SECTION_RATINGS = CompiledQuery(
    lambda patient: newest_ratings(patient, SECTION_ANSWERS), "patient"
)


@login_required
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def portal_good_days(request: HtmxHttpRequest, patient_pk: int) -> HttpResponse:
    """The patient answers for today; her last answers are listed week by week."""
    patient, ratings = good_day_ratings_for_portal(request.user, patient_pk)
    actor = require_user(request.user)
    form = GoodDayRatingForm(form_data(request))
    saved = submit(
        form,
        lambda data: good_day_rating_record(
            actor=actor,
            patient=patient,
            rated_on=timezone.localdate(),
            good_days=data["good_days"],
        ),
    )
    message = _("Takk! Svaret ditt er lagret.")
    if saved is not None:
        if not request.htmx:
            messages.success(request, message)
            return redirect("careplans:portal-good-days", patient_pk=patient.pk)
        # In place: a fresh form under the confirmation, and the list with the new answer.
        form = GoodDayRatingForm()
        ratings = good_day_ratings(patient, PORTAL_ANSWERS)
    context = {
        "patient": patient,
        "form": form,
        "ratings": ratings,
        "saved": message if saved is not None else "",
    }
    template = PORTAL + ("#good-days-portal" if request.htmx else "")
    return render(request, template, context)


@login_required
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def team_good_days_record(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The coordinator records the patient's answer on the team page (staff with EDIT_GOALS).
    GET: the empty form, opened in the section (htmx) or on the section's page."""
    page = team_get(request.user, pk)
    if not may_record(page.standing):
        raise PermissionDenied
    actor = require_user(request.user)
    form = TeamGoodDayRatingForm(form_data(request), prefix=FORM_PREFIX)
    if request.method == "GET" and request.htmx:
        focus_when_opened(request, form)
        return render(request, FORM, {"team": page.team, "form": form})
    saved = submit(
        form,
        lambda data: good_day_rating_record(actor=actor, patient=page.team.patient, **data),
    )
    if saved is not None and not request.htmx:
        messages.success(request, _("Svaret er lagret."))
        return redirect(team_section_url(page.team.pk, SECTION_KEY))
    context = {
        "page": page,
        "team": page.team,
        # After a save, the confirmation and the form closed; on errors, the form with them.
        "data": good_day_rating_section(page, None if saved and request.htmx else form),
        "saved": saved is not None,
    }
    if request.htmx:
        return render(request, SECTION, context)
    return render(request, "careplans/good_day_rating_page.html", context)
