"""Reads of Min gode dag. Each page read goes through ``authorize`` (VIEW_GOALS), which also
writes the audit record, and uses a fixed number of queries however many versions there are.

The page reads the patient's words from the newest frozen version (its JSON snapshot of
challenges and goals), not from the live rows: the version is exactly what was saved, and it
costs one query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Prefetch
from django.http import Http404

from actors.access import Action, Standing, allows, as_user, authorize
from actors.models import Patient, Team, User
from careplans.good_day.diff import EmptyVersion
from careplans.models import GoodDayVersion
from lkt.core.compiled_query import CompiledQuery

if TYPE_CHECKING:
    from actors.access import AnyUser
    from actors.selectors import TeamPage

VERSIONS_PER_PAGE = 25


def good_day_may_write(
    *, user: User, standing: Standing, has_version: bool, co_writer_ids: Collection[int]
) -> bool:
    """The co-writer rule, on top of EDIT_GOALS: the patient owns Min gode dag.

    The patient, and a relative the patient lets write, may always write. Staff write only
    together with the patient: as a co-writer named on the newest version, or, before there is
    any version, as the one who manages the team (to help the patient get started).
    """
    if not allows(standing, Action.EDIT_GOALS):
        return False
    if user.kind != User.Kind.STAFF:
        return True
    if has_version:
        return user.pk in co_writer_ids
    return standing.manages


@dataclass(frozen=True)
class ChallengeRow:
    id: int
    text: str


@dataclass(frozen=True)
class GoalRow:
    """A goal as shown: with the challenge or wish it serves, and its delmål."""

    id: int
    text: str
    challenge_id: int | None
    challenge: str  # the challenge's text, "" when the goal serves a wish
    wish: str
    parent_id: int | None
    target_date: dt.date | None
    subgoals: list[GoalRow] = field(default_factory=list)

    @property
    def serves(self) -> str:
        return self.challenge or self.wish


def challenge_rows(version: GoodDayVersion | None) -> list[ChallengeRow]:
    if version is None:
        return []
    return [ChallengeRow(id=c["id"], text=c["text"]) for c in version.challenges]


def goal_rows(version: GoodDayVersion | None) -> list[GoalRow]:
    """Main goals in order, each with its delmål; a delmål serves what its main goal serves."""
    if version is None:
        return []
    challenges = {c["id"]: c["text"] for c in version.challenges}
    rows = {
        g["id"]: GoalRow(
            id=g["id"],
            text=g["text"],
            challenge_id=g.get("challenge_id"),
            challenge=challenges.get(g.get("challenge_id"), ""),
            wish=g.get("wish", ""),
            parent_id=g.get("parent_id"),
            target_date=dt.date.fromisoformat(g["target_date"]) if g.get("target_date") else None,
        )
        for g in version.goals
    }
    main: list[GoalRow] = []
    for row in rows.values():
        parent = rows.get(row.parent_id) if row.parent_id else None
        if parent is None:
            main.append(row)
        else:
            parent.subgoals.append(row)
    return main


@dataclass
class GoodDayPage:
    """What the page of Min gode dag starts from, for one viewer."""

    patient: Patient
    viewer: User
    standing: Standing
    current: GoodDayVersion | None  # the newest version, with written_by and co_writers
    may_write: bool
    team_staff: list[User]  # who the patient may name as co-writers (only read for writers)

    @property
    def base_version(self) -> int:
        """The version an edit starts from; ``GoodDay.version`` equals the newest number."""
        return self.current.number if self.current else 0

    @property
    def co_writer_ids(self) -> list[int]:
        return [u.pk for u in self.current.co_writers.all()] if self.current else []

    @property
    def is_own(self) -> bool:
        return self.standing.is_self

    @property
    def may_see_team(self) -> bool:
        return allows(self.standing, Action.VIEW_TEAM)

    @property
    def challenges(self) -> list[ChallengeRow]:
        return challenge_rows(self.current)

    @property
    def goals(self) -> list[GoalRow]:
        return goal_rows(self.current)


def _latest(patient: Patient) -> GoodDayVersion | None:
    return (
        GoodDayVersion.objects.filter(document__patient=patient)
        .select_related("written_by")
        .prefetch_related(Prefetch("co_writers", queryset=User.objects.order_by("first_name")))
        .order_by("-number")
        .first()
    )


def team_staff(patient: Patient) -> list[User]:
    """Staff users who are active members of the patient's open team: possible co-writers."""
    return list(
        User.objects.filter(
            kind=User.Kind.STAFF,
            memberships__team__patient=patient,
            memberships__team__status__in=[Team.Status.ESTABLISHING, Team.Status.ACTIVE],
            memberships__left_on__isnull=True,
        )
        .distinct()
        .order_by("first_name", "last_name")
    )


def good_day_get(user: AnyUser, patient: Patient) -> GoodDayPage:
    """Min gode dag as the viewer may see it, and whether they may write the next version.

    Queries: the viewer's standing (none for the patient), the audit row, the newest version
    with its author, its co-writers, and, for those who may write, the team's staff.
    """
    standing = authorize(user, Action.VIEW_GOALS, patient)
    viewer = as_user(user)
    if viewer is None:  # authorize has refused anyone else already
        raise PermissionDenied
    current = _latest(patient)
    may_write = good_day_may_write(
        user=viewer,
        standing=standing,
        has_version=current is not None,
        co_writer_ids=[u.pk for u in current.co_writers.all()] if current else [],
    )
    # A relative writes but does not choose who else may write; nobody else needs the list.
    staff = team_staff(patient) if may_write and viewer.kind != User.Kind.RELATIVE else []
    return GoodDayPage(
        patient=patient,
        viewer=viewer,
        standing=standing,
        current=current,
        may_write=may_write,
        team_staff=staff,
    )


def good_day_version_list(user: AnyUser, patient: Patient, page: Any = 1) -> Page[GoodDayVersion]:
    """The history, newest first, one page at a time: the count and the page, two queries
    whatever the number of versions (the texts stay in the database until a diff asks)."""
    authorize(user, Action.VIEW_GOALS, patient)
    versions = (
        GoodDayVersion.objects.filter(document__patient=patient)
        .select_related("written_by")
        .only(
            "number",
            "is_draft",
            "written_with",
            "created_at",
            "document_id",
            "written_by__first_name",
            "written_by__last_name",
            "written_by__username",
            "written_by__kind",
        )
        .order_by("-number")
    )
    return Paginator(versions, VERSIONS_PER_PAGE).get_page(page)


def good_day_version_pair(
    user: AnyUser, patient: Patient, older: int | None, newer: int | None
) -> tuple[GoodDayVersion | EmptyVersion, GoodDayVersion | EmptyVersion]:
    """Two versions to compare, older first. Without numbers: the newest and the one before.
    Version 0 is the blank page before the first version. One query after the audit."""
    authorize(user, Action.VIEW_GOALS, patient)
    base = GoodDayVersion.objects.filter(document__patient=patient).select_related("written_by")
    if newer is None:
        latest = list(base.order_by("-number")[:2])
        if not latest:
            return EmptyVersion(), EmptyVersion()
        return (latest[1] if len(latest) > 1 else EmptyVersion()), latest[0]
    wanted = {n for n in (older or 0, newer) if n > 0}
    found = {v.number: v for v in base.filter(number__in=wanted)}
    if wanted - set(found):
        raise Http404
    pair = sorted([older or 0, newer])
    return found.get(pair[0], EmptyVersion()), found.get(pair[1], EmptyVersion())


def good_day_for_team(page: TeamPage) -> dict[str, Any]:
    """The team page section "Min gode dag": the newest version's date, author and goals.

    One query: the newest version with its author (the page's own reads cover the rest).
    """
    current = _NEWEST_VERSION.first(patient=page.team.patient_id)
    return {"current": current, "goals": goal_rows(current)}


# good_day_for_team's read, compiled once: compiling it took longer than running it, on every
# request of the section (issue 17, lkt.core.compiled_query).
_NEWEST_VERSION = CompiledQuery(
    lambda patient: (
        GoodDayVersion.objects.filter(document__patient_id=patient)
        .select_related("written_by")
        .order_by("-number")
    ),
    "patient",
)
