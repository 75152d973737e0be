"""The morning digest of the night (Nattens kontakter): at 07:30 the coordinator and the deputy
of every open team with something to tell get ONE notification each, listing the night's
contacts with legevakt, AMK, police and the other night services, and every break-glass opening
of the crisis card, for all their patients at once.

This is the UKOM lesson ("Ingen kan hjelpe meg"): the night services met the patient again and
again, and the daytime team knew nothing. Now the coordinator reads it before the working day.

The message names teams by number and says service, time and outcome; never the patient's name
or the reason for the contact, because it also goes out by e-mail (``coordination.notify``
queues it in the outbox). Break-glass names who opened the card and the reason they wrote,
which the coordinator must be able to judge (helsepersonelloven § 7).

Once per person and morning: the occurrence ``night-digest:<date>`` with no team is the
notification's unique key, so a second run, a retry or two beat processes at once send nothing
twice (``notify`` settles the race on that key).

Query budget, whatever the number of contacts, teams and people: 1 the night's contacts
(index ``contacts_by_time``: a range of 16 hours), 2 the night's break-glass rows (the index on
``AccessLog.at``), 3 the coordinators and deputies of the patients' open teams with their
notification preferences, 4 the digests already sent this morning. Then, per person not yet
told, ``notify``'s writes in a short transaction of its own.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from actors.models import Member, Role, Team, User
from actors.selectors import team_section_url
from coordination.models import Mandate, NightContact, NightService, Notification
from coordination.notify import notify, shorten
from lkt.access import CRISIS_CARD
from lkt.dates import day_month
from lkt.models import AccessLog

OSLO = ZoneInfo("Europe/Oslo")
# "Utenom kontortid": the day team works 07:30–15:30. What happened after they went home
# yesterday and before they start today is what nobody in the team has heard of yet; what
# happened in office hours reached them the same day (and stands on the team page).
OFFICE_CLOSES = dt.time(15, 30)
OFFICE_OPENS = dt.time(7, 30)
OCCURRENCE = "night-digest:{date}"
# Notification.message holds 500 characters; what does not fit is counted, and the whole night
# stands on the team page.
MESSAGE_LIMIT = 500
REASON_LIMIT = 100
# The team page's section with the night contacts (coordination.night_* registers it).
NIGHT_SECTION = "natt"

Outcome = NightContact.Outcome


def night_window(today: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """From 15:30 yesterday (included) to 07:30 today (not included), Oslo time, so every
    contact belongs to exactly one morning's digest however DST shifts the clock."""
    start = dt.datetime.combine(today - dt.timedelta(days=1), OFFICE_CLOSES, tzinfo=OSLO)
    end = dt.datetime.combine(today, OFFICE_OPENS, tzinfo=OSLO)
    return start, end


@dataclass(frozen=True)
class Event:
    """One line of the digest: a contact or a break-glass opening for one patient."""

    patient_id: int
    at: dt.datetime
    text: str


@dataclass
class Digest:
    """What one person is told this morning."""

    user: User
    teams: dict[int, list[Event]] = field(default_factory=dict)

    def message(self, start: dt.datetime, end: dt.datetime) -> str:
        return _message(self.teams, start, end)

    @property
    def url(self) -> str:
        if len(self.teams) == 1:
            [team_pk] = self.teams
            return team_section_url(team_pk, NIGHT_SECTION)
        return reverse("coordination:notification-list")


def _when(at: dt.datetime) -> str:
    return f"{day_month(at)} kl. {at.astimezone(OSLO):%H.%M}"


def contacts_query(start: dt.datetime, end: dt.datetime) -> QuerySet[NightContact]:
    # Index contacts_by_time: a range of 16 hours, whatever the years of history.
    return NightContact.objects.filter(occurred_at__gte=start, occurred_at__lt=end).order_by(
        "occurred_at", "pk"
    )


def break_glass_query(start: dt.datetime, end: dt.datetime) -> QuerySet[AccessLog]:
    # The index on AccessLog.at: the night's audit rows, of which break-glass are a few.
    return AccessLog.objects.filter(
        action=AccessLog.Action.BREAK_GLASS, object_type=CRISIS_CARD, at__gte=start, at__lt=end
    ).order_by("at", "pk")


def _contact_events(start: dt.datetime, end: dt.datetime) -> list[Event]:
    services = dict(NightService.choices)
    outcomes = dict(Outcome.choices)
    rows = contacts_query(start, end).values_list(
        "patient_id", "service", "occurred_at", "outcome", "suicide_risk"
    )
    events = []
    for patient_id, service, at, outcome, suicide_risk in rows:
        result = str(outcomes.get(outcome, outcome)).lower()
        if suicide_risk:
            result += ", " + _("selvmordsfare vurdert")
        text = _("%(service)s %(when)s (%(result)s)") % {
            "service": services.get(service, service),
            "when": _when(at),
            "result": result,
        }
        events.append(Event(patient_id, at, text))
    return events


def _name(user: User | None) -> str:
    if user is None:
        return _("ukjent bruker")
    name = user.get_full_name() or user.username
    if user.organisation is not None:
        name += f", {user.organisation.name}"
    return name


def _break_glass_events(start: dt.datetime, end: dt.datetime) -> list[Event]:
    rows = break_glass_query(start, end).select_related("user__organisation")
    return [
        Event(
            row.patient_id,
            row.at,
            _("Kriseplanen åpnet med nødtilgang %(when)s av %(who)s: «%(reason)s»")
            % {
                "when": _when(row.at),
                "who": _name(row.user),
                "reason": shorten(row.reason, REASON_LIMIT),
            },
        )
        for row in rows
    ]


def _recipients(patient_ids: Iterable[int]) -> list[Member]:
    """The active coordinators and the mandate's deputy, with a login, of the patients' open
    teams (one per patient), with each person's notification preference: one query."""
    deputy = Exists(Mandate.objects.filter(team_id=OuterRef("team_id"), deputy_id=OuterRef("pk")))
    return list(
        Member.objects.active()
        .filter(
            Q(role=Role.COORDINATOR) | Q(deputy),
            team__patient_id__in=set(patient_ids),
            user__isnull=False,
            user__is_active=True,
        )
        .exclude(team__status=Team.Status.CLOSED)
        .select_related("team", "user__notification_preference")
        .order_by("team_id", "pk")
    )


def night_digests(today: dt.date) -> list[Digest]:
    """Who is told what this morning: one digest per person, whatever the number of their
    teams or of the night's rows (three queries, see the module's budget)."""
    start, end = night_window(today)
    by_patient: dict[int, list[Event]] = defaultdict(list)
    for event in sorted(
        [*_contact_events(start, end), *_break_glass_events(start, end)], key=lambda e: e.at
    ):
        by_patient[event.patient_id].append(event)
    if not by_patient:
        return []
    digests: dict[int, Digest] = {}
    for member in _recipients(by_patient):
        assert member.user is not None  # noqa: S101 - filtered on it
        digest = digests.setdefault(member.user.pk, Digest(member.user))
        digest.teams[member.team_id] = by_patient[member.team.patient_id]
    return list(digests.values())


def _message(teams: dict[int, list[Event]], start: dt.datetime, end: dt.datetime) -> str:
    head = _("Kontakter utenom kontortid %(start)s – %(end)s.") % {
        "start": _when(start),
        "end": _when(end),
    }
    lines = [head]
    total = sum(len(events) for events in teams.values())
    shown = 0
    for team_pk in sorted(teams):
        events = teams[team_pk]
        label = _("Aktørfellesskap nr. %(team)s:") % {"team": team_pk}
        taken: list[str] = []
        for event in events:
            candidate = "\n".join([*lines, " ".join([label, "; ".join([*taken, event.text])])])
            # Room for the closing line about the rest.
            if len(candidate) > MESSAGE_LIMIT - 60:
                break
            taken.append(event.text)
        if taken:
            lines.append(f"{label} {'; '.join(taken)}.")
            shown += len(taken)
        if len(taken) < len(events):
            break
    if shown < total:
        lines.append(
            _("… og %(rest)d til. Se nattens kontakter på teamsiden.") % {"rest": total - shown}
        )
    return "\n".join(lines)


def night_digest_send(today: dt.date) -> int:
    """Tell every coordinator and deputy about last night; returns how many were told now."""
    digests = night_digests(today)
    if not digests:
        return 0
    occurrence = OCCURRENCE.format(date=today.isoformat())
    told = set(
        Notification.objects.filter(
            kind=Notification.Kind.NIGHT_DIGEST,
            occurrence=occurrence,
            team__isnull=True,
            recipient_id__in=[d.user.pk for d in digests],
        ).values_list("recipient_id", flat=True)
    )
    start, end = night_window(today)
    count = 0
    for digest in sorted(digests, key=lambda d: d.user.pk):
        if digest.user.pk in told:
            continue
        # One short transaction per person: a failure for one does not hold back the others,
        # and the next run (or the racing one) finds the key of those already told.
        with transaction.atomic():
            created = notify(
                recipient=digest.user,
                kind=Notification.Kind.NIGHT_DIGEST,
                team=None,
                occurrence=occurrence,
                message=digest.message(start, end),
                url=digest.url,
            )
        count += created is not None
    return count
