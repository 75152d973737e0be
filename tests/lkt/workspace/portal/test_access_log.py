""" "Hvem har sett mine opplysninger": the patient's own view of the audit trail."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actors.access import CRISIS_CARD
from coordination.models import NightContact, NightService
from lkt.core import audit
from lkt.models import AccessLog
from lkt.workspace.access_log_selectors import GROUPS_PER_PAGE
from tests.careplans.phase_helpers import version_for
from tests.clock import days, oslo
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def log_url(cast) -> str:
    return reverse("workspace:portal-access-log", args=[cast.team.patient.pk])


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
    audit.record(user=cast.night, patient=patient, action=audit.BREAK_GLASS, obj=patient)
    response = client_for(cast.patient).get(log_url(cast))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tor Testesen" in html and "Fjordvik kommune" in html
    assert "Tor Testesen så teamet ditt." in html
    assert "registrerte opplysninger om deg" in html
    assert "Per Testesen" in html and "Pårørende du har gitt tilgang" in html
    assert "Nødtilgang (helsepersonelloven § 7)" in html
    # Newest first: the emergency access was the last thing to happen.
    assert html.index("brukte nødtilgang til opplysninger om deg") < html.index("så teamet ditt")


def _kinds(html: str) -> list[str]:
    """The basis of each line, in order (the list items' data-basis)."""
    return re.findall(r'data-basis="([a-z_]+)"', html)


def test_a_night_contact_and_an_approval_are_said_in_plain_words_not_changed_your_data(cast):
    """Issue 16, item 15: "Lars Vaktlege endret opplysningene dine" for a night contact and
    "Hilde Strømsnes endret planen din" for an approval alarmed the patient."""
    patient = cast.team.patient
    contact = NightContact.objects.create(
        patient=patient,
        service=NightService.LEGEVAKT,
        occurred_at=timezone.now(),
        reason="Uro",
        outcome=NightContact.Outcome.SENT_HOME,
        recorded_by=cast.night,
    )
    audit.record(user=cast.night, patient=patient, action=audit.CHANGE, obj=contact)
    version = version_for(cast.team, cast.coordinator)
    audit.record(
        user=cast.leader,
        patient=patient,
        action=audit.CHANGE,
        obj=version,
        reason=audit.LEADER_PLAN_REASON,
    )
    audit.record(
        user=cast.coordinator,
        patient=patient,
        action=audit.CHANGE,
        obj=version,
        reason="Godkjenning av plan for samarbeid (koordinator)",
    )
    html = client_for(cast.patient).get(log_url(cast)).content.decode()
    night = str(cast.night)
    assert f"{night} registrerte en kontakt med legevakten." in html
    assert f"{cast.leader} godkjente planen." in html
    assert f"{cast.coordinator} godkjente planen." in html
    assert "endret" not in html
    assert "Leder som godkjenner planen, uten helseopplysninger" in html
    assert "Med i teamet ditt, med samtykket ditt" in html  # Cecilie, a member
    assert "Legevakt eller AMK som hjalp deg" in html  # the night doctor's contact


def test_each_person_is_one_line_a_day_with_everything_they_did_and_how_often(cast):
    patient = cast.team.patient
    with time_machine.travel(oslo(days(-1), 9, 12)):
        audit.record(user=cast.member, patient=patient, action=audit.VIEW, obj=cast.team)
    for hour in (10, 11):
        with time_machine.travel(oslo(days(0), hour, 5)):
            audit.record(user=cast.member, patient=patient, action=audit.VIEW, obj=cast.team)
    with time_machine.travel(oslo(days(0), 11, 40)):
        plan = version_for(cast.team, cast.coordinator)
        audit.record(user=cast.member, patient=patient, action=audit.VIEW, obj=plan)
        audit.record(user=cast.member, patient=patient, action=audit.VIEW, obj=cast.team)
    html = client_for(cast.patient).get(log_url(cast)).content.decode()
    assert html.count("Tor Testesen så teamet ditt og leste planen din.") == 1
    assert "kl. 10.05–11.40 (4 oppslag)" in html
    assert html.count("Tor Testesen så teamet ditt.") == 1  # yesterday, a line of its own
    assert "kl. 09.12" in html
    assert _kinds(html) == ["team", "team"]


def test_the_basis_says_team_emergency_relative_system_and_crisis_consent(cast):
    patient = cast.team.patient
    audit.record(user=cast.member, patient=patient, action=audit.VIEW, obj=cast.team)
    audit.record(user=cast.relative, patient=patient, action=audit.VIEW, obj=patient)
    audit.record(user=None, patient=patient, action=audit.CHANGE, obj=patient, reason="16 år")
    card = {"patient": patient, "object_type": CRISIS_CARD, "object_id": str(cast.team.pk)}
    AccessLog.objects.create(user=cast.night, action=AccessLog.Action.VIEW, reason="Uro", **card)
    AccessLog.objects.create(
        user=cast.night, action=AccessLog.Action.BREAK_GLASS, reason="Bevisstløs", **card
    )
    html = client_for(cast.patient).get(log_url(cast)).content.decode()
    assert _kinds(html) == ["emergency", "crisis_consent", "lkt", "relative", "team"]
    assert "åpnet kriseplanen din med nødtilgang" in html
    assert "Begrunnelse for nødtilgang: «Bevisstløs»" in html
    assert "Begrunnelse: «Uro»" in html
    assert "Legevakt eller AMK, med samtykket ditt til kriseplanen" in html
    assert "LKT selv, automatisk" in html


def test_looking_at_her_own_log_adds_nothing_to_it(cast):
    before = AccessLog.objects.count()
    client_for(cast.patient).get(log_url(cast))
    assert AccessLog.objects.count() == before


def test_karis_own_reads_are_left_out(cast):
    client_for(cast.patient).get(reverse("workspace:portal-team", args=[cast.team.patient.pk]))
    assert AccessLog.objects.filter(user=cast.patient).exists()
    html = client_for(cast.patient).get(log_url(cast)).content.decode()
    assert "Ingen andre har sett opplysningene dine ennå" in html


def _reads_over_days(cast, n: int) -> None:
    """``n`` reads by Tor, one a day back from today: ``n`` lines."""
    for back in range(n):
        with time_machine.travel(oslo(days(-back), 12), tick=False):
            add_reads(cast, 1)


def test_the_log_shows_30_lines_a_page_newest_first(cast):
    _reads_over_days(cast, GROUPS_PER_PAGE + 1)
    client = client_for(cast.patient)
    first = client.get(log_url(cast)).content.decode()
    assert first.count("Tor Testesen så teamet ditt.") == GROUPS_PER_PAGE
    assert "Side 1 av 2" in first
    second = client.get(log_url(cast) + "?side=2").content.decode()
    assert second.count("Tor Testesen så teamet ditt.") == 1


def test_many_reads_on_one_day_are_one_line(cast):
    add_reads(cast, 51)
    html = client_for(cast.patient).get(log_url(cast)).content.decode()
    assert html.count("Tor Testesen så teamet ditt.") == 1 and "(51 oppslag)" in html


def _queries(cast) -> int:
    client = client_for(cast.patient)
    client.get(log_url(cast))  # the session and the user are read on the first request
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(log_url(cast)).status_code == 200
    return len(ctx.captured_queries)


def _people_and_days(cast, n: int) -> None:
    """Tor's reads on ``n`` days, and Per, Cecilie and the night doctor today: ``n + 3``
    lines (the first call: 5)."""
    _reads_over_days(cast, n)
    patient = cast.team.patient
    audit.record(user=cast.relative, patient=patient, action=audit.VIEW, obj=patient)
    audit.record(user=cast.coordinator, patient=patient, action=audit.CHANGE, obj=cast.team)
    AccessLog.objects.create(
        user=cast.night,
        patient=patient,
        action=AccessLog.Action.BREAK_GLASS,
        object_type=CRISIS_CARD,
        object_id=str(cast.team.pk),
        reason="Akutt",
    )


def test_the_log_uses_the_same_queries_for_5_and_25_lines(cast):
    _people_and_days(cast, 2)
    five = _queries(cast)
    assert five == _queries(cast)
    _people_and_days(cast, 22)  # the same people, more days: 25 lines
    assert _queries(cast) == five
    # session, user, patient, count of lines, the page of lines, what each line did, the
    # people with their organisations, and which of them are in Kari's team
    assert five == 8


@pytest.mark.parametrize("role", ["relative", "member", "coordinator"])
def test_only_kari_reads_her_log(cast, role):
    assert client_for(getattr(cast, role)).get(log_url(cast)).status_code == 403


@pytest.mark.parametrize("role", ["excluded_relative", "other_patient", "outsider"])
def test_strangers_get_404_on_karis_log(cast, role):
    assert client_for(getattr(cast, role)).get(log_url(cast)).status_code == 404
