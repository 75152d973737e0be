"""The actors' perspectives on the patient's challenges (element A seen from element B): for each
current challenge, how every active actor sees it and how important it is to them, and whether
they see it alike."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from actors.models import Member, Perspective
from careplans.models import Challenge
from lkt.core.compiled_query import CompiledQuery

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

    from actors.selectors import TeamPage


class Matching(StrEnum):
    """Whether the actors see a challenge alike, judged by how far their importance spreads."""

    AGREED = "samstemt"
    PARTIAL = "delvis"
    DIVERGENT = "sprikende"
    TOO_FEW = "for_faa"

    @property
    def label(self) -> StrOrPromise:
        return _MATCHING_LABELS[self]

    @property
    def color(self) -> str:
        """Designsystemet colour of the tag that shows it."""
        return _MATCHING_COLORS[self]


_MATCHING_LABELS: dict[Matching, StrOrPromise] = {
    Matching.AGREED: _("Samstemt"),
    Matching.PARTIAL: _("Delvis samstemt"),
    Matching.DIVERGENT: _("Sprikende"),
    Matching.TOO_FEW: _("For få perspektiver"),
}


_MATCHING_COLORS: dict[Matching, str] = {
    Matching.AGREED: "success",
    Matching.PARTIAL: "warning",
    Matching.DIVERGENT: "danger",
    Matching.TOO_FEW: "neutral",
}


def classify_matching(importances: Sequence[int]) -> Matching:
    """Samstemt when two or more actors are within one step of each other on the 1–5 scale,
    sprikende when they are three or more steps apart, delvis in between. One perspective is
    no shared picture yet."""
    if len(importances) < 2:
        return Matching.TOO_FEW
    spread = max(importances) - min(importances)
    if spread <= 1:
        return Matching.AGREED
    if spread >= 3:
        return Matching.DIVERGENT
    return Matching.PARTIAL


@dataclass
class PerspectiveRow:
    """One active actor and their perspective on one challenge, if they have given it."""

    challenge: Challenge
    member: Member
    perspective: Perspective | None
    form: Any = None  # the view layer adds one where the viewer may write


@dataclass
class ChallengeMatching:
    challenge: Challenge
    rows: list[PerspectiveRow]  # every active actor, those who have answered first

    @property
    def given(self) -> list[PerspectiveRow]:
        return [row for row in self.rows if row.perspective is not None]

    @property
    def missing(self) -> list[Member]:
        return [row.member for row in self.rows if row.perspective is None]

    @property
    def importances(self) -> list[int]:
        return [row.perspective.importance for row in self.rows if row.perspective is not None]

    @property
    def lowest(self) -> int | None:
        return min(self.importances, default=None)

    @property
    def highest(self) -> int | None:
        return max(self.importances, default=None)

    @property
    def spread(self) -> int | None:
        values = self.importances
        return max(values) - min(values) if values else None

    @property
    def matching(self) -> Matching:
        return classify_matching(self.importances)


def perspective_matching(page: TeamPage) -> list[ChallengeMatching]:
    """For each current challenge of the patient, every active actor's perspective. Two queries."""
    active = page.active_members
    members = {m.pk: m for m in active}
    # Query 1: the patient's current challenges (retired ones are history, not asked about).
    challenges = _CURRENT_CHALLENGES.all(patient=page.team.patient_id)
    # Query 2: the perspectives of this team's active actors on those challenges.
    perspectives = _ACTIVE_PERSPECTIVES.all(team=page.team.pk, patient=page.team.patient_id)
    by_pair: dict[tuple[int, int], Perspective] = {}
    for perspective in perspectives:
        if perspective.member_id in members:
            perspective.member = members[perspective.member_id]
            by_pair[(perspective.challenge_id, perspective.member_id)] = perspective
    result = []
    for challenge in challenges:
        rows = [
            PerspectiveRow(challenge, member, by_pair.get((challenge.pk, member.pk)))
            for member in active
        ]
        # Those who answered first, most important first: the texts are read side by side.
        rows.sort(
            key=lambda r: (
                r.perspective is None,
                -(r.perspective.importance if r.perspective else 0),
            )
        )
        result.append(ChallengeMatching(challenge=challenge, rows=rows))
    return result


# perspective_matching's reads, compiled once: compiling them took longer than running them,
# on every request of the section (issue 17, lkt.core.compiled_query).
_CURRENT_CHALLENGES = CompiledQuery(
    lambda patient: Challenge.objects.filter(patient_id=patient, retired_at__isnull=True),
    "patient",
)
_ACTIVE_PERSPECTIVES = CompiledQuery(
    lambda team, patient: Perspective.objects.filter(
        member__team_id=team,
        member__left_on__isnull=True,
        challenge__patient_id=patient,
        challenge__retired_at__isnull=True,
    ),
    "team",
    "patient",
)


def perspective_given(member: Member, challenge: Challenge) -> Perspective | None:
    """The member's perspective on the challenge, if given (the form opens with it)."""
    return Perspective.objects.filter(member=member, challenge=challenge).first()
