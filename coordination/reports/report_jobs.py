"""Reports made in the background (``ReportJob``): the leader's indicator report as a PDF.

The leader asks for it, a Celery worker renders it (``report_job_run``) and the leader downloads
it from the job's page; the file stays in the row for a day (``report_jobs_purge``). Every
export of an aggregate report, PDF or CSV, leaves a row in ``ExportLog``.

A job never waits forever: the beat's sweep (``report_jobs_sweep``) runs a job again once when
its worker was lost mid-run (killed, out of memory, its machine gone), fails it the second
time, and fails a job no worker took; the page then says what happened, with a retry. A run
that hangs is stopped by the task's time limits (``LKT_REPORT_JOB_*TIME_LIMIT`` in settings).
"""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from actors.access import leader_organisations
from actors.models import Organisation, User
from coordination.models import ReportJob
from coordination.reports.charts import chart_blocks
from coordination.reports.indicators import SUPPRESS_BELOW, indicator_report
from lkt.core.pdf import render_pdf
from lkt.models import ExportLog

log = logging.getLogger(__name__)


# Beside the job it runs, like the outbox's delivery task (coordination.tasks lists both).
@shared_task(
    name="coordination.tasks.report_job_run_task",
    ignore_result=True,
    soft_time_limit=settings.LKT_REPORT_JOB_SOFT_TIME_LIMIT,
    time_limit=settings.LKT_REPORT_JOB_TIME_LIMIT,
)
def report_job_run_task(job_id: int) -> str:
    """A leader's report: renders the PDF into the job's row."""
    return report_job_run(job_id)


# A finished report is kept this long, then purged (the beat runs the purge daily).
KEEP_FOR = dt.timedelta(hours=24)
PDF_TEMPLATE = "coordination/indicators_pdf.html"

# A run is killed by the task's hard time limit, so a job still "running" a minute after that
# has lost its worker: no process is rendering it any more, and it may be taken over.
LOST_AFTER = dt.timedelta(seconds=settings.LKT_REPORT_JOB_TIME_LIMIT + 60)
# Run once, and once more after a lost worker; losing it twice points at the job itself (a
# report too big for the worker's memory, say), so it is failed rather than run a third time.
MAX_ATTEMPTS = 2
# A report takes seconds; one no worker has taken in half an hour will not be taken soon
# (no worker runs: /helse/?full=1 says so), so the leader is told instead of left waiting.
START_WITHIN = dt.timedelta(minutes=30)

# Why a job failed, as the leader reads it on the job's page. Stored in bokmål (the msgid)
# whoever's request failed it, and translated when the page is shown.
NOT_STARTED = _("Rapporten kunne ikke startes. Prøv igjen om litt.")
NOT_MADE = _("Rapporten kunne ikke lages.")
STOPPED = _("Rapporten stoppet underveis og ble ikke ferdig. Prøv igjen.")
TOO_SLOW = _("Rapporten tok for lang tid og ble stoppet. Prøv igjen med en kortere periode.")


def _bokmal(reason: Promise) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(reason)


def export_record(
    *, actor: User, kind: str, organisation: Organisation, start: dt.date, end: dt.date
) -> ExportLog:
    return ExportLog.objects.create(
        user=actor, kind=kind, organisation=organisation, period_start=start, period_end=end
    )


def _enqueue(job_id: int) -> None:
    """Hand the job to a worker; if the broker is down the job fails visibly, with a retry."""
    try:
        report_job_run_task.delay(job_id)
    except Exception:  # the broker's errors vary by transport; all mean "not started"
        log.warning("Broker unavailable; report job %s not started", job_id)
        ReportJob.objects.filter(pk=job_id, status=ReportJob.Status.PENDING).update(
            status=ReportJob.Status.FAILED, error=_bokmal(NOT_STARTED), finished_at=timezone.now()
        )


@transaction.atomic
def report_job_create(
    *, actor: User, organisation: Organisation, start: dt.date, end: dt.date
) -> ReportJob:
    if not leader_organisations(actor).filter(pk=organisation.pk).exists():
        raise PermissionDenied
    job = ReportJob.objects.create(
        requested_by=actor,
        kind=ReportJob.Kind.INDICATORS_PDF,
        organisation=organisation,
        period_start=start,
        period_end=end,
    )
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _lost(now: dt.datetime) -> Q:
    """Running, but longer than any run may last: its worker is gone."""
    return Q(status=ReportJob.Status.RUNNING, started_at__lt=now - LOST_AFTER)


def _claimable(now: dt.datetime) -> QuerySet[ReportJob]:
    """Jobs a run may take, locked; a row another transaction holds (the sweep, another
    worker's claim) is skipped, not waited for. Only the job's row: locking its organisation
    and leader too would make a second worker skip another job of the same leader."""
    return ReportJob.objects.select_for_update(skip_locked=True, of=("self",)).filter(
        Q(status=ReportJob.Status.PENDING) | _lost(now)
    )


def _fail(job: ReportJob, reason: Promise, now: dt.datetime) -> None:
    job.status = ReportJob.Status.FAILED
    job.error = _bokmal(reason)
    job.finished_at = now
    job.save(update_fields=["status", "error", "finished_at"])


def _claim(job_id: int) -> tuple[ReportJob | None, str]:
    """Take the job for this run: a pending one, or one whose worker was lost (the broker
    hands a lost worker's task out again). A job running in another worker, finished or failed
    is left as it is, and a job lost ``MAX_ATTEMPTS`` times is failed."""
    with transaction.atomic():
        now = timezone.now()
        job = (
            _claimable(now).select_related("organisation", "requested_by").filter(pk=job_id).first()
        )
        if job is None:
            return None, "skipped"
        if job.attempts >= MAX_ATTEMPTS:
            _fail(job, STOPPED, now)
            return None, job.status
        job.status = ReportJob.Status.RUNNING
        job.started_at = now
        job.attempts += 1
        job.save(update_fields=["status", "started_at", "attempts"])
        return job, job.status


def _finish(job: ReportJob, **fields: object) -> str:
    """Write the run's outcome, unless the job was taken from this run meanwhile (the sweep
    counted its worker as lost): then the run that holds it now has the last word."""
    updated = ReportJob.objects.filter(
        pk=job.pk, status=ReportJob.Status.RUNNING, attempts=job.attempts
    ).update(finished_at=timezone.now(), **fields)
    return str(fields["status"]) if updated else "superseded"


def report_job_run(job_id: int) -> str:
    """Render the job's PDF. Idempotent: a finished or failed job, or one another worker is
    rendering, is left as it is; a job left running by a lost worker is run again."""
    job, outcome = _claim(job_id)
    if job is None:
        return outcome
    try:
        content = indicator_report_pdf(
            job.organisation, job.period_start, job.period_end, generated_by=job.requested_by
        )
    except SoftTimeLimitExceeded:
        log.error("Report job %s hit its time limit", job_id)
        return _finish(job, status=ReportJob.Status.FAILED, error=_bokmal(TOO_SLOW))
    except Exception:
        log.exception("Report job %s failed", job_id)
        return _finish(job, status=ReportJob.Status.FAILED, error=_bokmal(NOT_MADE))
    filename = (
        f"indikatorer-{slugify(job.organisation.name)}-"
        f"{job.period_start:%Y-%m}-{job.period_end:%Y-%m}.pdf"
    )
    return _finish(job, status=ReportJob.Status.DONE, content=content, filename=filename)


def report_jobs_sweep(now: dt.datetime | None = None) -> dict[str, int]:
    """The beat's sweep: a job whose worker was lost is queued again (once) or failed, and a
    job no worker took within ``START_WITHIN`` is failed, each with a reason for the leader.

    Safe to run twice at once and beside the workers: every row is locked with SKIP LOCKED
    (a row a worker is claiming, or the other sweep holds, waits for the next sweep), and a
    run that was taken over writes nothing (``_finish``)."""
    now = now or timezone.now()
    counts = {"requeued": 0, "failed": 0}
    with transaction.atomic():
        stale = _claimable(now).filter(
            _lost(now) | Q(status=ReportJob.Status.PENDING, queued_at__lt=now - START_WITHIN)
        )
        for job in stale.only("pk", "status", "attempts"):
            if job.status == ReportJob.Status.PENDING:
                _fail(job, NOT_STARTED, now)
                counts["failed"] += 1
            elif job.attempts < MAX_ATTEMPTS:
                _requeue(job, now)
                counts["requeued"] += 1
            else:
                _fail(job, STOPPED, now)
                counts["failed"] += 1
    if any(counts.values()):
        log.warning("Report jobs swept: %s", counts)
    return counts


def _requeue(job: ReportJob, now: dt.datetime) -> None:
    job.status = ReportJob.Status.PENDING
    job.queued_at = now
    job.save(update_fields=["status", "queued_at"])
    pk = job.pk
    transaction.on_commit(lambda: _enqueue(pk))


def indicator_report_pdf(
    organisation: Organisation, start: dt.date, end: dt.date, *, generated_by: User
) -> bytes:
    """The leader's indicator report as a PDF (in bokmål: the job runs outside a request)."""
    with translation.override(settings.LANGUAGE_CODE):
        report = indicator_report(organisation, start, end)
        return render_pdf(
            PDF_TEMPLATE,
            {
                "report": report,
                "blocks": chart_blocks(report, "pdf"),
                "generated_at": timezone.localtime(),
                "generated_by": generated_by.get_full_name() or generated_by.username,
                "suppress_below": SUPPRESS_BELOW,
            },
        )


def report_job_get(who: User, pk: int) -> ReportJob:
    """The job, for the one who asked for it only (404 to everyone else); without the file."""
    job = (
        ReportJob.objects.defer("content")
        .select_related("organisation")
        .filter(pk=pk, requested_by=who)
        .first()
    )
    if job is None:
        raise Http404
    return job


def report_job_download(*, actor: User, pk: int) -> ReportJob:
    """The finished job with its file; the download is recorded as an export."""
    job = (
        ReportJob.objects.select_related("organisation")
        .filter(pk=pk, requested_by=actor, status=ReportJob.Status.DONE)
        .first()
    )
    if job is None or job.content is None:
        raise Http404
    export_record(
        actor=actor,
        kind=ExportLog.Kind.INDICATORS_PDF,
        organisation=job.organisation,
        start=job.period_start,
        end=job.period_end,
    )
    return job


def report_jobs_purge(now: dt.datetime | None = None) -> int:
    """Remove jobs (and their files) older than KEEP_FOR."""
    cutoff = (now or timezone.now()) - KEEP_FOR
    deleted, _by_model = ReportJob.objects.filter(created_at__lt=cutoff).delete()
    return deleted
