"""Sending what the outbox holds (``Delivery`` rows) by e-mail or SMS.

Rows are published to Celery after commit; if the broker is down the publish fails quietly
and the beat sweep (``outbox_flush_task``) sends the rows later, so Redis being down costs
a delay, never a message. Each row is sent under a row lock taken with SKIP LOCKED, so two
workers never send the same row; a row is marked sent in the same transaction as the send
(at-least-once: only a crash between the send and that commit could repeat a message).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from celery import Task, shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from coordination.models import Delivery
from coordination.notifications.sms import send_sms

log = logging.getLogger(__name__)


# Defined beside what it runs, so publishing needs no import of coordination.tasks (which
# imports the outbox); the name stays the one queued messages and the beat schedule use.
@shared_task(name="coordination.tasks.delivery_send_task", ignore_result=True)
def delivery_send_task(ids: list[int]) -> int:
    return deliver(ids)


# After this many failed attempts a row is marked failed and shows as such in the admin log.
MAX_ATTEMPTS = 8
BATCH = 100


def publish_on_commit(ids: Iterable[int]) -> None:
    ids = list(ids)
    if ids:
        transaction.on_commit(lambda: publish(ids))


def queue_once(task: Task[..., Any], args: tuple[Any, ...] = ()) -> bool:
    """Hand ``task`` to a worker with one try; False when the broker does not answer. A
    connection of our own: kombu's default connect policy retries for about six seconds when
    Redis is down (measured), which a web request must not wait. With one try a refused
    connection fails in milliseconds, a silent host within the socket_connect_timeout of
    CELERY_BROKER_TRANSPORT_OPTIONS (one second)."""
    try:
        with task.app.connection_for_write(transport_options={"max_retries": 0}) as connection:
            # celery accepts ``connection``; the celery-types stubs do not list it.
            task.apply_async(args, connection=connection)  # type: ignore[call-arg]
    except Exception:  # the broker's errors vary by transport; all mean "not queued"
        return False
    return True


def publish(ids: list[int]) -> None:
    """Hand the rows to a worker. Never raises: the rows stay pending for the sweep."""
    if not queue_once(delivery_send_task, (ids,)):
        log.warning("Broker unavailable; %d deliveries wait for the outbox sweep", len(ids))


def _backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(minutes=min(2**attempts, 240))


def _send(delivery: Delivery) -> None:
    if delivery.channel == Delivery.Channel.SMS:
        send_sms(delivery.recipient.phone, delivery.body)
    else:
        send_mail(
            subject=f"LKT: {delivery.subject}",
            message=delivery.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[delivery.recipient.email],
        )


def _next(ids: list[int] | None, now: dt.datetime) -> Delivery | None:
    """Lock the next due row, skipping rows another worker holds (SKIP LOCKED)."""
    rows = Delivery.objects.select_for_update(skip_locked=True, of=("self",)).filter(
        status=Delivery.Status.PENDING, available_at__lte=now
    )
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    return rows.select_related("recipient").order_by("available_at", "pk").first()


def deliver(ids: list[int] | None = None, *, limit: int = BATCH) -> int:
    """Send pending rows that are due (only ``ids`` if given); returns how many were sent.

    One short transaction per row rather than one for the batch: a crash (or a database error)
    at row 40 must not roll back rows 1-39 to pending after their mail went out, which would
    send them again; and a slow mail server holds one row lock, not a hundred. A row that fails
    is pushed forward (backoff), so the loop does not pick it again this sweep.
    """
    sent = 0
    for _ in range(limit):
        with transaction.atomic():
            now = timezone.now()
            delivery = _next(ids, now)
            if delivery is None:
                break
            delivery.attempts += 1
            if not delivery.recipient.is_active:
                # Deactivated while the row waited (e.g. Redis was down): never send about
                # patients to someone who has left; no retry will change that.
                delivery.status = Delivery.Status.FAILED
                delivery.last_error = "recipient deactivated"
                delivery.save(update_fields=["attempts", "status", "last_error"])
                continue
            try:
                _send(delivery)
            except Exception as error:  # a mail or SMS gateway error: retry later
                delivery.last_error = str(error)[:500] or error.__class__.__name__
                delivery.available_at = now + _backoff(delivery.attempts)
                if delivery.attempts >= MAX_ATTEMPTS:
                    delivery.status = Delivery.Status.FAILED
                    log.error("Delivery %s failed for good: %s", delivery.pk, delivery.last_error)
            else:
                delivery.status = Delivery.Status.SENT
                delivery.sent_at = now
                delivery.last_error = ""
                sent += 1
            delivery.save(
                update_fields=["attempts", "last_error", "available_at", "status", "sent_at"]
            )
    return sent
