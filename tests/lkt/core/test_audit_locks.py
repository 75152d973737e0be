"""Writing the access log locks no patient and no user (lkt.models.AccessLog says why): a page
is read while another transaction holds the patient's row, as a patient's first login with
ID-porten does (actors.identity.linking); the log still keeps a patient or user with rows in it
from being deleted. Real transactions: the other one holds its lock from its own connection."""

from __future__ import annotations

import psycopg
import pytest
from django.db import connection
from django.db.models import ProtectedError
from django.urls import reverse
from psycopg import sql

from actors.models import Patient, User
from lkt.models import AccessLog
from tests.celery_processes import database_url
from tests.conftest import Cast, client_for


def _held(model: type[Patient] | type[User]) -> sql.Composed:
    return sql.SQL("SELECT 1 FROM {} WHERE id = %s FOR UPDATE").format(
        sql.Identifier(model._meta.db_table)
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("held", ["patient", "user"])
def test_a_page_is_read_and_logged_while_another_transaction_holds_the_row(cast: Cast, held):
    model, pk = (
        (Patient, cast.team.patient_id) if held == "patient" else (User, cast.coordinator.pk)
    )
    client = client_for(cast.coordinator)
    url = reverse("workspace:team-detail", args=[cast.team.pk])
    logged = AccessLog.objects.filter(patient=cast.team.patient, user=cast.coordinator).count()
    with connection.cursor() as cursor:
        # A foreign key's check would wait for the other transaction: fail fast instead.
        cursor.execute("SET lock_timeout = '2s'")
        try:
            with psycopg.connect(database_url()) as other:
                other.execute(_held(model), [pk])
                response = client.get(url)
        finally:
            cursor.execute("RESET lock_timeout")

    assert response.status_code == 200
    count = AccessLog.objects.filter(patient=cast.team.patient, user=cast.coordinator).count()
    assert count == logged + 1


@pytest.mark.django_db
def test_a_patient_or_user_with_rows_in_the_log_is_not_deleted(cast: Cast):
    entry = AccessLog.objects.create(
        user=cast.member, patient=cast.team.patient, action="view", object_type="actors.team"
    )

    for protected in (cast.team.patient, cast.member):
        with pytest.raises(ProtectedError) as refused:
            protected.delete()
        assert entry in refused.value.protected_objects
