"""The one access policy of LKT. Default deny.

Team membership, role, consent and relationship decide:
- Staff see a patient's clinical content only while they are an active member of an open team
  around the patient **and** consent to sharing in the team stands (helsepersonelloven § 21,
  "need to know"). The coordinator and the team's creator also see identity and consent status
  before consent exists: they need it to obtain consent.
- A patient sees their own team; a relative sees exactly what the patient allowed, and only while
  the patient's consent to inform relatives stands and the access has not ended (``ends_on``);
  an excluded relative sees nothing. A relative named by fødselsnummer who has not logged in
  has no user, so nothing to see until the first login links them.
- Consent is given and withdrawn by the patient from 16 (pasient- og brukerrettighetsloven
  § 4-3); for a younger patient by a parent with foreldreansvar or a guardian recorded as the
  child's representative (``actors.models.Representation``), whose standing does not hang on
  the relatives consent (they act for the child, they are not merely informed). A relation
  typed as "forelder" is not enough: the basis is explicit. The coordinator and the team's
  creator record consent given to them.
- A leader sees aggregate figures for their organisation, never clinical text.
- A machine client (an EPJ reading FHIR with a bearer token, ``actors.MachineClient``) reads,
  never changes, what staff in a team read, for the teams where its organisation (or one
  below it) has an active core member, while the patient's consent to sharing in the team
  stands: the organisation takes part in the patient's care and the patient has agreed to the
  team sharing. Its scopes then say which resource types (lkt.fhir).
- A night-service user (staff at a legevakt or AMK) sees nothing of any team; only the crisis
  card of a patient looked up by fødselsnummer: with the patient's standing consent to crisis
  sharing and a written reason, or without it by break-glass under helsepersonelloven § 7
  (øyeblikkelig hjelp), logged as such (``crisis_access``).

Views answer 404 for what the user may not see and 403 for forbidden actions on what they may
see. ``authorize`` is the single choke point: it decides and writes the audit record together, so
no patient data is read or changed without a trace.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actors import staff_eligibility
from actors.models import AGE_OF_HEALTH_CONSENT as AGE_OF_HEALTH_CONSENT
from actors.models import (
    Consent,
    Member,
    NetworkLevel,
    Organisation,
    Patient,
    RelativeLink,
    Representation,
    Role,
    Team,
    User,
)
from lkt.core import audit
from lkt.core.compiled_query import CompiledQuery
from lkt.models import AccessLog

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import Model

    AnyUser = User | AnonymousUser

# From 16 the patient consents alone; under 16 the parents or a guardian consent, with the child
# heard (pasient- og brukerrettighetsloven § 4-3): AGE_OF_HEALTH_CONSENT, from actors.models.
# The representations that act for a child under AGE_OF_HEALTH_CONSENT.
ACTS_FOR_CHILD = (
    Representation.Basis.PARENTAL_RESPONSIBILITY,
    Representation.Basis.GUARDIANSHIP,
)


class Action(StrEnum):
    VIEW_IDENTITY = "view_identity"  # name, national id, consent status
    VIEW_TEAM = "view_team"  # who is in the team, with contacts
    VIEW_GOALS = "view_goals"  # Min gode dag and goals
    VIEW_PLAN = "view_plan"  # the plan for cooperation and the crisis plan
    VIEW_CLINICAL = "view_clinical"  # everything else the team shares
    EDIT_GOALS = "edit_goals"  # write a new version of Min gode dag (co-writer rule on top)
    EDIT_NETWORK = "edit_network"  # communication lines, perspectives, scenarios
    MANAGE_TEAM = "manage_team"  # members, status
    RECORD_CONSENT = "record_consent"
    MANAGE_RELATIVES = "manage_relatives"
    VIEW_CRISIS_CARD = "view_crisis_card"  # the crisis card: rød/gul actions, whom to call
    # Fødselsnummer and birth date: what staff need to find the patient in their own records
    # (journal, NAV, legevakt), and the patient's own. A relative never gets them: not on a
    # page, in the API nor on the plan's PDF (minimum necessary).
    VIEW_PERSONAL_ID = "view_personal_id"
    # The patient's consents with their history: as the team page shows them, to the patient,
    # staff who share her clinical picture and those who manage the team (they obtain consent).
    VIEW_CONSENT = "view_consent"
    # Messages (issue 19): the team's threads, each read only by its audience on top
    # (``reads_thread``); writing in them and starting one. Documents: the team's and its
    # meetings' files, the patient only those marked for her (``reads_document``).
    VIEW_THREADS = "view_threads"
    POST_MESSAGE = "post_message"
    VIEW_DOCUMENTS = "view_documents"
    UPLOAD_DOCUMENT = "upload_document"


_CHANGES = {
    Action.EDIT_GOALS,
    Action.EDIT_NETWORK,
    Action.MANAGE_TEAM,
    Action.RECORD_CONSENT,
    Action.MANAGE_RELATIVES,
    Action.POST_MESSAGE,
    Action.UPLOAD_DOCUMENT,
}
_OPEN_TEAM = ~Q(status=Team.Status.CLOSED)

# A closed team is history (issue 19, retention): its threads and documents stay as they were,
# read by whoever read them, and nothing is added to them. The policy refuses the write for
# everyone, with the reason, before any service looks at the input.
CLOSED_TEAM_REFUSES = {
    Action.POST_MESSAGE: _(
        "Aktørfellesskapet er avsluttet. Samtalene kan leses, men ikke skrives i."
    ),
    Action.UPLOAD_DOCUMENT: _("Aktørfellesskapet er avsluttet; det tar ikke imot nye dokumenter."),
}


def takes_writes(team: Team) -> bool:
    """Whether the team still takes new messages and documents: it is not closed."""
    return team.status != Team.Status.CLOSED


def _team_of(obj: object) -> Team | None:
    """The team an object of the policy belongs to: the team itself, a thread, a message."""
    if isinstance(obj, Team):
        return obj
    team = getattr(obj, "team", None) or getattr(getattr(obj, "thread", None), "team", None)
    return team if isinstance(team, Team) else None


def refuse_closed_team(action: Action, obj: object) -> None:
    """A ValidationError with the reason when the action writes to a closed team."""
    refusal = CLOSED_TEAM_REFUSES.get(action)
    if refusal is None:
        return
    team = _team_of(obj)
    if team is not None and not takes_writes(team):
        raise ValidationError(refusal)


def _standing_consent(scope: Consent.Scope, patient_ref: str = "pk") -> Exists:
    return Exists(
        Consent.objects.filter(
            patient=OuterRef(patient_ref), scope=scope, withdrawn_at__isnull=True
        )
    )


def _membership(user: User, patient_ref: str = "pk", *, role: Role | None = None) -> Exists:
    members = Member.objects.active().filter(
        team__patient=OuterRef(patient_ref),
        team__status__in=[Team.Status.ESTABLISHING, Team.Status.ACTIVE],
        user=user,
    )
    if role is not None:
        members = members.filter(role=role)
    return Exists(members)


def _creator(user: User, patient_ref: str = "pk") -> Exists:
    return Exists(Team.objects.filter(_OPEN_TEAM, patient=OuterRef(patient_ref), created_by=user))


def _relative_link(user: User, patient_ref: str = "pk") -> QuerySet[RelativeLink]:
    """The user's link to the patient while it gives access (not excluded, not ended)."""
    return RelativeLink.objects.active().filter(patient=OuterRef(patient_ref), relative=user)


def represents_child() -> Exists:
    """Over relative links: a representation in effect that acts for a child (foreldreansvar,
    or a guardian); ``in_effect`` reads the link's access and the child's age too."""
    return Exists(
        Representation.objects.in_effect().filter(
            relative_link=OuterRef("pk"), basis__in=ACTS_FOR_CHILD
        )
    )


def as_user(user: AnyUser) -> User | None:
    """The logged-in, active user, or None for anyone else."""
    if isinstance(user, User) and user.is_authenticated and user.is_active:
        return user
    return None


def require_user(user: AnyUser) -> User:
    """The logged-in, active user; anyone else is refused."""
    actor = as_user(user)
    if actor is None:
        raise PermissionDenied
    return actor


def require_staff(user: AnyUser) -> User:
    """The logged-in health worker; patients, relatives and strangers are refused."""
    actor = require_user(user)
    if actor.kind != User.Kind.STAFF:
        raise PermissionDenied
    return actor


def _own_patients(user: User) -> Q:
    """Staff: the patients of the user's own open teams, an active membership or a team they
    created: every patient ``_staff_knows`` or ``_clinical_patients`` admits is among them, so
    this changes no answer. It gives PostgreSQL a place to start for a list over all patients:
    the user's few rows (by the indexes on ``user_id`` and ``created_by_id``), then each patient
    by its key. Without it, a condition on the patients (a name) was tested on every patient in
    the country with the per-row tests after it (the search scanned 500,000 patients, 0.3 s)."""
    memberships = Member.objects.active().filter(
        user=user, team__status__in=[Team.Status.ESTABLISHING, Team.Status.ACTIVE]
    )
    created = Team.objects.filter(_OPEN_TEAM, created_by=user)
    # One subquery (a UNION), not an OR of two: PostgreSQL joins from a single IN list, while
    # an OR of subqueries is tested row by row over the whole table again.
    return Q(
        pk__in=memberships.order_by()
        .values("team__patient_id")
        .union(created.order_by().values("patient_id"))
    )


def _staff_knows(user: User) -> Q:
    """Staff who may know the patient: in the team with consent, coordinating it, or its
    creator (who needs identity before consent exists, to obtain it)."""
    return Q(
        (_membership(user) & _standing_consent(Consent.Scope.TEAM_SHARING))
        | _membership(user, role=Role.COORDINATOR)
        | _creator(user)
    )


def _organisation_tree(root_id: int | None) -> Q:
    """An organisation and those below it (three levels, as ``leader_organisations``)."""
    return (
        Q(organisation_id=root_id)
        | Q(organisation__parent_id=root_id)
        | Q(organisation__parent__parent_id=root_id)
        | Q(organisation__parent__parent__parent_id=root_id)
    )


def _client_reads(user: User, patient_ref: str = "pk") -> Q:
    """The patients a machine client reads: an open team with an active core member from the
    client's organisation or below it, and the patient's standing consent to team sharing."""
    organisation_id = getattr(getattr(user, "machine_client", None), "organisation_id", None)
    if organisation_id is None:
        return Q(pk__in=[])
    members = Member.objects.active().filter(
        _organisation_tree(organisation_id),
        team__patient=OuterRef(patient_ref),
        team__status__in=[Team.Status.ESTABLISHING, Team.Status.ACTIVE],
        involvement=Member.Involvement.CORE,
    )
    return Q(Exists(members), _standing_consent(Consent.Scope.TEAM_SHARING, patient_ref))


def visible_patients(who: AnyUser) -> QuerySet[Patient]:
    """Patients whose identity the user may see."""
    user: User | None = as_user(who)
    if user is None:
        return Patient.objects.none()
    if user.kind == User.Kind.SYSTEM:
        return Patient.objects.filter(_client_reads(user))
    if user.kind == User.Kind.STAFF:
        return Patient.objects.filter(_own_patients(user), _staff_knows(user))
    if user.kind == User.Kind.PATIENT:
        return Patient.objects.filter(user=user)
    return Patient.objects.filter(
        Exists(_relative_link(user)), _standing_consent(Consent.Scope.RELATIVES)
    )


def identifies(who: AnyUser) -> ExpressionWrapper | Value:
    """An expression over patients: whether the user may see each one's fødselsnummer and
    birth date (``Action.VIEW_PERSONAL_ID``), for a list that annotates it per row."""
    user: User | None = as_user(who)
    if user is None or user.kind == User.Kind.RELATIVE:
        return Value(False)
    if user.kind == User.Kind.SYSTEM:
        condition = _client_reads(user)
    elif user.kind == User.Kind.STAFF:
        condition = _staff_knows(user)
    else:
        condition = Q(user=user)
    return ExpressionWrapper(condition, output_field=BooleanField())


def _clinical_patients(who: AnyUser) -> QuerySet[Patient]:
    """Patients whose clinical content the user may see (staff in the team, with consent)."""
    user: User | None = as_user(who)
    if user is None:
        return Patient.objects.none()
    if user.kind == User.Kind.SYSTEM:
        return Patient.objects.filter(_client_reads(user))
    if user.kind == User.Kind.STAFF:
        return Patient.objects.filter(
            _own_patients(user), _membership(user), _standing_consent(Consent.Scope.TEAM_SHARING)
        )
    if user.kind == User.Kind.PATIENT:
        return Patient.objects.filter(user=user)
    return Patient.objects.none()


@dataclass(frozen=True)
class Standing:
    """What one user is to one patient, read in a single query."""

    is_self: bool = False
    is_member: bool = False
    is_coordinator: bool = False
    is_creator: bool = False
    team_consent: bool = False
    relative: RelativeLink | None = None
    # The patient is AGE_OF_HEALTH_CONSENT or older today (only read for the patient's own user).
    of_age: bool = False
    # A parent with foreldreansvar or a guardian of a patient under AGE_OF_HEALTH_CONSENT,
    # recorded as a representation in effect: consents for the child.
    acts_for_child: bool = False
    # A machine client whose organisation takes part in the patient's team (``_client_reads``).
    client_reads: bool = False

    @property
    def clinical(self) -> bool:
        return self.is_self or (self.is_member and self.team_consent)

    @property
    def manages(self) -> bool:
        return self.is_coordinator or self.is_creator


def standing(who: AnyUser, patient: Patient) -> Standing:
    user: User | None = as_user(who)
    if user is None:
        return Standing()
    # Age decides who consents (patient or parents); it matters to no one else.
    of_age = user.kind != User.Kind.STAFF and (
        patient.age_on(timezone.localdate()) >= AGE_OF_HEALTH_CONSENT
    )
    if user.kind == User.Kind.PATIENT:
        is_self = patient.user_id == user.pk
        return Standing(is_self=is_self, of_age=is_self and of_age)
    if user.kind == User.Kind.SYSTEM:
        reads = Patient.objects.filter(_client_reads(user), pk=patient.pk).exists()
        return Standing(client_reads=reads)
    if user.kind == User.Kind.RELATIVE:
        link = (
            RelativeLink.objects.active()
            .filter(patient=patient, relative=user)
            .annotate(informed=relatives_informed(), represents_child=represents_child())
            .first()
        )
        if link is None:
            return Standing()
        return Standing(
            relative=link if link.informed else None,
            acts_for_child=not of_age and link.represents_child,
        )
    flags = (
        Patient.objects.filter(pk=patient.pk)
        .annotate(**_staff_facts(user))
        .values(*_STAFF_FACTS)
        .order_by()
        .first()
    )
    return _staff_standing(**flags) if flags else Standing()


# What a health worker's standing is read from, as annotations of the one query that reads it.
_STAFF_FACTS = ("member_role", "is_creator", "team_consent")


def _staff_facts(user: User, patient_ref: str = "pk") -> dict[str, Subquery | Exists]:
    """Over patients (``patient_ref``): the role of the user's active membership in the patient's
    open team, whether they created it, and whether the consent to sharing in it stands. One
    role at most: a patient has one open team (``one_open_team_per_patient``) and a user one
    active membership of a team (``one_active_membership_per_user``), so the role says both
    "member" and "coordinator" in one subquery where two ``_membership`` tests would be two."""
    role = Member.objects.active().filter(
        team__patient=OuterRef(patient_ref),
        team__status__in=[Team.Status.ESTABLISHING, Team.Status.ACTIVE],
        user=user,
    )
    return {
        "member_role": Subquery(role.values("role")[:1]),
        "is_creator": _creator(user, patient_ref),
        "team_consent": _standing_consent(Consent.Scope.TEAM_SHARING, patient_ref),
    }


def _staff_standing(*, member_role: str | None, is_creator: bool, team_consent: bool) -> Standing:
    return Standing(
        is_member=member_role is not None,
        is_coordinator=member_role == Role.COORDINATOR,
        is_creator=is_creator,
        team_consent=team_consent,
    )


def _team_standing(who: AnyUser, pk: int) -> tuple[Team, Standing]:
    """The team with its patient, and the user's standing to the patient (``standing``); 404
    when there is no such team. A health worker's in the same query as the team: the team
    page and each of its sections read it on every request (issue 17), and one read is the
    budget for access."""
    user = as_user(who)
    if user is not None and user.kind == User.Kind.STAFF:
        team = _STAFF_TEAM_READ.first(pk=pk, user=user.pk)
        if team is None:
            raise Http404
        facts = {name: getattr(team, name) for name in _STAFF_FACTS}
        return team, _staff_standing(**facts)
    team = Team.objects.select_related("patient").filter(pk=pk).first()
    if team is None:
        raise Http404
    return team, standing(who, team.patient)


# The team and a health worker's standing in it, compiled once: compiling took more than twice
# the time PostgreSQL takes to answer, on every request of the team page (issue 17).
_STAFF_TEAM_READ = CompiledQuery(
    lambda pk, user: (
        Team.objects.select_related("patient")
        .filter(pk=pk)
        .annotate(**_staff_facts(User(pk=user), "patient"))
    ),
    "pk",
    "user",
)


# What a machine client does for the teams it reads: read, as staff in the team read.
CLIENT_READS = frozenset(
    {
        Action.VIEW_IDENTITY,
        Action.VIEW_PERSONAL_ID,
        Action.VIEW_TEAM,
        Action.VIEW_GOALS,
        Action.VIEW_PLAN,
        Action.VIEW_CLINICAL,
        Action.VIEW_CONSENT,
    }
)


def allows(s: Standing, action: Action) -> bool:
    """Whether a standing already read permits the action (no query)."""
    if s.client_reads:
        return action in CLIENT_READS
    link = s.relative
    match action:
        case Action.VIEW_IDENTITY:
            return s.clinical or s.manages or link is not None or s.acts_for_child
        case Action.VIEW_TEAM:
            return s.clinical or s.manages or bool(link and link.may_see_team)
        case Action.VIEW_GOALS:
            return s.clinical or bool(link and link.may_see_goals)
        case Action.VIEW_PLAN:
            return s.clinical or bool(link and link.may_see_plan)
        case Action.VIEW_CLINICAL:
            return s.clinical
        case Action.EDIT_GOALS:
            # The patient owns the document; staff may write only as named co-writers, which
            # the careplans service checks on top of this.
            return s.clinical or bool(link and link.may_see_goals and link.may_edit_goals)
        case Action.EDIT_NETWORK:
            return s.is_member and s.team_consent
        case Action.MANAGE_TEAM:
            return s.manages
        case Action.RECORD_CONSENT:
            return s.manages or (s.is_self and s.of_age) or s.acts_for_child
        case Action.MANAGE_RELATIVES:
            return s.is_self or s.manages
        case Action.VIEW_CRISIS_CARD:
            # Staff in the team open it directly; night services go through ``crisis_access``.
            return s.is_member and s.team_consent
        case Action.VIEW_PERSONAL_ID:
            # The patient and the staff who know her (``identifies`` says the same for lists).
            return s.clinical or s.manages
        case Action.VIEW_CONSENT:
            return s.clinical or s.manages
        case Action.VIEW_THREADS | Action.POST_MESSAGE:
            # Staff in the team with the sharing consent, the patient, and a relative whose
            # link lets them communicate (the patient's choice); "goals only" reads no thread.
            return s.clinical or bool(link and link.may_communicate)
        case Action.VIEW_DOCUMENTS:
            return s.clinical
        case Action.UPLOAD_DOCUMENT:
            # The team's and its meetings' files; a patient or relative attaches a file to a
            # message they write (POST_MESSAGE) instead.
            return s.is_member and s.team_consent
    return False


def reads_thread(s: Standing, *, with_patient: bool, unit_reads: bool = False) -> bool:
    """Whether the standing reads (and writes in) a thread of the patient's team: a thread with
    the patient is read by all who read threads; a staff-only one by the staff in the team.
    ``unit_reads``: the thread is addressed to the koordinerende enhet and the user works at
    the unit responsible for the team (``coordination.referral.selectors.is_unit_staff_for_team``), which
    establishes teams and registers their coordinators: it reads that thread, and nothing
    else of the team through it."""
    if unit_reads:
        return True
    if not allows(s, Action.VIEW_THREADS):
        return False
    return with_patient or (s.is_member and s.team_consent)


def reads_document(
    s: Standing, *, for_patient: bool, thread_with_patient: bool | None, unit_reads: bool = False
) -> bool:
    """Whether the standing may open a document of the patient's team. A file attached to a
    message is read by those who read its thread (``thread_with_patient``; None for a file of
    the team or a meeting); any other by the staff in the team, and by the patient when it is
    marked for her. A relative sees files only in the threads she reads."""
    if thread_with_patient is not None:
        return reads_thread(s, with_patient=thread_with_patient, unit_reads=unit_reads)
    if s.is_member and s.team_consent:
        return True
    return s.is_self and for_patient


# The reads ``patients_for`` answers as a query: what FHIR searches list (lkt.fhir).
LIST_READS = (
    Action.VIEW_IDENTITY,
    Action.VIEW_TEAM,
    Action.VIEW_GOALS,
    Action.VIEW_PLAN,
    Action.VIEW_CLINICAL,
    Action.VIEW_CONSENT,
)


def patients_for(who: AnyUser, action: Action) -> QuerySet[Patient]:
    """The patients for whom ``allows(standing(who, patient), action)`` holds, as one query,
    for a list over many patients (a FHIR search). Only the reads in LIST_READS;
    tests/actors/access/test_lists.py pins each to ``can`` for every role of the cast."""
    user: User | None = as_user(who)
    if user is None or action not in LIST_READS:
        return Patient.objects.none()
    if user.kind == User.Kind.SYSTEM:
        return Patient.objects.filter(_client_reads(user))
    if action == Action.VIEW_IDENTITY:
        return visible_patients(user)
    if user.kind == User.Kind.PATIENT:
        return Patient.objects.filter(user=user)
    if user.kind == User.Kind.STAFF:
        if action in (Action.VIEW_TEAM, Action.VIEW_CONSENT):
            return Patient.objects.filter(_own_patients(user), _staff_knows(user))
        return _clinical_patients(user)
    if user.kind != User.Kind.RELATIVE:
        return Patient.objects.none()
    allowed = {
        Action.VIEW_TEAM: Q(may_see_team=True),
        Action.VIEW_GOALS: Q(may_see_goals=True),
        Action.VIEW_PLAN: Q(may_see_plan=True),
    }.get(action)
    if allowed is None:
        return Patient.objects.none()
    return Patient.objects.filter(
        Exists(_relative_link(user).filter(allowed)), _standing_consent(Consent.Scope.RELATIVES)
    )


def relatives_informed() -> Exists:
    """Over relative links: the patient's consent to inform relatives stands."""
    return _standing_consent(Consent.Scope.RELATIVES, "patient")


def relative_link_holds(*, informed: bool, represents_child: bool) -> bool:
    """Whether an active relative link (``RelativeLink.objects.active()``) gives its relative
    anything now, as ``standing`` reads it (``relatives_informed``, ``represents_child``): the
    patient's consent to inform relatives stands, or the relative acts for a child under
    AGE_OF_HEALTH_CONSENT through a representation. The login (actors.identity.linking) asks it before
    a relative is let in."""
    return informed or represents_child


def can(user: AnyUser, action: Action, patient: Patient) -> bool:
    return allows(standing(user, patient), action)


def check(user: AnyUser, action: Action, patient: Patient) -> Standing:
    """Raise Http404 or PermissionDenied like ``authorize``, without an audit record: for a
    pre-check before input is validated, when the service that follows will authorize."""
    s = standing(user, patient)
    _require(s, action)
    return s


def _require(s: Standing, action: Action) -> None:
    if not allows(s, Action.VIEW_IDENTITY):
        raise Http404
    if not allows(s, action):
        raise PermissionDenied


def authorize(
    user: AnyUser,
    action: Action,
    patient: Patient,
    *,
    obj: Model | None = None,
    reason: str = "",
) -> Standing:
    """Allow the action or raise; record the access in the audit log when allowed.

    Raises Http404 when the user may not even know the patient is there, PermissionDenied when
    they may see the patient but not do this.
    """
    s = check(user, action, patient)
    _record(user, action, patient, obj=obj or patient, reason=reason)
    return s


def authorize_team(user: AnyUser, action: Action, pk: int) -> tuple[Team, Standing]:
    """``authorize`` for the team by its key, with the team and the standing read in one query
    for staff (``_team_standing``): decided and audited on every request, as ``authorize``."""
    team, s = _team_standing(user, pk)
    _require(s, action)
    _record(user, action, team.patient, obj=team)
    return team, s


def _record(
    user: AnyUser, action: Action, patient: Patient, *, obj: Model, reason: str = ""
) -> None:
    actor = as_user(user)
    if actor is None:
        raise PermissionDenied
    refuse_closed_team(action, obj)
    audit.record(
        user=actor,
        patient=patient,
        action=audit.CHANGE if action in _CHANGES else audit.VIEW,
        obj=obj,
        reason=reason,
    )


def authorize_thread(
    user: AnyUser,
    action: Action,
    patient: Patient,
    *,
    with_patient: bool,
    obj: Model,
    unit_reads: bool = False,
) -> Standing:
    """``authorize`` for one thread of the patient's team: the action, then the thread's
    audience (``reads_thread``); a thread the user may not read is not there to them (404).
    The koordinerende enhet reads and answers a thread addressed to it (``unit_reads``) with no
    standing in the team: an empty one comes back."""
    reading = action in (Action.VIEW_THREADS, Action.POST_MESSAGE)
    if unit_reads and reading:
        s = Standing()
    else:
        try:
            s = check(user, action, patient)
        except PermissionDenied:
            if reading:
                # One who may not read threads (a relative with "goals only") learns nothing
                # of which threads exist: the same 404 as a thread id that names none.
                raise Http404 from None
            raise
        if not reads_thread(s, with_patient=with_patient):
            raise Http404
    actor = require_user(user)
    refuse_closed_team(action, obj)
    audit.record(
        user=actor,
        patient=patient,
        action=audit.CHANGE if action in _CHANGES else audit.VIEW,
        obj=obj,
    )
    return s


# Closing a team (issue 19, retention): the audit rows say why one who is not in the team did.
LEADER_CLOSE_REASON = "Leder: avsluttet aktørfellesskapet"
ARCHIVE_REASON = "Arkivkopi av avsluttet aktørfellesskap"
LEADER_ARCHIVE_REASON = "Leder: arkivkopi av avsluttet aktørfellesskap (bare struktur)"


def check_team_close(who: AnyUser, team: Team) -> bool:
    """Who closes a team: those who manage it (the coordinator, the team's creator) and a
    leader of a core member's organisation (``is_team_leader``), who answers for the service
    when the coordinator is gone. True for a leader (who sees the team's structure only);
    Http404 for who may not know the patient, PermissionDenied for others who do. No audit:
    ``authorize_team_close`` writes it."""
    s = standing(who, team.patient)
    if allows(s, Action.MANAGE_TEAM):
        return False
    if is_team_leader(who, team):
        return True
    if allows(s, Action.VIEW_IDENTITY):
        raise PermissionDenied
    raise Http404


def authorize_team_close(who: AnyUser, team: Team) -> None:
    """``check_team_close``, audited as a change (a leader's with why)."""
    leader = check_team_close(who, team)
    audit.record(
        user=require_user(who),
        patient=team.patient,
        action=audit.CHANGE,
        obj=team,
        reason=LEADER_CLOSE_REASON if leader else "",
    )


def archive_copy_full(who: AnyUser, team: Team) -> bool:
    """Who takes the archive copy of a closed team for the kommune's archive, and which: in
    full its coordinator at the closing and its creator, who managed it (True); a leader of a
    core member's organisation the structure only (False): a leader never reads clinical text,
    and the full copy is the coordinator's to file. Http404 while the team is open (there is
    no archive copy yet) and for who may not know the patient; PermissionDenied for others who
    do (the patient, who has her own copy in Min side). Standing counts no membership of a
    closed team, so the closed team's own roster decides."""
    user = as_user(who)
    if user is None or team.status != Team.Status.CLOSED:
        raise Http404
    if user.kind == User.Kind.STAFF:
        if team.created_by_id == user.pk or (
            Member.objects.active().filter(team=team, user=user, role=Role.COORDINATOR).exists()
        ):
            return True
        if is_team_leader(user, team):
            return False
    if allows(standing(user, team.patient), Action.VIEW_IDENTITY):
        raise PermissionDenied
    raise Http404


def record_archive_export(*, user: User, team: Team, full: bool) -> None:
    """The audit row of one archive copy taken: an export of the team's record."""
    audit.record(
        user=user,
        patient=team.patient,
        action=audit.EXPORT,
        obj=team,
        reason=ARCHIVE_REASON if full else LEADER_ARCHIVE_REASON,
    )


# The koordinerende enhet writes to a team (issue 19): the team's staff read it as they read the
# team, so the patient's consent to sharing in the team must stand, as for them.
UNIT_NEEDS_CONSENT = _(
    "Pasienten har ikke samtykket til deling i aktørfellesskapet. Den koordinerende enheten "
    "kan skrive til teamet når samtykket er gitt."
)
UNIT_THREAD_REASON = "Koordinerende enhet: melding til aktørfellesskapet"


def unit_writes_to(team: Team) -> bool:
    """Whether the patient's consent to sharing in the team stands, so the koordinerende enhet
    may start a thread to the team (one query)."""
    return Consent.objects.filter(
        patient_id=team.patient_id, scope=Consent.Scope.TEAM_SHARING, withdrawn_at__isnull=True
    ).exists()


def check_unit_thread(who: AnyUser, team: Team, *, responsible: bool) -> None:
    """Who may start a thread to the team as the koordinerende enhet: its staff at the unit
    responsible for the team (``responsible``: ``coordination.referral.selectors.is_unit_staff_for_team``,
    which reads the need reports). 404 for who may not know the patient, 403 for others who
    do (the coordinator writes to the unit from the team's side)."""
    if responsible and as_user(who) is not None:
        return
    check(who, Action.VIEW_IDENTITY, team.patient)
    raise PermissionDenied


def authorize_unit_thread(who: AnyUser, team: Team, *, responsible: bool) -> None:
    """``check_unit_thread``, then the closed team and the consent (a ValidationError with the
    reason), audited as a change with why one outside the team wrote to it."""
    check_unit_thread(who, team, responsible=responsible)
    refuse_closed_team(Action.POST_MESSAGE, team)
    if not unit_writes_to(team):
        raise ValidationError(UNIT_NEEDS_CONSENT)
    audit.record(
        user=require_user(who),
        patient=team.patient,
        action=audit.CHANGE,
        obj=team,
        reason=UNIT_THREAD_REASON,
    )


def sees_team(who: AnyUser) -> Q:
    """Whether the user may open a team's page, as a condition on each Team row: filter the
    teams a page already has (the user's own memberships) with it. There is no "all teams
    the user may see" queryset to compare with (``pk__in``, ``exclude``): that is every team in
    the country, and PostgreSQL scanned them all (the home page took 2 s at 500,000 teams)."""
    user: User | None = as_user(who)
    if user is None:
        return Q(pk__in=[])
    if user.kind == User.Kind.STAFF:
        return _OPEN_TEAM & (
            (
                _membership(user, "patient")
                & _standing_consent(Consent.Scope.TEAM_SHARING, "patient")
            )
            | _membership(user, "patient", role=Role.COORDINATOR)
            | Q(created_by=user)
        )
    if user.kind == User.Kind.PATIENT:
        return Q(patient__user=user)
    if user.kind == User.Kind.SYSTEM:
        return _OPEN_TEAM & Q(_client_reads(user, "patient"))
    return (
        _OPEN_TEAM
        & Q(Exists(_relative_link(user, "patient").filter(may_see_team=True)))
        & Q(_standing_consent(Consent.Scope.RELATIVES, "patient"))
    )


def is_leader(who: AnyUser) -> bool:
    """A leader, who leads an organisation: the one definition the pages and reads share (a
    user marked leader without an organisation leads nothing)."""
    user = as_user(who)
    return bool(user is not None and user.is_leader and user.organisation_id)


# Staff at a koordinerende enhet, as a condition on users: the one definition of "the unit",
# for the checks below and for the selectors that list a kommune's unit staff.
UNIT_STAFF = Q(kind=User.Kind.STAFF, organisation__kind=Organisation.Kind.KOORDINERENDE_ENHET)


def _unit(who: AnyUser) -> Organisation | None:
    """The koordinerende enhet the user works at (the user's organisation, read once per
    request: Django caches it on the user)."""
    user = as_user(who)
    if user is None or user.kind != User.Kind.STAFF:
        return None
    org = user.organisation
    return org if org is not None and org.kind == Organisation.Kind.KOORDINERENDE_ENHET else None


def is_unit_staff(who: AnyUser) -> bool:
    """Staff of a koordinerende enhet, any kommune's."""
    return _unit(who) is not None


def unit_kommune_id(who: AnyUser) -> int | None:
    """The kommune whose koordinerende enhet the user works at: its staff receive the
    kommune's need reports and register its coordinators."""
    unit = _unit(who)
    return unit.parent_id if unit is not None else None


def leader_organisations(who: AnyUser) -> QuerySet[Organisation]:
    """Organisations whose aggregate figures the user may see: their own and those below it."""
    user: User | None = as_user(who)
    if user is None or not is_leader(user) or user.organisation_id is None:
        return Organisation.objects.none()
    # Organisation trees are shallow (helseforetak → klinikk → avdeling); three levels suffice.
    # Read down from the root by the parent's index, in one query: asked upwards of every
    # organisation ("whose parent, or parent's parent, is mine"), PostgreSQL scanned them all,
    # 2.1 ms of each of the indicator page's five queries at 2,964 organisations (issue 17).
    paths = Organisation.objects.filter(pk=user.organisation_id).values_list(
        "pk", "children", "children__children", "children__children__children"
    )
    return Organisation.objects.filter(pk__in={pk for path in paths for pk in path if pk})


def invitation_organisations(who: AnyUser) -> QuerySet[Organisation]:
    """Organisations the user may invite staff to and whose open invitations they see: a
    leader's own and those below it; a coordinator's (of an open team) own workplaces. The
    system administrator invites in the Django admin."""
    user: User | None = as_user(who)
    if user is None or user.kind != User.Kind.STAFF:
        return Organisation.objects.none()
    coordinates = Member.objects.active().filter(
        user=user,
        role=Role.COORDINATOR,
        team__status__in=[Team.Status.ESTABLISHING, Team.Status.ACTIVE],
    )
    own = Q(pk=user.organisation_id) | Q(further_employees=user)
    condition = Q(own, Exists(coordinates))
    if is_leader(user):
        condition |= Q(pk__in=leader_organisations(user).values("pk"))
    return Organisation.objects.filter(condition).distinct()


def is_team_leader(who: AnyUser, team: Team) -> bool:
    """A leader of an organisation at or above a core member's organisation: they approve the
    team's plan and see its structure and figures, never its clinical text (one query)."""
    user = as_user(who)
    if user is None or not is_leader(user):
        return False
    return (
        Member.objects.active()
        .filter(
            team=team,
            involvement=Member.Involvement.CORE,
            organisation__in=leader_organisations(user),
        )
        .exists()
    )


# A leader sees a team's structure: roles, organisations, counts and dates, and by name only the
# services' own staff (a login at the kommune or the spesialisthelsetjeneste), whom they lead,
# approve or follow up. Never a name from the patient's own circle: family, friends, a
# støttekontakt, contacts in other sectors; their role and organisation say what a leader needs.
LEADER_NAMED_LEVELS = (NetworkLevel.KOMMUNE, NetworkLevel.SPESIALIST)


def named_to_leaders(*, level: str, staff: bool) -> bool:
    """Whether a leader may see this actor's name: ``staff`` is whether the actor logs in as
    staff (a member with a user; in a plan's frozen roles, the ``staff`` key)."""
    return staff and level in LEADER_NAMED_LEVELS


def name_for_leader(member: Member) -> str:
    """The member's name as a leader sees it: empty outside the services' staff."""
    if named_to_leaders(level=member.level, staff=member.user_id is not None):
        return member.display_name
    return ""


# Night and emergency services: their staff see only the crisis card (issue 7).
NIGHT_SERVICE_KINDS = staff_eligibility.NIGHT_SERVICE_KINDS
CRISIS_CARD = "crisis_card"  # AccessLog.object_type of every crisis card access


def is_night_service(who: AnyUser) -> bool:
    """Staff whose organisation is a legevakt or an AMK-sentral (reads the user's organisation
    once; Django caches it on the user for the rest of the request)."""
    user = as_user(who)
    if user is None or user.kind != User.Kind.STAFF or user.organisation_id is None:
        return False
    organisation = user.organisation
    return organisation is not None and organisation.kind in NIGHT_SERVICE_KINDS


def _night_service_of(user: User, organisation_kind: str | None) -> bool:
    """``is_night_service`` for a user whose organisation's kind was read with other rows."""
    return (
        as_user(user) is not None
        and user.kind == User.Kind.STAFF
        and organisation_kind in NIGHT_SERVICE_KINDS
    )


class CrisisAccess(StrEnum):
    """How a user may open one patient's crisis card."""

    NONE = "none"  # not at all: 404
    TEAM = "team"  # staff in the team: directly, audited as a view
    CONSENTED = "consented"  # night service, patient consented: with a written reason
    BREAK_GLASS = "break_glass"  # night service, no consent: helsepersonelloven § 7 only


@dataclass(frozen=True)
class CrisisStanding:
    """What the crisis rule needs, read in one query with the patient's open team."""

    night: bool = False
    is_member: bool = False
    team_consent: bool = False
    crisis_consent: bool = False

    @property
    def access(self) -> CrisisAccess:
        if self.is_member and self.team_consent:
            return CrisisAccess.TEAM
        if not self.night:
            return CrisisAccess.NONE
        return CrisisAccess.CONSENTED if self.crisis_consent else CrisisAccess.BREAK_GLASS


def crisis_team(
    who: AnyUser, *, patient_pk: int | None = None, team_pk: int | None = None
) -> tuple[Team, CrisisStanding] | None:
    """The patient's open team (with the patient) and the user's crisis standing, in one query
    (two for a user outside the team: their organisation); None when there is no open team, as
    the crisis card exists only with a team."""
    user = as_user(who)
    if user is None or user.kind != User.Kind.STAFF:
        return None
    which = Q(pk=team_pk) if team_pk is not None else Q(patient_id=patient_pk)
    team = (
        Team.objects.filter(_OPEN_TEAM, which)
        .select_related("patient")
        .annotate(
            is_member=_membership(user, "patient"),
            team_consent=_standing_consent(Consent.Scope.TEAM_SHARING, "patient"),
            crisis_consent=_standing_consent(Consent.Scope.CRISIS_PLAN, "patient"),
        )
        .first()
    )
    if team is None:
        return None
    in_team = bool(team.is_member and team.team_consent)
    return team, CrisisStanding(
        night=not in_team and is_night_service(user),
        is_member=team.is_member,
        team_consent=team.team_consent,
        crisis_consent=team.crisis_consent,
    )


def crisis_standing(
    user: User,
    *,
    is_member: bool,
    team_consent: bool,
    crisis_consent: bool,
    organisation_kind: str | None,
) -> CrisisStanding:
    """The crisis standing from flags read in another statement: the crisis card's own, which
    reads them with the card so a night request costs no extra query
    (``coordination.night.crisis_selectors.crisis_card_for_grant``). The same rule as
    ``crisis_team``; tests/coordination/night/test_crisis_services.py pins the two together."""
    in_team = is_member and team_consent
    return CrisisStanding(
        night=not in_team and _night_service_of(user, organisation_kind),
        is_member=is_member,
        team_consent=team_consent,
        crisis_consent=crisis_consent,
    )


def crisis_granted(action: str) -> CrisisAccess:
    """How an access was granted, from its audit row (``record_crisis_access``)."""
    return CrisisAccess.BREAK_GLASS if action == audit.BREAK_GLASS else CrisisAccess.CONSENTED


def crisis_grant_holds(granted: CrisisAccess, now: CrisisStanding) -> bool:
    """Whether a crisis card access granted earlier still covers the card under the standing
    read at this request. A grant is never a stored decision: consent, team membership and the
    team being open are read at every request (withdrawal takes effect at once). A card opened
    with the patient's consent is not shown once the consent is withdrawn: the night user must
    break the glass, with its reason and its own audit row. A break-glass access covers the card
    whatever the consent; nothing covers it for a user who may not open it at all (404)."""
    match now.access:
        case CrisisAccess.NONE:
            return False
        case CrisisAccess.BREAK_GLASS:
            return granted == CrisisAccess.BREAK_GLASS
    return True


def record_crisis_access(
    user: User, patient: Patient, access: CrisisAccess, *, reason: str = ""
) -> int:
    """The audit row of one crisis card access: a view, or break-glass with its reason. The
    coordinator's morning digest and the patient's access log read these rows."""
    if access == CrisisAccess.NONE:
        raise Http404
    if access != CrisisAccess.TEAM and not reason.strip():
        # A night service always states why (helsepersonelloven § 7 for break-glass).
        raise PermissionDenied
    action = audit.BREAK_GLASS if access == CrisisAccess.BREAK_GLASS else audit.VIEW
    row = AccessLog.objects.create(
        user=user, patient=patient, action=action, object_type=CRISIS_CARD, reason=reason.strip()
    )
    return row.pk
