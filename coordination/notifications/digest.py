"""The daily digest: one e-mail in the morning for those who chose "Samlet en gang om dagen",
listing the notifications they have not read that came since the previous digest.

Urgent alerts (a new gul or rød phase) are not in it: they went out at once (see
``coordination.notifications.notify``). The digest is an outbox row like any e-mail, with the key
``digest:<user>:<date>``, so a second run the same day (a retry, two beat processes) finds the
row there and sends nothing twice.

Query budget, whatever the number of users: 1 the unread notifications of digest users (the
filter read_at IS NULL per recipient is what the partial index ``unread_notifications`` holds,
so the cost follows the users who have a digest waiting, not all users or all notifications),
2 their previous digests, 3 today's digests already there, 4 the insert, 5 the new rows' ids
(an insert that skips conflicts returns none); plus the transaction's savepoint.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from actors.models import User
from coordination.models import Delivery, Notification, NotificationPreference
from coordination.notifications import outbox
from lkt.core.dates import short_date, short_datetime

# The list in one e-mail stops here; the rest are counted ("og 12 til") and wait in LKT.
LISTED = 30
# Older notifications were in an earlier digest (or sent at once before the person chose the
# digest); the bound keeps a backlog that is never read from being reread every morning.
LOOKBACK = dt.timedelta(days=7)
KEY = "digest:{user}:{date}"


def _key(user_pk: int, today: dt.date) -> str:
    return KEY.format(user=user_pk, date=today.isoformat())


def _waiting(now: dt.datetime) -> dict[int, list[Notification]]:
    """Unread, non-urgent notifications of active users who chose the digest, by user."""
    rows = (
        Notification.objects.filter(
            read_at__isnull=True,
            urgent=False,
            created_at__gte=now - LOOKBACK,
            recipient__notification_preference__email=NotificationPreference.Email.DIGEST,
            recipient__is_active=True,
        )
        .exclude(recipient__email="")
        .select_related("recipient__notification_preference")
        .order_by("recipient_id", "-created_at", "-pk")
    )
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for notification in rows:
        by_user[notification.recipient_id].append(notification)
    return by_user


def _body(user: User, notifications: list[Notification]) -> str:
    count = len(notifications)
    lines = [
        _("Hei %(name)s.") % {"name": user.first_name or user.username},
        "",
        ngettext(
            "Du har %(count)d nytt varsel i LKT siden sist:",
            "Du har %(count)d nye varsler i LKT siden sist:",
            count,
        )
        % {"count": count},
        "",
    ]
    for notification in notifications[:LISTED]:
        when = short_datetime(notification.created_at)
        lines.append(f"- {notification.get_kind_display()}: {notification.message} ({when})")
    if count > LISTED:
        lines.append(_("… og %(rest)d til.") % {"rest": count - LISTED})
    base = settings.LKT_BASE_URL
    lines += [
        "",
        _("Les dem under Varsler i LKT: %(url)s")
        % {"url": base + reverse("coordination:notification-list")},
        _(
            "Du får denne e-posten fordi du har valgt én e-post om dagen. Du kan endre det "
            "under Innstillinger for varsler."
        ),
    ]
    return "\n".join(lines)


def digest_send(today: dt.date | None = None) -> int:
    """Queue today's digest for everyone who has one waiting; returns how many were queued."""
    today = today or timezone.localdate()
    waiting = _waiting(timezone.now())
    if not waiting:
        return 0
    previous = dict(
        Delivery.objects.filter(
            recipient_id__in=list(waiting), notification__isnull=True, key__startswith="digest:"
        )
        .exclude(key__in=[_key(pk, today) for pk in waiting])
        .values("recipient_id")
        .annotate(last=Max("created_at"))
        .values_list("recipient_id", "last")
    )
    digests = []
    for user_pk, notifications in waiting.items():
        user = notifications[0].recipient
        # Since the previous digest; for a first digest, since the person chose the digest
        # (before that, each notification went out at once).
        since = previous.get(user_pk) or user.notification_preference.updated_at
        new = [n for n in notifications if n.created_at > since]
        if new:
            digests.append(
                Delivery(
                    recipient=user,
                    channel=Delivery.Channel.EMAIL,
                    notification=None,
                    key=_key(user_pk, today),
                    subject=_("Varsler fra LKT %(date)s") % {"date": short_date(today)},
                    body=_body(user, new),
                )
            )
    keys = [d.key for d in digests]
    with transaction.atomic():
        there = set(Delivery.objects.filter(key__in=keys).values_list("key", flat=True))
        fresh = [d for d in digests if d.key not in there]
        # ON CONFLICT DO NOTHING: a run racing this one cannot make a second row either.
        Delivery.objects.bulk_create(fresh, ignore_conflicts=True)
        ids = list(
            Delivery.objects.filter(
                key__in=[d.key for d in fresh], status=Delivery.Status.PENDING
            ).values_list("pk", flat=True)
        )
        outbox.publish_on_commit(ids)
    return len(fresh)
