"""Reports made in the background: a leader's indicator report over many teams is rendered by
a Celery worker, and the page waits for it with progress instead of holding a request open."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actors.models import Organisation, User


class ReportJob(models.Model):
    """One requested report. The file is kept in the row, not on a disk the web and worker
    containers would have to share, and removed a day after it was made (``report_jobs_purge``)."""

    class Kind(models.TextChoices):
        INDICATORS_PDF = "indicators_pdf", _("Indikatorrapport (PDF)")

    class Status(models.TextChoices):
        PENDING = "pending", _("I kø")
        RUNNING = "running", _("Lages")
        DONE = "done", _("Ferdig")
        FAILED = "failed", _("Feilet")

    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="report_jobs")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    content = models.BinaryField(null=True, blank=True, editable=False)
    filename = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When it was last handed to the broker and when a worker last took it: the beat's sweep
    # (``report_jobs_sweep``) finds a job nobody started, or one whose worker was lost, by these.
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    # Runs begun; a job is run at most ``report_jobs.MAX_ATTEMPTS`` times, then failed.
    attempts = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("rapportbestilling")
        verbose_name_plural = _("rapportbestillinger")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_at"], name="report_jobs_by_age")]

    def __str__(self) -> str:
        return f"{self.kind} {self.organisation_id} ({self.status})"

    @property
    def is_rerun(self) -> bool:
        """Waiting or running again after its first run stopped (a lost worker)."""
        if self.status == self.Status.PENDING:
            return self.attempts > 0
        return self.status == self.Status.RUNNING and self.attempts > 1


class IndicatorMonth(models.Model):
    """What the teams present in one organisation (or below it) add up to in one month: the
    sums behind the leaders' indicators (``coordination.reports.indicator_sums.Sums``), kept by
    beat (``coordination.reports.indicator_months``) so a report reads a few hundred of these
    rows instead of the facts of every team in a kommune. Aggregates only: no team, patient or
    person is named here."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # its first day
    # The sums as one object, read and written whole; their fields are the dataclass's.
    sums = models.JSONField()
    # The day the states were read on for the month then running ("today" of the refresh).
    computed_on = models.DateField()

    class Meta:
        verbose_name = _("indikatormåned")
        verbose_name_plural = _("indikatormåneder")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "month"], name="indicator_month_once")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.month:%Y-%m}"
