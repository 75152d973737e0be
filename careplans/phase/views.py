"""HTTP for the phase plan, the team's current phase and the årshjul.

The team page's "fase" and "faseplan" sections are built here (``phase_section``,
``phase_plan_section``). Forms load into a panel with htmx and post back there: invalid input
comes back in the same fragment with status 200, a save sends "fase-changed", "faseplan-changed"
or "arshjul-changed" so what shows the data reloads itself. Without
JavaScript every form is a page of its own and a save returns to where the user came from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from actors.access import Action, allows, require_user
from actors.forms import submit
from actors.selectors import TeamPage, team_for_action, team_section_url
from careplans.annual.rules import RealMeeting, annual_strip, next_shown
from careplans.models import AnnualActivity, CarePlanVersion, Phase
from careplans.phase import services as phase_services
from careplans.phase.forms import (
    MONTHS,
    AnnualActivityForm,
    AnnualDefaultsForm,
    PhaseChangeForm,
    PhaseEntryForm,
)
from careplans.phase.selectors import (
    annual_activities,
    phase_entry,
    phase_overview,
    phase_plan,
    phase_plan_members,
    version_for_action,
)
from careplans.signals import real_meetings
from lkt.core.http import HtmxHttpRequest, form_answer, form_data, saved_in_panel

PHASE_TEAM = "careplans/phase_team.html"
PHASE_FORMS = "careplans/phase_forms.html"
PHASE_FORM_PAGE = "careplans/phase_form_page.html"
ANNUAL_WHEEL = "careplans/annual_wheel.html"
ANNUAL_PAGE = "careplans/annual_page.html"
ANNUAL_FORMS = "careplans/annual_forms.html"
ANNUAL_FORM_PAGE = "careplans/annual_form_page.html"


def _change_form(data: Any = None) -> PhaseChangeForm:
    return PhaseChangeForm(data, auto_id="phase-change-%s")


def phase_section(page: TeamPage) -> dict[str, Any]:
    """One query (``phase_overview``); the change form loads when opened (``phase_change``)."""
    manages = allows(page.standing, Action.MANAGE_TEAM)
    return {"overview": phase_overview(page.team), "manages": manages}


def phase_plan_section(page: TeamPage) -> dict[str, Any]:
    """Three queries (``phase_plan``); an entry's form loads when opened (``phase_entry_edit``)."""
    plan = phase_plan(page.team, page.members)
    # The named night contact comes from the members already read, like the acting member.
    by_pk = page.members_by_pk
    for row in plan.rows:
        if row.entry is not None and row.entry.night_contact_id:
            row.entry.night_contact = by_pk.get(row.entry.night_contact_id)
    return {"plan": plan, "manages": allows(page.standing, Action.MANAGE_TEAM)}


# ---------------------------------------------------------------------------------------------
# The team's phase


@login_required
@require_http_methods(["GET", "POST"])
def phase_change(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    team = team_for_action(request.user, pk, Action.MANAGE_TEAM)
    form = _change_form(form_data(request))
    change = submit(
        form,
        lambda data: phase_services.phase_change(
            actor=require_user(request.user), team=team, **data
        ),
    )
    if change is not None:
        message = _("Fasen er endret til %(phase)s.") % {"phase": change.get_phase_display()}
        return saved_in_panel(
            request, message, event="fase-changed", back=team_section_url(team.pk, "fase")
        )
    return form_answer(
        request,
        template=PHASE_TEAM,
        partial="phase-change-form",
        page=PHASE_FORM_PAGE,
        context={"team": team, "change_form": form, "title": _("Endre fase")},
    )


# ---------------------------------------------------------------------------------------------
# The phase plan of a draft


@login_required
@require_http_methods(["GET", "POST"])
def phase_entry_edit(request: HtmxHttpRequest, version_pk: int, phase: str) -> HttpResponse:
    if phase not in Phase.values:
        raise Http404
    version, _standing = version_for_action(request.user, version_pk, Action.MANAGE_TEAM)
    entry = phase_entry(version, phase)
    initial: dict[str, Any] = {}
    if entry is not None:
        initial = {
            "signs": entry.signs,
            "actions": entry.actions,
            "actor_member": entry.actor_id,
            "call_office_hours": entry.call_office_hours,
            "call_night": entry.call_night,
            "night_contact": entry.night_contact_id,
            "patient_wishes": entry.patient_wishes,
        }
    form = PhaseEntryForm(
        form_data(request),
        initial=initial,
        phase=phase,
        members=phase_plan_members(version),
        auto_id=f"{phase}-%s",
    )
    team = version.plan.team
    saved = submit(
        form,
        lambda data: phase_services.phase_entry_save(
            actor=require_user(request.user), version=version, phase=phase, **data
        ),
    )
    label = Phase(phase).label
    if saved is not None:
        message = _("%(phase)s fase er lagret i utkastet.") % {"phase": label}
        return saved_in_panel(
            request,
            message,
            event="faseplan-changed",
            back=team_section_url(team.pk, "faseplan"),
        )
    return form_answer(
        request,
        template=PHASE_FORMS,
        partial="phase-entry-form",
        page=PHASE_FORM_PAGE,
        context={
            "team": team,
            "version": version,
            "phase": phase,
            "phase_label": label,
            "form": form,
            "is_draft": version.status == CarePlanVersion.Status.DRAFT,
            "title": _("%(phase)s fase") % {"phase": label},
        },
    )


# ---------------------------------------------------------------------------------------------
# Årshjulet


@dataclass
class AnnualRow:
    activity: AnnualActivity
    next_on: dt.date | None
    meeting: RealMeeting | None = None  # the real meeting on ``next_on``, if one carries it

    @property
    def month_name(self) -> str:
        return str(dict(MONTHS).get(self.activity.month or 0, ""))


def _annual_row(activity: AnnualActivity, today: dt.date, meetings: list[RealMeeting]) -> AnnualRow:
    shown = next_shown(activity, today, meetings)
    if shown is None:
        return AnnualRow(activity=activity, next_on=None)
    return AnnualRow(activity=activity, next_on=shown.day, meeting=shown.meeting)


def _annual_context(
    version: CarePlanVersion,
    can_edit: bool,
    *,
    manages: bool = False,
    meetings: list[RealMeeting] | None = None,
) -> dict[str, Any]:
    """One query: the activities with their responsible members (and the caller's one for the
    team's real meetings, shown on their own days). On the version in force the coordinator,
    and each activity's responsible member, mark occurrences done."""
    today = timezone.localdate()
    activities = annual_activities(version)
    meetings = meetings or []
    rows = [_annual_row(a, today, meetings) for a in activities]
    rows.sort(key=lambda row: (row.next_on is None, row.next_on or today, row.activity.title))
    return {
        "version": version,
        "team": version.plan.team,
        "meetings_shown": bool(meetings),
        "strip": annual_strip(activities, today, today, meetings),
        "rows": rows,
        "can_edit": can_edit,
        "in_force": version.status == CarePlanVersion.Status.IN_FORCE,
        "manages": manages,
    }


@login_required
def annual_list(request: HtmxHttpRequest, version_pk: int) -> HttpResponse:
    """The årshjul of a version: the 12-month strip and the list, from this month."""
    version, standing = version_for_action(request.user, version_pk, Action.VIEW_PLAN)
    can_edit = (
        allows(standing, Action.MANAGE_TEAM) and version.status == CarePlanVersion.Status.DRAFT
    )
    context = _annual_context(
        version,
        can_edit,
        manages=allows(standing, Action.MANAGE_TEAM),
        meetings=real_meetings(version.plan.team, standing),
    )
    if request.htmx:
        return render(request, f"{ANNUAL_WHEEL}#annual-overview", context)
    return render(request, ANNUAL_PAGE, context)


def _annual_back(version: CarePlanVersion) -> str:
    return reverse("careplans:annual", args=[version.pk])


@login_required
@require_http_methods(["GET", "POST"])
def annual_activity_add(request: HtmxHttpRequest, version_pk: int) -> HttpResponse:
    version, _standing = version_for_action(request.user, version_pk, Action.MANAGE_TEAM)
    return _annual_activity_form(request, version, None)


@login_required
@require_http_methods(["GET", "POST"])
def annual_activity_edit(
    request: HtmxHttpRequest, version_pk: int, activity_pk: int
) -> HttpResponse:
    version, _standing = version_for_action(request.user, version_pk, Action.MANAGE_TEAM)
    activity = get_object_or_404(AnnualActivity, pk=activity_pk, version=version)
    return _annual_activity_form(request, version, activity)


def _annual_activity_form(
    request: HtmxHttpRequest, version: CarePlanVersion, activity: AnnualActivity | None
) -> HttpResponse:
    initial: dict[str, Any] = {"mandatory": True, "kind": AnnualActivity.Kind.OTHER}
    if activity is not None:
        initial = {
            "kind": activity.kind,
            "title": activity.title,
            "recurrence": activity.recurrence,
            "first_on": activity.first_on,
            "interval_months": activity.interval_months,
            "month": activity.month,
            "responsible": activity.responsible_id,
            "mandatory": activity.mandatory,
        }
    form = AnnualActivityForm(
        form_data(request),
        initial=initial,
        members=phase_plan_members(version),
        auto_id=f"activity-{activity.pk if activity else 'new'}-%s",
    )
    saved = submit(
        form,
        lambda data: phase_services.annual_activity_save(
            actor=require_user(request.user), version=version, activity=activity, **data
        ),
    )
    if saved is not None:
        return saved_in_panel(
            request,
            _("Aktiviteten er lagret i årshjulet."),
            event="arshjul-changed",
            back=_annual_back(version),
        )
    return form_answer(
        request,
        template=ANNUAL_FORMS,
        partial="annual-activity-form",
        page=ANNUAL_FORM_PAGE,
        context={
            "team": version.plan.team,
            "version": version,
            "activity": activity,
            "form": form,
            "is_draft": version.status == CarePlanVersion.Status.DRAFT,
            "title": _("Endre aktivitet") if activity else _("Ny aktivitet i årshjulet"),
        },
    )


@login_required
@require_POST
def annual_activity_remove(
    request: HtmxHttpRequest, version_pk: int, activity_pk: int
) -> HttpResponse:
    version, _standing = version_for_action(request.user, version_pk, Action.MANAGE_TEAM)
    activity = get_object_or_404(AnnualActivity, pk=activity_pk, version=version)
    try:
        phase_services.annual_activity_remove(
            actor=require_user(request.user), version=version, activity=activity
        )
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        if request.htmx:
            return trigger_client_event(HttpResponse(""), "arshjul-changed")
        return redirect(_annual_back(version))
    return saved_in_panel(
        request,
        _("Aktiviteten %(title)s er fjernet fra årshjulet.") % {"title": activity.title},
        event="arshjul-changed",
        back=_annual_back(version),
    )


@login_required
@require_http_methods(["GET", "POST"])
def annual_defaults(request: HtmxHttpRequest, version_pk: int) -> HttpResponse:
    """Put the minimum package into a draft's årshjul."""
    version, _standing = version_for_action(request.user, version_pk, Action.MANAGE_TEAM)
    form = AnnualDefaultsForm(form_data(request), auto_id="defaults-%s")
    added = submit(
        form,
        lambda data: phase_services.annual_defaults_add(
            actor=require_user(request.user), version=version, **data
        ),
    )
    if added is not None:
        message = _("Minimumspakken er lagt inn: %(count)s aktiviteter.") % {"count": len(added)}
        return saved_in_panel(request, message, event="arshjul-changed", back=_annual_back(version))
    return form_answer(
        request,
        template=ANNUAL_FORMS,
        partial="annual-defaults-form",
        page=ANNUAL_FORM_PAGE,
        context={
            "team": version.plan.team,
            "version": version,
            "form": form,
            "is_draft": version.status == CarePlanVersion.Status.DRAFT,
            "title": _("Legg inn minimumspakken"),
        },
    )
