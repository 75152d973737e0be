"""Notifications (Varsler) and their outbox.

A Notification is the in-app message; it is written in the same transaction as the change that
causes it, with a unique key (what, whom, which occurrence), so retries, two workers or two
beat runs can never make a second one. A Delivery is the outbox row for the other channels
(e-mail, SMS, the daily digest): written in the same transaction, published after commit, and
picked up again by the beat sweep if the broker was down, so nothing is lost.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actors.models import Team, User


class Notification(models.Model):
    """An in-app message to one user. The unique key makes every alert idempotent: the same
    occurrence never alerts the same person twice."""

    class Kind(models.TextChoices):
        COORDINATOR_LEAVING = "coordinator_leaving", _("Koordinator slutter")
        COORDINATOR_ENDED = "coordinator_ended", _("Koordinator har sluttet")
        NEED_REPORT = "need_report", _("Ny melding om behov")
        APPOINTMENT_PROPOSED = "appointment_proposed", _("Koordinator til godkjenning")
        APPOINTMENT_DECIDED = "appointment_decided", _("Svar på forslag om koordinator")
        MANDATE_SUBMITTED = "mandate_submitted", _("Mandat til godkjenning")
        PHASE_ALERT = "phase_alert", _("Ny fase")
        PHASE_ESCALATION = "phase_escalation", _("Fasevarsel ikke kvittert")
        PHASE_PROPOSED = "phase_proposed", _("Forslag om ny fase")
        OBSERVATION = "observation", _("Noe har endret seg")
        MEETING_INVITED = "meeting_invited", _("Innkalling til møte")
        MEETING_PROPOSED = "meeting_proposed", _("Foreslått møte")
        TASK_ASSIGNED = "task_assigned", _("Nytt tiltak")
        TASK_DUE = "task_due", _("Tiltak forfaller")
        TASK_OVERDUE = "task_overdue", _("Tiltak over frist")
        ANNUAL_DUE = "annual_due", _("Aktivitet i årshjulet nærmer seg")
        EVALUATION_DUE = "evaluation_due", _("Evaluering nærmer seg")
        EVALUATION_MISSING = "evaluation_missing", _("Planperioden er slutt uten evaluering")
        EVALUATION_SUMMARY = "evaluation_summary", _("Oppsummering av evaluering")
        CONSENT_RENEWAL = "consent_renewal", _("Samtykke må fornyes")
        MEMBER_LEAVING = "member_leaving", _("Aktør slutter snart")
        NO_DEPUTY = "no_deputy", _("Mangler stedfortreder")
        NIGHT_DIGEST = "night_digest", _("Nattens kontakter")
        SURVEY = "survey", _("Samarbeidsundersøkelse")
        TURNING_16 = "turning_16", _("Pasienten har fylt 16 år")
        MESSAGE = "message", _("Ny melding")

    recipient = models.ForeignKey(User, on_delete=models.PROTECT, related_name="notifications")
    kind = models.CharField(_("type"), max_length=32, choices=Kind.choices)
    message = models.CharField(_("melding"), max_length=500)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="notifications"
    )
    # What happened, so that a repeat of the same event is recognised (e.g. "member 7 leaves
    # 2027-03-01"); a new leave date is a new occurrence.
    occurrence = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Where the recipient acts on it (a path inside LKT).
    url = models.CharField(max_length=300, blank=True)
    # Urgent notifications (a phase change to gul or rød) must be acknowledged; one still
    # unacknowledged at escalate_at goes to the deputy and the coordinator's leader.
    urgent = models.BooleanField(default=False)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    escalate_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("varsel")
        verbose_name_plural = _("varsler")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Two constraints rather than nulls_distinct=False, which SQLite (the demo) lacks.
            models.UniqueConstraint(
                fields=["kind", "recipient", "team", "occurrence"],
                condition=Q(team__isnull=False),
                name="one_notification_per_occurrence",
            ),
            models.UniqueConstraint(
                fields=["kind", "recipient", "occurrence"],
                condition=Q(team__isnull=True),
                name="one_notification_per_occurrence_without_team",
            ),
        ]
        indexes = [
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="unread_notifications"
            ),
            # The escalation sweep reads only alerts still waiting, not every notification.
            models.Index(
                fields=["escalate_at"],
                condition=Q(
                    escalate_at__isnull=False,
                    acknowledged_at__isnull=True,
                    escalated_at__isnull=True,
                ),
                name="alerts_awaiting_escalation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.kind}"


class Delivery(models.Model):
    """The outbox: one message on one channel to one person. ``key`` is unique (what, whom,
    which occurrence, which channel), so the same message is never queued twice."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-post")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("Venter")
        SENT = "sent", _("Sendt")
        FAILED = "failed", _("Feilet")

    recipient = models.ForeignKey(User, on_delete=models.PROTECT, related_name="deliveries")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    # Empty for the daily digest, which gathers many notifications.
    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.PROTECT, related_name="deliveries"
    )
    key = models.CharField(max_length=200, unique=True)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Not before this time: set forward after a failed attempt (backoff).
    available_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("utsending")
        verbose_name_plural = _("utsendinger")
        indexes = [
            # The outbox sweep reads only what is waiting.
            models.Index(
                fields=["available_at"],
                condition=Q(status="pending"),
                name="pending_deliveries",
            )
        ]

    def __str__(self) -> str:
        return self.key


class NotificationPreference(models.Model):
    """How one person wants notifications outside LKT. Without a row: e-mail at once, no SMS."""

    class Email(models.TextChoices):
        INSTANT = "instant", _("Med en gang")
        DIGEST = "digest", _("Samlet en gang om dagen")
        OFF = "off", _("Ikke på e-post")

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.CharField(
        _("e-post"), max_length=8, choices=Email.choices, default=Email.INSTANT
    )
    sms_urgent = models.BooleanField(_("SMS ved ny gul eller rød fase"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("varslingsinnstilling")
        verbose_name_plural = _("varslingsinnstillinger")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.email}"


class CalendarFeed(models.Model):
    """A personal calendar feed (ICS) behind a secret token. Revoking deletes the row, so the
    old address stops working at once; a new feed gets a new token."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kalenderabonnement")
        verbose_name_plural = _("kalenderabonnement")

    def __str__(self) -> str:
        return f"{self.user_id}"
