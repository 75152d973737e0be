"""Tasks (tiltak): what a member does, by when, for which of the patient's goals."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from actors.models import Member, Team, User
from coordination.models.meetings import Decision


class Task(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Ikke startet")
        IN_PROGRESS = "in_progress", _("Pågår")
        DONE = "done", _("Utført")
        CANCELLED = "cancelled", _("Avlyst")

    OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="tasks")
    # Every task serves one of the patient's goals in Min gode dag: that is what it is for.
    goal = models.ForeignKey(
        "careplans.Goal", verbose_name=_("mål"), on_delete=models.PROTECT, related_name="tasks"
    )
    title = models.CharField(_("tiltak"), max_length=200)
    description = models.TextField(_("beskrivelse"), max_length=2000, blank=True)
    owner = models.ForeignKey(
        Member, verbose_name=_("ansvarlig"), on_delete=models.PROTECT, related_name="tasks"
    )
    due_on = models.DateField(_("frist"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    decision = models.OneToOneField(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="task"
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("tiltak")
        verbose_name_plural = _("tiltak")
        ordering = ["due_on", "pk"]
        indexes = [
            # Reminders and "over frist" read open tasks by due date only.
            models.Index(
                fields=["due_on"],
                condition=Q(status__in=["open", "in_progress"]),
                name="open_tasks_by_due",
            ),
            models.Index(fields=["team", "status"], name="tasks_by_team_status"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES
