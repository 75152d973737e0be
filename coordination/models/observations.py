"""Observations: "noe har endret seg", from any member or the patient, optionally proposing a
new phase that the coordinator confirms or rejects."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from actors.models import Team, User
from careplans.models import Phase, PhaseChange


class Observation(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Ny")
        CONFIRMED = "confirmed", _("Ny fase bekreftet")
        REJECTED = "rejected", _("Faseforslag avvist")
        NOTED = "noted", _("Lest av koordinator")

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="observations")
    reported_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("hva har endret seg?"), max_length=2000)
    proposed_phase = models.CharField(
        _("foreslått fase"), max_length=8, choices=Phase.choices, blank=True
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("koordinatorens merknad"), max_length=1000, blank=True)
    phase_change = models.OneToOneField(
        PhaseChange, null=True, blank=True, on_delete=models.PROTECT, related_name="observation"
    )
    # Set when a phase rule proposed this from a night contact (coordination.phase.rules): the
    # rule's key and the contact that tripped it, so the same contact never proposes twice.
    rule = models.CharField(max_length=32, blank=True)
    night_contact = models.ForeignKey(
        "coordination.NightContact",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="suggestions",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("observasjon")
        verbose_name_plural = _("observasjoner")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["team", "status"], name="observations_by_team")]
        constraints = [
            models.UniqueConstraint(
                fields=["night_contact", "rule"],
                condition=models.Q(night_contact__isnull=False),
                name="one_suggestion_per_contact_and_rule",
            )
        ]

    def __str__(self) -> str:
        return self.text[:40]
