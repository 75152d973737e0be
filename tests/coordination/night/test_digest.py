"""The morning digest of the night: at 07:30 Cecilie (Kari's coordinator) and Dina (her deputy in
the mandate) each get one message with the contacts Kari had with the night services between
15:30 yesterday and 07:30 today, and every break-glass opening of her crisis card; nobody else
in the team does, and nobody is told twice.

Nils (``cast.night``) works at Legevakten i Fjordvik, a night service: he records the contacts
and opens the crisis card. Tor is in Kari's team, but neither coordinator nor deputy: he is not
told.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.schedules import crontab
from django.core import mail
from django.db import connection

from actors.access import CRISIS_CARD
from actors.models import Member, Role, Team, User
from coordination.models import Delivery, Mandate, NightContact, NightService, Notification
from coordination.night.digest import (
    MESSAGE_LIMIT,
    break_glass_query,
    contacts_query,
    night_digest_send,
    night_digests,
)
from lkt.models import AccessLog
from tests.concurrency import run_together
from tests.conftest import Cast
from tests.factories import (
    ConsentFactory,
    MemberFactory,
    PatientFactory,
    StaffFactory,
    TeamFactory,
)

OSLO = ZoneInfo("Europe/Oslo")
TODAY = dt.date(2026, 11, 24)  # a Tuesday
Kind = Notification.Kind
Outcome = NightContact.Outcome
REASON = "Bevisstløs i sentrum, ingen pårørende å nå. Trenger kriseplanen nå."


def oslo(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=OSLO)


# The digest's window depends on the weekday (TODAY is a Tuesday), so the module keeps its day.
pytestmark = pytest.mark.instant(oslo(24, 10))


@pytest.fixture
def lars(cast: Cast) -> User:
    return cast.night


def make_deputy(cast: Cast) -> Member:
    """Dina, a nurse in Kari's team, is Cecilie's deputy in the mandate."""
    dina = MemberFactory.create(
        team=cast.team,
        user=StaffFactory.create(username="dina", first_name="Dina", organisation=cast.kommune),
        role=Role.PSYCHIATRIC_NURSE,
        joined_on=TODAY - dt.timedelta(days=30),
    )
    Mandate.objects.create(
        team=cast.team,
        task_description="Lede teamet",
        authority="Kalle inn",
        hours_per_month=8,
        deputy=dina,
        updated_by=cast.coordinator,
    )
    return dina


@pytest.fixture
def plan(cast: Cast) -> Member:
    return make_deputy(cast)


def contact(
    team: Team,
    at: dt.datetime,
    *,
    by: User,
    service: str = NightService.LEGEVAKT,
    outcome: str = Outcome.SENT_HOME,
    suicide_risk: bool = False,
) -> NightContact:
    return NightContact.objects.create(
        patient=team.patient,
        service=service,
        occurred_at=at,
        reason="Angst og søvnløshet, ville snakke med noen.",
        outcome=outcome,
        suicide_risk=suicide_risk,
        recorded_by=by,
    )


def opened(
    team: Team,
    at: dt.datetime,
    *,
    by: User,
    action: str = AccessLog.Action.BREAK_GLASS,
    object_type: str = CRISIS_CARD,
) -> AccessLog:
    with time_machine.travel(at, tick=False):
        return AccessLog.objects.create(
            user=by,
            patient=team.patient,
            action=action,
            object_type=object_type,
            object_id=str(team.pk),
            reason=REASON,
        )


def send(today: dt.date = TODAY) -> int:
    with time_machine.travel(dt.datetime.combine(today, dt.time(7, 30), tzinfo=OSLO), tick=False):
        return night_digest_send(today)


def digests(today: dt.date | None = None) -> dict[str, Notification]:
    """The night digests by recipient (of ``today``'s morning only, when given)."""
    rows = Notification.objects.filter(kind=Kind.NIGHT_DIGEST).select_related("recipient")
    if today is not None:
        rows = rows.filter(occurrence=f"night-digest:{today.isoformat()}")
    return {n.recipient.username: n for n in rows}


# ---------------------------------------------------------------------------------------------
# Who is told, and what


@pytest.mark.django_db
def test_the_coordinator_and_the_deputy_each_get_one_message_with_the_nights_contacts(
    cast: Cast, plan: Member, lars: User, django_capture_on_commit_callbacks
):
    contact(cast.team, oslo(23, 23, 5), by=lars)
    contact(
        cast.team,
        oslo(24, 3, 40),
        by=lars,
        service=NightService.AMK,
        outcome=Outcome.ADMITTED,
        suicide_risk=True,
    )
    mail.outbox.clear()

    with (
        time_machine.travel(oslo(24, 7, 30), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert night_digest_send(TODAY) == 2

    told = digests()
    assert set(told) == {"cecilie", "dina"}, "not Tor, Nils or anyone outside the team"
    message = told["cecilie"].message
    assert told["cecilie"].team is None
    assert told["cecilie"].occurrence == "night-digest:2026-11-24"
    assert told["dina"].message == message
    assert f"Aktørfellesskap nr. {cast.team.pk}:" in message
    assert "Legevakt 23.11. kl. 23.05 (sendt hjem)" in message
    assert "AMK 24.11. kl. 03.40 (innlagt, selvmordsfare vurdert)" in message
    assert "23.11. kl. 15.30 – 24.11. kl. 07.30" in message
    # It goes by e-mail too: no patient name, no reason for the contact.
    assert "Kari" not in message and "Nordvik" not in message
    assert "Angst" not in message
    assert told["cecilie"].url == f"/aktorfellesskap/{cast.team.pk}/#natt"
    # E-mail through the outbox, one each, sent by the worker after commit.
    assert Counter(Delivery.objects.values_list("recipient__username", "channel")) == {
        ("cecilie", "email"): 1,
        ("dina", "email"): 1,
    }
    assert plan.user is not None
    assert sorted(m.to[0] for m in mail.outbox) == [cast.coordinator.email, plan.user.email]
    assert all("Kari" not in m.body for m in mail.outbox)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("at", "included"),
    [
        (oslo(23, 15, 29), False),  # still office hours yesterday: the team heard of it
        (oslo(23, 15, 30), True),
        (oslo(23, 15, 31), True),
        (oslo(24, 2, 0), True),
        (oslo(24, 7, 29), True),
        (oslo(24, 7, 30), False),  # office hours today: tomorrow's digest does not take it
        (oslo(24, 7, 31), False),
        (oslo(22, 23, 0), False),  # the night before: yesterday's digest took it
    ],
)
def test_only_contacts_between_half_past_three_yesterday_and_half_past_seven_today_count(
    cast: Cast, plan: Member, lars: User, at: dt.datetime, included: bool
):
    contact(cast.team, at, by=lars)
    send(TODAY - dt.timedelta(days=1))

    assert send() == (2 if included else 0)
    assert bool(digests(TODAY)) is included


@pytest.mark.django_db
def test_the_window_follows_oslo_time_across_the_change_to_winter_time(
    cast: Cast, plan: Member, lars: User
):
    # 26 October 2026 is the Monday after the clocks went back: 15:30 on Sunday is 14:30 UTC,
    # 07:30 on Monday is 06:30 UTC.
    contact(cast.team, dt.datetime(2026, 10, 25, 14, 31, tzinfo=dt.UTC), by=lars)
    contact(cast.team, dt.datetime(2026, 10, 26, 6, 31, tzinfo=dt.UTC), by=lars)

    assert send(dt.date(2026, 10, 26)) == 2
    message = digests()["cecilie"].message
    assert "25.10. kl. 15.31" in message
    assert "26.10. kl. 07.31" not in message


@pytest.mark.django_db
def test_a_break_glass_opening_of_the_crisis_card_is_told_with_who_and_why(
    cast: Cast, plan: Member, lars: User
):
    opened(cast.team, oslo(24, 1, 5), by=lars)
    # An opening with the patient's consent, and other audit rows, are not break-glass.
    opened(cast.team, oslo(24, 1, 6), by=lars, action=AccessLog.Action.VIEW)
    opened(cast.team, oslo(24, 1, 7), by=lars, object_type="careplans.careplanversion")

    assert send() == 2

    message = digests()["cecilie"].message
    assert (
        f"Kriseplanen åpnet med nødtilgang 24.11. kl. 01.05 av {lars.get_full_name()}, "
        f"Legevakten i Fjordvik: «{REASON}»"
    ) in message
    assert message.count("nødtilgang") == 1
    assert digests()["dina"].message == message


@pytest.mark.django_db
def test_a_coordinator_of_two_teams_gets_one_message_for_both(cast: Cast, plan: Member, lars: User):
    other = TeamFactory.create(created_by=cast.coordinator, status=Team.Status.ACTIVE)
    MemberFactory.create(team=other, user=cast.coordinator, role=Role.COORDINATOR)
    contact(cast.team, oslo(23, 22, 0), by=lars)
    contact(other, oslo(24, 4, 0), by=lars, service=NightService.POLICE)

    assert send() == 2

    told = digests()
    cecilie = told["cecilie"].message
    assert f"nr. {cast.team.pk}: Legevakt" in cecilie
    assert f"nr. {other.pk}: Politi" in cecilie
    assert other.patient.name not in cecilie
    assert told["cecilie"].url == "/varsler/"
    assert f"nr. {other.pk}" not in told["dina"].message, "Dina is deputy in Kari's team only"


@pytest.mark.django_db
def test_members_who_left_closed_teams_and_quiet_nights_tell_nobody(
    cast: Cast, plan: Member, lars: User
):
    Member.objects.filter(pk=plan.pk).update(left_on=TODAY - dt.timedelta(days=1))
    closed = TeamFactory.create(
        created_by=cast.coordinator, status=Team.Status.CLOSED, closed_on=TODAY
    )
    MemberFactory.create(team=closed, user=cast.coordinator, role=Role.COORDINATOR)
    contact(closed, oslo(24, 1, 0), by=lars)
    assert send() == 0, "a closed team's patient: nobody to tell"

    contact(cast.team, oslo(24, 2, 0), by=lars)
    assert send() == 1
    assert set(digests()) == {"cecilie"}, "the deputy has left the team"
    assert f"nr. {closed.pk}" not in digests()["cecilie"].message


@pytest.mark.django_db
def test_a_busy_night_fits_one_message_and_counts_the_rest(cast: Cast, plan: Member, lars: User):
    for minute in range(40):
        contact(cast.team, oslo(24, 1, minute), by=lars)
    opened(cast.team, oslo(24, 6, 0), by=lars)

    assert send() == 2

    message = digests()["cecilie"].message
    assert len(message) <= MESSAGE_LIMIT
    shown = message.count("Legevakt 24.11.")
    assert 0 < shown < 40
    assert f"… og {41 - shown} til. Se nattens kontakter på teamsiden." in message


# ---------------------------------------------------------------------------------------------
# Once, however often it runs


@pytest.mark.django_db
def test_a_second_run_the_same_morning_sends_nothing(cast: Cast, plan: Member, lars: User):
    contact(cast.team, oslo(24, 2, 0), by=lars)
    opened(cast.team, oslo(24, 2, 30), by=lars)
    assert send() == 2

    assert send() == 0

    assert Notification.objects.filter(kind=Kind.NIGHT_DIGEST).count() == 2
    assert Delivery.objects.count() == 2
    # The next morning is a new occurrence, with that night's rows only.
    contact(cast.team, oslo(24, 20, 0), by=lars)
    assert send(TODAY + dt.timedelta(days=1)) == 2
    message = digests(TODAY + dt.timedelta(days=1))["cecilie"].message
    assert "24.11. kl. 20.00" in message
    assert "24.11. kl. 02.00" not in message and "nødtilgang" not in message


# ---------------------------------------------------------------------------------------------
# A contact registered after its morning's digest (issue 16, item 10)


def late_notices() -> dict[str, Notification]:
    rows = Notification.objects.filter(kind=Kind.NIGHT_DIGEST, occurrence__contains=":late:")
    return {n.recipient.username: n for n in rows.select_related("recipient")}


def run_at(at: dt.datetime) -> int:
    """The late notice's task at ``at`` (what ``night_contact_record`` enqueues)."""
    from django.test import TestCase

    from coordination.night.digest import night_digest_late_task

    # The e-mails leave after commit, as the outbox does.
    with time_machine.travel(at, tick=False), TestCase.captureOnCommitCallbacks(execute=True):
        return night_digest_late_task.apply().get()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "registered",
    [oslo(24, 9, 0), oslo(27, 16, 45)],  # the same morning; three days later, after work
    ids=["same-morning", "three-days-later"],
)
def test_a_contact_registered_after_the_digest_reaches_coordinator_and_deputy_once(
    cast: Cast, plan: Member, lars: User, registered: dt.datetime
):
    contact(cast.team, oslo(23, 23, 0), by=lars)
    assert send() == 2, "the morning digest at 07:30 with what was registered by then"
    with time_machine.travel(registered, tick=False):
        late = contact(cast.team, oslo(24, 2, 15), by=lars, outcome=Outcome.ADMITTED)
    mail.outbox.clear()

    assert run_at(registered + dt.timedelta(minutes=1)) == 2

    told = late_notices()
    assert set(told) == {"cecilie", "dina"}
    message = told["cecilie"].message
    assert told["cecilie"].occurrence == f"night-digest:{registered.date()}:late:{late.pk}"
    assert "registrert etter morgenoppsummeringen" in message
    assert "Legevakt 24.11. kl. 02.15 (innlagt)" in message
    assert "23.11. kl. 23.00" not in message, "the morning's digest told that one"
    assert "Kari" not in message and "Angst" not in message
    assert told["cecilie"].url == f"/aktorfellesskap/{cast.team.pk}/#natt"
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [cast.coordinator.email, plan.user.email if plan.user else ""]
    )
    late.refresh_from_db()
    assert late.digested_at is not None

    # Once: again a minute later, and at the next mornings' digests, nothing more about it.
    assert run_at(registered + dt.timedelta(minutes=2)) == 0
    for later in (registered.date() + dt.timedelta(days=1), registered.date() + dt.timedelta(2)):
        assert send(later) == 0
    assert Notification.objects.filter(kind=Kind.NIGHT_DIGEST).count() == 4
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_recording_a_late_contact_sends_the_notice_after_commit_and_an_early_one_waits(
    cast: Cast, plan: Member, lars: User, django_capture_on_commit_callbacks
):
    from coordination.night.services import night_contact_record

    data = {"service": NightService.AMK, "reason": "Uro", "outcome": Outcome.SENT_HOME}
    # 03:10, about 02:40: the 07:30 digest will take it; nothing is sent now.
    with (
        time_machine.travel(oslo(24, 3, 10), tick=False),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        night_contact_record(
            actor=lars, patient=cast.team.patient, occurred_at=oslo(24, 2, 40), **data
        )
    assert callbacks == [] and not digests()
    assert send() == 2

    # 10:00, about 04:00 last night: the digest has gone, so the notice goes now.
    with (
        time_machine.travel(oslo(24, 10, 0), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        contact_ = night_contact_record(
            actor=lars, patient=cast.team.patient, occurred_at=oslo(24, 4, 0), **data
        )
    told = late_notices()
    assert set(told) == {"cecilie", "dina"}
    assert "AMK 24.11. kl. 04.00" in told["dina"].message
    assert "02.40" not in told["dina"].message
    contact_.refresh_from_db()
    assert contact_.digested_at == oslo(24, 10, 0)


@pytest.mark.django_db
def test_a_late_contact_waits_for_the_next_morning_when_the_notice_was_not_sent(
    cast: Cast, plan: Member, lars: User
):
    """The broker was down when it was registered: the next morning's digest takes it."""
    assert send() == 0
    with time_machine.travel(oslo(24, 11, 0), tick=False):
        contact(cast.team, oslo(24, 1, 0), by=lars)
    contact(cast.team, oslo(24, 22, 0), by=lars)

    assert send(TODAY + dt.timedelta(days=1)) == 2

    message = digests(TODAY + dt.timedelta(days=1))["cecilie"].message
    assert "24.11. kl. 01.00" in message and "24.11. kl. 22.00" in message
    assert "også noen registrert etter en tidligere morgenoppsummering" in message
    assert send(TODAY + dt.timedelta(days=2)) == 0


@pytest.mark.django_db
def test_a_late_contact_goes_by_each_persons_notification_choice(
    cast: Cast, plan: Member, lars: User
):
    from coordination.models import NotificationPreference

    NotificationPreference.objects.create(
        user=cast.coordinator, email=NotificationPreference.Email.OFF
    )
    send()
    with time_machine.travel(oslo(24, 9, 0), tick=False):
        contact(cast.team, oslo(24, 2, 0), by=lars)
    mail.outbox.clear()

    assert run_at(oslo(24, 9, 1)) == 2

    assert set(late_notices()) == {"cecilie", "dina"}, "in LKT for both"
    assert [m.to[0] for m in mail.outbox] == [plan.user.email if plan.user else ""]


@pytest.mark.django_db
def test_history_older_than_two_weeks_and_office_hours_reach_no_digest(
    cast: Cast, plan: Member, lars: User
):
    contact(cast.team, oslo(24, 7, 30) - dt.timedelta(days=15), by=lars)
    contact(cast.team, oslo(23, 11, 0), by=lars)

    assert send() == 0
    assert run_at(oslo(24, 12, 0)) == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_the_late_notice_and_a_retry_at_once_tell_each_person_once(
    cast: Cast, lars: User, attempt: int
):
    make_deputy(cast)
    contact(cast.team, oslo(23, 23, 0), by=lars)
    assert send() == 2
    with time_machine.travel(oslo(24, 9, 0), tick=False):
        contact(cast.team, oslo(24, 2, 0), by=lars)

    # The late notice, and the morning's run retried by the beat at the same moment.
    with time_machine.travel(oslo(24, 9, 1), tick=False):
        first, second = run_together(
            lambda: night_digest_send(TODAY, late=True), lambda: night_digest_send(TODAY)
        )

    assert isinstance(first, int), first
    assert isinstance(second, int), second
    assert first + second == 2
    told = Counter(
        Notification.objects.filter(kind=Kind.NIGHT_DIGEST).values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"cecilie": 2, "dina": 2}, "the morning's digest, and one late notice"
    assert set(late_notices()) == {"cecilie", "dina"}
    assert Delivery.objects.count() == 4


@pytest.mark.django_db
def test_a_deputy_named_after_the_run_gets_the_whole_morning_and_the_coordinator_nothing_twice(
    cast: Cast, lars: User
):
    opened(cast.team, oslo(24, 1, 5), by=lars)
    assert send() == 1, "only Cecilie: there is no deputy yet"

    make_deputy(cast)
    assert send() == 1

    told = digests(TODAY)
    assert set(told) == {"cecilie", "dina"}
    assert "nødtilgang" in told["dina"].message
    assert Notification.objects.filter(recipient=cast.coordinator).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_two_runs_at_once_tell_each_person_once(cast: Cast, lars: User, attempt: int):
    make_deputy(cast)
    contact(cast.team, oslo(24, 2, 0), by=lars)
    opened(cast.team, oslo(24, 2, 30), by=lars)

    with time_machine.travel(oslo(24, 7, 30), tick=False):
        first, second = run_together(
            lambda: night_digest_send(TODAY), lambda: night_digest_send(TODAY)
        )

    assert isinstance(first, int), first
    assert isinstance(second, int), second
    assert first + second == 2
    told = Counter(
        Notification.objects.filter(kind=Kind.NIGHT_DIGEST).values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"cecilie": 1, "dina": 1}
    assert (
        Counter(Delivery.objects.values_list("recipient_id", "channel")).most_common(1)[0][1] == 1
    )
    assert Delivery.objects.count() == 2


# ---------------------------------------------------------------------------------------------
# Cost: the same whatever the night's size


def busy_night(team: Team, lars: User, rows: int) -> None:
    NightContact.objects.bulk_create(
        NightContact(
            patient=team.patient,
            service=NightService.LEGEVAKT,
            occurred_at=oslo(24, 0, 0) + dt.timedelta(minutes=n),
            reason="Uro",
            outcome=Outcome.SENT_HOME,
            recorded_by=lars,
        )
        for n in range(rows)
    )
    with time_machine.travel(oslo(24, 1, 0), tick=False):
        AccessLog.objects.bulk_create(
            AccessLog(
                user=lars,
                patient=team.patient,
                action=AccessLog.Action.BREAK_GLASS,
                object_type=CRISIS_CARD,
                reason=REASON,
            )
            for _ in range(rows)
        )


@pytest.mark.django_db
@pytest.mark.parametrize("teams", [5, 50])
def test_who_is_told_what_costs_three_queries_for_5_and_50_teams(
    cast: Cast, lars: User, teams: int, django_assert_num_queries
):
    for _ in range(teams):
        team = TeamFactory.create(patient=PatientFactory.create(), status=Team.Status.ACTIVE)
        MemberFactory.create(team=team, role=Role.COORDINATOR)
        deputy = MemberFactory.create(team=team)
        Mandate.objects.create(
            team=team,
            task_description="Lede teamet",
            authority="Kalle inn",
            hours_per_month=8,
            deputy=deputy,
            updated_by=cast.coordinator,
        )
        ConsentFactory.create(patient=team.patient, recorded_by=cast.coordinator)
        busy_night(team, lars, 3)

    # 1 the night's contacts, 2 the break-glass rows with who opened the card (and their
    # organisation), 3 the coordinators and deputies with team and notification preference.
    with django_assert_num_queries(3):
        found = night_digests(TODAY)
        messages = [d.message(*_window()) for d in found]
        urls = [d.url for d in found]

    assert len(found) == 2 * teams
    assert all("nødtilgang" in m for m in messages)
    assert len(urls) == 2 * teams


def _window() -> tuple[dt.datetime, dt.datetime]:
    from coordination.night.digest import night_window

    return night_window(TODAY)


# The whole send for the coordinator and the deputy, in one transaction (1 its savepoint here,
# 17 its release): 2 the contacts not taken yet, locked, 3 break-glass, 4 recipients, 5 digests
# already sent; then for each of the two people: notify looks for the key, savepoint, insert,
# release, the e-mail into the outbox; 16 the contacts marked taken.
SEND_QUERIES = 1 + 4 + 2 * 5 + 1 + 1
# A second run: the same four reads find nothing left to take and both told; nothing is written.
RERUN_QUERIES = 1 + 4 + 1


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [5, 50])
def test_the_send_costs_the_same_for_5_and_50_rows_and_a_rerun_only_reads(
    cast: Cast, plan: Member, lars: User, rows: int, django_assert_num_queries
):
    busy_night(cast.team, lars, rows)

    with time_machine.travel(oslo(24, 7, 30), tick=False):
        with django_assert_num_queries(SEND_QUERIES):
            assert night_digest_send(TODAY) == 2
        with django_assert_num_queries(RERUN_QUERIES):
            assert night_digest_send(TODAY) == 0


def _at_indexes() -> list[str]:
    """The indexes on AccessLog.at (db_index=True): the partitioned table's and each month
    partition's own copy of it (migration lkt 0005)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename LIKE 'lkt_accesslog%%' "
            "AND indexdef LIKE '%%(at)%%'"
        )
        return [str(row[0]) for row in cursor.fetchall()]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["contacts", "break-glass"])
def test_the_nights_rows_are_read_through_the_time_indexes(name: str):
    start, end = _window()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    if name == "contacts":
        plan, indexes = contacts_query(end).explain(), ["contacts_not_digested"]
    else:
        plan, indexes = break_glass_query(start, end).explain(), _at_indexes()
    assert any(
        f"Index Scan using {index} " in plan or f"Bitmap Index Scan on {index}" in plan
        for index in indexes
    ), plan


# ---------------------------------------------------------------------------------------------
# Celery


def test_the_beat_schedule_runs_the_night_digest_at_half_past_seven_in_oslo(settings) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["night-digest"]
    assert entry["task"] == "coordination.tasks.night_digest_task"
    assert entry["schedule"] == crontab(hour=7, minute=30)
    assert settings.CELERY_TIMEZONE == "Europe/Oslo"


@pytest.mark.django_db
def test_the_task_sends_for_todays_date_in_oslo(cast: Cast, plan: Member, lars: User):
    from coordination.tasks import night_digest_task

    contact(cast.team, oslo(23, 23, 0), by=lars)
    # 00:30 on 24 November in Oslo is still 23 November in UTC: the task must use Oslo's date.
    with time_machine.travel(oslo(24, 0, 30), tick=False):
        night_digest_task.delay()
    assert {n.occurrence for n in digests().values()} == {"night-digest:2026-11-24"}
