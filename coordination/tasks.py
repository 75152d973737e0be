"""Celery tasks: thin, idempotent wrappers around the services that do the work."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from coordination import outbox


@shared_task(ignore_result=True)
def delivery_send_task(ids: list[int]) -> int:
    return outbox.deliver(ids)


@shared_task(ignore_result=True)
def outbox_flush_task() -> int:
    """The beat sweep: sends what a failed publish (broker down) or a retry left waiting."""
    return outbox.deliver()


@shared_task(ignore_result=True)
def reminders_sweep_task() -> dict[str, int]:
    """The daily reminder sweep (``coordination.reminders``), for today in Oslo."""
    from django.utils import timezone

    from coordination.reminders import reminders_sweep

    return reminders_sweep(timezone.localdate())


@shared_task(ignore_result=True)
def alert_escalate_task() -> int:
    """Every minute: phase alerts not acknowledged in time go to the deputy and the leaders."""
    from coordination.alerts import escalate_due

    return escalate_due()


@shared_task(ignore_result=True)
def digest_send_task() -> int:
    """07:00 every morning (Europe/Oslo): the daily digest for those who chose it."""
    from coordination.digest import digest_send

    return digest_send()


@shared_task(ignore_result=True)
def night_digest_task() -> int:
    """07:30 every morning (Europe/Oslo): the night's contacts and break-glass openings to the
    coordinators and deputies (``coordination.night_digest``), for today in Oslo."""
    from django.utils import timezone

    from coordination.night_digest import night_digest_send

    return night_digest_send(timezone.localdate())


@shared_task(ignore_result=True)
def night_digest_late_task() -> int:
    """A contact registered after its morning's digest (``coordination.night_digest``): sent
    now as a late notice, as the digest of the latest morning whose time has come."""
    from django.utils import timezone

    from coordination.night_digest import last_morning, night_digest_send

    return night_digest_send(last_morning(timezone.now()), late=True)


@shared_task(
    ignore_result=True,
    soft_time_limit=settings.LKT_REPORT_JOB_SOFT_TIME_LIMIT,
    time_limit=settings.LKT_REPORT_JOB_TIME_LIMIT,
)
def report_job_run_task(job_id: int) -> str:
    """A leader's report (``coordination.report_jobs``): renders the PDF into the job's row."""
    from coordination.report_jobs import report_job_run

    return report_job_run(job_id)


@shared_task(ignore_result=True)
def report_jobs_purge_task() -> int:
    """Daily: reports older than a day are removed with their files."""
    from coordination.report_jobs import report_jobs_purge

    return report_jobs_purge()


@shared_task(ignore_result=True)
def report_jobs_sweep_task() -> dict[str, int]:
    """Every two minutes: reports whose worker was lost are run again once or failed, and
    reports no worker took are failed, each with a message on the leader's page."""
    from coordination.report_jobs import report_jobs_sweep

    return report_jobs_sweep()
