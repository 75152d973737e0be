"""Report jobs (coordination.reports.report_jobs): made after commit by a worker, idempotent, failing
visibly, downloadable once done, and purged after a day."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import psycopg
import pytest
import time_machine
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from psycopg import sql

from actors.models import Organisation
from coordination.models import ReportJob
from coordination.reports import report_jobs
from lkt.models import ExportLog
from tests.celery_processes import database_url
from tests.concurrency import run_together
from tests.conftest import Cast

pytestmark = pytest.mark.django_db

JAN, MAR = dt.date(2026, 1, 1), dt.date(2026, 3, 1)


def _create(cast: Cast) -> ReportJob:
    return report_jobs.report_job_create(
        actor=cast.leader, organisation=cast.kommune, start=JAN, end=MAR
    )


def test_the_job_is_handed_to_the_worker_after_commit(
    cast: Cast, django_capture_on_commit_callbacks
):
    with mock.patch("coordination.tasks.report_job_run_task.delay") as delay:
        with django_capture_on_commit_callbacks() as callbacks:
            job = _create(cast)
        delay.assert_not_called()
        for callback in callbacks:
            callback()

    delay.assert_called_once_with(job.pk)
    assert job.status == ReportJob.Status.PENDING


def test_the_worker_renders_the_pdf_once(cast: Cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = _create(cast)
    job.refresh_from_db()

    assert job.status == ReportJob.Status.DONE
    assert bytes(job.content).startswith(b"%PDF")
    assert job.filename == "indikatorer-fjordvik-kommune-2026-01-2026-03.pdf"
    assert job.finished_at is not None
    assert report_jobs.report_job_run(job.pk) == "skipped"


def _running(cast: Cast, *, attempts: int = 1, started: dt.datetime | None = None) -> ReportJob:
    """A job a worker took (at ``started``, now by default) and is rendering, or was."""
    return ReportJob.objects.create(
        requested_by=cast.leader,
        kind=ReportJob.Kind.INDICATORS_PDF,
        organisation=cast.kommune,
        period_start=JAN,
        period_end=MAR,
        status=ReportJob.Status.RUNNING,
        started_at=started or timezone.now(),
        attempts=attempts,
    )


def test_a_job_a_lost_worker_left_running_is_run_again_when_the_broker_hands_it_out(cast: Cast):
    job = _running(cast, started=timezone.now() - report_jobs.LOST_AFTER - dt.timedelta(seconds=1))

    assert report_jobs.report_job_run(job.pk) == ReportJob.Status.DONE
    job.refresh_from_db()
    assert job.attempts == 2


def test_a_job_another_worker_is_rendering_is_not_rendered_twice(cast: Cast):
    job = _running(cast)

    assert report_jobs.report_job_run(job.pk) == "skipped"
    job.refresh_from_db()
    assert (job.status, job.attempts) == (ReportJob.Status.RUNNING, 1)


def test_the_sweep_runs_a_job_whose_worker_was_lost_again_once(
    cast: Cast, django_capture_on_commit_callbacks
):
    job = _running(cast)
    assert report_jobs.report_jobs_sweep() == {"requeued": 0, "failed": 0}

    later = timezone.now() + report_jobs.LOST_AFTER + dt.timedelta(seconds=1)
    with (
        time_machine.travel(later, tick=False),
        mock.patch("coordination.tasks.report_job_run_task.delay") as delay,
    ):
        with django_capture_on_commit_callbacks() as callbacks:
            assert report_jobs.report_jobs_sweep() == {"requeued": 1, "failed": 0}
        job.refresh_from_db()
        assert (job.status, job.queued_at) == (ReportJob.Status.PENDING, later)
        delay.assert_not_called()  # handed to the broker only once the sweep has committed
        for callback in callbacks:
            callback()
        delay.assert_called_once_with(job.pk)
        assert report_jobs.report_jobs_sweep() == {"requeued": 0, "failed": 0}

        assert report_jobs.report_job_run(job.pk) == ReportJob.Status.DONE
    job.refresh_from_db()
    assert job.attempts == 2
    assert bytes(job.content).startswith(b"%PDF")


def test_the_sweep_fails_a_job_lost_a_second_time_with_the_reason(cast: Cast):
    job = _running(cast, attempts=2)
    later = timezone.now() + report_jobs.LOST_AFTER + dt.timedelta(seconds=1)

    with time_machine.travel(later, tick=False):
        assert report_jobs.report_jobs_sweep() == {"requeued": 0, "failed": 1}
        assert report_jobs.report_jobs_sweep() == {"requeued": 0, "failed": 0}

    job.refresh_from_db()
    assert job.status == ReportJob.Status.FAILED
    assert job.error == "Rapporten stoppet underveis og ble ikke ferdig. Prøv igjen."
    assert job.finished_at == later
    assert report_jobs.report_job_run(job.pk) == "skipped"


def test_a_lost_job_the_broker_hands_out_a_third_time_is_failed_not_run(cast: Cast):
    job = _running(cast, attempts=2, started=timezone.now() - dt.timedelta(hours=1))

    with mock.patch("coordination.reports.report_jobs.render_pdf") as render:
        assert report_jobs.report_job_run(job.pk) == ReportJob.Status.FAILED
    render.assert_not_called()
    job.refresh_from_db()
    assert "stoppet underveis" in job.error


def test_the_sweep_fails_a_job_no_worker_took_in_half_an_hour(cast: Cast):
    job = _create(cast)
    start = timezone.now()

    with time_machine.travel(start + report_jobs.START_WITHIN, tick=False):
        assert report_jobs.report_jobs_sweep() == {"requeued": 0, "failed": 0}
    with time_machine.travel(start + report_jobs.START_WITHIN + dt.timedelta(seconds=1)):
        assert report_jobs.report_jobs_sweep() == {"requeued": 0, "failed": 1}

    job.refresh_from_db()
    assert job.status == ReportJob.Status.FAILED
    assert job.error == "Rapporten kunne ikke startes. Prøv igjen om litt."


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_run_a_lost_job_again_only_once(cast: Cast):
    job = _running(cast)
    later = timezone.now() + report_jobs.LOST_AFTER + dt.timedelta(seconds=1)

    with (
        time_machine.travel(later, tick=False),
        mock.patch("coordination.tasks.report_job_run_task.delay") as delay,
    ):
        results = run_together(report_jobs.report_jobs_sweep, report_jobs.report_jobs_sweep)

    assert sorted(r["requeued"] for r in results) == [0, 1], results
    delay.assert_called_once_with(job.pk)


@pytest.mark.django_db(transaction=True)
def test_a_job_is_taken_while_another_worker_takes_a_job_of_the_same_leader(cast: Cast):
    job = ReportJob.objects.create(
        requested_by=cast.leader,
        kind=ReportJob.Kind.INDICATORS_PDF,
        organisation=cast.kommune,
        period_start=JAN,
        period_end=MAR,
    )
    lock = sql.SQL("SELECT 1 FROM {} WHERE id = %s FOR UPDATE").format(
        sql.Identifier(Organisation._meta.db_table)
    )

    # Another worker is in the middle of its claim: it holds the rows it locked.
    with psycopg.connect(database_url()) as other_worker:
        other_worker.execute(lock, [cast.kommune.pk])
        assert report_jobs.report_job_run(job.pk) == ReportJob.Status.DONE


def test_a_run_the_sweep_took_over_leaves_the_job_to_the_run_that_has_it(cast: Cast):
    job = _create(cast)

    def taken_over_while_rendering(*args: object, **kwargs: object) -> bytes:
        # Meanwhile the sweep counted this run's worker as lost and another run took the job.
        ReportJob.objects.filter(pk=job.pk).update(attempts=2)
        return b"%PDF-1.7 late"

    with mock.patch(
        "coordination.reports.report_jobs.render_pdf", side_effect=taken_over_while_rendering
    ):
        assert report_jobs.report_job_run(job.pk) == "superseded"

    job.refresh_from_db()
    assert (job.status, job.content, job.finished_at) == (ReportJob.Status.RUNNING, None, None)


def test_a_run_past_its_soft_time_limit_fails_the_job_with_the_reason(cast: Cast):
    job = _create(cast)

    with mock.patch(
        "coordination.reports.report_jobs.render_pdf", side_effect=SoftTimeLimitExceeded
    ):
        assert report_jobs.report_job_run(job.pk) == ReportJob.Status.FAILED

    job.refresh_from_db()
    assert job.error.startswith("Rapporten tok for lang tid og ble stoppet.")


def test_a_failed_render_fails_the_job_with_a_message(cast: Cast):
    job = ReportJob.objects.create(
        requested_by=cast.leader,
        kind=ReportJob.Kind.INDICATORS_PDF,
        organisation=cast.kommune,
        period_start=JAN,
        period_end=MAR,
    )

    with mock.patch("coordination.reports.report_jobs.render_pdf", side_effect=OSError("disk")):
        assert report_jobs.report_job_run(job.pk) == ReportJob.Status.FAILED

    job.refresh_from_db()
    assert job.error == "Rapporten kunne ikke lages."
    assert job.content is None


def test_a_broker_that_is_down_fails_the_job_so_the_leader_can_retry(
    cast: Cast, django_capture_on_commit_callbacks
):
    with (
        mock.patch("coordination.tasks.report_job_run_task.delay", side_effect=ConnectionError),
        django_capture_on_commit_callbacks(execute=True),
    ):
        job = _create(cast)

    job.refresh_from_db()
    assert job.status == ReportJob.Status.FAILED
    assert "Prøv igjen" in job.error


def test_only_a_leader_of_the_organisation_orders_its_report(cast: Cast):
    with pytest.raises(PermissionDenied):
        report_jobs.report_job_create(
            actor=cast.leader, organisation=cast.other_kommune, start=JAN, end=MAR
        )
    with pytest.raises(PermissionDenied):
        report_jobs.report_job_create(
            actor=cast.coordinator, organisation=cast.kommune, start=JAN, end=MAR
        )


def test_an_unfinished_job_cannot_be_downloaded(cast: Cast):
    job = _create(cast)

    with pytest.raises(Http404):
        report_jobs.report_job_download(actor=cast.leader, pk=job.pk)
    assert not ExportLog.objects.exists()


def test_jobs_older_than_a_day_are_purged(cast: Cast):
    old, new = _create(cast), _create(cast)
    ReportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(hours=25))

    assert report_jobs.report_jobs_purge() == 1
    assert list(ReportJob.objects.values_list("pk", flat=True)) == [new.pk]


def test_the_purge_runs_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["report-jobs-purge"]

    assert entry["task"] == "coordination.tasks.report_jobs_purge_task"


def test_the_sweep_runs_every_two_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["report-jobs-sweep"]

    assert entry["task"] == "coordination.tasks.report_jobs_sweep_task"
    assert entry["schedule"] == 120.0


def test_a_hung_report_is_stopped_before_the_sweep_counts_its_worker_as_lost():
    from coordination.tasks import report_job_run_task

    soft, hard = report_job_run_task.soft_time_limit, report_job_run_task.time_limit
    assert soft is not None and hard is not None
    # Told to stop, killed a minute later, and only then counted as lost and run again.
    assert soft < hard < report_jobs.LOST_AFTER.total_seconds()
    # The broker hands a lost worker's task out again after this, not after Redis's hour.
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert hard < visibility <= hard + 120
