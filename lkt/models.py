"""The audit trail: who saw or changed which patient's data, when and why."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an audit record."""


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(f"{self.model.__name__} is append-only")

    def delete(self) -> NoReturn:
        raise AppendOnlyError(f"{self.model.__name__} is append-only")


class AppendOnly(models.Model):
    """An audit record: written once, never changed or removed (on PostgreSQL a trigger
    refuses it too, migrations 0002 and 0003)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(f"{type(self).__name__} is append-only")


class AccessLog(AppendOnly):
    """Append-only (pasientjournalloven § 22 logic: the patient may see who read their data).

    The model refuses update and delete; on PostgreSQL a trigger refuses them too.
    """

    class Action(models.TextChoices):
        VIEW = "view", _("Lest")
        CHANGE = "change", _("Endret")
        EXPORT = "export", _("Eksportert")
        BREAK_GLASS = "break_glass", _("Nødtilgang")

    # Every page writes a row: with a foreign key in the database, each row's check locked the
    # patient's and the user's rows (FOR KEY SHARE) and added 40 % to its WAL, and two people
    # reading one patient at once made a MultiXact (issue 17). Django's PROTECT still keeps a
    # patient or user with rows in the log from being deleted; (patient, -at) serves a
    # patient's rows, so the patient has no index of its own.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        db_constraint=False,
    )
    patient = models.ForeignKey(
        "actors.Patient",
        on_delete=models.PROTECT,
        related_name="access_logs",
        db_constraint=False,
        db_index=False,
    )
    action = models.CharField(max_length=16, choices=Action.choices)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64, blank=True)
    reason = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("tilgangslogg")
        verbose_name_plural = _("tilgangslogg")
        ordering = ["-at"]
        indexes = [models.Index(fields=["patient", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.action} {self.object_type}"


class ExportLog(AppendOnly):
    """Who exported which aggregate report (indicators for leaders): no patient's data is in
    it, so it is not in ``AccessLog``, but every export is still traced."""

    class Kind(models.TextChoices):
        INDICATORS_PDF = "indicators_pdf", _("Indikatorer, PDF")
        INDICATORS_CSV = "indicators_csv", _("Indikatorer, CSV")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    organisation = models.ForeignKey(
        "actors.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("eksportlogg")
        verbose_name_plural = _("eksportlogg")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.kind} {self.organisation_id}"


class LoginEvent(AppendOnly):
    """Every login through ID-porten or HelseID, let in or refused, and every first login
    that linked an account (actors.identity.linking). A refusal has no account and often no patient,
    so it cannot be an ``AccessLog`` row; what is linked to a patient is in both."""

    class Outcome(models.TextChoices):
        SIGNED_IN = "signed_in", _("Logget inn")
        LINKED = "linked", _("Første innlogging: konto koblet")
        REFUSED = "refused", _("Avvist")

    provider = models.CharField(max_length=16)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    # Why a login was refused, or what a first login linked (actors.identity.linking says each).
    reason = models.CharField(max_length=32, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    # Who the provider said it was: an auditor must be able to tell who was refused.
    national_id = models.CharField(max_length=11, blank=True)
    hpr_number = models.CharField(max_length=9, blank=True)
    acr = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("innloggingshendelse")
        verbose_name_plural = _("innloggingshendelser")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.provider} {self.outcome} {self.reason}"
