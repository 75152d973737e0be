"""Reads for the team's meetings: the list, one meeting with its agenda and minutes, the team
page section "Møter", and the patient's own meetings in the portal.

Who sees meetings: staff in the team who share the patient's clinical picture see every
meeting with its minutes (``Action.VIEW_CLINICAL``). A meeting's kind and time are clinical
too: an ad hoc meeting in a red phase tells its own story, so relatives do not see the team's
meetings even when they may see who is in the team; the patient tells them herself, or invites
them. The patient sees the meetings she is invited to, and nothing of the others.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actors.access import Action, Standing, allows, check, require_user
from actors.models import Member, Patient, RelativeLink, Team
from actors.selectors import portal_patient
from careplans.annual.rules import RealMeeting
from careplans.models import AnnualActivity
from coordination.meetings.services import may_write_minutes
from coordination.models import AgendaItem, Decision, Meeting, MeetingPreferences
from lkt.core import audit
from lkt.core.compiled_query import CompiledQuery

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

    from actors.access import AnyUser
    from actors.selectors import TeamPage

# The team page shows the next few meetings and the last few held; the list has them all.
_SECTION_UPCOMING = 5
_SECTION_HELD = 3


def _visible_to(standing: Standing, meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """Staff with clinical access see all of the team's meetings; the patient only those she
    is invited to."""
    return meetings.filter(_SEEN_BY_PATIENT_ONLY[standing.is_self])


# Whether the viewer is the patient → the meetings she sees.
_SEEN_BY_PATIENT_ONLY = {True: Q(patient_invited=True), False: Q()}


def _may_see(standing: Standing, meeting: Meeting) -> bool:
    return not standing.is_self or meeting.patient_invited


# The årshjul's activities that a meeting of each kind carries out.
_CARRIES_OUT = {
    Meeting.Kind.STARTUP: AnnualActivity.Kind.KICKOFF,
    Meeting.Kind.EVALUATION: AnnualActivity.Kind.EVALUATION,
}


def annual_meetings(team: Team, standing: Standing) -> list[RealMeeting]:
    """The team's oppstartsmøter and evaluation meetings (proposed, planned or held) that the
    viewer may see, for the årshjul to show on their real days (``careplans.annual.rules``). A
    meeting is clinical: a relative sees none, the patient those she is invited to. One
    query."""
    if not allows(standing, Action.VIEW_CLINICAL):
        return []
    meetings = _visible_to(
        standing,
        Meeting.objects.filter(team=team, kind__in=list(_CARRIES_OUT)).exclude(
            status=Meeting.Status.CANCELLED
        ),
    ).only("pk", "kind", "status", "starts_at", "annual_activity_id")
    return [
        RealMeeting(
            kind=_CARRIES_OUT[Meeting.Kind(m.kind)],
            day=timezone.localtime(m.starts_at).date(),
            held=m.status == Meeting.Status.HELD,
            url=reverse("coordination:meeting-detail", args=[m.pk]),
            activity_id=m.annual_activity_id,
        )
        for m in meetings.order_by("starts_at", "pk")
    ]


def on_real_meetings_wanted(
    sender: object, *, team: Team, standing: Standing, **kwargs: object
) -> list[RealMeeting]:
    """careplans.signals.real_meetings_wanted: the årshjul's real meetings."""
    return annual_meetings(team, standing)


# The meetings in plain words for the patient and her relatives.
_PLAIN_KIND: dict[str, StrOrPromise] = {
    Meeting.Kind.STARTUP: _("Første møte med teamet (oppstartsmøte)"),
    Meeting.Kind.EVALUATION: _("Møte om hvordan det går med målene (evalueringsmøte)"),
    Meeting.Kind.RESPONSIBILITY_GROUP: _("Møte med teamet"),
    Meeting.Kind.AD_HOC: _("Ekstra møte med teamet"),
    Meeting.Kind.BOARD: _("Møte med teamet"),
}

# How far back a held meeting may have carried out an årshjul day that is still ahead: the
# widest window of ``careplans.annual.rules.match_window`` (half a year).
_CARRIED_BACK = dt.timedelta(days=183)


def portal_meetings_seen(team: Team, standing: Standing) -> MeetingsSeen:
    """The real meetings for the portal's "Neste aktiviteter": the planned meetings ahead that
    the patient is invited to (a relative: those the patient invited him to), and of those and
    the held ones the kinds the årshjul plans, which carry out its days. A proposed meeting is
    not decided yet: the årshjul's own day stays until it is planned. One query."""
    if standing.is_self:
        seen = Q(patient_invited=True)
    elif standing.relative is not None:
        seen = Q(relatives_invited=standing.relative)
    else:
        return MeetingsSeen()
    now = timezone.now()
    meetings = (
        Meeting.objects.filter(
            seen,
            team=team,
            status__in=[Meeting.Status.PLANNED, Meeting.Status.HELD],
            starts_at__gte=now - _CARRIED_BACK,
        )
        .select_related("leader__user")
        .order_by("starts_at", "pk")
    )
    # The meeting may have begun: it is "ahead" for the rest of its day.
    today = timezone.localdate()
    own_page = (
        reverse("coordination:portal-meetings", args=[team.patient_id]) if standing.is_self else ""
    )
    result = MeetingsSeen()
    for m in meetings:
        if m.kind in _CARRIES_OUT:
            result.real.append(
                RealMeeting(
                    kind=_CARRIES_OUT[Meeting.Kind(m.kind)],
                    day=timezone.localtime(m.starts_at).date(),
                    held=m.status == Meeting.Status.HELD,
                    url=own_page,
                    activity_id=m.annual_activity_id,
                )
            )
        if m.status == Meeting.Status.PLANNED and timezone.localtime(m.starts_at).date() >= today:
            result.ahead.append(
                MeetingAhead(
                    title=str(_PLAIN_KIND.get(m.kind, m.get_kind_display())),
                    starts_at=m.starts_at,
                    place=m.place,
                    leader=m.leader.display_name if m.leader else "",
                    url=own_page,
                )
            )
    return result


def preferences_for(patient: Patient) -> MeetingPreferences | None:
    return _PREFERENCES.first(patient=patient.pk)


_PREFERENCES = CompiledQuery(
    lambda patient: MeetingPreferences.objects.filter(patient_id=patient).select_related(
        "updated_by"
    ),
    "patient",
)


# ---------------------------------------------------------------------------------------------
# The list


@dataclass
class MeetingList:
    team: Team
    standing: Standing
    meetings: list[Meeting]
    preferences: MeetingPreferences | None

    @property
    def manages(self) -> bool:
        return allows(self.standing, Action.MANAGE_TEAM)

    @property
    def upcoming(self) -> list[Meeting]:
        now = timezone.now()
        return [m for m in self.meetings if m.starts_at >= now or m.status == "proposed"]

    @property
    def past(self) -> list[Meeting]:
        now = timezone.now()
        return [m for m in reversed(self.meetings) if m.starts_at < now and m.status != "proposed"]


def _team_for(user: AnyUser, pk: int, action: Action) -> tuple[Team, Standing]:
    team = Team.objects.select_related("patient").filter(pk=pk).first()
    if team is None:
        raise Http404
    standing = check(user, action, team.patient)
    audit.record(user=require_user(user), patient=team.patient, action=audit.VIEW, obj=team)
    return team, standing


def meeting_list_for_team(user: AnyUser, pk: int) -> MeetingList:
    """Every meeting of the team the viewer may see, oldest first. Five queries whatever the
    number of meetings: 1 team with patient, 2 standing, 3 audit row, 4 meetings with leader
    and referent, 5 the patient's wishes for meetings."""
    team, standing = _team_for(user, pk, Action.VIEW_CLINICAL)
    meetings = list(
        _visible_to(standing, Meeting.objects.filter(team=team)).select_related(
            "leader__user", "referent__user"
        )
    )
    return MeetingList(
        team=team, standing=standing, meetings=meetings, preferences=preferences_for(team.patient)
    )


# ---------------------------------------------------------------------------------------------
# One meeting


@dataclass
class MeetingPage:
    meeting: Meeting
    standing: Standing
    items: list[AgendaItem]
    decisions: list[Decision]  # on the meeting as a whole, not on one item
    invited: list[Member]
    relatives: list[RelativeLink]
    preferences: MeetingPreferences | None
    may_write: bool
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def team(self) -> Team:
        return self.meeting.team

    @property
    def manages(self) -> bool:
        return allows(self.standing, Action.MANAGE_TEAM) and not self.standing.is_self

    @property
    def may_make_tasks(self) -> bool:
        return allows(self.standing, Action.EDIT_NETWORK)

    @property
    def is_open(self) -> bool:
        return self.meeting.status in (Meeting.Status.PROPOSED, Meeting.Status.PLANNED)

    @property
    def participant_count(self) -> int:
        return len(self.invited) + len(self.relatives) + int(self.meeting.patient_invited)


def _decisions() -> QuerySet[Decision]:
    return Decision.objects.select_related(
        "task__goal", "task__owner__user", "created_by"
    ).order_by("created_at", "pk")


def meeting_get(user: AnyUser, pk: int) -> MeetingPage:
    """One meeting with everything its page shows. Eight queries whatever its size: 1 meeting
    with team, patient, leader, referent and who last wrote the minutes, 2 agenda items, 3
    decisions with the tasks made of them, 4 invited members, 5 invited relatives, 6 standing,
    7 audit row, 8 the patient's wishes for meetings."""
    meeting = (
        Meeting.objects.select_related(
            "team__patient",
            "leader__user",
            "referent__user",
            "minutes_updated_by",
        )
        .prefetch_related(
            "agenda_items",
            Prefetch("decisions", queryset=_decisions()),
            Prefetch("invited", queryset=Member.objects.select_related("user", "organisation")),
            Prefetch("relatives_invited", queryset=RelativeLink.objects.select_related("relative")),
        )
        .filter(pk=pk)
        .first()
    )
    if meeting is None:
        raise Http404
    patient = meeting.team.patient
    standing = check(user, Action.VIEW_CLINICAL, patient)
    if not _may_see(standing, meeting):
        raise Http404
    actor = require_user(user)
    audit.record(user=actor, patient=patient, action=audit.VIEW, obj=meeting)
    items = list(meeting.agenda_items.all())
    by_item: dict[int | None, list[Decision]] = {}
    for decision in meeting.decisions.all():
        by_item.setdefault(decision.agenda_item_id, []).append(decision)
    for item in items:
        item.decision_list = by_item.get(item.pk, [])  # type: ignore[attr-defined]
    return MeetingPage(
        meeting=meeting,
        standing=standing,
        items=items,
        decisions=by_item.get(None, []),
        invited=sorted(meeting.invited.all(), key=lambda m: (m.role, m.pk)),
        relatives=list(meeting.relatives_invited.all()),
        preferences=preferences_for(patient),
        may_write=may_write_minutes(standing, meeting, actor),
    )


# ---------------------------------------------------------------------------------------------
# The team page section "Møter"


def meetings_section(page: TeamPage) -> dict[str, Any]:
    """Three queries: 1 the next meetings, 2 the last ones held, 3 the patient's wishes; the
    leaders and referents come from the members the page reads."""
    patient_only = page.standing.is_self
    since = timezone.now() - dt.timedelta(hours=12)
    upcoming = _SECTION_AHEAD[patient_only].all(team=page.team.pk, since=since)
    held = _SECTION_LAST_HELD[patient_only].all(team=page.team.pk)
    # Leader and referent from the members the page has read (every member, former ones too):
    # four joins fewer, and planning the joins took longer than running the query (issue 17).
    members = page.members_by_pk
    for meeting in (*upcoming, *held):
        meeting.leader = members.get(meeting.leader_id) if meeting.leader_id else None
        meeting.referent = members.get(meeting.referent_id) if meeting.referent_id else None
    return {
        "upcoming": upcoming,
        "held": held,
        "preferences": preferences_for(page.team.patient),
        "manages": allows(page.standing, Action.MANAGE_TEAM) and not page.standing.is_self,
    }


def _section_meetings(team: int, patient_only: bool) -> QuerySet[Meeting]:
    return Meeting.objects.filter(team_id=team).filter(_SEEN_BY_PATIENT_ONLY[patient_only])


# The section's reads, compiled once per viewer kind (issue 17, lkt.core.compiled_query):
# proposed meetings, and those planned from 12 hours ago; the last ones held.
_SECTION_AHEAD = {
    only: CompiledQuery(
        lambda team, since, only=only: (
            _section_meetings(team, only)
            .filter(
                Q(status=Meeting.Status.PROPOSED)
                | Q(status=Meeting.Status.PLANNED, starts_at__gte=since)
            )
            .order_by("starts_at", "pk")[:_SECTION_UPCOMING]
        ),
        "team",
        since=dt.datetime,
    )
    for only in (False, True)
}
_SECTION_LAST_HELD = {
    only: CompiledQuery(
        lambda team, only=only: (
            _section_meetings(team, only)
            .filter(status=Meeting.Status.HELD)
            .order_by("-starts_at", "-pk")[:_SECTION_HELD]
        ),
        "team",
    )
    for only in (False, True)
}


# ---------------------------------------------------------------------------------------------
# The patient's own meetings in the portal


@dataclass
class PortalMeetings:
    patient: Patient
    meetings: list[Meeting]
    preferences: MeetingPreferences | None


def portal_meetings(user: AnyUser, pk: int) -> PortalMeetings:
    """The meetings ahead that the patient is invited to, with the agenda's titles, and her
    wishes for meetings. Only the patient herself: relatives and staff are refused (403),
    strangers get 404. Five queries: patient, audit, meetings, their agenda items, wishes."""
    patient, standing = portal_patient(user, pk)
    if not standing.is_self:
        raise PermissionDenied
    audit.record(user=require_user(user), patient=patient, action=audit.VIEW, obj=patient)
    meetings = list(
        Meeting.objects.filter(
            team__patient=patient,
            patient_invited=True,
            status=Meeting.Status.PLANNED,
            starts_at__gte=timezone.now() - dt.timedelta(hours=12),
        )
        .exclude(team__status=Team.Status.CLOSED)
        .select_related("leader__user")
        .prefetch_related(
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.only("pk", "meeting_id", "title", "position"),
            )
        )
        .order_by("starts_at", "pk")
    )
    return PortalMeetings(patient=patient, meetings=meetings, preferences=preferences_for(patient))


@dataclass(frozen=True)
class MeetingAhead:
    """A real meeting ahead that the viewer may see (the patient: those she is invited to; a
    relative: those he is invited to), read by ``coordination.meetings.selectors``."""

    title: str
    starts_at: dt.datetime
    place: str = ""
    leader: str = ""
    url: str = ""


@dataclass(frozen=True)
class MeetingsSeen:
    """The viewer's meetings for "Neste aktiviteter": ``ahead`` are listed; ``real`` (the same
    meetings and the held ones, of the kinds the årshjul plans) carry out årshjul days, which
    are then not listed a second time (as on the årshjul page)."""

    ahead: list[MeetingAhead] = field(default_factory=list)
    real: list[RealMeeting] = field(default_factory=list)


# The meetings a viewer may see in a team: given by the caller (coordination reads meetings,
# and imports this module), so the portal's reads stay in one place without an import cycle.
MeetingsFor = Callable[[Team, Standing], MeetingsSeen]
