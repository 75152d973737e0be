"""Write a notification and queue its deliveries: the one way anything in LKT alerts a person.

Call it inside the transaction of the change that causes it. The in-app notification and the
outbox rows (e-mail, SMS) commit or roll back with that change, so an alert is never sent
for a change that did not happen and never lost for one that did. The unique key (kind,
recipient, team, occurrence) makes a repeat a no-op: retries, two workers or two beat runs
never alert anyone twice.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from actors.models import Team, User
from coordination.models import Delivery, Notification, NotificationPreference
from coordination.notifications import outbox, unread

Email = NotificationPreference.Email


def shorten(text: str, limit: int) -> str:
    """Text for a message on one line, cut at ``limit`` with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def preference_for(user: User) -> NotificationPreference:
    """The user's stored preference, or the default (e-mail at once, no SMS) unsaved."""
    try:
        return user.notification_preference
    except NotificationPreference.DoesNotExist:
        return NotificationPreference(user=user)


def _deliveries(notification: Notification) -> list[Delivery]:
    recipient = notification.recipient
    if not recipient.is_active:
        # A deactivated account (the person has left) gets the in-app notification for the
        # record, but no e-mail or SMS about patients any more.
        return []
    preference = preference_for(recipient)
    subject = str(notification.get_kind_display())
    body = notification.message
    if notification.url:
        body += "\n\n" + _("Åpne i LKT: %(url)s") % {
            "url": settings.LKT_BASE_URL + notification.url
        }
    rows = []
    # Urgent alerts go out at once even to those who chose the digest: a phase change to rød
    # cannot wait until tomorrow morning.
    wants_email = preference.email == Email.INSTANT or (
        notification.urgent and preference.email == Email.DIGEST
    )
    if recipient.email and wants_email:
        rows.append(Delivery.Channel.EMAIL)
    if recipient.phone and notification.urgent and preference.sms_urgent:
        rows.append(Delivery.Channel.SMS)
    return [
        Delivery(
            recipient=recipient,
            channel=channel,
            notification=notification,
            key=f"notification:{notification.pk}:{channel}",
            subject=subject,
            body=body,
        )
        for channel in rows
    ]


def notify(
    *,
    recipient: User,
    kind: str,
    team: Team | None,
    occurrence: str,
    message: str,
    url: str = "",
    urgent: bool = False,
    escalate_after: dt.timedelta | None = None,
) -> Notification | None:
    """Alert ``recipient`` about one occurrence; returns the new notification, or None when
    this occurrence has reached this person already. ``escalate_after`` makes it an alert
    that must be acknowledged in that time, or it escalates (see ``coordination.phase.alerts``)."""
    notification, created = Notification.objects.get_or_create(
        recipient=recipient,
        kind=kind,
        team=team,
        occurrence=occurrence,
        defaults={
            "message": message[:500],
            "url": url,
            "urgent": urgent,
            "escalate_at": timezone.now() + escalate_after if escalate_after else None,
        },
    )
    if not created:
        return None
    unread.refresh_on_commit(recipient)
    deliveries = Delivery.objects.bulk_create(_deliveries(notification))
    outbox.publish_on_commit([d.pk for d in deliveries])
    return notification
