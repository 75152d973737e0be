"""HTTP for the team's meetings: the list, planning and moving a meeting with the patient's
wishes in view, the meeting page with the agenda, the minutes written in place, decisions and
"Gjør til tiltak", and the patient's wishes for meetings (team side and portal side).

Every form posts with htmx into its own fragment and works as a plain form post too. Invalid
input comes back with its messages and status 200. A save sends "moter-changed" (and
"tiltak-changed" for a new task), so lists and sections showing the data reload themselves.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import retarget, trigger_client_event

from actors.access import Action, allows, check, require_user, takes_writes
from actors.forms import add_service_errors, submit
from actors.models import RelativeLink, Team
from actors.selectors import active_members, team_for_action
from coordination.meetings import selectors as meeting_selectors
from coordination.meetings import services as meeting_services
from coordination.meetings.forms import (
    AgendaItemForm,
    DecisionForm,
    MeetingForm,
    MeetingPreferencesForm,
    MinutesForm,
)
from coordination.meetings.selectors import MeetingPage
from coordination.messages import selectors as message_selectors
from coordination.models import AgendaItem, Decision, Meeting
from coordination.tiltak.views import TASKS_EVENT, on_own_page, task_form
from lkt.core.http import HtmxHttpRequest, form_data, go_to

TEAM_MEETINGS = "coordination/team_meetings.html"
MEETING_FORM = "coordination/meeting_form.html"
MEETING_DETAIL = "coordination/meeting_detail.html"
MEETING_PANEL_PAGE = "coordination/meeting_panel_page.html"
PORTAL_MEETINGS = "portal/meeting_preferences.html"
MEETINGS_EVENT = "moter-changed"


def _meeting_url(meeting_pk: int, anchor: str = "") -> str:
    url = reverse("coordination:meeting-detail", args=[meeting_pk])
    return f"{url}#{anchor}" if anchor else url


# ---------------------------------------------------------------------------------------------
# The list and planning


@login_required
@vary_on_headers("HX-Request")
def team_meetings(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    listing = meeting_selectors.meeting_list_for_team(request.user, pk)
    context = {"listing": listing, "team": listing.team}
    return render(request, TEAM_MEETINGS + ("#meeting-list" if request.htmx else ""), context)


def _relatives(team: Team) -> list[RelativeLink]:
    """The relatives who may be invited: those the patient lets take part in messages and
    meetings, while their access lasts."""
    return list(
        RelativeLink.objects.active()
        .filter(patient_id=team.patient_id, may_communicate=True)
        .select_related("relative")
    )


def _meeting_form_answer(
    request: HtmxHttpRequest, team: Team, form: MeetingForm, meeting: Meeting | None
) -> HttpResponse:
    context = {
        "team": team,
        "form": form,
        "meeting": meeting,
        "preferences": meeting_selectors.preferences_for(team.patient),
        "title": _("Endre møtet") if meeting else _("Planlegg et møte"),
    }
    return render(request, MEETING_FORM + ("#meeting-form" if request.htmx else ""), context)


@login_required
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def meeting_create(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    team = team_for_action(request.user, pk, Action.MANAGE_TEAM)
    form = MeetingForm(
        form_data(request),
        members=active_members(team),
        relatives=_relatives(team),
        auto_id="meeting-%s",
    )
    actor = require_user(request.user)
    meeting = submit(
        form,
        lambda data: meeting_services.meeting_save(actor=actor, team=team, **form.service_kwargs()),
    )
    if meeting is not None:
        messages.success(request, _("Møtet er planlagt, og de inviterte har fått beskjed."))
        return go_to(request, _meeting_url(meeting.pk))
    return _meeting_form_answer(request, team, form, None)


def _meeting_for_action(request: HtmxHttpRequest, pk: int, action: Action) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("team__patient"), pk=pk)
    standing = check(request.user, action, meeting.team.patient)
    if standing.is_self and not meeting.patient_invited:
        raise Http404
    return meeting


@login_required
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Change a planned meeting; a new time invites everyone again."""
    meeting = _meeting_for_action(request, pk, Action.MANAGE_TEAM)
    team = meeting.team
    initial = {
        "kind": meeting.kind,
        "starts_at": meeting.starts_at,
        "duration_minutes": meeting.duration_minutes,
        "place": meeting.place,
        "video_url": meeting.video_url,
        "leader": meeting.leader_id,
        "referent": meeting.referent_id,
        "invited": list(meeting.invited.values_list("pk", flat=True)),
        "patient_invited": meeting.patient_invited,
        "relatives": list(meeting.relatives_invited.values_list("pk", flat=True)),
    }
    form = MeetingForm(
        form_data(request),
        initial=initial,
        members=active_members(team),
        relatives=_relatives(team),
        creating=False,
        auto_id="meeting-%s",
    )
    actor = require_user(request.user)
    saved = submit(
        form,
        lambda data: meeting_services.meeting_save(
            actor=actor, team=team, meeting=meeting, **form.service_kwargs()
        ),
    )
    if saved is not None:
        messages.success(request, _("Møtet er endret."))
        return go_to(request, _meeting_url(saved.pk))
    return _meeting_form_answer(request, team, form, meeting)


# ---------------------------------------------------------------------------------------------
# The meeting page


def _detail_context(page: MeetingPage, **extra: Any) -> dict[str, Any]:
    context: dict[str, Any] = {"page": page, "meeting": page.meeting, "team": page.team}
    if page.may_write:
        context.setdefault("minutes_form", MinutesForm.for_meeting(page.meeting, page.items))
        context.setdefault("decision_form", DecisionForm(items=page.items, auto_id="decision-%s"))
    if page.manages and page.is_open:
        context.setdefault("item_form", AgendaItemForm(auto_id="item-%s"))
    context.update(extra)
    return context


def _render_detail(
    request: HtmxHttpRequest, page: MeetingPage, partial: str = "", **extra: Any
) -> HttpResponse:
    template = MEETING_DETAIL + (f"#{partial}" if request.htmx and partial else "")
    return render(request, template, _detail_context(page, **extra))


@login_required
@vary_on_headers("HX-Request")
def meeting_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    page = meeting_selectors.meeting_get(request.user, pk)
    # The meeting's files (issue 19): one query; the patient sees those marked for her.
    documents = message_selectors.meeting_documents(page.meeting, page.standing)
    may_upload = allows(page.standing, Action.UPLOAD_DOCUMENT) and takes_writes(page.meeting.team)
    return _render_detail(
        request, page, "meeting-body", documents=documents, may_upload_documents=may_upload
    )


@login_required
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def meeting_minutes(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The minutes, written in place. A stale save shows the other person's text next to the
    writer's own, and keeps the writer's text in the form: nothing is lost."""
    page = meeting_selectors.meeting_get(request.user, pk)
    if not page.may_write:
        raise PermissionDenied
    if request.method != "POST":
        return _render_detail(request, page, "minutes")
    form = MinutesForm(request.POST, items=page.items, auto_id="minutes-%s")
    if not form.is_valid():
        return _render_detail(request, page, "minutes", minutes_form=form)
    actor = require_user(request.user)
    try:
        meeting_services.minutes_save(actor=actor, meeting=page.meeting, **form.service_kwargs())
    except meeting_services.MinutesStale as stale:
        fresh = meeting_selectors.meeting_get(request.user, pk)
        data = request.POST.copy()
        data["base_version"] = str(stale.meeting.minutes_version)
        merged = MinutesForm(data, items=fresh.items, auto_id="minutes-%s")
        merged.is_valid()
        mine = form.service_kwargs()
        theirs = [
            {
                "label": item.title,
                "theirs": item.notes,
                "mine": mine["notes"].get(item.pk, ""),
            }
            for item in fresh.items
            if item.notes != mine["notes"].get(item.pk, "").strip()
        ]
        if fresh.meeting.minutes != mine["minutes"].strip():
            theirs.append(
                {"label": _("Referat"), "theirs": fresh.meeting.minutes, "mine": mine["minutes"]}
            )
        stale_context = {
            "by": stale.meeting.minutes_updated_by,
            "at": stale.meeting.minutes_updated_at,
            "fields": theirs,
        }
        return _render_detail(request, fresh, "minutes", minutes_form=merged, stale=stale_context)
    except ValidationError as error:
        add_service_errors(form, error)
        return _render_detail(request, page, "minutes", minutes_form=form)
    if not request.htmx:
        messages.success(request, _("Referatet er lagret."))
        return redirect(_meeting_url(pk, "referat"))
    fresh = meeting_selectors.meeting_get(request.user, pk)
    response = _render_detail(request, fresh, "minutes", saved=True)
    return trigger_client_event(response, MEETINGS_EVENT)


def _after_change(request: HtmxHttpRequest, pk: int, message: str, anchor: str) -> HttpResponse:
    messages.success(request, message)
    if not request.htmx:
        return redirect(_meeting_url(pk, anchor))
    page = meeting_selectors.meeting_get(request.user, pk)
    return trigger_client_event(_render_detail(request, page, "meeting-body"), MEETINGS_EVENT)


def _refused(
    request: HtmxHttpRequest, pk: int, error: ValidationError, anchor: str
) -> HttpResponse:
    for text in error.messages:
        messages.error(request, text)
    if not request.htmx:
        return redirect(_meeting_url(pk, anchor))
    page = meeting_selectors.meeting_get(request.user, pk)
    return _render_detail(request, page, "meeting-body")


@login_required
@require_POST
def meeting_held(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_action(request, pk, Action.VIEW_CLINICAL)
    try:
        meeting_services.meeting_mark_held(actor=require_user(request.user), meeting=meeting)
    except ValidationError as error:
        return _refused(request, pk, error, "status")
    return _after_change(request, pk, _("Møtet er markert som gjennomført."), "status")


@login_required
@require_POST
def agenda_item_add(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_action(request, pk, Action.MANAGE_TEAM)
    form = AgendaItemForm(request.POST, auto_id="item-%s")
    item = submit(
        form,
        lambda data: meeting_services.agenda_item_add(
            actor=require_user(request.user), meeting=meeting, **data
        ),
    )
    if item is None:
        page = meeting_selectors.meeting_get(request.user, pk)
        return _render_detail(request, page, "meeting-body", item_form=form)
    return _after_change(
        request, pk, _("Saken «%(title)s» er lagt til.") % {"title": item.title}, "dagsorden"
    )


@login_required
@require_POST
def agenda_item_remove(request: HtmxHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting = _meeting_for_action(request, pk, Action.MANAGE_TEAM)
    item = get_object_or_404(AgendaItem, pk=item_pk, meeting=meeting)
    try:
        meeting_services.agenda_item_remove(
            actor=require_user(request.user), meeting=meeting, item=item
        )
    except ValidationError as error:
        return _refused(request, pk, error, "dagsorden")
    return _after_change(
        request, pk, _("Saken «%(title)s» er fjernet.") % {"title": item.title}, "dagsorden"
    )


@login_required
@require_POST
def decision_add(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    page = meeting_selectors.meeting_get(request.user, pk)
    if not page.may_write:
        raise PermissionDenied
    form = DecisionForm(request.POST, items=page.items, auto_id="decision-%s")
    decision = submit(
        form,
        lambda data: meeting_services.decision_add(
            actor=require_user(request.user), meeting=page.meeting, **data
        ),
    )
    if decision is None:
        return _render_detail(request, page, "meeting-body", decision_form=form)
    return _after_change(request, pk, _("Beslutningen er ført i referatet."), "beslutninger")


@login_required
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def decision_task(request: HtmxHttpRequest, pk: int, decision_pk: int) -> HttpResponse:
    """ "Gjør til tiltak": one form (goal, owner, due date), the decision's text as the title."""
    meeting = _meeting_for_action(request, pk, Action.EDIT_NETWORK)
    decision: Decision = get_object_or_404(
        Decision.objects.select_related("meeting__team__patient"), pk=decision_pk, meeting=meeting
    )
    team = meeting.team
    form = task_form(team, form_data(request), initial={"title": decision.text[:200]})
    actor = require_user(request.user)
    task = submit(
        form,
        lambda data: meeting_services.decision_to_task(actor=actor, decision=decision, **data),
    )
    if task is not None:
        messages.success(
            request,
            _("Beslutningen er gjort til tiltaket «%(title)s».") % {"title": task.title},
        )
        if not request.htmx or on_own_page(request):
            return go_to(request, _meeting_url(pk, "beslutninger"))
        page = meeting_selectors.meeting_get(request.user, pk)
        # The form sat in the decisions' panel; the answer is the whole meeting body.
        response = retarget(_render_detail(request, page, "meeting-body"), "#meeting-body")
        return trigger_client_event(trigger_client_event(response, MEETINGS_EVENT), TASKS_EVENT)
    context = {
        "team": team,
        "meeting": meeting,
        "decision": decision,
        "form": form,
        "title": _("Gjør til tiltak"),
        "partial": f"{MEETING_DETAIL}#decision-task-form",
    }
    if request.htmx:
        return render(request, f"{MEETING_DETAIL}#decision-task-form", context)
    return render(request, MEETING_PANEL_PAGE, context)


# ---------------------------------------------------------------------------------------------
# The patient's wishes for meetings


@login_required
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def meeting_preferences(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The coordinator records the patient's wishes for her, on the team's meeting list."""
    team = team_for_action(request.user, pk, Action.MANAGE_TEAM)
    preferences = meeting_selectors.preferences_for(team.patient)
    form = MeetingPreferencesForm.for_preferences(
        preferences, form_data(request), auto_id="preferences-%s"
    )
    actor = require_user(request.user)
    saved = submit(
        form,
        lambda data: meeting_services.meeting_preferences_save(
            actor=actor, patient=team.patient, **data
        ),
    )
    if saved is not None:
        messages.success(request, _("Pasientens ønsker for møter er lagret."))
        if not request.htmx or on_own_page(request):
            return go_to(request, reverse("coordination:team-meetings", args=[team.pk]))
        return trigger_client_event(HttpResponse(""), MEETINGS_EVENT)
    context = {
        "team": team,
        "form": form,
        "title": _("Pasientens ønsker for møter"),
        "partial": f"{TEAM_MEETINGS}#preferences-form",
    }
    if request.htmx:
        return render(request, f"{TEAM_MEETINGS}#preferences-form", context)
    return render(request, MEETING_PANEL_PAGE, context)


@login_required
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def portal_meetings(request: HtmxHttpRequest, patient_pk: int) -> HttpResponse:
    """The patient's own page: the meetings she is invited to, and her wishes for meetings."""
    own = meeting_selectors.portal_meetings(request.user, patient_pk)
    form = MeetingPreferencesForm.for_preferences(
        own.preferences, form_data(request), auto_id="wishes-%s"
    )
    actor = require_user(request.user)
    saved = submit(
        form,
        lambda data: meeting_services.meeting_preferences_save(
            actor=actor, patient=own.patient, **data
        ),
    )
    if saved is not None:
        if not request.htmx:
            messages.success(
                request, _("Ønskene dine er lagret. Teamet ser dem når de planlegger.")
            )
            return redirect(reverse("coordination:portal-meetings", args=[own.patient.pk]))
        # htmx: the form says it itself, where she pressed the button.
        form = MeetingPreferencesForm.for_preferences(saved, auto_id="wishes-%s")
    context = {"own": own, "patient": own.patient, "form": form, "saved": saved is not None}
    return render(request, PORTAL_MEETINGS + ("#wishes" if request.htmx else ""), context)
