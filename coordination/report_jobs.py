"""Reports made in the background (``ReportJob``): the leader's indicator report as a PDF.

The leader asks for it, a Celery worker renders it (``report_job_run``) and the leader downloads
it from the job's page; the file stays in the row for a day (``report_jobs_purge``). Every
export of an aggregate report, PDF or CSV, leaves a row in ``ExportLog``.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from actors.models import Organisation, User
from coordination.indicator_charts import chart_blocks
from coordination.indicators import SUPPRESS_BELOW, indicator_report
from coordination.models import ReportJob
from lkt.access import leader_organisations
from lkt.models import ExportLog
from lkt.pdf import render_pdf

log = logging.getLogger(__name__)

# A finished report is kept this long, then purged (the beat runs the purge daily).
KEEP_FOR = dt.timedelta(hours=24)
PDF_TEMPLATE = "coordination/indicators_pdf.html"


def export_record(
    *, actor: User, kind: str, organisation: Organisation, start: dt.date, end: dt.date
) -> ExportLog:
    return ExportLog.objects.create(
        user=actor, kind=kind, organisation=organisation, period_start=start, period_end=end
    )


def _enqueue(job_id: int) -> None:
    """Hand the job to a worker; if the broker is down the job fails visibly, with a retry."""
    from coordination.tasks import report_job_run_task

    try:
        report_job_run_task.delay(job_id)
    except Exception:  # the broker's errors vary by transport; all mean "not started"
        log.warning("Broker unavailable; report job %s not started", job_id)
        ReportJob.objects.filter(pk=job_id, status=ReportJob.Status.PENDING).update(
            status=ReportJob.Status.FAILED,
            error=_("Rapporten kunne ikke startes. Prøv igjen om litt."),
            finished_at=timezone.now(),
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


def report_job_run(job_id: int) -> str:
    """Render the job's PDF. Idempotent: a finished or failed job is left as it is; a job left
    running by a lost worker is run again (acks_late redelivers it)."""
    with transaction.atomic():
        job = (
            ReportJob.objects.select_for_update(skip_locked=True)
            .select_related("organisation", "requested_by")
            .filter(pk=job_id, status__in=[ReportJob.Status.PENDING, ReportJob.Status.RUNNING])
            .first()
        )
        if job is None:
            return "skipped"
        job.status = ReportJob.Status.RUNNING
        job.save(update_fields=["status"])
    try:
        content = indicator_report_pdf(
            job.organisation, job.period_start, job.period_end, generated_by=job.requested_by
        )
    except Exception:
        log.exception("Report job %s failed", job_id)
        job.status = ReportJob.Status.FAILED
        job.error = _("Rapporten kunne ikke lages.")
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        return job.status
    job.content = content
    job.filename = (
        f"indikatorer-{slugify(job.organisation.name)}-"
        f"{job.period_start:%Y-%m}-{job.period_end:%Y-%m}.pdf"
    )
    job.status = ReportJob.Status.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["content", "filename", "status", "finished_at"])
    return job.status


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
