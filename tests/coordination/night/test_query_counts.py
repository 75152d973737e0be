"""Query budget of the "natt" section and the full timeline page, pinned at two data sizes to
catch N+1 queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from actors.selectors import team_get
from careplans.models import PhaseChange
from coordination.models import NightContact, NightService
from coordination.night.views import night_section
from tests.conftest import Cast, client_for
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

# The section's own build: 1 the latest contacts with who recorded them, 2 the latest phase
# changes with who made them, 3 the per-service counts for 3, 6 and 12 months (one aggregate).
SECTION_QUERIES = 3
# The full page: 1 session, 2 user, 3 team with patient, 4 the viewer's standing, 5 the audit
# row, 6 contacts, 7 phase changes.
PAGE_QUERIES = 7


def _history(cast: Cast, count: int) -> None:
    """``count`` contacts spread over all services and a year, each by its own recorder, and
    ``count`` phase changes."""
    now = timezone.now()
    services = NightService.values
    NightContact.objects.bulk_create(
        NightContact(
            patient=cast.team.patient,
            service=services[n % len(services)],
            occurred_at=now - dt.timedelta(days=7 * n, hours=n),
            reason=f"Kontakt {n}",
            outcome="sent_home",
            recorded_by=StaffFactory.create(),
        )
        for n in range(count)
    )
    PhaseChange.objects.bulk_create(
        PhaseChange(
            team=cast.team,
            phase=("yellow", "red", "green")[n % 3],
            reason=f"Endring {n}",
            changed_by=StaffFactory.create(),
        )
        for n in range(count)
    )


@pytest.mark.parametrize("count", [5, 50])
def test_the_section_builds_in_three_queries_for_5_and_50_contacts(
    cast: Cast, count: int, django_assert_num_queries
):
    _history(cast, count)
    page = team_get(cast.coordinator, cast.team.pk)
    with django_assert_num_queries(SECTION_QUERIES):
        data = night_section(page)
        str([(e.contact and e.contact.recorded_by) for e in data["entries"]])
        str([(e.phase_change and e.phase_change.changed_by) for e in data["entries"]])
    assert len(data["entries"]) == min(2 * count, 30)
    assert data["more"] == (2 * count > 30)
    assert sum(c.counts[2] for c in data["counts"]) == min(count, 53)


@pytest.mark.parametrize("count", [5, 50])
def test_the_timeline_page_costs_the_same_for_5_and_50_contacts(
    cast: Cast, count: int, django_assert_num_queries
):
    _history(cast, count)
    client = client_for(cast.member)
    url = reverse("coordination:team-night", args=[cast.team.pk])
    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(url)
    body = response.content.decode()
    assert body.count('data-kind="contact"') == count
    assert body.count('data-kind="phase"') == count
