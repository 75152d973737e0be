"""Phase-change alerts and their escalation (element E, "hvem gjør hva hvis").

When the team's phase changes, the members the phase plan names for the new phase (who acts,
and the named contact for evenings and nights) and the coordinators are alerted at once, each
with what they own in that phase. The alert is written in the transaction of the change, so it
exists exactly when the change does. Gul and rød alerts must be acknowledged; one still not
acknowledged when its time is up goes to the team's deputy coordinator and the coordinators'
line leaders (``escalate_due``, run every minute by the beat schedule).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actors.models import Member, Team, User
from actors.selectors import team_section_url
from careplans.models import Phase, PhaseChange, PhasePlanEntry
from careplans.phase.selectors import shown_versions
from coordination.models import Mandate, Notification
from coordination.notifications import unread
from coordination.notifications.notify import notify, shorten
from coordination.referral import selectors
from lkt.core.dates import short_datetime

log = logging.getLogger(__name__)

# How long an alert may wait for its acknowledgement before it escalates. Rød is acute: the
# crisis plan says someone acts within the hour, so half an hour without an answer leaves time
# for the deputy to step in. Gul means "strengthen the measures" within the working day: four
# hours covers a day of clinics and home visits without letting it wait until tomorrow. Grønn
# is the working phase and needs no acknowledgement.
ESCALATE_AFTER: dict[str, dt.timedelta] = {
    Phase.RED: dt.timedelta(minutes=30),
    Phase.YELLOW: dt.timedelta(hours=4),
}
# How many due alerts one sweep escalates; the next run (a minute later) takes the rest.
ESCALATION_BATCH = 200
# Room for the actions in a notification (500 characters in all, see Notification.message).
_PART = 180


def phase_section_url(team: Team | int) -> str:
    return team_section_url(team.pk if isinstance(team, Team) else team, "fase")


def _entry_for(change: PhaseChange) -> PhasePlanEntry | None:
    """The new phase's entry in the plan the team works by: the version in force, or the
    draft while no version is in force yet (a named night contact in a draft is still the
    best guess of who must know tonight; ``shown_versions`` is the same choice the team page
    shows)."""
    return (
        PhasePlanEntry.objects.filter(
            version__in=shown_versions(change.team).values("pk"), phase=change.phase
        )
        .select_related("actor__user", "night_contact__user")
        .first()
    )


def _reachable(member: Member | None) -> User | None:
    """The member's user, when they can be alerted: has a login, has not left, is active."""
    if member is None or member.left_on is not None or member.user is None:
        return None
    return member.user if member.user.is_active else None


def _recipients(
    change: PhaseChange, entry: PhasePlanEntry | None
) -> dict[int, tuple[User, list[str]]]:
    """Who is alerted, each with the parts of the plan they own, in the order the plan names
    them. The person who made the change is not alerted about their own change."""
    found: dict[int, tuple[User, list[str]]] = {}

    def add(user: User | None, part: str) -> None:
        if user is None or user.pk == change.changed_by_id:
            return
        found.setdefault(user.pk, (user, []))[1].append(part)

    actions = shorten(entry.actions, _PART) if entry else ""
    call_night = shorten(entry.call_night, _PART) if entry and entry.call_night else ""
    if entry is not None:
        add(_reachable(entry.actor), _("Du handler: %(actions)s") % {"actions": actions})
        if call_night:
            night = _("Du er navngitt kontakt kveld og natt. Ring: %(call)s") % {"call": call_night}
        else:
            night = _("Du er navngitt kontakt kveld og natt.")
        add(_reachable(entry.night_contact), night)
    for member in selectors.active_coordinators(change.team):
        if entry is not None:
            part = _("Tiltak: %(actions)s") % {"actions": actions}
            if call_night:
                part += " " + _("Kveld og natt, ring: %(call)s") % {"call": call_night}
        else:
            part = _("Planen har ikke skrevet noe for denne fasen. Avtal tiltak med teamet.")
        add(_reachable(member), part)
    return found


def phase_change_alert(*, change: PhaseChange) -> list[Notification]:
    """Alert those the phase plan names for the new phase, and the coordinators. Call inside
    the transaction that saved ``change``; repeating it alerts no one twice (the occurrence is
    the change)."""
    entry = _entry_for(change)
    urgent = change.phase in ESCALATE_AFTER
    label = str(Phase(change.phase).label).lower()
    head = _("Aktørfellesskap nr. %(team)s er nå i %(phase)s fase.") % {
        "team": change.team_id,
        "phase": label,
    }
    if urgent:
        head += " " + _("Kvitter for at du har sett varselet.")
    sent = []
    for user, parts in _recipients(change, entry).values():
        notification = notify(
            recipient=user,
            kind=Notification.Kind.PHASE_ALERT,
            team=change.team,
            occurrence=f"phase_change:{change.pk}",
            message=" ".join([head, *parts]),
            url=phase_section_url(change.team_id),
            urgent=urgent,
            escalate_after=ESCALATE_AFTER.get(change.phase),
        )
        if notification is not None:
            sent.append(notification)
    return sent


def on_phase_changed(sender: object, *, change: PhaseChange, **kwargs: object) -> None:
    """careplans.signals.phase_changed: the alert, in the transaction that saved the change."""
    phase_change_alert(change=change)


@transaction.atomic
def notification_acknowledge(*, actor: User, notification: Notification) -> Notification:
    """The recipient confirms they have seen an alert: it no longer escalates. Only the
    recipient may; acknowledging again changes nothing."""
    if notification.recipient_id != actor.pk:
        raise PermissionDenied
    locked = Notification.objects.select_for_update().get(pk=notification.pk)
    now = timezone.now()
    changed = []
    if locked.acknowledged_at is None:
        locked.acknowledged_at = now
        changed.append("acknowledged_at")
    if locked.read_at is None:
        locked.read_at = now
        changed.append("read_at")
        unread.refresh_on_commit(actor)
    if changed:
        locked.save(update_fields=changed)
    return locked


def _escalation_recipients(team: Team) -> list[tuple[User, bool]]:
    """The deputy coordinator (from the mandate) and the coordinators' line leaders, each with
    whether they are in the team: the deputy reads the alert it escalates, a leader not (the
    alert quotes the phase plan's actions and whom to call, clinical text and the patient's
    circle by name)."""
    recipients: dict[int, tuple[User, bool]] = {}
    mandate = Mandate.objects.filter(team=team).select_related("deputy__user").first()
    deputy = _reachable(mandate.deputy) if mandate else None
    if deputy is not None:
        recipients[deputy.pk] = (deputy, True)
    for leader in selectors.leaders_of_coordinators(team):
        recipients.setdefault(leader.pk, (leader, False))
    return list(recipients.values())


def escalate_due(now: dt.datetime | None = None) -> int:
    """Escalate urgent alerts not acknowledged in time; returns how many were escalated.

    Reads through the partial index ``alerts_awaiting_escalation`` (the filter is exactly its
    condition plus the time), so the sweep costs what is due, not what exists. Rows are locked
    with SKIP LOCKED and marked in the same transaction as the escalation notifications are
    written: two sweeps at once never escalate the same alert twice, and a crash escalates
    nothing half-way.
    """
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                escalate_at__isnull=False,
                acknowledged_at__isnull=True,
                escalated_at__isnull=True,
                escalate_at__lte=now,
            )
            .select_related("team", "recipient")
            .order_by("escalate_at", "pk")[:ESCALATION_BATCH]
        )
        by_team: dict[int, list[tuple[User, bool]]] = {}
        for alert in due:
            alert.escalated_at = now
            team = alert.team
            if team is None:
                continue
            if team.pk not in by_team:
                by_team[team.pk] = _escalation_recipients(team)
            recipients = [(u, t) for u, t in by_team[team.pk] if u.pk != alert.recipient_id]
            if not recipients:
                log.warning("Alert %s escalates to nobody: no deputy and no leader", alert.pk)
            facts = {
                "name": alert.recipient,
                "when": short_datetime(alert.created_at),
                "message": shorten(alert.message, 300),
                "team": team.pk,
            }
            to_team = _(
                "%(name)s har ikke kvittert for varselet sendt %(when)s: %(message)s "
                "Sørg for at noen følger opp nå."
            )
            to_leader = _(
                "%(name)s har ikke kvittert for et hastevarsel om aktørfellesskap nr. %(team)s "
                "sendt %(when)s. Sørg for at noen følger opp nå."
            )
            for recipient, in_team in recipients:
                notify(
                    recipient=recipient,
                    kind=Notification.Kind.PHASE_ESCALATION,
                    team=team,
                    occurrence=f"escalation:{alert.pk}",
                    message=(to_team if in_team else to_leader) % facts,
                    url=alert.url,
                    urgent=True,
                )
        Notification.objects.bulk_update(due, ["escalated_at"])
    return len(due)
