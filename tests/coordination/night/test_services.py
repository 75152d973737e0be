"""Recording night contacts (coordination.night.services.night_contact_record).

Nils (``cast.night``) works at Legevakten i Fjordvik and is in no team: he records contacts for
any patient with an open aktørfellesskap, found by fødselsnummer, and sees nothing else. Tor and
Cecilie record for Kari because they are in her team; Nina (another kommune) may not.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from actors.models import Team
from coordination.models import NightContact, Observation
from coordination.night.services import (
    night_contact_record,
    night_contact_record_by_national_id,
)
from lkt.models import AccessLog
from tests.conftest import Cast
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 14, 3, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def record(cast: Cast, actor=None, **overrides):
    data = {
        "service": "legevakt",
        "occurred_at": NOW - dt.timedelta(hours=1),
        "reason": "Uro og søvnløshet",
        "outcome": NightContact.Outcome.SENT_HOME,
    } | overrides
    return night_contact_record(actor=actor or cast.night, patient=cast.team.patient, **data)


def test_night_service_user_records_a_contact_for_a_patient_outside_his_teams(cast: Cast):
    contact = record(cast)
    assert contact.recorded_by == cast.night
    assert contact.source == NightContact.Source.FORM
    assert contact.patient == cast.team.patient


def test_recording_writes_one_change_row_in_the_audit_log_and_no_view(cast: Cast):
    contact = record(cast)
    logs = AccessLog.objects.filter(user=cast.night)
    assert [(log.action, log.object_id) for log in logs] == [
        (AccessLog.Action.CHANGE, str(contact.pk))
    ]


def test_team_member_and_coordinator_record_for_their_patient(cast: Cast):
    assert record(cast, actor=cast.member).recorded_by == cast.member
    assert record(cast, actor=cast.coordinator, service="politi").service == "politi"


def test_staff_outside_the_team_cannot_record_and_learn_nothing(cast: Cast):
    with pytest.raises(Http404):
        record(cast, actor=cast.outsider)
    assert not NightContact.objects.exists()


def test_patient_without_an_open_team_is_not_found(cast: Cast):
    Team.objects.filter(pk=cast.team.pk).update(status=Team.Status.CLOSED, closed_on=NOW.date())
    with pytest.raises(Http404):
        record(cast)


def test_unknown_national_id_is_not_found(cast: Cast):
    stranger = PatientFactory.build()
    with pytest.raises(Http404):
        night_contact_record_by_national_id(
            actor=cast.night,
            national_id=stranger.national_id,
            service="amk",
            occurred_at=NOW,
            reason="x",
            outcome="sent_home",
        )


def test_time_more_than_five_minutes_ahead_is_refused(cast: Cast):
    with pytest.raises(ValidationError) as error:
        record(cast, occurred_at=NOW + dt.timedelta(minutes=6))
    assert "fram i tid" in error.value.message_dict["occurred_at"][0]
    assert record(cast, occurred_at=NOW + dt.timedelta(minutes=4)).pk


def test_the_form_refuses_contacts_older_than_a_year_but_an_import_keeps_them(cast: Cast):
    old = NOW - dt.timedelta(days=400)
    with pytest.raises(ValidationError) as error:
        record(cast, occurred_at=old)
    assert "ett år" in error.value.message_dict["occurred_at"][0]
    assert record(cast, occurred_at=old, source=NightContact.Source.IMPORT).pk


@pytest.mark.parametrize(
    ("field", "value"),
    [("reason", "  "), ("reason", "x" * 301), ("service", "tannlege"), ("outcome", "død")],
)
def test_invalid_fields_are_refused_with_a_message_on_the_field(cast: Cast, field, value):
    with pytest.raises(ValidationError) as error:
        record(cast, **{field: value})
    assert field in error.value.message_dict
    assert not NightContact.objects.exists()


def test_the_same_contact_twice_is_refused_as_registered_before(cast: Cast):
    record(cast)
    with pytest.raises(ValidationError) as error:
        record(cast, actor=cast.member)
    assert "registrert fra før" in error.value.message_dict["occurred_at"][0]
    assert NightContact.objects.count() == 1


def test_a_plain_contact_proposes_nothing(cast: Cast):
    record(cast)
    assert not Observation.objects.exists()


def test_when_is_shown_in_norwegian_time_in_the_proposal(cast: Cast):
    contact = record(cast, outcome=NightContact.Outcome.ADMITTED)
    observation = Observation.objects.get(night_contact=contact)
    local = timezone.localtime(contact.occurred_at).strftime("%H:%M")
    assert local in observation.text


@pytest.mark.parametrize(
    "occurred_at",
    [
        dt.datetime(1, 1, 1, tzinfo=dt.UTC),
        dt.datetime(1899, 12, 31, 23, 0, tzinfo=dt.UTC),
        dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.UTC),
    ],
)
def test_a_contact_outside_the_date_range_is_refused_on_the_time(cast: Cast, occurred_at):
    """Whatever the source (a file has no one-year limit), before the phase rules count back
    from it: year 1 overflowed there (issue 13)."""
    with pytest.raises(ValidationError) as error:
        record(cast, occurred_at=occurred_at, source=NightContact.Source.IMPORT)
    assert error.value.message_dict == {
        "occurred_at": ["Skriv en dato mellom 1.1.1900 og 31.12.2100."]
    }
    assert not NightContact.objects.exists()
