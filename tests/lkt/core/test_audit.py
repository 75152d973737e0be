"""The audit logs (reads and changes of a patient's data, exports of aggregate reports, logins
through ID-porten and HelseID) are append-only, in the model and (on PostgreSQL) in the database itself."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse
from django.utils import timezone

from lkt.models import AccessLog, AppendOnlyError, ExportLog, LoginEvent
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(cast) -> AccessLog:
    return AccessLog.objects.create(
        user=cast.member, patient=cast.team.patient, action="view", object_type="actors.team"
    )


def test_the_model_refuses_to_update_an_entry(entry):
    entry.reason = "skjult"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.filter(pk=entry.pk).update(reason="skjult")


def test_the_model_refuses_to_delete_an_entry(entry):
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.filter(pk=entry.pk).delete()
    assert AccessLog.objects.filter(pk=entry.pk).exists()


@pytest.fixture
def export(cast) -> ExportLog:
    return ExportLog.objects.create(
        user=cast.leader,
        kind=ExportLog.Kind.INDICATORS_CSV,
        organisation=cast.leader.organisation,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
    )


def test_the_model_refuses_to_change_or_remove_an_export_record(export):
    export.kind = ExportLog.Kind.INDICATORS_PDF
    for attempt in (
        export.save,
        export.delete,
        ExportLog.objects.filter(pk=export.pk).delete,
        lambda: ExportLog.objects.filter(pk=export.pk).update(kind="indicators_pdf"),
    ):
        with pytest.raises(AppendOnlyError):
            attempt()
    assert ExportLog.objects.filter(pk=export.pk, kind="indicators_csv").exists()


@pytest.fixture
def login_event(db) -> LoginEvent:
    return LoginEvent.objects.create(
        provider="idporten", outcome=LoginEvent.Outcome.REFUSED, reason="unknown_citizen"
    )


def test_the_model_refuses_to_change_or_remove_a_login_event(login_event):
    login_event.reason = ""
    for attempt in (
        login_event.save,
        login_event.delete,
        LoginEvent.objects.filter(pk=login_event.pk).delete,
        lambda: LoginEvent.objects.filter(pk=login_event.pk).update(reason=""),
    ):
        with pytest.raises(AppendOnlyError):
            attempt()
    assert LoginEvent.objects.filter(pk=login_event.pk, reason="unknown_citizen").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
@pytest.mark.parametrize(
    ("fixture", "sql"),
    [
        ("entry", "UPDATE lkt_accesslog SET object_id = 'skjult' WHERE id = %s"),
        ("entry", "DELETE FROM lkt_accesslog WHERE id = %s"),
        ("export", "UPDATE lkt_exportlog SET kind = 'skjult' WHERE id = %s"),
        ("export", "DELETE FROM lkt_exportlog WHERE id = %s"),
        ("login_event", "UPDATE lkt_loginevent SET reason = '' WHERE id = %s"),
        ("login_event", "DELETE FROM lkt_loginevent WHERE id = %s"),
    ],
)
def test_the_database_refuses_update_and_delete_behind_the_orm(request, fixture, sql):
    record = request.getfixturevalue(fixture)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [record.pk])
    assert type(record).objects.filter(pk=record.pk).exists()


def test_reading_the_team_page_is_logged_with_who_what_and_when(cast):
    client_for(cast.member).get(reverse("workspace:team-detail", args=[cast.team.pk]))
    log = AccessLog.objects.get(user=cast.member)
    assert (log.patient, log.action, log.object_type, log.object_id) == (
        cast.team.patient,
        "view",
        "actors.team",
        str(cast.team.pk),
    )


def test_a_refused_read_leaves_no_view_entry(cast):
    response = client_for(cast.outsider).get(reverse("workspace:team-detail", args=[cast.team.pk]))
    assert response.status_code == 404
    assert not AccessLog.objects.filter(user=cast.outsider).exists()


def test_the_home_list_logs_one_view_per_patient_shown(cast):
    client_for(cast.coordinator).get(reverse("workspace:team-list"))
    assert list(
        AccessLog.objects.filter(user=cast.coordinator).values_list("patient", flat=True)
    ) == [cast.team.patient.pk]


def test_a_change_is_logged_as_change(cast):
    client_for(cast.coordinator).post(
        reverse(
            "actors:member-end", args=[cast.team.pk, cast.team.members.get(user=cast.member).pk]
        ),
        {"left_on": timezone.localdate().isoformat(), "reason": "Ny jobb"},
    )
    assert AccessLog.objects.filter(
        user=cast.coordinator, action="change", object_type="actors.member"
    ).exists()


def test_opening_a_change_form_is_a_view_and_the_change_is_logged_once(cast):
    client = client_for(cast.coordinator)
    tor = cast.team.members.get(user=cast.member)
    url = reverse("actors:member-end", args=[cast.team.pk, tor.pk])
    client.get(url)
    assert list(AccessLog.objects.values_list("action", "object_type")) == [("view", "actors.team")]
    client.post(url, {"left_on": timezone.localdate().isoformat(), "reason": "Ny jobb"})
    changes = AccessLog.objects.filter(user=cast.coordinator, action="change")
    assert list(changes.values_list("object_type", flat=True)) == ["actors.member"]
