"""The team's status report (issue 8): one PDF with where the team stands on every element.

Two versions of one report:
- ``full=True`` for staff with the clinical view (``Action.VIEW_CLINICAL``): Min gode dag in
  the patient's words, the phase and why it changed, the tasks, the evaluation and the night
  contacts with their reasons.
- ``full=False`` for a leader of a core member's organisation (``is_team_leader``): structure
  only, never clinical text or the patient's identity (as on the leader's plan page): members
  and roles, missing roles, coordinator and deputy, plan and approvals, the årshjul, and counts
  and dates where the full version has text. The clinical rows are not even read for a leader,
  so no template slip can print them. Names are the services' staff only
  (``actors.access.name_for_leader``): of the patient's own circle (family, a støttekontakt,
  other sectors) the leader sees the role and the organisation, never the name.

``status_report_get`` reads everything in a fixed number of queries whatever the team's size
(pinned in tests/coordination/reports/test_status_report.py). The download is audited as an export
(``status_report_export_record``): the one record of who took the document out of LKT.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actors.access import Action, allows, as_user, is_team_leader, name_for_leader, standing
from actors.models import MANDATORY_ROLES, Consent, Member, NetworkLevel, Role, Team, User
from careplans.annual.rules import occurrences
from careplans.annual.schedule import EARLY_DAYS
from careplans.models import AnnualActivity, CarePlanVersion, GoodDayVersion, Phase, PhaseChange
from careplans.plan.selectors import RequiredApproval, plan_in_force_and_draft, required_approvals
from coordination.models import Document, Evaluation, GoalEvaluation, Mandate, NightContact, Task
from lkt.core.pdf import render_pdf
from lkt.models import AccessLog

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

    from actors.access import AnyUser

# AccessLog.object_type of every status report download.
STATUS_REPORT = "coordination.reports.status_report"
LEADER_REASON = "Leder: statusrapport for aktørfellesskapet (bare struktur, ikke klinisk tekst)"
NIGHT_DAYS = 90
TEMPLATE = "coordination/status_report_pdf.html"


@dataclass(frozen=True)
class GoodDaySummary:
    """The current (non-draft) version of Min gode dag; ``text`` only in the full report."""

    number: int
    created_at: dt.datetime
    text: str = ""
    what_matters: str = ""


@dataclass(frozen=True)
class MemberRow:
    name: str  # empty in a leader's report outside the services' staff
    role: StrOrPromise
    organisation: str
    involvement: StrOrPromise
    joined_on: dt.date


@dataclass
class LevelRows:
    label: StrOrPromise
    members: list[MemberRow] = field(default_factory=list)


@dataclass(frozen=True)
class PlanStatus:
    """The version in force and the newest draft with the approvals it still waits for."""

    in_force: CarePlanVersion | None
    draft: CarePlanVersion | None
    required: list[RequiredApproval]

    @property
    def given(self) -> list[RequiredApproval]:
        return [r for r in self.required if r.done]

    @property
    def missing(self) -> list[RequiredApproval]:
        return [r for r in self.required if not r.done]


class AnnualState:
    DONE = "done"
    DUE = "due"
    OVERDUE = "overdue"


ANNUAL_LABELS = {
    AnnualState.DONE: _("Utført"),
    AnnualState.DUE: _("Kommer"),
    AnnualState.OVERDUE: _("Over frist"),
}


@dataclass(frozen=True)
class AnnualRow:
    title: str
    mandatory: bool
    state: str
    last_done_on: dt.date | None
    next_due_on: dt.date | None
    missed_on: dt.date | None  # the occurrence that passed without being done

    @property
    def label(self) -> StrOrPromise:
        return ANNUAL_LABELS[self.state]


@dataclass(frozen=True)
class TaskRow:
    title: str
    owner: str
    due_on: dt.date
    overdue: bool


@dataclass(frozen=True)
class EvaluationSummary:
    starts_on: dt.date
    ends_on: dt.date
    closed_on: dt.date | None
    goals: int
    reached: int
    partly: int
    not_reached: int
    summary: str = ""  # the full report only


@dataclass(frozen=True)
class ContactRow:
    occurred_at: dt.datetime
    service: StrOrPromise
    outcome: StrOrPromise
    reason: str


@dataclass(frozen=True)
class ConsentRow:
    label: StrOrPromise
    given_at: dt.datetime | None
    withdrawn_at: dt.datetime | None

    @property
    def standing(self) -> bool:
        return self.given_at is not None and self.withdrawn_at is None


@dataclass
class StatusReport:
    team: Team
    full: bool
    good_day: GoodDaySummary | None
    phase: StrOrPromise | None  # the full report only, like the history
    phase_history: list[PhaseChange]
    levels: list[LevelRows]
    missing_roles: list[Role]
    coordinators: list[Member]
    coordinator_rows: list[MemberRow]  # the coordinators as the reader may see them
    deputy_row: MemberRow | None
    mandate: Mandate | None
    plan: PlanStatus
    annual: list[AnnualRow]
    open_tasks: int
    overdue_tasks: int
    tasks: list[TaskRow]  # the full report only
    evaluation: EvaluationSummary | None
    night_contacts: int
    contacts: list[ContactRow]  # the full report only
    consents: list[ConsentRow]
    # The team's documents by name, type and where they belong (issue 19): what an archive copy
    # of the team must account for; the full report only (a file's name may say something
    # clinical). The files themselves stay in LKT behind the access policy.
    documents: list[Document] = field(default_factory=list)

    @property
    def deputy(self) -> Member | None:
        return self.mandate.deputy if self.mandate else None

    def annual_count(self, state: str) -> int:
        return sum(1 for row in self.annual if row.state == state)

    @property
    def annual_done(self) -> int:
        return self.annual_count(AnnualState.DONE)

    @property
    def annual_due(self) -> int:
        return self.annual_count(AnnualState.DUE)

    @property
    def annual_overdue(self) -> int:
        return self.annual_count(AnnualState.OVERDUE)


# ---------------------------------------------------------------------------------------------
# Who gets which version


def status_report_team(pk: int) -> Team:
    """The team of a report; ``status_report_full`` then decides what the reader gets."""
    team = Team.objects.select_related("patient__user").filter(pk=pk).first()
    if team is None:
        raise Http404
    return team


def status_report_full(who: AnyUser, team: Team) -> bool:
    """True for staff with the clinical view of the patient, False for a leader of the team
    (structure only); Http404 for everyone else, the patient and relatives included: the
    report is the services' document (the patient has her own, ``lkt.workspace.portal_pdf``)."""
    user = as_user(who)
    if user is None or user.kind != User.Kind.STAFF or team.status == Team.Status.CLOSED:
        raise Http404
    if allows(standing(user, team.patient), Action.VIEW_CLINICAL):
        return True
    if is_team_leader(user, team):
        return False
    raise Http404


def status_report_export_record(*, user: User, team: Team, full: bool) -> AccessLog:
    """The audit row of one download: an export, with why a leader, not in the team, read it."""
    return AccessLog.objects.create(
        user=user,
        patient=team.patient,
        action=AccessLog.Action.EXPORT,
        object_type=STATUS_REPORT,
        object_id=str(team.pk),
        reason="" if full else LEADER_REASON,
    )


# ---------------------------------------------------------------------------------------------
# The reads


def _good_day(team: Team, full: bool) -> GoodDaySummary | None:
    versions = GoodDayVersion.objects.filter(
        document__patient_id=team.patient_id, is_draft=False
    ).order_by("-number")
    if not full:
        versions = versions.only("number", "created_at", "document_id")
    current = versions.first()
    if current is None:
        return None
    if not full:
        return GoodDaySummary(number=current.number, created_at=current.created_at)
    return GoodDaySummary(
        number=current.number,
        created_at=current.created_at,
        text=current.good_day,
        what_matters=current.what_matters,
    )


def _row(m: Member, full: bool) -> MemberRow:
    """One member as the report's reader may see them: a leader gets no name outside the
    services' staff (``name_for_leader``)."""
    return MemberRow(
        name=m.display_name if full else name_for_leader(m),
        role=m.get_role_display(),
        organisation=str(m.organisation) if m.organisation else "",
        involvement=m.get_involvement_display(),
        joined_on=m.joined_on,
    )


def _levels(members: list[Member], full: bool) -> list[LevelRows]:
    """Members by level; in each, the four mandatory roles first, in their order."""
    groups = {value: LevelRows(label) for value, label in NetworkLevel.choices}
    rank = {role.value: n for n, role in enumerate(MANDATORY_ROLES)}
    for m in sorted(members, key=lambda m: rank.get(m.role, len(rank))):
        groups[m.level].members.append(_row(m, full))
    return [group for group in groups.values() if group.members]


def _plan(team: Team, members: list[Member]) -> PlanStatus:
    """The version in force and the newest version (one query), and for a draft its required
    approvals (``required_approvals``: organisations, leaders, the representations in effect,
    the approvals)."""
    in_force, draft = plan_in_force_and_draft(team)
    required: list[RequiredApproval] = []
    if draft is not None:
        required = required_approvals(draft, team=team, members=members)
    return PlanStatus(in_force=in_force, draft=draft, required=required)


def annual_state(
    activity: AnnualActivity, since: dt.date, today: dt.date
) -> tuple[str, dt.date | None]:
    """Done, due or overdue, and the missed occurrence when overdue.

    Overdue: an occurrence between ``since`` (the plan went in force) and yesterday passed
    without the activity being done for it (done up to ``EARLY_DAYS`` before counts, as for
    the reminders). Done: it was done and nothing has been missed since. Due: not done yet,
    nothing missed."""
    passed = occurrences(activity, since, today - dt.timedelta(days=1))
    done = activity.last_done_on
    if passed and (done is None or done < passed[-1] - dt.timedelta(days=EARLY_DAYS)):
        return AnnualState.OVERDUE, passed[-1]
    if done is not None:
        return AnnualState.DONE, None
    return AnnualState.DUE, None


def _annual(version: CarePlanVersion | None, today: dt.date) -> list[AnnualRow]:
    """The årshjul of the version in force (one query; none without a version in force)."""
    if version is None:
        return []
    since = (
        timezone.localtime(version.in_force_at).date()
        if version.in_force_at
        else version.period_start or today
    )
    rows = []
    for activity in AnnualActivity.objects.filter(version=version).order_by("pk"):
        activity.version = version  # every-n-months reads the period start: no query
        state, missed = annual_state(activity, since, today)
        rows.append(
            AnnualRow(
                title=activity.title,
                mandatory=activity.mandatory,
                state=state,
                last_done_on=activity.last_done_on,
                next_due_on=activity.next_due_on,
                missed_on=missed,
            )
        )
    return rows


def _tasks(team: Team, full: bool, today: dt.date) -> tuple[int, int, list[TaskRow]]:
    """Open and overdue counts (one aggregate query for a leader), or the open tasks with
    their owners (one query for the full report)."""
    open_tasks = Task.objects.filter(team=team, status__in=Task.OPEN_STATUSES)
    if not full:
        counts = open_tasks.aggregate(
            open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today))
        )
        return counts["open"], counts["overdue"], []
    rows = [
        TaskRow(
            title=task.title,
            owner=task.owner.display_name,
            due_on=task.due_on,
            overdue=task.due_on < today,
        )
        for task in open_tasks.select_related("owner__user").order_by("due_on", "pk")
    ]
    return len(rows), sum(1 for r in rows if r.overdue), rows


def _evaluation(team: Team, full: bool) -> EvaluationSummary | None:
    """The newest closed evaluation with its period and its goal results counted (one query)."""
    results = GoalEvaluation.Result

    def count(result: str) -> Count:
        return Count("goal_results", filter=Q(goal_results__result=result))

    latest = (
        Evaluation.objects.filter(period__team=team, status=Evaluation.Status.CLOSED)
        .select_related("period")
        .annotate(
            goals=Count("goal_results"),
            reached=count(results.REACHED),
            partly=count(results.PARTLY),
            not_reached=count(results.NOT_REACHED),
        )
        .order_by("-closed_at", "-pk")
        .first()
    )
    if latest is None:
        return None
    return EvaluationSummary(
        starts_on=latest.period.starts_on,
        ends_on=latest.period.ends_on,
        closed_on=timezone.localtime(latest.closed_at).date() if latest.closed_at else None,
        goals=latest.goals,
        reached=latest.reached,
        partly=latest.partly,
        not_reached=latest.not_reached,
        summary=latest.summary if full else "",
    )


def _night(team: Team, full: bool, now: dt.datetime) -> tuple[int, list[ContactRow]]:
    """Contacts outside office hours in the last 90 days: a count for a leader, the contacts
    for the full report (one query either way)."""
    contacts = NightContact.objects.filter(
        patient_id=team.patient_id, occurred_at__gte=now - dt.timedelta(days=NIGHT_DAYS)
    )
    if not full:
        return contacts.count(), []
    rows = [
        ContactRow(
            occurred_at=c.occurred_at,
            service=c.get_service_display(),
            outcome=c.get_outcome_display(),
            reason=c.reason,
        )
        for c in contacts.order_by("-occurred_at", "-pk")
    ]
    return len(rows), rows


def _consents(team: Team) -> list[ConsentRow]:
    """Per scope: the standing consent, else the latest withdrawn one, else none (one query)."""
    latest: dict[str, Consent] = {}
    for consent in Consent.objects.filter(patient_id=team.patient_id).order_by("given_at", "pk"):
        if consent.scope not in latest or consent.withdrawn_at is None:
            latest[consent.scope] = consent
    rows = []
    for scope in Consent.Scope:
        found = latest.get(scope.value)
        rows.append(
            ConsentRow(
                label=scope.label,
                given_at=found.given_at if found else None,
                withdrawn_at=found.withdrawn_at if found else None,
            )
        )
    return rows


def status_report_get(team: Team, *, full: bool) -> StatusReport:
    """Everything the status report shows, for ``team`` read with its patient and the
    patient's portal user (``required_approvals`` asks whether the patient approves herself).

    Queries, whatever the team's size: 1 Min gode dag's current version, (2 the phase changes
    with who made them: full only), 3 the active members with user and organisation, 4 the
    mandate with the deputy, 5 the version in force and the newest version, for a draft its
    required approvals (6 organisations, 7 leaders, 8 the representations in effect, 9 the
    approvals), 10 the årshjul of the version in force
    (only with one), 11 the tasks, 12 the last evaluation, 13 the night contacts, 14 consents, 15 the documents (full only).
    """
    now = timezone.now()
    today = timezone.localdate(now)
    good_day = _good_day(team, full)
    history: list[PhaseChange] = []
    if full:
        history = list(
            PhaseChange.objects.filter(team=team)
            .select_related("changed_by")
            .order_by("-changed_at", "-pk")
        )
    members = list(
        Member.objects.active()
        .filter(team=team)
        .select_related("user", "organisation")
        .order_by("joined_on", "pk")
    )
    mandate = (
        Mandate.objects.filter(team=team)
        .select_related("deputy__user", "deputy__organisation")
        .first()
    )
    plan = _plan(team, members)
    open_count, overdue_count, tasks = _tasks(team, full, today)
    night_count, contacts = _night(team, full, now)
    coordinators = [m for m in members if m.role == Role.COORDINATOR]
    deputy = mandate.deputy if mandate else None
    return StatusReport(
        team=team,
        full=full,
        good_day=good_day,
        phase=Phase(history[0].phase).label if history else (Phase.GREEN.label if full else None),
        phase_history=history,
        levels=_levels(members, full),
        missing_roles=[r for r in MANDATORY_ROLES if r not in {m.role for m in members}],
        coordinators=coordinators,
        coordinator_rows=[_row(m, full) for m in coordinators],
        deputy_row=_row(deputy, full) if deputy else None,
        mandate=mandate,
        plan=plan,
        annual=_annual(plan.in_force, today),
        open_tasks=open_count,
        overdue_tasks=overdue_count,
        tasks=tasks,
        evaluation=_evaluation(team, full),
        night_contacts=night_count,
        contacts=contacts,
        consents=_consents(team),
        documents=list(
            Document.objects.filter(team=team)
            .select_related("meeting", "message__thread")
            .order_by("uploaded_at", "pk")
        )
        if full
        else [],
    )


def status_report_pdf(report: StatusReport, *, generated_by: User) -> bytes:
    """The report as an A4 PDF; generated now (Oslo time) by ``generated_by``."""
    return render_pdf(
        TEMPLATE,
        {"report": report, "generated_by": generated_by, "generated_at": timezone.localtime()},
    )
