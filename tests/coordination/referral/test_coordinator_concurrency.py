"""Element C under a double click or two tabs: two identical posts at the same moment propose
the coordinator once, write one mandate and register the coordinator once; the second post gets
its form (or page) back with a message, never a 500. Real transactions, one database
connection per request."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.urls import reverse

from actors.models import Member, Role, User
from coordination.models import CoordinatorAppointment, Mandate
from coordination.referral import services
from lkt.core.forms import ALREADY_SAVED
from tests.concurrency import posting, run_with_inserts_held
from tests.conftest import Cast, client_for
from tests.coordination.referral.test_services import NEW_ID, report_by
from tests.factories import StaffFactory

HTMX = {"HX-Request": "true"}


def _one_saved_one_told(first: HttpResponse, second: HttpResponse) -> None:
    """Through htmx a save answers with the section's event and an empty panel; the refused
    post gets its form back (200, so htmx shows it) with the message on top."""
    assert all(isinstance(r, HttpResponse) for r in (first, second)), (first, second)
    saved = [r for r in (first, second) if "HX-Trigger" in r]
    refused = [r for r in (first, second) if "HX-Trigger" not in r]
    assert len(saved) == 1 and len(refused) == 1, (first, second)
    assert refused[0].status_code == 200
    assert str(ALREADY_SAVED) in refused[0].content.decode()


@pytest.mark.django_db(transaction=True)
def test_proposing_the_same_coordinator_twice_at_once_proposes_once(cast: Cast):
    candidate = StaffFactory.create(first_name="Kristin", organisation=cast.kommune)
    url = reverse("coordination:appointment-propose", args=[cast.team.pk])
    data = {"candidate": candidate.pk, "patient_wish": "Kari ønsker Kristin."}

    first, second = run_with_inserts_held(
        CoordinatorAppointment,
        posting(client_for(cast.coordinator), url, data, headers=HTMX),
        posting(client_for(cast.coordinator), url, data, headers=HTMX),
    )

    _one_saved_one_told(first, second)
    assert CoordinatorAppointment.objects.filter(team=cast.team, candidate=candidate).count() == 1


@pytest.mark.django_db(transaction=True)
def test_writing_the_first_mandate_twice_at_once_writes_one(cast: Cast):
    url = reverse("coordination:mandate-edit", args=[cast.team.pk])
    data = {
        "task_description": "Lede aktørfellesskapet og kalle inn til møter.",
        "authority": "Kan kalle inn hele teamet.",
        "hours_per_month": "8",
    }

    first, second = run_with_inserts_held(
        Mandate,
        posting(client_for(cast.coordinator), url, data, headers=HTMX),
        posting(client_for(cast.coordinator), url, data, headers=HTMX),
    )

    _one_saved_one_told(first, second)
    assert Mandate.objects.filter(team=cast.team).count() == 1


@pytest.mark.django_db(transaction=True)
def test_registering_the_same_coordinator_twice_at_once_registers_once(
    cast: Cast, unit_staff: User
):
    """Two at the koordinerende enhet press "Registrer" for the same approved coordinator."""
    team = services.need_report_establish_team(
        actor=unit_staff, report=report_by(cast.member, cast), name="Mona Fjell", national_id=NEW_ID
    )
    appointment = services.appointment_propose(actor=unit_staff, team=team, candidate=cast.member)
    services.appointment_decide(actor=cast.leader, appointment=appointment, approve=True)
    url = reverse("coordination:appointment-register", args=[team.pk, appointment.pk])

    first, second = run_with_inserts_held(
        Member,
        posting(client_for(unit_staff), url, {}, follow=True),
        posting(client_for(unit_staff), url, {}, follow=True),
    )

    assert all(isinstance(r, HttpResponse) for r in (first, second)), (first, second)
    # Both come back to a page (the unit's report) with their message, neither to an error page.
    assert [first.status_code, second.status_code] == [200, 200]
    pages = [r.content.decode() for r in (first, second)]
    assert sum(f"{cast.member} er registrert som koordinator i teamet." in p for p in pages) == 1
    assert sum(str(ALREADY_SAVED) in p for p in pages) == 1
    assert Member.objects.filter(team=team, user=cast.member, role=Role.COORDINATOR).count() == 1
