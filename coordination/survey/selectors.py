"""Reads of the relational coordination survey: each round's response and, per dimension, the
team's mean and its change, computed in the database per round (never per answer).

Anonymity: a round with fewer than ``SUPPRESS_BELOW`` answers shows no means at all, as with
so few answers a member could work out a colleague's. The change is measured from the previous
round that was shown, so a suppressed round never leaks through a difference either. Means
appear only once a round is over: a mean that moved while the round was open would tell anyone
who saw the count go up what the last person answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Avg, Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from actors.models import Member, Team, User
from coordination.models import Dimension, SurveyParticipation, SurveyRound
from coordination.reports.indicators import SUPPRESS_BELOW
from lkt.core.compiled_query import CompiledQuery

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

# Columns of the results table: the latest rounds; older ones still anchor the first change.
ROUNDS_SHOWN = 6
_TENTH = Decimal("0.1")


def _tenth(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(_TENTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Cell:
    """One mean in the table; ``change`` from the previous shown round, None for the first."""

    mean: Decimal | None
    change: Decimal | None = None

    @property
    def direction(self) -> str:
        if self.change is None:
            return ""
        return "up" if self.change > 0 else "down" if self.change < 0 else "same"

    @property
    def change_size(self) -> Decimal | None:
        return abs(self.change) if self.change is not None else None


@dataclass(frozen=True)
class RoundResult:
    round: SurveyRound
    answered: int
    # Who was asked, approximated as those who answered plus the active staff members who have
    # not: exact for the open round, and for a closed one it counts today's members (the
    # members of that time are not kept with the round).
    invited: int
    means: dict[str, Decimal] | None  # by Dimension value; None when suppressed
    overall: Decimal | None

    @property
    def suppressed(self) -> bool:
        return self.means is None

    @property
    def answered_label(self) -> str:
        """How many answered, in words (a plural, made here where makemessages reads it)."""
        return ngettext("%(answered)s svar", "%(answered)s svar", self.answered) % {
            "answered": self.answered
        }

    @property
    def is_open(self) -> bool:
        return self.round.closed_at is None and self.round.closes_at > timezone.now()


@dataclass(frozen=True)
class ResultRow:
    label: StrOrPromise
    cells: list[Cell]


@dataclass(frozen=True)
class SurveyResults:
    open: RoundResult | None  # the round members may answer now
    rounds: list[RoundResult]  # the rounds that are over, oldest first, the latest ROUNDS_SHOWN
    rows: list[ResultRow]  # the seven dimensions, then the overall score

    @property
    def any_shown(self) -> bool:
        return any(not r.suppressed for r in self.rounds)


def _not_answered() -> Subquery:
    """Active staff members of the round's team who have not answered it."""
    members = (
        Member.objects.active()
        .filter(
            team=OuterRef("team"),
            user__kind=User.Kind.STAFF,
            user__is_active=True,
        )
        .exclude(
            user__in=SurveyParticipation.objects.filter(round=OuterRef(OuterRef("pk"))).values(
                "user"
            )
        )
        .order_by()
        .values("team")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Subquery(members, output_field=IntegerField())


def _round_results(team: Team) -> list[RoundResult]:
    """Every round of the team with its counts, and its means once it is over: one query."""
    # With their annotations (answered, not_answered, mean_<dimension>), which mypy loses.
    rounds: list[Any] = _ROUNDS.all(team=team.pk)
    results = []
    now = timezone.now()
    for r in rounds:
        over = r.closed_at is not None or r.closes_at <= now
        shown = over and r.answered >= SUPPRESS_BELOW
        raw = {d.value: getattr(r, f"mean_{d.value}") for d in Dimension}
        results.append(
            RoundResult(
                round=r,
                answered=r.answered,
                invited=r.answered + r.not_answered,
                means={k: _tenth(v) for k, v in raw.items()} if shown else None,
                overall=_tenth(sum(raw.values()) / len(raw)) if shown else None,
            )
        )
    return results


# The section's reads, compiled once: compiling them took longer than running them, on every
# request of the team page (issue 17, lkt.core.compiled_query).
_ROUNDS = CompiledQuery(
    lambda team: (
        SurveyRound.objects.filter(team_id=team)
        .annotate(
            answered=Count("answers"),
            not_answered=Coalesce(_not_answered(), 0),
            **{f"mean_{d.value}": Avg(f"answers__{d.value}") for d in Dimension},
        )
        .order_by("number")
    ),
    "team",
)


def _cells(results: list[RoundResult], value: str | None) -> list[Cell]:
    """One row of the table across all rounds; ``value`` None for the overall score."""
    cells = []
    previous: Decimal | None = None
    for result in results:
        mean = result.overall if value is None or result.means is None else result.means[value]
        if mean is None:
            cells.append(Cell(mean=None))
            continue
        cells.append(Cell(mean=mean, change=None if previous is None else mean - previous))
        previous = mean
    return cells


def survey_results(team: Team) -> SurveyResults:
    """Means per dimension and round, with the change from the previous shown round."""
    every = _round_results(team)
    results = [r for r in every if not r.is_open]
    rows = [ResultRow(d.label, _cells(results, d.value)) for d in Dimension]
    rows.append(ResultRow(_("Samlet (snitt av de sju)"), _cells(results, None)))
    first = max(0, len(results) - ROUNDS_SHOWN)
    return SurveyResults(
        open=next((r for r in every if r.is_open), None),
        rounds=results[first:],
        rows=[ResultRow(row.label, row.cells[first:]) for row in rows],
    )


def survey_open_round(team: Team) -> SurveyRound | None:
    """The round members may answer now: not closed, deadline not passed."""
    return (
        SurveyRound.objects.filter(team=team, closed_at__isnull=True, closes_at__gt=timezone.now())
        .select_related("team__patient")
        .first()
    )


def survey_answered_user_ids(survey_round: SurveyRound) -> frozenset[int]:
    """Who has answered the round, so that a member is not asked again (one query)."""
    return frozenset(p.user_id for p in _PARTICIPANTS.all(survey_round=survey_round.pk))


# Compiled once as well, for the section while a round is open (issue 17).
_PARTICIPANTS = CompiledQuery(
    lambda survey_round: SurveyParticipation.objects.filter(round_id=survey_round).only("user"),
    "survey_round",
)


def survey_has_answered(survey_round: SurveyRound, user: User) -> bool:
    return SurveyParticipation.objects.filter(round=survey_round, user=user).exists()
