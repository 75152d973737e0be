"""The team page's perspectives section and the form that saves one perspective."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_http_methods

from actors.access import Action, allows
from actors.forms import submit
from actors.network.views import page_for_writing, section_answer
from careplans.good_day import perspective_services
from careplans.good_day.perspective_forms import PerspectiveForm
from careplans.good_day.perspective_selectors import (
    PerspectiveRow,
    perspective_given,
    perspective_matching,
)
from careplans.models import Challenge
from lkt.core.forms import focus_when_opened
from lkt.core.http import HtmxHttpRequest, form_data

if TYPE_CHECKING:
    from actors.selectors import TeamPage

PERSPECTIVES = "careplans/team_perspectives.html"


def _perspective_form(row: PerspectiveRow, data: Any = None) -> PerspectiveForm:
    initial = (
        {"text": row.perspective.text, "importance": row.perspective.importance}
        if row.perspective
        else {}
    )
    return PerspectiveForm(data, initial=initial, auto_id=f"p{row.challenge.pk}-{row.member.pk}-%s")


def perspectives_section(page: TeamPage) -> dict[str, Any]:
    """Two queries (``perspective_matching``). The forms render when opened
    (``perspective_save`` answers GET with one): the section shows one per row the viewer may
    write, and building them all took most of its time (issue 17)."""
    can_edit = allows(page.standing, Action.EDIT_NETWORK)
    return {"challenges": perspective_matching(page), "can_edit": can_edit}


@login_required
@require_http_methods(["GET", "POST"])
def perspective_save(
    request: HtmxHttpRequest, pk: int, challenge_pk: int, member_pk: int
) -> HttpResponse:
    """GET: the form, with the perspective given so far; POST: save it."""
    page, user = page_for_writing(request, pk)
    challenge = get_object_or_404(Challenge, pk=challenge_pk, patient_id=page.team.patient_id)
    member = next((m for m in page.members if m.pk == member_pk), None)
    if member is None:
        raise Http404
    if not perspective_services.may_write_perspective(page.standing, user, member):
        raise PermissionDenied
    # A GET opens the form with the perspective given so far; a POST saves a new text over it.
    given = perspective_given(member, challenge) if request.method == "GET" else None
    row = PerspectiveRow(challenge, member, given)
    row.form = _perspective_form(row, form_data(request))
    saved = (
        submit(
            row.form,
            lambda data: perspective_services.perspective_save(
                actor=user, member=member, challenge=challenge, **data
            ),
        )
        is not None
    )
    if saved:
        row.form = _perspective_form(row)
    focus_when_opened(request, row.form)
    return section_answer(
        request,
        page,
        key="perspektiver",
        template=PERSPECTIVES,
        partial="perspective-form",
        context={"row": row},
        saved=saved,
    )
