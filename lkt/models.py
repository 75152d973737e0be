"""The audit trail: who saw or changed which patient's data, when and why."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an audit record."""


class AccessLogQuerySet(models.QuerySet["AccessLog"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("AccessLog is append-only")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("AccessLog is append-only")


class AccessLog(models.Model):
    """Append-only (pasientjournalloven § 22 logic: the patient may see who read their data).

    The model refuses update and delete; on PostgreSQL a trigger refuses them too.
    """

    class Action(models.TextChoices):
        VIEW = "view", _("Lest")
        CHANGE = "change", _("Endret")
        EXPORT = "export", _("Eksportert")
        BREAK_GLASS = "break_glass", _("Nødtilgang")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    patient = models.ForeignKey(
        "actors.Patient", on_delete=models.PROTECT, related_name="access_logs"
    )
    action = models.CharField(max_length=16, choices=Action.choices)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64, blank=True)
    reason = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("tilgangslogg")
        verbose_name_plural = _("tilgangslogg")
        ordering = ["-at"]
        indexes = [models.Index(fields=["patient", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.action} {self.object_type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("AccessLog is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("AccessLog is append-only")
