"""The personal calendar feed (ICS): Tor's meetings and the årshjul activities he is
responsible for, behind a secret address, without the patient's name.

Tor (the nurse) is an active member of Kari's team; Ola's team is not his.
"""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from actors.models import Member, Team, User
from careplans.models import AnnualActivity, CarePlanVersion
from coordination.models import Meeting
from coordination.notifications.preference_services import calendar_feed_create
from tests.careplans.phase_helpers import version_for
from tests.conftest import Cast, client_for

pytestmark = pytest.mark.django_db


def meeting(
    cast: Cast,
    team: Team | None = None,
    *,
    starts_at: dt.datetime | None = None,
    status: str = Meeting.Status.PLANNED,
    place: str = "",
    video_url: str = "",
) -> Meeting:
    return Meeting.objects.create(
        team=team or cast.team,
        kind=Meeting.Kind.RESPONSIBILITY_GROUP,
        starts_at=starts_at or timezone.now() + dt.timedelta(days=7),
        status=status,
        place=place,
        video_url=video_url,
        created_by=cast.coordinator,
    )


def activity(version: CarePlanVersion, responsible: Member, due: dt.date) -> AnnualActivity:
    return AnnualActivity.objects.create(
        version=version,
        kind=AnnualActivity.Kind.MEDICATION_REVIEW,
        title="Gå gjennom medisinene til Kari Nordvik",
        recurrence=AnnualActivity.Recurrence.YEARLY,
        month=due.month,
        responsible=responsible,
        next_due_on=due,
    )


def feed_of(user: User) -> str:
    return reverse("coordination:calendar-feed", args=[calendar_feed_create(actor=user).token])


def events(response) -> list[icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["VERSION"]) == "2.0"
    assert "LKT" in str(calendar["PRODID"])
    found = list(calendar.walk("VEVENT"))
    for event in found:
        assert event.get("UID")
        assert event.get("DTSTAMP")
        assert event.get("DTSTART")
        assert event.get("SUMMARY")
    return found


def test_the_feed_lists_the_meetings_of_my_teams_in_utc_without_the_patients_name(cast: Cast):
    start = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    planned = meeting(
        cast, starts_at=start, place="Legekontoret", video_url="https://video.example.no/m/1"
    )
    meeting(cast, status=Meeting.Status.CANCELLED)
    meeting(cast, cast.other_team)
    with time_machine.travel(dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC), tick=False):
        response = client_for(None).get(feed_of(cast.member))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert b"Kari" not in response.content
    assert b"Nordvik" not in response.content
    [event] = events(response)
    assert str(event["UID"]) == f"meeting-{planned.pk}@lkt.example.no"
    assert event["SUMMARY"] == f"Ansvarsgruppemøte – aktørfellesskap nr. {cast.team.pk}"
    assert event.decoded("DTSTART") == start
    assert event.decoded("DTSTART").utcoffset() == dt.timedelta(0)
    assert event.decoded("DTEND") == start + dt.timedelta(minutes=60)
    assert b"DTSTART:20261201T090000Z" in response.content
    assert event["LOCATION"] == "Legekontoret"
    assert "https://video.example.no/m/1" in str(event["DESCRIPTION"])
    assert event["STATUS"] == "CONFIRMED"


def test_the_uid_of_a_meeting_stays_the_same_between_fetches(cast: Cast):
    meeting(cast)
    url = feed_of(cast.member)
    first = events(client_for(None).get(url))[0]["UID"]
    assert events(client_for(None).get(url))[0]["UID"] == first


def test_a_member_who_has_left_no_longer_gets_the_teams_meetings(cast: Cast):
    meeting(cast)
    url = feed_of(cast.member)
    cast.team.members.filter(user=cast.member).update(left_on=timezone.localdate())
    assert events(client_for(None).get(url)) == []


def test_my_arshjul_activities_in_the_plan_in_force_are_all_day_events(cast: Cast):
    tor = cast.team.members.get(user=cast.member)
    cecilie = cast.team.members.get(user=cast.coordinator)
    due = dt.date(2027, 3, 1)
    in_force = version_for(cast.team, cast.coordinator, status=CarePlanVersion.Status.IN_FORCE)
    mine = activity(in_force, tor, due)
    activity(in_force, cecilie, due)  # Cecilie's, not Tor's
    draft = version_for(cast.team, cast.coordinator)
    activity(draft, tor, dt.date(2027, 4, 1))  # a draft is not in force
    response = client_for(None).get(feed_of(cast.member))
    assert b"medisinene" not in response.content  # the free-text title stays in LKT
    [event] = events(response)
    assert event.decoded("DTSTART") == due
    assert event.decoded("DTEND") == due + dt.timedelta(days=1)
    assert b"DTSTART;VALUE=DATE:20270301" in response.content
    assert str(event["UID"]) == f"annual-{mine.pk}-20270301@lkt.example.no"
    assert event["SUMMARY"] == f"Legemiddelgjennomgang – aktørfellesskap nr. {cast.team.pk}"


def test_an_unknown_token_is_not_found(cast: Cast):
    calendar_feed_create(actor=cast.member)
    response = client_for(None).get(reverse("coordination:calendar-feed", args=["gjettet"]))
    assert response.status_code == 404


def test_the_feed_of_a_deactivated_user_is_not_found(cast: Cast):
    url = feed_of(cast.member)
    User.objects.filter(pk=cast.member.pk).update(is_active=False)
    assert client_for(None).get(url).status_code == 404


# The feed: 1 the feed with its user by the token, 2 the meetings, 3 the årshjul activities.
# No session: calendar programs send no cookie.
FEED_QUERIES = 3


@pytest.mark.parametrize("count", [5, 50])
def test_the_feed_uses_the_same_queries_for_5_and_50_events(
    cast: Cast, count: int, django_assert_num_queries
):
    tor = cast.team.members.get(user=cast.member)
    version = version_for(cast.team, cast.coordinator, status=CarePlanVersion.Status.IN_FORCE)
    for n in range(count):
        meeting(cast, starts_at=timezone.now() + dt.timedelta(days=n + 1))
        activity(version, tor, dt.date(2027, 1, 1) + dt.timedelta(days=n))
    url = feed_of(cast.member)
    with django_assert_num_queries(FEED_QUERIES):
        response = client_for(None).get(url)
    assert len(events(response)) == 2 * count
