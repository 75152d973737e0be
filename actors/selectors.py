"""Reads for the people and team pages. Each is filtered by the access policy and audited."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from actors.access import (
    Action,
    allows,
    as_user,
    authorize_team,
    check,
    check_team_close,
    identifies,
    leader_organisations,
    name_for_leader,
    require_user,
    sees_team,
    visible_patients,
)
from actors.models import (
    MANDATORY_ROLES,
    CommunicationLine,
    Consent,
    Member,
    NetworkLevel,
    Patient,
    RelativeLink,
    Role,
    Team,
    User,
)
from lkt.core import audit
from lkt.core.compiled_query import CompiledQuery

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.utils.functional import _StrOrPromise as StrOrPromise

    from actors.access import AnyUser, Standing


def _has_role(role: Role) -> Exists:
    return Exists(Member.objects.active().filter(team=OuterRef("pk"), role=role))


def _with_role_flags(teams: QuerySet[Team]) -> QuerySet[Team]:
    return teams.annotate(**{f"has_{role.value}": _has_role(role) for role in MANDATORY_ROLES})


def missing_roles(team: Team) -> list[Role]:
    """Mandatory roles without an active member; needs ``_with_role_flags`` or members loaded."""
    if hasattr(team, f"has_{Role.COORDINATOR.value}"):
        return [r for r in MANDATORY_ROLES if not getattr(team, f"has_{r.value}")]
    return _missing_among(team.members.all())


def _missing_among(members: Iterable[Member]) -> list[Role]:
    held = {m.role for m in members if m.left_on is None}
    return [r for r in MANDATORY_ROLES if r not in held]


def open_team_pk(patient: Patient) -> int | None:
    """The patient's open team (at most one: a database constraint), for a link to it."""
    return Team.objects.open().filter(patient=patient).values_list("pk", flat=True).first()


def open_team_of_patient_user(user: User) -> Team | None:
    """The open team of the patient whose login this is (her home page)."""
    return Team.objects.open().filter(patient__user=user).first()


def active_members(team: Team) -> list[Member]:
    """The team's active members with their users (the pickers of forms on a team)."""
    return list(Member.objects.active().filter(team=team).select_related("user"))


def active_member(team: Team, member_pk: int) -> Member:
    """One active member of a team the caller was authorised for already; 404 otherwise."""
    member = get_object_or_404(
        Member.objects.active().select_related("user", "organisation"), pk=member_pk, team=team
    )
    member.team = team
    return member


def _member_of(user: User) -> Exists:
    """The teams the user is an active member of: the few rows a home page starts from."""
    return Exists(Member.objects.active().filter(team=OuterRef("pk"), user=user))


def team_list_for_member(user: User) -> list[Team]:
    """The coordinator's home "Mine aktørfellesskap": open teams where the user is an active
    member and may see the patient, with flags for missing mandatory roles."""
    teams = list(
        _with_role_flags(Team.objects.filter(_member_of(user), sees_team(user)))
        .select_related("patient")
        .order_by("patient__name")
    )
    audit.record_list(user=user, objects=((t.patient, t) for t in teams))
    return teams


def team_count_awaiting_consent(user: User) -> int:
    """Teams the user is in but may not see yet, because sharing consent is missing."""
    return Team.objects.open().filter(_member_of(user)).exclude(sees_team(user)).count()


@dataclass
class LevelGroup:
    level: str
    label: StrOrPromise
    members: list[Member] = field(default_factory=list)


@dataclass
class TeamPage:
    """What every section of the team page starts from: the team and the viewer's standing, read
    once per request; members and consents on first use, so a section that shows neither does
    not read them (issue 17: a partial's budget is one read for access, its own reads, the
    audit row)."""

    team: Team
    standing: Standing
    viewer: User | None = None  # who the page is for (a section may offer them an action)

    @cached_property
    def members(self) -> list[Member]:
        """Active and former, with user and organisation: one query."""
        members = _MEMBERS.all(team=self.team.pk)
        for member in members:
            member.team = self.team
        return members

    @cached_property
    def members_by_pk(self) -> dict[int, Member]:
        """``members`` by key: how a section finds the people its rows name (a task's owner, a
        line's ends) without joining them again."""
        return {member.pk: member for member in self.members}

    @property
    def groups(self) -> list[LevelGroup]:
        """The active members by level, in ``_LEVEL_ORDER``, the empty levels left out."""
        by_level = {value: LevelGroup(level=value, label=label) for value, label in _LEVEL_ORDER}
        for member in self.active_members:
            by_level[member.level].members.append(member)
        return [group for group in by_level.values() if group.members]

    @property
    def missing_roles(self) -> list[Role]:
        return _missing_among(self.members)

    @cached_property
    def consents(self) -> list[Consent]:
        consents = _CONSENTS.all(patient=self.team.patient_id)
        for consent in consents:
            consent.patient = self.team.patient
        return consents

    @property
    def former_members(self) -> list[Member]:
        return [m for m in self.members if m.left_on is not None]

    @property
    def active_members(self) -> list[Member]:
        return [m for m in self.members if m.left_on is None]

    @property
    def shows_personal_id(self) -> bool:
        """Fødselsnummer and birth date, for staff who know the patient (the policy decides)."""
        return allows(self.standing, Action.VIEW_PERSONAL_ID)

    @cached_property
    def lines(self) -> list[CommunicationLine]:
        """Every communication line of the team, open and ended: one query, read once for the
        aktørkart and the communication section alike."""
        return _LINES.all(team=self.team.pk)

    @property
    def sharing_consent_missing(self) -> bool:
        """Whether the patient has given no consent to sharing in the team, or withdrawn it: the
        page's warning. A health worker's standing holds it (``team_consent``, read with the
        team), so the page reads no consents for it; anyone else's is told by the consents."""
        if self.viewer is not None and self.viewer.kind == User.Kind.STAFF:
            return not self.standing.team_consent
        return not any(
            c.scope == Consent.Scope.TEAM_SHARING and c.withdrawn_at is None for c in self.consents
        )


# TeamPage's reads, compiled once: each section's request reads some of them, and compiling
# took longer than PostgreSQL's answer (issue 17, lkt.core.compiled_query).
_MEMBERS = CompiledQuery(
    lambda team: (
        Member.objects.filter(team_id=team)
        .select_related("user", "organisation")
        .order_by("role", "joined_on")
    ),
    "team",
)
_CONSENTS = CompiledQuery(
    lambda patient: Consent.objects.filter(patient_id=patient).order_by("-given_at"), "patient"
)
_LINES = CompiledQuery(
    lambda team: CommunicationLine.objects.filter(team_id=team).order_by("pk"), "team"
)

_LEVEL_ORDER: list[tuple[str, StrOrPromise]] = list(NetworkLevel.choices)


def team_for_action(user: AnyUser, pk: int, action: Action) -> Team:
    """The team, when the user may do the action on it (404/403 otherwise).

    Opening the page of a change reads the patient's identity: that read is audited as a view.
    The change itself is audited by the service that makes it, so it is not logged twice.
    """
    team = Team.objects.select_related("patient").filter(pk=pk).first()
    if team is None:
        raise Http404
    check(user, action, team.patient)
    audit.record(user=require_user(user), patient=team.patient, action=audit.VIEW, obj=team)
    return team


def team_for_close(user: AnyUser, pk: int) -> tuple[Team, bool]:
    """An open team the user may close (``actors.access.check_team_close``), and whether they
    close it as a leader, who sees its structure only; 404 for a closed team. The page's read
    is audited as a view, the closing by the service."""
    team = Team.objects.select_related("patient").filter(pk=pk).first()
    if team is None or team.status == Team.Status.CLOSED:
        raise Http404
    leader = check_team_close(user, team)
    audit.record(user=require_user(user), patient=team.patient, action=audit.VIEW, obj=team)
    return team, leader


def team_get(user: AnyUser, pk: int) -> TeamPage:
    """The team page and each of its sections: the team with the viewer's standing (one query
    for staff), decided and audited on every request (``authorize_team``)."""
    team, standing = authorize_team(user, Action.VIEW_TEAM, pk)
    return TeamPage(team=team, standing=standing, viewer=as_user(user))


# A national id being typed: ASCII digits and spaces (``\d`` would take any script's digits).
_DIGITS = re.compile(r"^[0-9][0-9 ]*$")


def patient_search(user: AnyUser, query: str) -> list[Patient]:
    """Search by name or national id, only among patients the user may see; each row says
    whether it may show the fødselsnummer and birth date (``shows_personal_id``)."""
    query = query.strip()
    if len(query) < 2:
        return []
    if _DIGITS.match(query):
        condition = Q(national_id__startswith=query.replace(" ", ""))
    else:
        condition = Q(name__icontains=query)
    patients: list[Patient] = list(
        visible_patients(user)
        .filter(condition)
        # Whether the row may show fødselsnummer and birth date: the policy, per patient.
        .annotate(shows_personal_id=identifies(user))
        # The link goes to the open team (to_attr: the template cannot pick a closed one).
        .prefetch_related(Prefetch("teams", queryset=Team.objects.open(), to_attr="open_teams"))
        .order_by("name")[:50]
    )
    if isinstance(user, User):
        audit.record_list(user=user, objects=((p, p) for p in patients))
    return patients


def relative_link_list_for_relative(user: User) -> list[RelativeLink]:
    """A relative's home: the patients who gave them access (and still do), and to what."""
    links = list(
        RelativeLink.objects.filter(relative=user, patient__in=visible_patients(user))
        .select_related("patient")
        .prefetch_related(
            Prefetch("patient__teams", queryset=Team.objects.open(), to_attr="open_teams")
        )
        .order_by("patient__name")
    )
    audit.record_list(user=user, objects=((link.patient, link) for link in links))
    return links


def team_list_incomplete_for_leader(user: AnyUser) -> list[Team]:
    """Open teams that involve the leader's organisation and miss a mandatory role.

    Leaders see no patient data here: the team's number, status, missing roles and who
    coordinates it are what they need to follow up, so no audit row is written.
    """
    organisations = leader_organisations(user)
    flagged = _with_role_flags(
        Team.objects.open().filter(
            Exists(
                Member.objects.active().filter(team=OuterRef("pk"), organisation__in=organisations)
            )
        )
    )
    missing = Q()
    for role in MANDATORY_ROLES:
        missing |= Q(**{f"has_{role.value}": False})
    # The status report is the leader's where a core member works under them (is_team_leader).
    leads = Member.objects.active().filter(
        team=OuterRef("pk"),
        involvement=Member.Involvement.CORE,
        organisation__in=organisations,
    )
    teams: list[Team] = list(
        flagged.filter(missing)
        .annotate(leads=Exists(leads))
        .prefetch_related(
            Prefetch(
                "members",
                queryset=Member.objects.active()
                .filter(role=Role.COORDINATOR)
                .select_related("user", "organisation"),
                to_attr="coordinators",
            )
        )
        .order_by("established_on", "pk")
    )
    for team in teams:
        # A leader reads the names of the services' staff only; a coordinator from outside
        # them is shown by organisation.
        team.coordinator_names = [  # type: ignore[attr-defined]
            name_for_leader(m) or (m.organisation.name if m.organisation else "–")
            for m in team.coordinators  # type: ignore[attr-defined]
        ]
    return teams


def team_section_url(team_pk: int, key: str) -> str:
    """A section of the team page by its key (lkt.workspace.team_page): where a message points."""
    return reverse("workspace:team-detail", args=[team_pk]) + f"#{key}"


def portal_patient(user: AnyUser, pk: int) -> tuple[Patient, Standing]:
    """The patient whose portal this is, and the viewer's standing (404 for strangers, 403 for
    staff: the portal is the patient's and their relatives' own view). Not audited."""
    patient = Patient.objects.filter(pk=pk).first()
    if patient is None:
        raise Http404
    standing = check(user, Action.VIEW_IDENTITY, patient)
    viewer = as_user(user)
    if viewer is None or viewer.kind == User.Kind.STAFF:
        raise PermissionDenied
    return patient, standing


def own_patient(user: User) -> Patient:
    """The patient record of a patient user."""
    patient = Patient.objects.filter(user=user).first()
    if patient is None:
        raise Http404
    return patient
