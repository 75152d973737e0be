"""Celery tasks: thin, idempotent wrappers around the services that do the work."""

from __future__ import annotations

from celery import shared_task

from coordination import outbox


@shared_task(ignore_result=True)
def delivery_send_task(ids: list[int]) -> int:
    return outbox.deliver(ids)


@shared_task(ignore_result=True)
def outbox_flush_task() -> int:
    """The beat sweep: sends what a failed publish (broker down) or a retry left waiting."""
    return outbox.deliver()
