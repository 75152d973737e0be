"""The morning digest of the night (Nattens kontakter): at 07:30 the coordinator and the deputy
of every open team with something to tell get ONE notification each, listing the night's
contacts with legevakt, AMK, police and the other night services, and every break-glass opening
of the crisis card, for all their patients at once.

This is the UKOM lesson ("Ingen kan hjelpe meg"): the night services met the patient again and
again, and the daytime team knew nothing. Now the coordinator reads it before the working day.

The message names teams by number and says service, time and outcome; never the patient's name
or the reason for the contact, because it also goes out by e-mail (``coordination.notifications.notify``
queues it in the outbox, by each person's notification choice). Break-glass names who opened
the card and the reason they wrote, which the coordinator must be able to judge
(helsepersonelloven § 7).

Every contact once, whenever it was registered (issue 16, item 10): a contact is registered
when the legevakt has time, often after the morning's digest has gone. So the digest does not
take a night's window of contacts but every contact outside office hours that no digest has
taken yet (``NightContact.digested_at``), of the last ``LATE_LOOKBACK``; it marks what it took
in the same transaction as the notifications, so a retry finds nothing left. A contact
registered after its morning's digest sends a late notice at once (``late_notice_on_commit``,
the key ``night-digest:<date>:late:<first contact>``); if the broker is down then, the next
morning's digest takes it. Break-glass openings are logged when they happen, never late: the
morning's digest takes the night's window of them, once per person by the key
``night-digest:<date>`` (``notify`` settles a race on that key).

Two runs at once (the beat's and a late notice's, or a retry): the contacts are read
``FOR UPDATE``, in one order, so the second run waits for the first and then finds them taken
and the people told. The notifications of one run commit together with the marks: a failure
for one person leaves everything for the next run rather than a contact marked and untold.

Query budget, whatever the number of contacts, teams and people: 1 the contacts not yet taken
(the partial index ``contacts_not_digested``), 2 the night's break-glass rows (the index on
``AccessLog.at``), 3 the coordinators and deputies of the patients' open teams with their
notification preferences, 4 the digests already sent this morning; then ``notify``'s writes
per person not yet told, and one update marking the contacts taken.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from celery import shared_task
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from actors.access import CRISIS_CARD
from actors.models import Member, Role, Team, User
from actors.selectors import team_section_url
from coordination.models import Mandate, NightContact, NightService, Notification
from coordination.notifications.notify import notify, shorten
from coordination.notifications.outbox import queue_once
from lkt.core.dates import day_month
from lkt.models import AccessLog

log = logging.getLogger(__name__)
OSLO = ZoneInfo("Europe/Oslo")
# "Utenom kontortid": the day team works 07:30–15:30. What happened after they went home
# yesterday and before they start today is what nobody in the team has heard of yet; what
# happened in office hours reached them the same day (and stands on the team page).
OFFICE_CLOSES = dt.time(15, 30)
OFFICE_OPENS = dt.time(7, 30)
OCCURRENCE = "night-digest:{date}"
LATE_OCCURRENCE = "night-digest:{date}:late:{first}"
# A contact registered later than this after its night is history (an imported file): it stands
# on the team page, and no digest takes it.
LATE_LOOKBACK = dt.timedelta(days=14)
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


def contact_morning(occurred_at: dt.datetime) -> dt.date | None:
    """The morning whose digest tells a contact at ``occurred_at``; None in office hours (the
    team heard of it the same day)."""
    local = occurred_at.astimezone(OSLO)
    if local.time() < OFFICE_OPENS:
        return local.date()
    if local.time() >= OFFICE_CLOSES:
        return local.date() + dt.timedelta(days=1)
    return None


def last_morning(now: dt.datetime) -> dt.date:
    """The latest morning whose digest time (07:30 Oslo) has come by ``now``."""
    local = now.astimezone(OSLO)
    return local.date() if local.time() >= OFFICE_OPENS else local.date() - dt.timedelta(days=1)


def is_late(contact: NightContact, now: dt.datetime | None = None) -> bool:
    """Whether ``contact`` was registered after the digest of its morning was due: it goes out
    as a late notice (still within ``LATE_LOOKBACK``; older ones are history for the team page)."""
    morning = contact_morning(contact.occurred_at)
    if morning is None:
        return False
    now = now or timezone.now()
    cutoff = night_window(last_morning(now))[1]
    return cutoff - LATE_LOOKBACK <= contact.occurred_at < cutoff


def late_notice_on_commit() -> None:
    """After the transaction that registered a late contact: a run of the digest now. One run
    per transaction, however many late rows a file brings (the run takes them all)."""
    waiting = transaction.get_connection().run_on_commit
    if not any(callback is _late_notice_publish for _sids, callback, _robust in waiting):
        transaction.on_commit(_late_notice_publish)


def _late_notice_publish() -> None:
    """Hand the late notice to a worker; never raises: if the broker is down, the contact waits
    for the next morning's digest, which takes whatever is not taken yet."""
    if not queue_once(night_digest_late_task):
        log.warning("Broker unavailable; a late night contact waits for the morning digest")


@dataclass(frozen=True)
class Event:
    """One line of the digest: a contact or a break-glass opening for one patient."""

    patient_id: int
    at: dt.datetime
    text: str
    contact_pk: int | None = None  # None: a break-glass opening


@dataclass
class Digest:
    """What one person is told this morning."""

    user: User
    teams: dict[int, list[Event]] = field(default_factory=dict)

    def message(self, start: dt.datetime, end: dt.datetime, *, late: bool = False) -> str:
        return _message(self.teams, start, end, late=late)

    @property
    def url(self) -> str:
        if len(self.teams) == 1:
            [team_pk] = self.teams
            return team_section_url(team_pk, NIGHT_SECTION)
        return reverse("coordination:notification-list")

    @property
    def contact_pks(self) -> list[int]:
        return sorted(
            e.contact_pk for events in self.teams.values() for e in events if e.contact_pk
        )

    def contacts_only(self) -> Digest:
        """The same without the break-glass openings (told already in this morning's digest)."""
        teams = {
            team_pk: kept
            for team_pk, events in self.teams.items()
            if (kept := [e for e in events if e.contact_pk is not None])
        }
        return Digest(self.user, teams)


def _when(at: dt.datetime) -> str:
    return f"{day_month(at)} kl. {at.astimezone(OSLO):%H.%M}"


# Outside office hours: what the union of every morning's window holds.
NIGHT_HOURS = Q(occurred_at__time__gte=OFFICE_CLOSES) | Q(occurred_at__time__lt=OFFICE_OPENS)


def contacts_query(cutoff: dt.datetime) -> QuerySet[NightContact]:
    """The contacts outside office hours before ``cutoff`` (a morning's 07:30) that no digest
    has taken, of the last ``LATE_LOOKBACK``: the partial index ``contacts_not_digested``
    holds only those not taken, whatever the years of history."""
    return NightContact.objects.filter(
        NIGHT_HOURS,
        digested_at__isnull=True,
        occurred_at__gte=cutoff - LATE_LOOKBACK,
        occurred_at__lt=cutoff,
    ).order_by("occurred_at", "pk")


def break_glass_query(start: dt.datetime, end: dt.datetime) -> QuerySet[AccessLog]:
    # The index on AccessLog.at: the night's audit rows, of which break-glass are a few.
    return AccessLog.objects.filter(
        action=AccessLog.Action.BREAK_GLASS, object_type=CRISIS_CARD, at__gte=start, at__lt=end
    ).order_by("at", "pk")


def _contact_events(query: QuerySet[NightContact]) -> list[Event]:
    services = dict(NightService.choices)
    outcomes = dict(Outcome.choices)
    rows = query.values_list(
        "pk", "patient_id", "service", "occurred_at", "outcome", "suicide_risk"
    )
    # NIGHT_HOURS compares the time of day in Oslo, whatever zone a request has activated.
    with timezone.override(OSLO):
        found = list(rows)
    events = []
    for pk, patient_id, service, at, outcome, suicide_risk in found:
        result = str(outcomes.get(outcome, outcome)).lower()
        if suicide_risk:
            result += ", " + _("selvmordsfare vurdert")
        text = _("%(service)s %(when)s (%(result)s)") % {
            "service": services.get(service, service),
            "when": _when(at),
            "result": result,
        }
        events.append(Event(patient_id, at, text, contact_pk=pk))
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


def _gather(
    today: dt.date, *, lock: bool, break_glass: bool = True
) -> tuple[list[int], list[Digest]]:
    """The contacts not taken yet (locked for this run when ``lock``), with the night's
    break-glass openings when ``break_glass``, and who is told what: one digest per person,
    whatever the number of their teams or of the rows."""
    start, end = night_window(today)
    contacts = contacts_query(end)
    if lock:
        # Not SKIP LOCKED: a second run must wait and then find the contacts taken, or it
        # would tell this morning's break-glass in a message of its own.
        contacts = contacts.select_for_update()
    contact_events = _contact_events(contacts)
    openings = _break_glass_events(start, end) if break_glass else []
    by_patient: dict[int, list[Event]] = defaultdict(list)
    for event in sorted([*contact_events, *openings], key=lambda e: e.at):
        by_patient[event.patient_id].append(event)
    taken = [e.contact_pk for e in contact_events if e.contact_pk is not None]
    if not by_patient:
        return taken, []
    digests: dict[int, Digest] = {}
    for member in _recipients(by_patient):
        assert member.user is not None  # noqa: S101 - filtered on it
        digest = digests.setdefault(member.user.pk, Digest(member.user))
        digest.teams[member.team_id] = by_patient[member.team.patient_id]
    return taken, list(digests.values())


def night_digests(today: dt.date) -> list[Digest]:
    """Who is told what this morning (three queries, see the module's budget)."""
    return _gather(today, lock=False)[1]


def _message(
    teams: dict[int, list[Event]], start: dt.datetime, end: dt.datetime, *, late: bool = False
) -> str:
    if late:
        head = _("Kontakter utenom kontortid registrert etter morgenoppsummeringen.")
    elif all(e.at >= start for events in teams.values() for e in events):
        head = _("Kontakter utenom kontortid %(start)s – %(end)s.") % {
            "start": _when(start),
            "end": _when(end),
        }
    else:
        # The morning's digest also takes what was registered after an earlier one.
        head = _(
            "Kontakter utenom kontortid fram til %(end)s, også noen registrert etter en "
            "tidligere morgenoppsummering."
        ) % {"end": _when(end)}
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


def _notify(
    digest: Digest, occurrence: str, start: dt.datetime, end: dt.datetime, *, late: bool
) -> bool:
    created = notify(
        recipient=digest.user,
        kind=Notification.Kind.NIGHT_DIGEST,
        team=None,
        occurrence=occurrence,
        message=digest.message(start, end, late=late),
        url=digest.url,
    )
    return created is not None


def night_digest_send(today: dt.date, *, late: bool = False) -> int:
    """Tell every coordinator and deputy about the contacts outside office hours no digest has
    taken yet and, once, about last night's break-glass openings, as the digest of ``today``'s
    morning; ``late``: only the contacts, as a late notice (a contact registered after its
    morning's digest). Returns how many people were told now."""
    start, end = night_window(today)
    occurrence = OCCURRENCE.format(date=today.isoformat())
    count = 0
    # One transaction: the marks and the notifications commit together, so a contact is
    # taken exactly when its notifications are written (see the module's docstring).
    with transaction.atomic():
        taken, digests = _gather(today, lock=True, break_glass=not late)
        told = (
            set()
            if late
            else set(
                Notification.objects.filter(
                    kind=Notification.Kind.NIGHT_DIGEST,
                    occurrence=occurrence,
                    team__isnull=True,
                    recipient_id__in=[d.user.pk for d in digests],
                ).values_list("recipient_id", flat=True)
            )
        )
        for digest in sorted(digests, key=lambda d: d.user.pk):
            sent = False
            if not late and digest.user.pk not in told:
                sent = _notify(digest, occurrence, start, end, late=False)
            if not sent:
                # Told this morning already (by an earlier run, or a racing one just now):
                # what was registered since goes as a late notice of its own.
                rest = digest.contacts_only()
                if rest.teams:
                    key = LATE_OCCURRENCE.format(date=today.isoformat(), first=rest.contact_pks[0])
                    sent = _notify(rest, key, start, end, late=True)
            count += sent
        if taken:
            # Taken whether or not anyone was told: a patient whose team has no coordinator
            # now has the contact on the team page, not in a later digest.
            NightContact.objects.filter(pk__in=taken).update(digested_at=timezone.now())
    return count


# Beside the digest it runs, so a late contact queues it without importing coordination.tasks.
@shared_task(name="coordination.tasks.night_digest_late_task", ignore_result=True)
def night_digest_late_task() -> int:
    """A contact registered after its morning's digest: sent now as a late notice, as the
    digest of the latest morning whose time has come."""
    return night_digest_send(last_morning(timezone.now()), late=True)
