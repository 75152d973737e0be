"""The personal calendar feed (ICS, RFC 5545): a person's meetings and årshjul activities in
their own calendar program, behind a secret address (``CalendarFeed.token``).

What a calendar holds leaves the secure system: it is synced to phones and cloud calendars and
shown on lock screens. So an event says only the kind of meeting or activity, the team's
number, the time and the place; never the patient's name, an activity's free-text title or
anything else clinical. The details stay in LKT, one click from the event's link.

Audit: a fetch writes no AccessLog row. Calendar programs fetch every 15-60 minutes all day,
which would bury the real reads of patient data in noise, and the feed holds no clinical text
(see above). Who can fetch it is controlled instead: the token is 256 random bits, the owner can
regenerate or delete it at any time, and it stops working when the user is deactivated.

Query budget: 1 the feed with its user (by the unique token), 2 the meetings, 3 the årshjul
activities: the same for 5 or 500 events.
"""

from __future__ import annotations

import datetime as dt

import icalendar
from django.urls import reverse
from django.utils import timezone

from actors.models import Member, User
from careplans.models import AnnualActivity, CarePlanVersion
from coordination.models import CalendarFeed, Meeting

# How far back the feed reaches: recent meetings stay visible, old ones fall off.
HISTORY = dt.timedelta(days=90)
# A cap against a runaway feed; a person in many teams still fits comfortably.
MAX_EVENTS = 1000
UID_DOMAIN = "lkt.example.no"


def feed_of(user: User) -> CalendarFeed | None:
    """The user's own feed, if she made one (the preferences page)."""
    return CalendarFeed.objects.filter(user=user).first()


def feed_get(token: str) -> CalendarFeed | None:
    """The feed for a token, or None (unknown, revoked, or the user is deactivated). One
    lookup by the unique index: a guess either hits a 256-bit token or nothing."""
    return (
        CalendarFeed.objects.select_related("user")
        .filter(token=token, user__is_active=True)
        .first()
    )


def meetings_for(user: User, now: dt.datetime) -> list[Meeting]:
    """Meetings of the teams where the user is an active member, not cancelled."""
    return list(
        Meeting.objects.filter(
            team_id__in=Member.objects.active().filter(user=user).values("team_id"),
            starts_at__gte=now - HISTORY,
        )
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("starts_at", "pk")[:MAX_EVENTS]
    )


def activities_for(user: User) -> list[AnnualActivity]:
    """Årshjul activities of plans in force that the user is responsible for, with a date."""
    return list(
        AnnualActivity.objects.filter(
            version__status=CarePlanVersion.Status.IN_FORCE,
            responsible__user=user,
            responsible__left_on__isnull=True,
            next_due_on__isnull=False,
        )
        .select_related("version__plan")
        .order_by("next_due_on", "pk")[:MAX_EVENTS]
    )


def _team_text(team_id: int) -> str:
    return f"aktørfellesskap nr. {team_id}"


def _meeting_event(meeting: Meeting, stamp: dt.datetime, base_url: str) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"meeting-{meeting.pk}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    start = meeting.starts_at.astimezone(dt.UTC)
    event.add("dtstart", start)
    event.add("dtend", start + dt.timedelta(minutes=meeting.duration_minutes))
    # The kind and the team's number only: never the patient's name (see the module's note).
    event.add("summary", f"{meeting.get_kind_display()} – {_team_text(meeting.team_id)}")
    status = "TENTATIVE" if meeting.status == Meeting.Status.PROPOSED else "CONFIRMED"
    event.add("status", status)
    lines = []
    if meeting.place:
        event.add("location", meeting.place)
    elif meeting.video_url:
        event.add("location", meeting.video_url)
    if meeting.video_url:
        event.add("url", meeting.video_url)
        lines.append(f"Videomøte: {meeting.video_url}")
    lines.append(
        f"Detaljer i LKT: {base_url}{reverse('workspace:team-detail', args=[meeting.team_id])}"
    )
    event.add("description", "\n".join(lines))
    return event


def _activity_event(
    activity: AnnualActivity, due: dt.date, stamp: dt.datetime, base_url: str
) -> icalendar.Event:
    team_id = activity.version.plan.team_id
    event = icalendar.Event()
    # Per activity and date: when the activity is done and moves on a year, it is a new event.
    event.add("uid", f"annual-{activity.pk}-{due:%Y%m%d}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    # All day: a DATE start and the next day as the (exclusive) end, as RFC 5545 3.6.1 says.
    event.add("dtstart", due)
    event.add("dtend", due + dt.timedelta(days=1))
    # The kind, not the free-text title, which may say something clinical.
    event.add("summary", f"{activity.get_kind_display()} – {_team_text(team_id)}")
    event.add("transp", "TRANSPARENT")
    event.add(
        "description",
        f"Årshjul i LKT: {base_url}{reverse('workspace:team-detail', args=[team_id])}",
    )
    return event


def calendar_build(user: User, *, base_url: str, now: dt.datetime | None = None) -> bytes:
    """The user's calendar as RFC 5545 text. ``base_url`` (scheme and host) makes the links
    in the events absolute."""
    now = now or timezone.now()
    stamp = now.astimezone(dt.UTC).replace(microsecond=0)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//LKT//Langvarige og koordinerte tjenester//NB")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "LKT")
    for meeting in meetings_for(user, now):
        calendar.add_component(_meeting_event(meeting, stamp, base_url))
    for activity in activities_for(user):
        if activity.next_due_on:  # always, by the filter; says so to the type checker
            calendar.add_component(_activity_event(activity, activity.next_due_on, stamp, base_url))
    return calendar.to_ical()
