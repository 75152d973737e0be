"""The FHIR reads: every one through the access policy (actors.access), audited as the pages are.

A read by id fetches the row, then ``authorize`` decides for its patient and writes the audit
row (404 when the reader may not know the patient, 403 when the role may not read this); a
search lists the rows of the patients ``patients_for(user, action)`` gives, in a fixed number
of queries whatever the size, and writes one bulk audit row per resource shown (as the pages'
lists do). Each type reads what the same role reads on its page:

=============  =====================  ======================================================
type           action                 as on the page
=============  =====================  ======================================================
Patient        VIEW_IDENTITY          fødselsnummer and birth date with VIEW_PERSONAL_ID
CareTeam       VIEW_TEAM              former members only for those with the clinical view
CarePlan       VIEW_PLAN              approved versions (in force, replaced)
Goal           VIEW_GOALS             Min gode dag's goals, removed ones as cancelled
Consent        VIEW_CONSENT           the team page's consent table
Task           VIEW_CLINICAL          the task list
Appointment    VIEW_CLINICAL          the patient: only meetings she is invited to
Practitioner   –                      members of the teams the reader sees (HPR for staff)
Organization   –                      reference data for every reader
=============  =====================  ======================================================

The plan page's two other readers, a leader (structure only) and a child's representative, are
not FHIR readers: the plan is 403 and 404 to them here, as the policy says for VIEW_PLAN.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404

from actors import fhir as actors_fhir
from actors.access import Action, allows, as_user, authorize, identifies, patients_for
from actors.models import Consent, Member, Organisation, Patient, Team, TeamQuerySet, User
from careplans import fhir as careplans_fhir
from careplans.models import CarePlanVersion, Goal, PhaseChange, PhasePlanEntry
from coordination import fhir as coordination_fhir
from coordination.models import Meeting, Task
from lkt.core import audit
from lkt.fhir.search import Search, date_condition, reference_id, token

if TYPE_CHECKING:
    from fhir.resources.R4B.resource import Resource

    from actors.access import AnyUser


@dataclass
class Found:
    """One page of a search: the total and the resources on it."""

    total: int
    resources: list[Resource]


def _authorize(user: AnyUser, action: Action, patient: Patient, obj: Any) -> Any:
    """``authorize`` (it audits). A machine client is told 403 for a team outside its
    organisation's: it is a registered system of a health organisation that asked for an id
    it holds, and must learn that LKT refuses rather than that the id is wrong."""
    try:
        return authorize(user, action, patient, obj=obj)
    except Http404:
        actor = as_user(user)
        if actor is not None and actor.kind == User.Kind.SYSTEM:
            raise PermissionDenied(
                "Klientens organisasjon er ikke med i dette aktørfellesskapet."
            ) from None
        raise


def _patient_filter(search: Search, field: str) -> Q:
    condition = Q()
    for value in search.values("patient"):
        condition &= Q(**{field: reference_id(value, "Patient")})
    return condition


def _updated_filter(search: Search, field: str) -> Q:
    condition = Q()
    for value in search.values("_lastUpdated"):
        condition &= date_condition(field, value)
    return condition


def _page(rows: QuerySet[Any], search: Search) -> tuple[int, list[Any]]:
    """The total and one page, in id order (stable under paging): two queries."""
    total = rows.count()
    if search.count == 0 or search.offset >= total:
        return total, []
    return total, list(rows.order_by("pk")[search.offset : search.offset + search.count])


def _audit_list(user: AnyUser, shown: Iterable[tuple[int, Any]]) -> None:
    actor = as_user(user)
    if actor is None:
        return
    audit.record_list(
        user=actor, objects=((Patient(pk=patient_id), obj) for patient_id, obj in shown)
    )


def _row(queryset: QuerySet[Any], pk: int) -> Any:
    row = queryset.filter(pk=pk).first()
    if row is None:
        raise Http404
    return row


# ---------------------------------------------------------------------------------------------
# Patient


def patient_read(user: AnyUser, pk: int) -> Resource:
    patient = _row(Patient.objects.all(), pk)
    standing = _authorize(user, Action.VIEW_IDENTITY, patient, patient)
    return actors_fhir.patient_resource(
        patient, personal_id=allows(standing, Action.VIEW_PERSONAL_ID)
    )


def _identifier_filter(search: Search) -> Q:
    """Fødselsnummer or D-nummer, matched only where the reader may see it (a relative finds
    no one by number: the policy does not show it to them)."""
    condition = Q()
    for value in search.values("identifier"):
        system, number = token(value)
        if system in (None, "", actors_fhir.FNR_SYSTEM, actors_fhir.DNR_SYSTEM):
            wanted = Q(national_id=number, shows_personal_id=True)
            if system and system != actors_fhir.national_id_system(number):
                wanted = Q(pk__in=[])
            condition &= wanted
        else:
            condition &= Q(pk__in=[])
    return condition


def patient_search(user: AnyUser, search: Search) -> Found:
    rows = (
        patients_for(user, Action.VIEW_IDENTITY)
        .annotate(shows_personal_id=identifies(user))
        .filter(_identifier_filter(search), _updated_filter(search, "created_at"))
    )
    total, patients = _page(rows, search)
    _audit_list(user, ((p.pk, p) for p in patients))
    return Found(
        total,
        [actors_fhir.patient_resource(p, personal_id=bool(p.shows_personal_id)) for p in patients],
    )


# ---------------------------------------------------------------------------------------------
# Practitioner and Organization


def _reads_hpr(user: AnyUser) -> bool:
    """HPR-nummer for readers who work in the services: staff and machine clients."""
    actor = as_user(user)
    return actor is not None and actor.kind in (User.Kind.STAFF, User.Kind.SYSTEM)


def _practitioners(user: AnyUser) -> QuerySet[User]:
    """Staff the reader sees on a team page: active members of the teams they see, former
    members of the teams whose clinical picture they share, and themselves."""
    actor = as_user(user)
    if actor is None:
        return User.objects.none()
    shown = Member.objects.filter(
        Q(
            team__patient__in=patients_for(actor, Action.VIEW_TEAM),
            left_on__isnull=True,
        )
        | Q(team__patient__in=patients_for(actor, Action.VIEW_CLINICAL)),
        user=OuterRef("pk"),
    ).exclude(team__status=Team.Status.CLOSED)
    return User.objects.filter(Q(pk=actor.pk) | Exists(shown), kind=User.Kind.STAFF)


def practitioner_read(user: AnyUser, pk: int) -> Resource:
    practitioner = _row(_practitioners(user), pk)
    return actors_fhir.practitioner_resource(practitioner, hpr=_reads_hpr(user))


def practitioner_search(user: AnyUser, search: Search) -> Found:
    condition = Q()
    for value in search.values("identifier"):
        system, number = token(value)
        condition &= (
            Q(hpr_number=number) if system in (None, "", actors_fhir.HPR_SYSTEM) else Q(pk__in=[])
        )
    if search.values("identifier") and not _reads_hpr(user):
        condition &= Q(pk__in=[])
    total, users = _page(_practitioners(user).filter(condition), search)
    hpr = _reads_hpr(user)
    return Found(total, [actors_fhir.practitioner_resource(u, hpr=hpr) for u in users])


def _organisations(user: AnyUser) -> QuerySet[Organisation]:
    """Reference data: every reader sees every organisation (as the API's list)."""
    return Organisation.objects.all() if as_user(user) else Organisation.objects.none()


def organization_read(user: AnyUser, pk: int) -> Resource:
    return actors_fhir.organization_resource(_row(_organisations(user), pk))


def organization_search(user: AnyUser, search: Search) -> Found:
    condition = Q()
    for value in search.values("identifier"):
        system, number = token(value)
        condition &= (
            Q(org_number=number) if system in (None, "", actors_fhir.ORGNR_SYSTEM) else Q(pk__in=[])
        )
    total, rows = _page(_organisations(user).filter(condition), search)
    return Found(total, [actors_fhir.organization_resource(o) for o in rows])


def _search_by_patient(
    user: AnyUser,
    search: Search,
    rows: QuerySet[Any],
    *,
    action: Action,
    patient: str,
    updated: str,
    resource: Callable[[Any], Resource],
) -> Found:
    """A search over rows of patients the reader may see for ``action`` (``patient``: the path
    to the patient), by ``patient`` and ``_lastUpdated`` (``updated``); one bulk audit row per
    patient shown."""
    rows = rows.filter(
        Q(**{f"{patient}__in": patients_for(user, action)}),
        _patient_filter(search, f"{patient}_id"),
        _updated_filter(search, updated),
    )
    total, found = _page(rows, search)
    _audit_list(user, ((row.patient_id, row) for row in found))
    return Found(total, [resource(row) for row in found])


# ---------------------------------------------------------------------------------------------
# CareTeam


def _teams() -> TeamQuerySet:
    return (
        Team.objects.select_related("patient")
        .annotate(
            last_updated=Greatest(
                F("updated_at"),
                Coalesce(
                    Subquery(
                        Member.objects.filter(team=OuterRef("pk"))
                        .values("team")
                        .annotate(newest=Max("updated_at"))
                        .values("newest")[:1]
                    ),
                    F("updated_at"),
                ),
            )
        )
        .prefetch_related(
            Prefetch(
                "members",
                queryset=Member.objects.select_related("user").order_by("role", "joined_on"),
            )
        )
    )


def care_team_read(user: AnyUser, pk: int) -> Resource:
    team = _row(_teams(), pk)
    standing = _authorize(user, Action.VIEW_TEAM, team.patient, team)
    return actors_fhir.care_team_resource(
        team,
        team.members.all(),
        former_members=allows(standing, Action.VIEW_CLINICAL),
        updated=team.last_updated,
    )


def care_team_search(user: AnyUser, search: Search) -> Found:
    clinical = patients_for(user, Action.VIEW_CLINICAL).filter(pk=OuterRef("patient_id"))
    rows = (
        _teams()
        .open()
        .filter(patient__in=patients_for(user, Action.VIEW_TEAM))
        .annotate(former_shown=ExpressionWrapper(Exists(clinical), output_field=BooleanField()))
        .filter(_patient_filter(search, "patient_id"))
    )
    rows = rows.filter(_updated_filter(search, "last_updated"))
    total, teams = _page(rows, search)
    _audit_list(user, ((t.patient_id, t) for t in teams))
    return Found(
        total,
        [
            actors_fhir.care_team_resource(
                t, t.members.all(), former_members=t.former_shown, updated=t.last_updated
            )
            for t in teams
        ],
    )


# ---------------------------------------------------------------------------------------------
# CarePlan


_APPROVED = Q(in_force_at__isnull=False, status__in=["in_force", "superseded"])


def _care_plans() -> QuerySet[CarePlanVersion]:
    approved = CarePlanVersion.objects.filter(_APPROVED, plan=OuterRef("plan"))
    return (
        CarePlanVersion.objects.filter(_APPROVED)
        .select_related("plan__team")
        .annotate(
            patient_id=F("plan__team__patient_id"),
            replaces_id=Subquery(
                approved.filter(number__lt=OuterRef("number")).order_by("-number").values("pk")[:1]
            ),
            # A version changes once after approval: when a newer approved version replaces it.
            last_updated=Coalesce(
                Subquery(
                    approved.filter(number__gt=OuterRef("number"))
                    .order_by("number")
                    .values("in_force_at")[:1]
                ),
                F("in_force_at"),
            ),
            current_phase=Subquery(
                PhaseChange.objects.filter(team=OuterRef("plan__team"))
                .order_by("-changed_at", "-pk")
                .values("phase")[:1]
            ),
        )
        .prefetch_related(
            Prefetch(
                "phase_entries",
                queryset=PhasePlanEntry.objects.select_related(
                    "actor__user", "night_contact__user"
                ),
            )
        )
    )


def _care_plan(version: CarePlanVersion) -> Resource:
    return careplans_fhir.care_plan_resource(
        version,
        patient_id=version.patient_id,  # type: ignore[attr-defined]
        team_id=version.plan.team_id,
        replaces=version.replaces_id,  # type: ignore[attr-defined]
        current_phase=version.current_phase,  # type: ignore[attr-defined]
        updated=version.last_updated,  # type: ignore[attr-defined]
    )


def care_plan_read(user: AnyUser, pk: int) -> Resource:
    """Four queries: the version with its team, what replaced it and the team's phase; the
    reader's standing; the audit row; the phase plan with who acts."""
    version = _row(_care_plans().select_related("plan__team__patient"), pk)
    _authorize(user, Action.VIEW_PLAN, version.plan.team.patient, version)
    return _care_plan(version)


def care_plan_search(user: AnyUser, search: Search) -> Found:
    return _search_by_patient(
        user,
        search,
        _care_plans(),
        action=Action.VIEW_PLAN,
        patient="plan__team__patient",
        updated="last_updated",
        resource=_care_plan,
    )


# ---------------------------------------------------------------------------------------------
# Goal


def _goals() -> QuerySet[Goal]:
    return Goal.objects.select_related("challenge").prefetch_related(
        Prefetch("subgoals", queryset=Goal.objects.only("pk", "parent_id").order_by("pk"))
    )


def _goal(goal: Goal) -> Resource:
    return careplans_fhir.goal_resource(goal, subgoal_ids=[g.pk for g in goal.subgoals.all()])


def goal_read(user: AnyUser, pk: int) -> Resource:
    goal = _row(_goals().select_related("patient"), pk)
    _authorize(user, Action.VIEW_GOALS, goal.patient, goal)
    return _goal(goal)


def goal_search(user: AnyUser, search: Search) -> Found:
    return _search_by_patient(
        user,
        search,
        _goals(),
        action=Action.VIEW_GOALS,
        patient="patient",
        updated="updated_at",
        resource=_goal,
    )


# ---------------------------------------------------------------------------------------------
# Consent


def _consents() -> QuerySet[Consent]:
    return Consent.objects.annotate(last_updated=Coalesce("withdrawn_at", "given_at"))


def consent_read(user: AnyUser, pk: int) -> Resource:
    consent = _row(_consents().select_related("patient"), pk)
    _authorize(user, Action.VIEW_CONSENT, consent.patient, consent)
    return actors_fhir.consent_resource(consent)


def consent_search(user: AnyUser, search: Search) -> Found:
    return _search_by_patient(
        user,
        search,
        _consents(),
        action=Action.VIEW_CONSENT,
        patient="patient",
        updated="last_updated",
        resource=actors_fhir.consent_resource,
    )


# ---------------------------------------------------------------------------------------------
# Task


def _tasks() -> QuerySet[Task]:
    return Task.objects.select_related("team", "goal", "owner__user").annotate(
        patient_id=F("team__patient_id")
    )


def _task(task: Task) -> Resource:
    return coordination_fhir.task_resource(task, patient_id=task.patient_id)  # type: ignore[attr-defined]


def task_read(user: AnyUser, pk: int) -> Resource:
    task = _row(_tasks().select_related("team__patient"), pk)
    _authorize(user, Action.VIEW_CLINICAL, task.team.patient, task)
    return _task(task)


def task_search(user: AnyUser, search: Search) -> Found:
    return _search_by_patient(
        user,
        search,
        _tasks(),
        action=Action.VIEW_CLINICAL,
        patient="team__patient",
        updated="updated_at",
        resource=_task,
    )


# ---------------------------------------------------------------------------------------------
# Appointment


def _meetings() -> QuerySet[Meeting]:
    return (
        Meeting.objects.select_related("team")
        .annotate(patient_id=F("team__patient_id"))
        .prefetch_related(
            Prefetch("invited", queryset=Member.objects.select_related("user").order_by("pk"))
        )
    )


def _appointment(meeting: Meeting) -> Resource:
    return coordination_fhir.appointment_resource(
        meeting,
        patient_id=meeting.patient_id,  # type: ignore[attr-defined]
        invited=meeting.invited.all(),
    )


def appointment_read(user: AnyUser, pk: int) -> Resource:
    meeting = _row(_meetings().select_related("team__patient"), pk)
    standing = _authorize(user, Action.VIEW_CLINICAL, meeting.team.patient, meeting)
    if standing.is_self and not meeting.patient_invited:
        # The patient sees the meetings she is invited to, and nothing of the others.
        raise Http404
    return _appointment(meeting)


def appointment_search(user: AnyUser, search: Search) -> Found:
    rows = _meetings()
    actor = as_user(user)
    if actor is not None and actor.kind == User.Kind.PATIENT:
        rows = rows.filter(patient_invited=True)
    return _search_by_patient(
        user,
        search,
        rows,
        action=Action.VIEW_CLINICAL,
        patient="team__patient",
        updated="updated_at",
        resource=_appointment,
    )


Reader = Callable[["AnyUser", int], "Resource"]
Searcher = Callable[["AnyUser", Search], Found]
