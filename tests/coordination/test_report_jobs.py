"""Report jobs (coordination.report_jobs): made after commit by a worker, idempotent, failing
visibly, downloadable once done, and purged after a day."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from coordination import report_jobs
from coordination.models import ReportJob
from lkt.models import ExportLog
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


def test_a_job_a_lost_worker_left_running_is_run_again(cast: Cast):
    job = ReportJob.objects.create(
        requested_by=cast.leader,
        kind=ReportJob.Kind.INDICATORS_PDF,
        organisation=cast.kommune,
        period_start=JAN,
        period_end=MAR,
        status=ReportJob.Status.RUNNING,
    )

    assert report_jobs.report_job_run(job.pk) == ReportJob.Status.DONE


def test_a_failed_render_fails_the_job_with_a_message(cast: Cast):
    job = ReportJob.objects.create(
        requested_by=cast.leader,
        kind=ReportJob.Kind.INDICATORS_PDF,
        organisation=cast.kommune,
        period_start=JAN,
        period_end=MAR,
    )

    with mock.patch("coordination.report_jobs.render_pdf", side_effect=OSError("disk")):
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
