"""Query budget of the crisis card, pinned at two team sizes (3 and 40 members): the card must
answer as fast at night for a big team as for a small one."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import Cast, client_for
from tests.coordination.crisis_helpers import card_url, consent_to_crisis_sharing, crisis_plan

pytestmark = pytest.mark.django_db

# The card's reads keep their plans (lkt.core.keyed_plans): in a transaction of their
# own, SET LOCAL and the two statements; inside the test's transaction that is a savepoint,
# the setting, the statements, the setting back and the release: 6.
CARD_READS = 6
# The card under its link (legevakt/AMK; the link names the logged opening, the access is
# decided again at each request, see crisis_services.crisis_card_show): 1 session, 2 user,
# then crisis_selectors.crisis_card_for_grant: the opening's audit row, the team, patient,
# current phase and the version shown with its rød and gul entries, and the user's crisis
# standing now (membership, team and crisis consent, the organisation's kind) in one statement,
# the members they name and the coordinator in the other. Re-checking the consent costs no
# query of its own.
CARD_QUERIES = 2 + CARD_READS
# From the team page (staff in the team): 1 session, 2 user, 3 the open team with the crisis
# standing (no organisation read: they are in the team), 4 the audit row, then the card.
TEAM_CARD_QUERIES = 4 + CARD_READS


@pytest.mark.parametrize("extra_members", [0, 37])
def test_the_night_card_costs_the_same_for_a_small_and_a_big_team(
    cast: Cast, django_assert_num_queries, extra_members: int
):
    crisis_plan(cast, extra_members=extra_members)
    consent_to_crisis_sharing(cast)
    assert cast.team.members.count() == 3 + extra_members
    client = client_for(cast.night)
    url = card_url(cast)
    with django_assert_num_queries(CARD_QUERIES):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("extra_members", [0, 37])
def test_the_team_card_costs_the_same_for_a_small_and_a_big_team(
    cast: Cast, django_assert_num_queries, extra_members: int
):
    crisis_plan(cast, extra_members=extra_members)
    client = client_for(cast.member)
    url = reverse("coordination:crisis-card-team", args=[cast.team.pk])
    with django_assert_num_queries(TEAM_CARD_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
