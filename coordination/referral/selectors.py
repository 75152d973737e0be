"""Reads from need to team and about the coordinator's role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from actors.access import (
    UNIT_STAFF,
    Action,
    as_user,
    check,
    is_leader,
    is_unit_staff,
    leader_organisations,
    name_for_leader,
    require_user,
    unit_kommune_id,
)
from actors.models import Member, Organisation, Role, Team, User
from coordination.models import (
    COORDINATOR_CASELOAD_LIMIT,
    CoordinatorAppointment,
    Mandate,
    NeedReport,
)
from coordination.models.referral import report_handled
from lkt.core.compiled_query import CompiledQuery

if TYPE_CHECKING:
    from actors.access import AnyUser
    from actors.selectors import TeamPage

_OPEN_TEAM = ~Q(team__status=Team.Status.CLOSED)


def is_unit_staff_for(user: User, kommune_id: int) -> bool:
    """Staff of the koordinerende enhet under this kommune: those who handle its need reports
    (``unit_staff`` lists them)."""
    return unit_kommune_id(user) == kommune_id


def unit_staff(kommune_id: int) -> list[User]:
    """Everyone ``is_unit_staff_for`` the kommune, still able to log in: who is told of a new
    need report and of a coordinator waiting to be registered (one query)."""
    return list(
        User.objects.filter(
            UNIT_STAFF, is_active=True, organisation__parent_id=kommune_id
        ).order_by("pk")
    )


def is_unit_staff_for_team(user: User, team: Team) -> bool:
    """Staff of the koordinerende enhet responsible for the team: the unit of the kommune a
    need report about it was sent to, or the unit whose staff opened the team."""
    if not is_unit_staff(user):
        return False
    kommune_id = unit_kommune_id(user)
    return (
        kommune_id is not None
        and NeedReport.objects.filter(team=team, kommune_id=kommune_id).exists()
    ) or User.objects.filter(pk=team.created_by_id, organisation=user.organisation).exists()


def unit_staff_for_team(team: Team) -> list[User]:
    """Everyone ``is_unit_staff_for_team``, still able to log in: who is told that an approved
    coordinator waits to be registered (one query)."""
    reported_to = NeedReport.objects.filter(team=team).values("kommune_id")
    creators_unit = Organisation.objects.filter(employees=team.created_by_id).values("pk")
    return list(
        User.objects.filter(
            Q(organisation__parent_id__in=reported_to) | Q(organisation_id__in=creators_unit),
            UNIT_STAFF,
            is_active=True,
        ).order_by("pk")
    )


def unit_page_for_team(team: Team) -> str:
    """Where the unit registers the team's coordinator: the need report that led to the team
    (every unit colleague may open it), else the team page, which the unit's staff see when
    one of them opened the team."""
    report = NeedReport.objects.filter(team=team).order_by("-pk").values_list("pk", flat=True)
    first = report.first()
    if first is not None:
        return reverse("coordination:need-report-detail", args=[first])
    return reverse("workspace:team-detail", args=[team.pk]) + "#koordinator"


def is_line_leader_of(leader: User, person: User) -> bool:
    """A leader of the person's organisation or an organisation above it."""
    if not (is_leader(leader) and person.organisation_id):
        return False
    return leader_organisations(leader).filter(pk=person.organisation_id).exists()


def _ancestor_ids(organisation_id: int) -> list[int]:
    """The organisation and those above it (trees are shallow: at most four levels)."""
    ids: list[int] = []
    org = (
        Organisation.objects.select_related("parent__parent__parent")
        .filter(pk=organisation_id)
        .first()
    )
    while org is not None and len(ids) < 4:
        ids.append(org.pk)
        org = org.parent
    return ids


def line_leaders(organisation_id: int) -> list[User]:
    """Leaders of the organisation or of one above it."""
    return list(
        User.objects.filter(
            is_leader=True, is_active=True, organisation_id__in=_ancestor_ids(organisation_id)
        ).order_by("pk")
    )


def active_coordinators(team: Team) -> list[Member]:
    return list(
        Member.objects.active()
        .filter(team=team, role=Role.COORDINATOR)
        .select_related("user")
        .order_by("joined_on", "pk")
    )


def leaders_of_coordinators(team: Team) -> list[User]:
    leaders: dict[int, User] = {}
    for member in active_coordinators(team):
        if member.user and member.user.organisation_id:
            leaders.update({u.pk: u for u in line_leaders(member.user.organisation_id)})
    return list(leaders.values())


def _coordinates(member: Member | None) -> bool:
    return member is not None and member.left_on is None and member.role == Role.COORDINATOR


def mandate_coordinator(team: Team, mandate: Mandate | None = None) -> Member | None:
    """The coordinator a mandate is for: the one it names while they coordinate; else the one
    the unit registered last and still coordinating; else the team's first coordinator."""
    if mandate is not None and mandate.coordinator_id and _coordinates(mandate.coordinator):
        return mandate.coordinator
    registered = (
        CoordinatorAppointment.objects.filter(
            team=team,
            status=CoordinatorAppointment.Status.REGISTERED,
            member__left_on__isnull=True,
            member__role=Role.COORDINATOR,
        )
        .select_related("member__user")
        .order_by("-registered_at", "-pk")
        .first()
    )
    if registered is not None:
        return registered.member
    coordinators = active_coordinators(team)
    return coordinators[0] if coordinators else None


def mandate_approvers(team: Team, mandate: Mandate | None = None) -> list[User]:
    """Who approves the mandate: the line leaders of the coordinator it is for. A mandate from
    before that was recorded may be approved by any active coordinator's leader."""
    if mandate is not None and mandate.coordinator_id is None:
        return leaders_of_coordinators(team)
    coordinator = mandate_coordinator(team, mandate)
    if coordinator is None or coordinator.user is None or not coordinator.user.organisation_id:
        return []
    return line_leaders(coordinator.user.organisation_id)


def caseload(user: User) -> int:
    """How many open teams the person coordinates now."""
    return (
        Member.objects.active()
        .filter(user=user, role=Role.COORDINATOR)
        .filter(_OPEN_TEAM)
        .values("team")
        .distinct()
        .count()
    )


# ---------------------------------------------------------------------------------------------
# Need reports


def need_report_list_for_reporter(user: User) -> list[NeedReport]:
    """The reporter's own reports with their status (one query)."""
    return list(
        NeedReport.objects.filter(reported_by=user)
        .select_related("kommune")
        .order_by("-created_at")
    )


# The worklist shows this many reports a page: the kommune's whole history (1,500 reports and
# growing) made it 0.7 s, mostly rendering rows no one scrolled to.
WORKLIST_PAGE_SIZE = 50


@dataclass(frozen=True)
class WorklistPage:
    reports: list[NeedReport]
    page: int
    has_next: bool

    @property
    def size(self) -> int:
        return WORKLIST_PAGE_SIZE


def need_report_worklist(user: User, page: int = 1) -> WorklistPage:
    """The koordinerende enhet's worklist: its kommune's reports, open ones first, then the
    newest, a page at a time (one query: a row more than a page says whether another follows,
    so no COUNT). Patients here may not be registered, so nothing goes to the per-patient audit
    log; the report's own history records who handled it."""
    kommune_id = unit_kommune_id(user)
    if kommune_id is None:
        return WorklistPage(reports=[], page=page, has_next=False)
    offset = (page - 1) * WORKLIST_PAGE_SIZE
    rows: list[NeedReport] = list(
        NeedReport.objects.filter(kommune_id=kommune_id)
        .select_related("reported_by", "team")
        # The order of the index need_report_worklist: a page is read from it, not sorted.
        .annotate(is_handled=report_handled())
        .order_by("is_handled", "-created_at", "-pk")[offset : offset + WORKLIST_PAGE_SIZE + 1]
    )
    return WorklistPage(
        reports=rows[:WORKLIST_PAGE_SIZE], page=page, has_next=len(rows) > WORKLIST_PAGE_SIZE
    )


@dataclass
class NeedReportPage:
    report: NeedReport
    is_unit: bool
    is_reporter: bool


def need_report_get(who: AnyUser, pk: int) -> NeedReportPage:
    """A report for its reporter or the kommune's unit; anyone else gets 404."""
    user = as_user(who)
    report = (
        NeedReport.objects.select_related("kommune", "reported_by", "team")
        .prefetch_related("events__actor")
        .filter(pk=pk)
        .first()
    )
    if user is None or report is None:
        raise Http404
    is_unit = is_unit_staff_for(user, report.kommune_id)
    is_reporter = report.reported_by_id == user.pk
    if not (is_unit or is_reporter):
        raise Http404
    return NeedReportPage(report=report, is_unit=is_unit, is_reporter=is_reporter)


# ---------------------------------------------------------------------------------------------
# The leader's approvals


@dataclass
class AppointmentRow:
    appointment: CoordinatorAppointment
    caseload: int

    @property
    def over_limit(self) -> bool:
        return self.caseload >= COORDINATOR_CASELOAD_LIMIT


def approvals_for_leader(user: User) -> tuple[list[AppointmentRow], list[Mandate]]:
    """What waits for the leader: proposed coordinators in their organisations with each
    candidate's caseload, and unapproved mandates of coordinators there. Three queries; no
    patient data is shown, so no audit row."""
    organisations = leader_organisations(user)
    appointments = list(
        CoordinatorAppointment.objects.filter(
            status=CoordinatorAppointment.Status.PROPOSED,
            candidate__organisation__in=organisations,
        )
        .select_related("candidate__organisation")
        .annotate(
            caseload=Count(
                "candidate__memberships__team",
                filter=Q(
                    candidate__memberships__role=Role.COORDINATOR,
                    candidate__memberships__left_on__isnull=True,
                )
                & ~Q(candidate__memberships__team__status=Team.Status.CLOSED),
                distinct=True,
            )
        )
        .order_by("proposed_at")
    )
    mandates = list(
        Mandate.objects.filter(
            # The coordinator's own leader; a mandate from before it named one, any active
            # coordinator's (``mandate_approvers``).
            Q(coordinator__user__organisation__in=organisations)
            | Q(
                coordinator__isnull=True,
                team__members__role=Role.COORDINATOR,
                team__members__left_on__isnull=True,
                team__members__user__organisation__in=organisations,
            ),
            approved_at__isnull=True,
        )
        .exclude(team__status=Team.Status.CLOSED)
        .select_related("deputy__user", "updated_by")
        .distinct()
        .order_by("updated_at")
    )
    for mandate in mandates:
        # The deputy may be any member, a parent or a støttekontakt too: a leader reads the
        # names of the services' staff only, and the role otherwise.
        deputy = mandate.deputy
        mandate.deputy_name = (  # type: ignore[attr-defined]
            (name_for_leader(deputy) or deputy.get_role_display()) if deputy else ""
        )
    rows = [AppointmentRow(a, a.caseload) for a in appointments]
    return rows, mandates


# ---------------------------------------------------------------------------------------------
# The team page section "Koordinator og mandat"


def coordinator_section(page: TeamPage) -> dict[str, Any]:
    """Two queries: 1 the mandate with its deputy's user, 2 the open appointments with their
    candidates. The coordinators come from the members already on the page."""
    team = page.team
    mandate = _SECTION_MANDATE.first(team=team.pk)
    if mandate is not None:
        # Deputy and coordinator from the members the page has read (former ones too): four
        # joins fewer, and planning the joins took longer than running the query (issue 17).
        members = page.members_by_pk
        mandate.deputy = members.get(mandate.deputy_id) if mandate.deputy_id else None
        mandate.coordinator = (
            members.get(mandate.coordinator_id) if mandate.coordinator_id else None
        )
    appointments = _SECTION_APPOINTMENTS.all(team=team.pk)
    coordinators = [m for m in page.active_members if m.role == Role.COORDINATOR]
    # The unit registers an approved coordinator right where the section says it waits (two
    # queries more, only while an approval waits).
    waiting = any(a.status == CoordinatorAppointment.Status.APPROVED for a in appointments)
    return {
        "mandate": mandate,
        "appointments": appointments,
        "coordinators": coordinators,
        "limit": COORDINATOR_CASELOAD_LIMIT,
        "may_register": waiting
        and page.viewer is not None
        and is_unit_staff_for_team(page.viewer, team),
    }


# The section's reads, compiled once (issue 17, lkt.core.compiled_query): the mandate, and the
# ten newest appointments still open or rejected.
_SECTION_MANDATE = CompiledQuery(
    lambda team: Mandate.objects.filter(team_id=team).select_related("approved_by"),
    "team",
)
_SECTION_APPOINTMENTS = CompiledQuery(
    lambda team: (
        CoordinatorAppointment.objects.filter(
            team_id=team,
            status__in=[
                CoordinatorAppointment.Status.PROPOSED,
                CoordinatorAppointment.Status.APPROVED,
                CoordinatorAppointment.Status.REJECTED,
            ],
        )
        .select_related("candidate")
        .order_by("-proposed_at")[:10]
    ),
    "team",
)


def mandate_for_team(team: Team) -> Mandate | None:
    return Mandate.objects.filter(team=team).select_related("deputy__user").first()


def appointments_for_team(team_id: int) -> list[CoordinatorAppointment]:
    """Every proposal of a coordinator for the team, newest first (the unit's need report)."""
    return list(
        CoordinatorAppointment.objects.filter(team_id=team_id)
        .select_related("candidate")
        .order_by("-proposed_at")
    )


def appointment_for_unit(who: AnyUser, team_pk: int, appointment_pk: int) -> CoordinatorAppointment:
    """A proposal the koordinerende enhet responsible for the team registers: 404 for who may not
    see the team, 403 for who may but is not the unit (the coordinator, the patient)."""
    actor = require_user(who)
    team = get_object_or_404(Team.objects.select_related("patient"), pk=team_pk)
    if not is_unit_staff_for_team(actor, team):
        check(actor, Action.MANAGE_TEAM, team.patient)
        raise PermissionDenied
    appointment = get_object_or_404(
        CoordinatorAppointment.objects.select_related("candidate"), pk=appointment_pk, team=team
    )
    appointment.team = team
    return appointment


def appointment_for_leader(leader: User, appointment_pk: int) -> CoordinatorAppointment:
    """A proposal the leader decides on: the candidate's line leader only (else 403)."""
    appointment = get_object_or_404(
        CoordinatorAppointment.objects.select_related("candidate__organisation"), pk=appointment_pk
    )
    if not is_line_leader_of(leader, appointment.candidate):
        raise PermissionDenied
    return appointment


def mandate_get(mandate_pk: int) -> Mandate:
    """A mandate by its key; ``services.mandate_approve`` decides who may approve it."""
    return get_object_or_404(Mandate.objects.select_related("team"), pk=mandate_pk)


def newest_need_report(team: Team) -> NeedReport | None:
    return NeedReport.objects.filter(team=team).order_by("-pk").first()
