"""The national data set of the scale benchmark (lkt.demo.national): at a tiny size in
the test database, every table gets rows in the shapes the benchmark relies on, the schema
ends exactly as the migrations made it, and the named users' pages answer."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from actors.models import Consent, Member, Patient, RelativeLink, Role, Team
from actors.validators import validate_national_id
from careplans.models import CarePlanVersion
from coordination.models import Meeting, Notification, Task
from lkt.demo import national as demo_national
from lkt.models import AccessLog

PATIENTS = 50


@pytest.fixture
def national(db: None) -> dict[str, int]:
    with connection.cursor() as cursor:
        before = demo_national.schema_snapshot(cursor)
    counts = demo_national.generate(PATIENTS, timezone.localdate(), progress=lambda _line: None)
    with connection.cursor() as cursor:
        # Foreign keys, unique constraints and indexes were dropped for the load and made
        # again from PostgreSQL's own definitions: nothing differs.
        assert demo_national.schema_snapshot(cursor) == before
        assert demo_national.loaded_patients(cursor) == PATIENTS
    return counts


def test_the_tables_hold_the_national_shapes_in_proportion(national: dict[str, int]) -> None:
    teams = Team.objects.count()
    assert Patient.objects.count() == PATIENTS
    # Fødselsnummer with valid check digits and birth dates, for patients and relatives.
    for national_id in Patient.objects.values_list("national_id", flat=True):
        validate_national_id(national_id)
    for national_id in RelativeLink.objects.exclude(national_id="").values_list(
        "national_id", flat=True
    ):
        validate_national_id(national_id)
    assert PATIENTS <= teams <= PATIENTS * 1.2
    assert national["teams"] == teams
    # Per team about 8 memberships, 2 plan versions, 2 meetings and 4 tasks; 4 notifications
    # and 40 audit rows per patient (the full size: 4 M, 1 M, 1 M, 2 M, 2 M and 20 M).
    assert 6 * teams <= Member.objects.count() <= 10 * teams
    assert teams <= CarePlanVersion.objects.count() <= 3 * teams
    assert teams <= Meeting.objects.count() <= 3 * teams
    assert 2 * teams <= Task.objects.count() <= 7 * teams
    assert Notification.objects.count() == 4 * PATIENTS
    assert AccessLog.objects.count() == 40 * PATIENTS
    # Two years of audit rows, each in its month's partition, none left to the default.
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM lkt_accesslog_default")
        assert cursor.fetchone()[0] == 0
    # History: closed teams with their members gone, members who left open teams, plans
    # superseded, consents withdrawn and given again.
    assert Team.objects.filter(status=Team.Status.CLOSED).exists()
    assert Member.objects.filter(left_on__isnull=False, team__status=Team.Status.ACTIVE).exists()
    assert CarePlanVersion.objects.filter(status=CarePlanVersion.Status.SUPERSEDED).exists()
    assert Consent.objects.filter(withdrawn_at__isnull=False).exists()
    # Every open team has a coordinator; the named one has a caseload of her own.
    assert not Team.objects.open().exclude(members__role=Role.COORDINATOR).exists()
    users = demo_national.named_users()
    assert all(user.pk for user in users.values())  # no id 0, which reads as none
    coordinated = Team.objects.open().filter(
        members__user=users["coordinator"], members__role=Role.COORDINATOR
    )
    assert coordinated.count() >= 1
    assert RelativeLink.objects.filter(relative=users["relative"]).exists()


def test_the_named_users_pages_answer(national: dict[str, int]) -> None:
    users = demo_national.named_users()
    clients: dict[str, Client] = {}
    pages = demo_national.pages(users)
    # The team page's lazy sections, in the batches the page loads them in (issue 17).
    assert [p.label.strip() for p in pages if "batch" in p.label] == ["batch 1"]
    for page in pages:
        if page.user not in clients:
            clients[page.user] = Client()
            clients[page.user].force_login(users[page.user])
        headers = {"HX-Request": "true"} if page.htmx else {}
        response = clients[page.user].get(page.url, secure=True, headers=headers)
        assert response.status_code == 200, page
