"""HTTP for Min gode dag: the patient's own page, its history and the diff between versions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from actors.models import Patient
from actors.selectors import open_team_pk
from careplans.good_day import selectors, services
from careplans.good_day.diff import TEXT_FIELDS, diff_versions
from careplans.good_day.forms import GoodDayEditor
from careplans.good_day.selectors import GoodDayPage
from lkt.core.forms import unique_violation_as_validation_error
from lkt.core.http import HtmxHttpRequest, parameter_int

# The team page section that shows Min gode dag reloads itself on this event.
CHANGED_EVENT = "min-gode-dag-changed"


def _patient(pk: int) -> Patient:
    return get_object_or_404(Patient, pk=pk)


def _render_page(
    request: HtmxHttpRequest,
    page: GoodDayPage,
    editor: GoodDayEditor | None,
    *,
    stale: dict[str, Any] | None = None,
    saved: bool = False,
) -> HttpResponse:
    context = {
        "saved": saved,
        "page": page,
        "patient": page.patient,
        "editor": editor,
        "stale": stale,
        "team_pk": open_team_pk(page.patient),
    }
    template = "careplans/good_day_detail.html" + ("#good-day-body" if request.htmx else "")
    return render(request, template, context)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def good_day_detail(request: HtmxHttpRequest, patient_pk: int) -> HttpResponse:
    page = selectors.good_day_get(request.user, _patient(patient_pk))
    return _render_page(request, page, GoodDayEditor(page) if page.may_write else None)


def _stale_context(page: GoodDayPage, editor: GoodDayEditor, latest: Any) -> dict[str, Any]:
    """The other person's saved words beside the editor's own unsaved words, field by field."""
    mine = editor.service_kwargs()
    fields = [
        {
            "label": label,
            "theirs": getattr(latest, name, "") if latest else "",
            "mine": mine[name],
            "differs": (getattr(latest, name, "") if latest else "") != mine[name],
        }
        for name, label in TEXT_FIELDS
    ]
    return {
        "latest": latest,
        "fields": fields,
        "their_challenges": [c["text"] for c in (latest.challenges if latest else [])],
        "my_challenges": [c.text for c in mine["challenges"] if c.text.strip() and not c.remove],
        "their_goals": [g["text"] for g in (latest.goals if latest else [])],
        "my_goals": [g.text for g in mine["goals"] if g.text.strip() and not g.remove],
    }


@login_required
@require_POST
@vary_on_headers("HX-Request")
def good_day_save(request: HtmxHttpRequest, patient_pk: int) -> HttpResponse:
    patient = _patient(patient_pk)
    page = selectors.good_day_get(request.user, patient)
    if not page.may_write:
        raise PermissionDenied
    editor = GoodDayEditor(page, request.POST)
    if not editor.is_valid():
        return _render_page(request, page, editor)
    try:
        with unique_violation_as_validation_error():
            services.good_day_save(actor=page.viewer, patient=patient, **editor.service_kwargs())
    except services.StaleEdit as stale:
        # Nothing is lost: the form keeps the user's own text and now starts from the newest
        # version, so saving again is a deliberate merge, not an overwrite.
        fresh = selectors.good_day_get(request.user, patient)
        data = request.POST.copy()
        data["base_version"] = str(fresh.base_version)
        merged = GoodDayEditor(fresh, data)
        merged.is_valid()
        context = _stale_context(fresh, editor, stale.latest or fresh.current)
        return _render_page(request, fresh, merged, stale=context)
    except ValidationError as error:
        editor.add_service_errors(error)
        return _render_page(request, page, editor)
    if not request.htmx:
        messages.success(request, _("Lagret. Den forrige versjonen er tatt vare på."))
        return redirect("careplans:good-day", patient_pk=patient.pk)
    # htmx swaps only the body, where the page's message area is not: the body says it itself.
    fresh = selectors.good_day_get(request.user, patient)
    blank = GoodDayEditor(fresh) if fresh.may_write else None
    response = _render_page(request, fresh, blank, saved=True)
    return trigger_client_event(response, CHANGED_EVENT)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def good_day_history(request: HtmxHttpRequest, patient_pk: int) -> HttpResponse:
    patient = _patient(patient_pk)
    versions = selectors.good_day_version_list(request.user, patient, request.GET.get("side", 1))
    template = "careplans/good_day_history.html" + ("#version-list" if request.htmx else "")
    return render(request, template, {"patient": patient, "versions": versions})


def _number(value: str | None) -> int | None:
    if value is None or value == "":
        return None
    number = parameter_int(value)
    if number is None:
        raise ValidationError(_("Ugyldig versjonsnummer."))
    return number


@login_required
@require_GET
@vary_on_headers("HX-Request")
def good_day_diff(request: HtmxHttpRequest, patient_pk: int) -> HttpResponse:
    patient = _patient(patient_pk)
    try:
        older, newer = _number(request.GET.get("fra")), _number(request.GET.get("til"))
    except ValidationError:
        older = newer = None
    if newer is None and older is not None:
        newer, older = older, None
    if newer is not None and older is None:
        older = max(newer - 1, 0)  # one number alone: what that version changed
    first, second = selectors.good_day_version_pair(request.user, patient, older, newer)
    context = {"patient": patient, "diff": diff_versions(first, second)}
    template = "careplans/good_day_diff.html" + ("#version-diff" if request.htmx else "")
    return render(request, template, context)
