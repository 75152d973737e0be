"""Results of the relational coordination survey (coordination.survey.selectors): means per
dimension, their change between rounds, and nothing at all below five answers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from coordination.models import Dimension, SurveyAnswer, SurveyRound
from coordination.reports.indicators import SUPPRESS_BELOW
from coordination.survey.selectors import survey_results
from coordination.survey.services import survey_answer, survey_round_close
from tests.conftest import Cast
from tests.coordination.survey.test_services import more_members, open_round, scores

pytestmark = pytest.mark.django_db


def past_round(cast: Cast, rows: list[dict[Dimension, int]]) -> SurveyRound:
    """A round of Kari's team that is over, with these answers (written as the service does,
    without participations: only the answers count for the results)."""
    survey_round = open_round(cast)
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(round=survey_round, **{d.value: row[d] for d in Dimension}) for row in rows
    )
    survey_round_close(actor=cast.coordinator, round=survey_round)
    return survey_round


def test_a_round_with_fewer_than_five_answers_shows_no_means(cast: Cast):
    past_round(cast, [scores(4)] * (SUPPRESS_BELOW - 1))
    results = survey_results(cast.team)
    [result] = results.rounds
    assert result.answered == 4
    assert result.suppressed
    assert result.overall is None
    assert all(
        cell.mean is None and cell.change is None for row in results.rows for cell in row.cells
    )
    assert not results.any_shown


def test_five_answers_show_each_mean_to_one_decimal_and_the_overall_score(cast: Cast):
    rows = [scores(n, timely=5, shared_goals=2) for n in (1, 2, 3, 4, 5)]
    rows[0][Dimension.TIMELY] = 4  # timely: 4, 5, 5, 5, 5 → 4.8
    past_round(cast, rows)
    results = survey_results(cast.team)
    [result] = results.rounds
    assert not result.suppressed
    assert result.means is not None
    assert result.means["frequent"] == Decimal("3.0")
    assert result.means["timely"] == Decimal("4.8")
    assert result.means["shared_goals"] == Decimal("2.0")
    # (3.0 × 5 + 4.8 + 2.0) / 7 = 3.11…
    assert result.overall == Decimal("3.1")
    by_label = {str(row.label): row.cells[0] for row in results.rows}
    assert by_label[str(Dimension.TIMELY.label)].mean == Decimal("4.8")
    assert by_label[str(Dimension.TIMELY.label)].change is None  # the first shown round


def test_the_change_is_from_the_previous_round_that_was_shown(cast: Cast):
    past_round(cast, [scores(3)] * 5)
    past_round(cast, [scores(1)] * 4)  # suppressed: it does not anchor the change
    past_round(cast, [scores(4, mutual_respect=2)] * 5)
    results = survey_results(cast.team)
    assert [r.round.number for r in results.rounds] == [1, 2, 3]
    frequent = next(row for row in results.rows if row.label == Dimension.FREQUENT.label)
    assert [c.mean for c in frequent.cells] == [Decimal("3.0"), None, Decimal("4.0")]
    assert frequent.cells[2].change == Decimal("1.0")
    assert frequent.cells[2].direction == "up"
    respect = next(row for row in results.rows if row.label == Dimension.MUTUAL_RESPECT.label)
    assert respect.cells[2].change == Decimal("-1.0")
    assert respect.cells[2].direction == "down"
    assert respect.cells[2].change_size == Decimal("1.0")


def test_the_open_round_shows_counts_but_no_means_until_it_is_over(cast: Cast):
    survey_round = open_round(cast)
    members = [cast.member, cast.coordinator, *more_members(cast, 4)]
    for user in members[:5]:
        survey_answer(actor=user, round=survey_round, scores=scores(4))
    results = survey_results(cast.team)
    assert results.rounds == []
    assert results.open is not None
    assert results.open.answered == 5
    assert results.open.invited == 6  # five have answered, one has not
    assert results.open.suppressed
    SurveyRound.objects.filter(pk=survey_round.pk).update(
        closes_at=timezone.now() - dt.timedelta(minutes=1)
    )
    results = survey_results(cast.team)
    assert results.open is None
    [result] = results.rounds
    assert result.means is not None
    assert result.means["frequent"] == Decimal("4.0")
