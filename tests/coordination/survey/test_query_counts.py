"""Query budget of the "koordinering" section, pinned at two sizes (rounds and answers) to
catch queries per round or per answer."""

from __future__ import annotations

import pytest

from actors.selectors import team_get
from coordination.models import Dimension, SurveyAnswer
from coordination.survey.services import survey_answer, survey_round_close
from coordination.survey.views import survey_section
from tests.conftest import Cast
from tests.coordination.survey.test_services import open_round, scores

pytestmark = pytest.mark.django_db

# The section with a round open, for a member: 1 every round with its answer count, the
# members yet to answer and the seven means (one aggregate), 2 who has answered the open round.
MEMBER_QUERIES = 2
# The patient sees the results but is not asked: only the aggregate.
PATIENT_QUERIES = 1


def _history(cast: Cast, rounds: int, answers: int) -> None:
    """``rounds`` rounds that are over with ``answers`` answers each, then an open one that Tor
    has answered."""
    for _ in range(rounds):
        survey_round = open_round(cast)
        SurveyAnswer.objects.bulk_create(
            SurveyAnswer(round=survey_round, **{d.value: 1 + n % 5 for d in Dimension})
            for n in range(answers)
        )
        survey_round_close(actor=cast.coordinator, round=survey_round)
    survey_answer(actor=cast.member, round=open_round(cast), scores=scores(4))


@pytest.mark.parametrize(("rounds", "answers"), [(2, 5), (8, 50)])
def test_the_section_costs_the_same_for_few_and_many_rounds_and_answers(
    cast: Cast, rounds: int, answers: int, django_assert_num_queries
):
    _history(cast, rounds, answers)
    page = team_get(cast.member, cast.team.pk)
    with django_assert_num_queries(MEMBER_QUERIES):
        data = survey_section(page)
        str([(r.round.number, r.answered, r.invited) for r in data["results"].rounds])
    assert len(data["results"].rounds) == min(rounds, 6)
    assert data["results"].open.answered == 1
    assert cast.member.pk in data["answered_ids"]
    assert all(cell.mean is not None for row in data["results"].rows for cell in row.cells)


@pytest.mark.parametrize(("rounds", "answers"), [(2, 5), (8, 50)])
def test_the_patient_sees_the_section_in_one_query(
    cast: Cast, rounds: int, answers: int, django_assert_num_queries
):
    _history(cast, rounds, answers)
    page = team_get(cast.patient, cast.team.pk)
    with django_assert_num_queries(PATIENT_QUERIES):
        data = survey_section(page)
    assert data["answered_ids"] == frozenset()
    assert data["open_form"] is None
