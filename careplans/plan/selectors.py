"""Reads of the Felles plan for samarbeid (element D): who must approve a version, who may see
the plan and how much, the plan page, the leader's list and the team page section.

Who sees what:
- Those with VIEW_PLAN (the patient, staff in the team with consent, a relative the patient
  lets see the plan) read the whole plan. ``authorize`` decides and audits.
- The patient's representative reads the whole plan they are asked to approve: they act for
  the patient. A representative is explicit, with its basis (``actors.models.Representation``):
  for a child under 16 a parent with foreldreansvar or a guardian; from 16 a guardian or
  someone the patient gave a fullmakt. A relative is never a representative by their relation
  alone, nor through a link with limited access: a 16-year-old without a login who let her
  father see only the team is not overruled by him.
- A leader of a core member's organisation (or of an organisation above it) must approve the
  plan, but a leader never sees clinical text (access policy): they see its STRUCTURE only:
  the period, the roles, the årshjul, the evaluation plan's existence and the approval status;
  not who the patient is, the challenges, goals, signs or actions. Their reads are audited with
  a reason, since they are not team members.

Who must approve (``required_approvals``) is read from the team as it is now (active members),
so a change in the team before the last approval is taken into account.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from actors.access import (
    AGE_OF_HEALTH_CONSENT,
    Action,
    Standing,
    as_user,
    authorize,
    is_leader,
    is_team_leader,
    leader_organisations,
    name_for_leader,
    named_to_leaders,
    reads_document,
)
from actors.models import Member, Organisation, Patient, Representation, Role, Team, User
from careplans.models import (
    AnnualActivity,
    CarePlan,
    CarePlanVersion,
    PhasePlanEntry,
    PlanApproval,
    PlanCorrection,
)
from lkt.core import audit
from lkt.core.compiled_query import CompiledQuery

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

    from actors.access import AnyUser
    from actors.selectors import TeamPage

Capacity = PlanApproval.Capacity
Status = CarePlanVersion.Status
Basis = Representation.Basis
# Who acts for the patient in approving the plan: for a child under 16 the parents with
# foreldreansvar or a guardian (instead of the child); from 16 a guardian or someone with the
# patient's fullmakt (besides the patient, who may approve themself).
CHILD_REPRESENTATION = (Basis.PARENTAL_RESPONSIBILITY, Basis.GUARDIANSHIP)
ADULT_REPRESENTATION = (Basis.GUARDIANSHIP, Basis.POWER_OF_ATTORNEY)
# Organisation trees are shallow (helseforetak → klinikk → avdeling): as in leader_organisations.
_ANCESTRY = "parent__parent__parent"
REPRESENTATIVE_REASON = "Representant for pasienten: godkjenning av plan for samarbeid"


@dataclass
class RequiredApproval:
    """One approval a version needs: in which capacity, for which organisation (leaders), who
    may give it, and the approval once given."""

    capacity: str
    organisation: Organisation | None
    eligible: list[User]
    approval: PlanApproval | None = None
    # Representatives who may give the patient's approval on the patient's behalf (from 16:
    # a guardian, a fullmakt); they are among ``eligible`` and approve as representatives.
    on_behalf: list[User] = field(default_factory=list)

    @property
    def label(self) -> StrOrPromise:
        if self.organisation is not None:
            return _("Leder for %(org)s") % {"org": self.organisation.name}
        return Capacity(self.capacity).label

    @property
    def done(self) -> bool:
        return self.approval is not None

    def may_give(self, user: User) -> bool:
        return any(u.pk == user.pk for u in self.eligible)

    @property
    def accepts(self) -> tuple[str, ...]:
        """The capacities of the approvals that fill this need: the patient's approval may be
        given by a representative on their behalf."""
        if self.capacity == Capacity.PATIENT:
            return (Capacity.PATIENT, Capacity.REPRESENTATIVE)
        return (self.capacity,)

    def capacity_for(self, user: User) -> str:
        """The capacity ``user`` approves in: a representative gives the patient's approval as
        a representative, so the record says who it was."""
        if self.capacity == Capacity.PATIENT and any(u.pk == user.pk for u in self.on_behalf):
            return Capacity.REPRESENTATIVE
        return self.capacity


def _ancestors(organisation: Organisation) -> list[Organisation]:
    """The organisation and those above it; needs ``_ANCESTRY`` loaded."""
    chain: list[Organisation] = []
    current: Organisation | None = organisation
    while current is not None and len(chain) < 4:
        chain.append(current)
        current = current.parent
    return chain


def _is_child(patient: Patient, today: dt.date) -> bool:
    return patient.age_on(today) < AGE_OF_HEALTH_CONSENT


def representations_for_plan(patient: Patient, today: dt.date) -> list[Representation]:
    """The representations in effect that may approve the plan for the patient, with their
    relatives (one query). Relatives named by fødselsnummer who have not logged in yet cannot
    approve digitally, so they are left out."""
    bases = CHILD_REPRESENTATION if _is_child(patient, today) else ADULT_REPRESENTATION
    return list(
        Representation.objects.in_effect(today)
        .filter(patient=patient, basis__in=bases, relative_link__relative__isnull=False)
        .select_related("relative_link__relative")
        .order_by("pk")
    )


def _representatives(patient: Patient, today: dt.date) -> list[User]:
    users = [r.relative_link.relative for r in representations_for_plan(patient, today)]
    return list({u.pk: u for u in users if u is not None}.values())


def required_approvals(
    version: CarePlanVersion,
    *,
    team: Team | None = None,
    members: Sequence[Member] | None = None,
    approvals: Sequence[PlanApproval] | None = None,
) -> list[RequiredApproval]:
    """Who must approve ``version``: the coordinator, the patient or their representative, and a
    leader for each organisation of the active core members.

    Queries (fixed): the active members (unless given), their organisations with three levels
    of parents, the leaders of those organisations, the representatives in effect, and the
    approvals (unless given).

    The patient's side: a child under 16 is approved for by the representatives (parents with
    foreldreansvar, a guardian); from 16 the patient approves, or a guardian or someone with
    their fullmakt on their behalf, or the coordinator records the patient's own approval given
    in person (``PersonalApproval``), which is an approval in the capacity of the patient.
    """
    team = team or version.plan.team
    patient = team.patient
    if members is None:
        members = list(Member.objects.active().filter(team=team).select_related("user"))
    active = [m for m in members if m.left_on is None]
    required: list[RequiredApproval] = [
        RequiredApproval(
            Capacity.COORDINATOR,
            None,
            [m.user for m in active if m.role == Role.COORDINATOR and m.user is not None],
        )
    ]
    today = timezone.localdate()
    representatives = _representatives(patient, today)
    if _is_child(patient, today):
        required.append(RequiredApproval(Capacity.REPRESENTATIVE, None, representatives))
    else:
        own = [patient.user] if patient.user is not None else []
        required.append(
            RequiredApproval(
                Capacity.PATIENT, None, own + representatives, on_behalf=representatives
            )
        )

    core_org_ids = {
        m.organisation_id
        for m in active
        if m.involvement == Member.Involvement.CORE and m.organisation_id is not None
    }
    if core_org_ids:
        organisations = list(
            Organisation.objects.filter(pk__in=core_org_ids)
            .select_related(_ANCESTRY)
            .order_by("name")
        )
        chains = {org.pk: [a.pk for a in _ancestors(org)] for org in organisations}
        every = {pk for chain in chains.values() for pk in chain}
        leaders = list(
            User.objects.filter(is_leader=True, is_active=True, organisation_id__in=every)
        )
        required.extend(
            RequiredApproval(
                Capacity.LEADER,
                org,
                [u for u in leaders if u.organisation_id in chains[org.pk]],
            )
            for org in organisations
        )

    if approvals is None:
        # With the patient's approval given in person, if that is how it came (a join).
        approvals = list(
            version.approvals.select_related(
                "approver",
                "personal_approval__witness_member__user",
                "personal_approval__recorded_by",
            )
        )
    for approval in approvals:
        for need in required:
            same_org = (need.organisation.pk if need.organisation else None) == (
                approval.organisation_id
            )
            if approval.capacity in need.accepts and same_org and need.approval is None:
                need.approval = approval
                break
    return required


def corrections_open(version: CarePlanVersion) -> bool:
    """Whether the members may still post corrections to the draft (and so no one approves)."""
    return (
        version.status == Status.DRAFT
        and version.corrections_until is not None
        and version.corrections_until > timezone.now()
    )


def deadline_label(version: CarePlanVersion) -> str:
    """The deadline for corrections in the reader's format: "24.11.2026 kl. 13:05"."""
    if version.corrections_until is None:
        return ""
    return formats.date_format(
        timezone.localtime(version.corrections_until), "SHORT_DATETIME_FORMAT"
    )


@dataclass(frozen=True)
class PlanViewer:
    """What one user is to one plan: the standing, and whether they read all of it."""

    user: User
    team: Team
    standing: Standing
    full: bool  # False: a leader, who sees the structure only
    leader: bool
    representative: bool

    @property
    def manages(self) -> bool:
        return self.standing.manages


def _is_representative(user: User, patient: Patient) -> bool:
    if user.kind != User.Kind.RELATIVE:
        return False
    today = timezone.localdate()
    bases = CHILD_REPRESENTATION if _is_child(patient, today) else ADULT_REPRESENTATION
    return (
        Representation.objects.in_effect(today)
        .filter(patient=patient, basis__in=bases, relative_link__relative=user)
        .exists()
    )


def plan_viewer(who: AnyUser, team: Team, *, obj: Any = None) -> PlanViewer:
    """Who the user is to the team's plan; audited. 404 for those who may not know it exists,
    403 for those who may see the patient but not the plan (a relative without may_see_plan)."""
    user = as_user(who)
    if user is None:
        raise Http404
    patient = team.patient
    try:
        # The one access policy first: it decides and audits in one step.
        s = authorize(user, Action.VIEW_PLAN, patient, obj=obj or team)
    except (Http404, PermissionDenied):
        s = Standing()
    else:
        return PlanViewer(user, team, s, full=True, leader=False, representative=False)
    if _is_representative(user, patient):
        audit.record(
            user=user,
            patient=patient,
            action=audit.VIEW,
            obj=obj or team,
            reason=REPRESENTATIVE_REASON,
        )
        return PlanViewer(user, team, s, full=True, leader=False, representative=True)
    if user.kind == User.Kind.STAFF and is_team_leader(user, team):
        audit.record(
            user=user,
            patient=patient,
            action=audit.VIEW,
            obj=obj or team,
            reason=audit.LEADER_PLAN_REASON,
        )
        return PlanViewer(user, team, s, full=False, leader=True, representative=False)
    # The plan is not there for anyone else, not even a relative who sees the team: 404.
    raise Http404


def team_for_plan(pk: int) -> Team:
    team = Team.objects.select_related("patient__user").filter(pk=pk).first()
    if team is None or team.status == Team.Status.CLOSED:
        raise Http404
    return team


@dataclass(frozen=True)
class RoleRow:
    name: str  # empty for a leader outside the services' staff
    role: str
    organisation: str
    level: str

    @property
    def role_label(self) -> StrOrPromise:
        return Role(self.role).label if self.role in Role.values else self.role


def role_rows(version: CarePlanVersion, *, full: bool = True) -> list[RoleRow]:
    """The roles frozen in the version; ``full=False`` for a leader, who reads the names of
    the services' staff only (``named_to_leaders``; a version frozen before the ``staff`` key
    existed shows a leader no names at all)."""
    return [
        RoleRow(
            name=r.get("name", "")
            if full or named_to_leaders(level=r.get("level", ""), staff=bool(r.get("staff", False)))
            else "",
            role=r.get("role", ""),
            organisation=r.get("organisation", ""),
            level=r.get("level", ""),
        )
        for r in version.roles
    ]


def _responsible_name(activity: AnnualActivity, viewer: PlanViewer) -> str:
    """Who answers for an årshjul activity: the name, or for a leader outside the services'
    staff the role (a støttekontakt, a parent)."""
    member = activity.responsible
    if member is None:
        return ""
    if viewer.full:
        return member.display_name
    return name_for_leader(member) or str(member.get_role_display())


def missing_role_labels(version: CarePlanVersion) -> list[StrOrPromise]:
    return [Role(r).label if r in Role.values else r for r in version.missing_roles]


@dataclass
class PlanPage:
    """The plan page for one viewer: the version in force, the newest draft and its approvals."""

    team: Team
    plan: CarePlan | None
    viewer: PlanViewer
    in_force: CarePlanVersion | None
    draft: CarePlanVersion | None  # the newest version, when it is a draft
    versions: Sequence[CarePlanVersion]
    required: list[RequiredApproval] = field(default_factory=list)

    @property
    def base_version(self) -> int:
        return self.plan.version if self.plan else 0

    @property
    def missing(self) -> list[RequiredApproval]:
        return [r for r in self.required if not r.done]

    @property
    def my_approvals(self) -> list[RequiredApproval]:
        """The approvals the viewer may still give on the draft."""
        return [r for r in self.missing if r.may_give(self.viewer.user)]

    @property
    def draft_is_fixed(self) -> bool:
        """Someone has approved the draft, so it cannot change: a new draft would replace it.
        An open draft that is not fixed is the one "Lag et nytt utkast" would open again."""
        return self.draft is not None and bool(getattr(self.versions[0], "approval_count", 0))

    @property
    def corrections_open(self) -> bool:
        """The draft's window for corrections is open: members write, no one approves yet."""
        return self.draft is not None and corrections_open(self.draft)

    @property
    def corrections_deadline(self) -> str:
        return deadline_label(self.draft) if self.draft is not None else ""

    @property
    def may_correct(self) -> bool:
        """Active members of the team post corrections; the patient and leaders approve."""
        return self.corrections_open and self.viewer.standing.is_member and self.viewer.full

    @property
    def may_close_corrections(self) -> bool:
        return self.corrections_open and self.viewer.manages

    @property
    def patients_need(self) -> RequiredApproval | None:
        """The patient's approval of the draft (from 16; a child's is the representatives')."""
        return next((r for r in self.required if r.capacity == Capacity.PATIENT), None)

    @property
    def may_record_personal_approval(self) -> bool:
        """The coordinator may record the patient's approval given in person: it is missing and
        the approvals have started."""
        need = self.patients_need
        return (
            self.viewer.manages and need is not None and not need.done and not self.corrections_open
        )


_PLAN_PREFETCH = (
    Prefetch(
        "phase_entries",
        queryset=PhasePlanEntry.objects.select_related("actor__user").in_phase_order(),
    ),
    Prefetch(
        "annual_activities",
        queryset=AnnualActivity.objects.select_related("responsible__user").order_by("pk"),
    ),
)


def _version_documents(version: CarePlanVersion, viewer: PlanViewer) -> list[Any]:
    """The version's documents the viewer may open (``actors.access.reads_document``): staff in
    the team all of them, the patient those marked for her. A leader reads the plan's
    structure only and no file name (a name may say something clinical); a relative opens
    files only in the threads she reads."""
    if not viewer.full:
        return []
    return [
        d
        for d in version.documents.all()
        if reads_document(viewer.standing, for_patient=d.for_patient, thread_with_patient=None)
    ]


def plan_get(who: AnyUser, team_pk: int) -> PlanPage:
    """The plan page. Queries (fixed, whatever the number of versions): the team with patient,
    the viewer's standing, the audit row, the plan, the versions (light columns), the version in
    force and the newest draft in full with their phase entries, årshjul, the members'
    corrections with their authors and their documents (five), and for a draft its required approvals (see
    ``required_approvals``)."""
    team = team_for_plan(team_pk)
    viewer = plan_viewer(who, team)
    plan = CarePlan.objects.filter(team=team).first()
    if plan is None:
        return PlanPage(team, None, viewer, None, None, [])
    versions = list(
        plan.versions.select_related("created_by")
        .annotate(approval_count=Count("approvals"))
        .only(
            "number",
            "status",
            "created_at",
            "in_force_at",
            "period_start",
            "period_end",
            "plan_id",
            "created_by__first_name",
            "created_by__last_name",
            "created_by__username",
        )
        .order_by("-number")
    )
    wanted = [v.pk for v in versions if v.status == Status.IN_FORCE]
    if versions and versions[0].status == Status.DRAFT:
        wanted.append(versions[0].pk)
    full = {
        v.pk: v
        for v in CarePlanVersion.objects.filter(pk__in=wanted)
        # The patient's approval given in person, if any: shown with the version (a join).
        .select_related(
            "created_by",
            "personal_approval__witness_member__user",
            "personal_approval__recorded_by",
        )
        .prefetch_related(
            *_PLAN_PREFETCH,
            Prefetch("corrections", queryset=PlanCorrection.objects.select_related("author")),
            # The documents attached to each version (coordination.Document.plan_version),
            # newest first: they stay with the version they were attached to.
            "documents",
        )
    }
    in_force = next((full[v.pk] for v in versions if v.status == Status.IN_FORCE), None)
    draft = full.get(versions[0].pk) if versions and versions[0].status == Status.DRAFT else None
    for shown in full.values():
        # For the template: role labels in the reader's language, from the frozen values, and
        # the names the viewer may read (a leader: the services' staff only).
        shown.role_rows = role_rows(shown, full=viewer.full)  # type: ignore[attr-defined]
        shown.missing_labels = missing_role_labels(shown)  # type: ignore[attr-defined]
        for activity in shown.annual_activities.all():
            activity.responsible_name = _responsible_name(activity, viewer)  # type: ignore[attr-defined]
        shown.shown_documents = _version_documents(shown, viewer)  # type: ignore[attr-defined]
    page = PlanPage(team, plan, viewer, in_force, draft, versions)
    if draft is not None:
        draft.plan = plan
        plan.team = team
        page.required = required_approvals(draft, team=team)
    return page


def plan_version_pair(
    who: AnyUser, team_pk: int, older: int | None, newer: int | None
) -> tuple[PlanViewer, CarePlanVersion | None, CarePlanVersion | None]:
    """Two versions to compare, older first; without numbers the newest and the one before."""
    team = team_for_plan(team_pk)
    viewer = plan_viewer(who, team)
    base = (
        CarePlanVersion.objects.filter(plan__team=team)
        .select_related("created_by")
        .prefetch_related(*_PLAN_PREFETCH)
    )
    if newer is None:
        latest = list(base.order_by("-number")[:2])
        if not latest:
            return viewer, None, None
        return viewer, (latest[1] if len(latest) > 1 else None), latest[0]
    wanted = {n for n in (older, newer) if n}
    found = {v.number: v for v in base.filter(number__in=wanted)}
    if wanted - set(found):
        raise Http404
    first, second = sorted([older or 0, newer])
    return viewer, found.get(first), found.get(second)


@dataclass(frozen=True)
class LeaderRow:
    """A draft waiting for the leader, without patient data: the team number and period."""

    version: CarePlanVersion
    team: Team
    organisations: list[Organisation]


def plan_list_awaiting_leader(who: AnyUser) -> list[LeaderRow]:
    """ "Planer som venter på din godkjenning": newest drafts of open teams with a core member in
    an organisation the leader answers for, and no approval yet from the leader for it.

    No patient data is shown (team number, coordinator, period), so no audit row is written.
    Queries (fixed): the leader's organisations are a subquery; 1 the drafts with their teams,
    2 the core members in the leader's organisations, 3 the approvals given for them.
    """
    user = as_user(who)
    if user is None or not is_leader(user):
        return []
    organisations = leader_organisations(user)
    newer = CarePlanVersion.objects.filter(plan=OuterRef("plan"), number__gt=OuterRef("number"))
    drafts = list(
        CarePlanVersion.objects.filter(status=Status.DRAFT)
        .filter(~Exists(newer))
        .exclude(plan__team__status=Team.Status.CLOSED)
        .filter(
            Exists(
                Member.objects.active().filter(
                    team=OuterRef("plan__team"),
                    involvement=Member.Involvement.CORE,
                    organisation__in=organisations,
                )
            )
        )
        .select_related("plan__team")
        .only(
            "number",
            "status",
            "created_at",
            "period_start",
            "period_end",
            "corrections_until",
            "plan__version",
            "plan__team__id",
            "plan__team__status",
            "plan__team__established_on",
        )
        .order_by("created_at", "pk")
    )
    team_ids = [d.plan.team_id for d in drafts]
    orgs_by_team: dict[int, dict[int, Organisation]] = {}
    for member in (
        Member.objects.active()
        .filter(
            team_id__in=team_ids,
            involvement=Member.Involvement.CORE,
            organisation__in=organisations,
        )
        .select_related("organisation")
    ):
        if member.organisation is None:  # filtered on organisation: never
            continue
        orgs_by_team.setdefault(member.team_id, {})[member.organisation.pk] = member.organisation
    approved = set(
        PlanApproval.objects.filter(
            version__in=[d.pk for d in drafts], capacity=Capacity.LEADER
        ).values_list("version_id", "organisation_id")
    )
    rows = []
    for draft in drafts:
        waiting = [
            org
            for org in orgs_by_team.get(draft.plan.team_id, {}).values()
            if (draft.pk, org.pk) not in approved
        ]
        if waiting:
            rows.append(LeaderRow(draft, draft.plan.team, sorted(waiting, key=lambda o: o.name)))
    return rows


def plan_in_force_and_draft(
    team: Team,
) -> tuple[CarePlanVersion | None, CarePlanVersion | None]:
    """The version in force and the draft, if any (one query over the newest version and the one
    in force, with the light columns a status needs; ``plan.team`` is the team given)."""
    return _in_force_and_draft(list(_in_force_and_newest(team.pk)), team)


def _in_force_and_newest(team: int) -> QuerySet[CarePlanVersion]:
    newer = CarePlanVersion.objects.filter(plan=OuterRef("plan"), number__gt=OuterRef("number"))
    return (
        CarePlanVersion.objects.filter(plan__team_id=team)
        .filter(Q(status=Status.IN_FORCE) | ~Exists(newer))
        .select_related("plan")
        .only(
            "number",
            "status",
            "in_force_at",
            "period_start",
            "period_end",
            "revision_on",
            "corrections_until",
            "created_at",
            "plan__version",
            "plan__team_id",
        )
        .order_by("-number")
    )


def _in_force_and_draft(
    versions: list[CarePlanVersion], team: Team
) -> tuple[CarePlanVersion | None, CarePlanVersion | None]:
    for version in versions:
        version.plan.team = team
    in_force = next((v for v in versions if v.status == Status.IN_FORCE), None)
    draft = next((v for v in versions if v.status == Status.DRAFT), None)
    return in_force, draft


def plan_for_team(page: TeamPage) -> dict[str, Any]:
    """The team page section "Plan for samarbeid": status, period and how many approvals a
    draft still needs.

    Queries (fixed): 1 the version in force and the newest version (one query over both, light
    columns); for a draft, its required approvals from the page's members: 2 organisations with
    parents, 3 leaders, 4 the representatives in effect, 5 the draft's approvals.
    """
    team = page.team
    in_force, draft = _in_force_and_draft(_SECTION_VERSIONS.all(team=team.pk), team)
    missing: list[RequiredApproval] = []
    if draft is not None:
        approvals = _SECTION_APPROVALS.all(version=draft.pk)
        for approval in approvals:
            approval.version = draft
        missing = [
            r
            for r in required_approvals(draft, team=team, members=page.members, approvals=approvals)
            if not r.done
        ]
    return {
        "in_force": in_force,
        "draft": draft,
        "missing": missing,
        "waiting": _waiting(draft, len(missing)) if draft is not None else "",
        "corrections_open": draft is not None and corrections_open(draft),
    }


def _waiting(draft: CarePlanVersion, missing: int) -> str:
    return ngettext(
        "Utkast %(n)s venter på %(counter)s godkjenning.",
        "Utkast %(n)s venter på %(counter)s godkjenninger.",
        missing,
    ) % {"n": draft.number, "counter": missing}


# plan_for_team's reads, compiled once: compiling them took longer than running them, on every
# request of the section (issue 17, lkt.core.compiled_query). The draft's organisations,
# leaders and representatives stay on the ORM: their keys are lists, or a date computed from
# today.
_SECTION_VERSIONS = CompiledQuery(_in_force_and_newest, "team")
_SECTION_APPROVALS = CompiledQuery(
    lambda version: PlanApproval.objects.filter(version_id=version).select_related(
        "approver",
        "personal_approval__witness_member__user",
        "personal_approval__recorded_by",
    ),
    "version",
)
