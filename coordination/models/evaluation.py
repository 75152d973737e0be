"""Plan periods and their evaluation against the patient's goals (element E)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from actors.models import Team, User


class PlanPeriod(models.Model):
    """The period the plan runs for before it is evaluated."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="plan_periods")
    starts_on = models.DateField(_("fra"))
    ends_on = models.DateField(_("til"))
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Set once the sweep has proposed the evaluation meeting, so it is proposed once.
    evaluation_proposed_at = models.DateTimeField(null=True, blank=True)
    # Set when the evaluation is closed: the period is done.
    evaluated_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("planperiode")
        verbose_name_plural = _("planperioder")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")),
                name="plan_period_ends_after_start",
                violation_error_message=_("Planperioden må slutte etter at den starter."),
            )
        ]
        indexes = [
            # Evaluation reminders read only periods not yet evaluated, by end date.
            models.Index(
                fields=["ends_on"],
                condition=Q(evaluated_on__isnull=True),
                name="periods_awaiting_evaluation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.starts_on}–{self.ends_on}"


class Evaluation(models.Model):
    """The evaluation of one plan period: per goal a result in the patient's and the team's
    words, and a summary written with the patient and sent to the team for corrections."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Under arbeid")
        SENT = "sent", _("Sendt til gjennomlesing")
        CLOSED = "closed", _("Avsluttet")

    period = models.OneToOneField(PlanPeriod, on_delete=models.PROTECT, related_name="evaluation")
    meeting = models.ForeignKey(
        "coordination.Meeting", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    summary = models.TextField(_("oppsummering"), max_length=8000, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    corrections_until = models.DateTimeField(_("frist for rettelser"), null=True, blank=True)
    # Optimistic locking of the summary.
    version = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("evaluering")
        verbose_name_plural = _("evalueringer")

    def __str__(self) -> str:
        return f"{self.period_id}"


class GoalEvaluation(models.Model):
    class Result(models.TextChoices):
        REACHED = "reached", _("Nådd")
        PARTLY = "partly", _("Delvis nådd")
        NOT_REACHED = "not_reached", _("Ikke nådd")

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="goal_results"
    )
    goal = models.ForeignKey("careplans.Goal", on_delete=models.PROTECT, related_name="+")
    result = models.CharField(_("resultat"), max_length=16, choices=Result.choices)
    patient_words = models.TextField(_("med pasientens ord"), max_length=1000)
    team_words = models.TextField(_("teamets vurdering"), max_length=1000, blank=True)
    next_step = models.TextField(_("nytt mål eller videre plan"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("evaluering av mål")
        verbose_name_plural = _("evalueringer av mål")
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "goal"], name="one_result_per_goal")
        ]

    def __str__(self) -> str:
        return f"{self.goal_id}: {self.result}"


class EvaluationCorrection(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="corrections")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("rettelse"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rettelse til evaluering")
        verbose_name_plural = _("rettelser til evaluering")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.evaluation_id}"
