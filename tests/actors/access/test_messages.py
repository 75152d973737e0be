"""The policy's rules for messages and documents (issue 19), for every role of the cast: who
reads a thread of each audience, who writes, and who opens a document of each kind."""

from __future__ import annotations

import pytest
from django.utils import timezone

from actors.access import Action, allows, reads_document, reads_thread, standing
from actors.models import RelativeLink
from tests.conftest import Cast

pytestmark = pytest.mark.django_db

# role: (reads a thread with Kari, reads a staff thread, opens a team document marked for
# Kari, one not marked, a file in a thread with Kari, may upload to the team)
EXPECTED = {
    "patient": (True, False, True, False, True, False),
    "relative": (True, False, False, False, True, False),
    "member": (True, True, True, True, True, True),
    "coordinator": (True, True, True, True, True, True),
    "excluded_relative": (False, False, False, False, False, False),
    "other_patient": (False, False, False, False, False, False),
    "outsider": (False, False, False, False, False, False),
    "leader": (False, False, False, False, False, False),
    "night": (False, False, False, False, False, False),
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_who_reads_threads_and_documents(cast: Cast, role: str):
    s = standing(cast.user(role), cast.team.patient)

    got = (
        reads_thread(s, with_patient=True),
        reads_thread(s, with_patient=False),
        reads_document(s, for_patient=True, thread_with_patient=None),
        reads_document(s, for_patient=False, thread_with_patient=None),
        reads_document(s, for_patient=False, thread_with_patient=True),
        allows(s, Action.UPLOAD_DOCUMENT),
    )

    assert got == EXPECTED[role]
    assert allows(s, Action.POST_MESSAGE) == got[0]


def test_a_relative_with_goals_only_reads_no_thread(cast: Cast):
    RelativeLink.objects.filter(relative=cast.relative).update(
        may_see_team=False, may_communicate=False
    )
    s = standing(cast.relative, cast.team.patient)

    assert allows(s, Action.VIEW_GOALS)
    assert not reads_thread(s, with_patient=True)
    assert not reads_document(s, for_patient=True, thread_with_patient=True)


def test_withdrawing_the_consent_to_inform_relatives_ends_per_s_messages_at_once(cast: Cast):
    cast.team.patient.consents.filter(scope="relatives").update(withdrawn_at=timezone.now())

    assert not reads_thread(standing(cast.relative, cast.team.patient), with_patient=True)


def test_withdrawing_the_sharing_consent_ends_the_staff_s_messages(cast: Cast):
    cast.team.patient.consents.filter(scope="team_sharing").update(withdrawn_at=timezone.now())

    assert not reads_thread(standing(cast.member, cast.team.patient), with_patient=True)
    assert reads_thread(standing(cast.patient, cast.team.patient), with_patient=True)
