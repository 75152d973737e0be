""" "Hvem har sett mine opplysninger": the patient's own view of the audit trail."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lkt import audit
from lkt.models import AccessLog
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def log_url(cast) -> str:
    return reverse("actors:portal-access-log", args=[cast.team.patient.pk])


def add_reads(cast, n: int) -> None:
    patient = cast.team.patient
    AccessLog.objects.bulk_create(
        AccessLog(
            user=cast.member,
            patient=patient,
            action=AccessLog.Action.VIEW,
            object_type="actors.team",
            object_id=str(cast.team.pk),
        )
        for _ in range(n)
    )


def test_kari_sees_who_read_and_changed_her_data_with_their_organisation(cast):
    patient = cast.team.patient
    audit.record(user=cast.member, patient=patient, action=audit.VIEW, obj=cast.team)
    audit.record(user=cast.coordinator, patient=patient, action=audit.CHANGE, obj=patient)
    audit.record(user=cast.relative, patient=patient, action=audit.VIEW, obj=patient)
    audit.record(user=cast.member, patient=patient, action=audit.BREAK_GLASS, obj=patient)
    response = client_for(cast.patient).get(log_url(cast))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tor Testesen" in html and "Fjordvik kommune" in html
    assert "leste teamet ditt" in html and "endret opplysninger om deg" in html
    assert "Per Testesen" in html and "Pårørende" in html
    assert "Nødtilgang" in html
    # Newest first: the emergency access was the last thing to happen.
    assert html.index("nødtilgang opplysninger om deg") < html.index("leste teamet ditt")


def test_looking_at_her_own_log_adds_nothing_to_it(cast):
    before = AccessLog.objects.count()
    client_for(cast.patient).get(log_url(cast))
    assert AccessLog.objects.count() == before


def test_karis_own_reads_are_left_out(cast):
    client_for(cast.patient).get(reverse("actors:portal-team", args=[cast.team.patient.pk]))
    assert AccessLog.objects.filter(user=cast.patient).exists()
    html = client_for(cast.patient).get(log_url(cast)).content.decode()
    assert "Ingen andre har sett opplysningene dine ennå" in html


def test_the_log_shows_50_a_page_newest_first(cast):
    add_reads(cast, 51)
    client = client_for(cast.patient)
    first = client.get(log_url(cast)).content.decode()
    assert first.count("leste teamet ditt") == 50 and "Side 1 av 2" in first
    second = client.get(log_url(cast) + "?side=2").content.decode()
    assert second.count("leste teamet ditt") == 1


def _queries(cast) -> int:
    client = client_for(cast.patient)
    client.get(log_url(cast))  # the session and the user are read on the first request
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(log_url(cast)).status_code == 200
    return len(ctx.captured_queries)


def test_the_log_uses_the_same_queries_for_5_and_50_rows(cast):
    add_reads(cast, 5)
    five = _queries(cast)
    add_reads(cast, 45)
    assert _queries(cast) == five
    # session, user, patient, count and one page with users and organisations
    assert five == 5


@pytest.mark.parametrize("role", ["relative", "member", "coordinator"])
def test_only_kari_reads_her_log(cast, role):
    assert client_for(getattr(cast, role)).get(log_url(cast)).status_code == 403


@pytest.mark.parametrize("role", ["excluded_relative", "other_patient", "outsider"])
def test_strangers_get_404_on_karis_log(cast, role):
    assert client_for(getattr(cast, role)).get(log_url(cast)).status_code == 404
