"""Celery tasks: thin, idempotent wrappers around the services that do the work.

The top of coordination's chain: it imports the modules it runs, never the other way round. The
tasks a service queues itself (an outbox delivery, a late night notice, a leader's report) are
defined beside that service and listed here.
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from coordination.night.digest import night_digest_late_task, night_digest_send
from coordination.notifications import outbox
from coordination.notifications.digest import digest_send
from coordination.notifications.outbox import delivery_send_task
from coordination.phase.alerts import escalate_due
from coordination.reminders import reminders_sweep
from coordination.reports.indicator_months import indicator_months_refresh_task
from coordination.reports.report_jobs import (
    report_job_run_task,
    report_jobs_purge,
    report_jobs_sweep,
)

__all__ = [
    "delivery_send_task",
    "indicator_months_refresh_task",
    "night_digest_late_task",
    "report_job_run_task",
]


@shared_task(ignore_result=True)
def outbox_flush_task() -> int:
    """The beat sweep: sends what a failed publish (broker down) or a retry left waiting."""
    return outbox.deliver()


@shared_task(ignore_result=True)
def reminders_sweep_task() -> dict[str, int]:
    """The daily reminder sweep (``coordination.reminders``), for today in Oslo."""
    return reminders_sweep(timezone.localdate())


@shared_task(ignore_result=True)
def alert_escalate_task() -> int:
    """Every minute: phase alerts not acknowledged in time go to the deputy and the leaders."""
    return escalate_due()


@shared_task(ignore_result=True)
def digest_send_task() -> int:
    """07:00 every morning (Europe/Oslo): the daily digest for those who chose it."""
    return digest_send()


@shared_task(ignore_result=True)
def night_digest_task() -> int:
    """07:30 every morning (Europe/Oslo): the night's contacts and break-glass openings to the
    coordinators and deputies (``coordination.night.digest``), for today in Oslo."""
    return night_digest_send(timezone.localdate())


@shared_task(ignore_result=True)
def report_jobs_purge_task() -> int:
    """Daily: reports older than a day are removed with their files."""
    return report_jobs_purge()


@shared_task(ignore_result=True)
def report_jobs_sweep_task() -> dict[str, int]:
    """Every two minutes: reports whose worker was lost are run again once or failed, and
    reports no worker took are failed, each with a message on the leader's page."""
    return report_jobs_sweep()
