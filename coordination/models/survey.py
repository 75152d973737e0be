"""The relational coordination survey (relasjonell koordinering): seven dimensions of how the
team's members work together, each answered on a 1–5 scale, one round at a time.

Answers are anonymous to the team: who has answered (``SurveyParticipation``) and what was
answered (``SurveyAnswer``) are kept apart, with nothing that links them. The answer has a
random key and no time, so neither the order of rows nor a timestamp ties an answer to the
person who was seen answering then.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from actors.models import Team, User

SCALE_MIN = 1
SCALE_MAX = 5


class Dimension(models.TextChoices):
    """The seven dimensions (Gittell): four of communication, three of relationships."""

    FREQUENT = "frequent", _("Hyppig kommunikasjon")
    TIMELY = "timely", _("Kommunikasjon i tide")
    ACCURATE = "accurate", _("Presis kommunikasjon")
    PROBLEM_SOLVING = "problem_solving", _("Problemløsende kommunikasjon")
    SHARED_GOALS = "shared_goals", _("Felles mål")
    SHARED_KNOWLEDGE = "shared_knowledge", _("Felles kunnskap")
    MUTUAL_RESPECT = "mutual_respect", _("Gjensidig respekt")


class SurveyRound(models.Model):
    """One round of the survey in one team, opened by the coordinator, closed by them or when
    ``closes_at`` has passed."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="survey_rounds")
    number = models.PositiveSmallIntegerField()
    opened_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    closes_at = models.DateTimeField(_("svarfrist"))
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("runde av samarbeidsundersøkelsen")
        verbose_name_plural = _("runder av samarbeidsundersøkelsen")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["team", "number"], name="one_survey_round_number"),
            # One open round per team at a time.
            models.UniqueConstraint(
                fields=["team"],
                condition=Q(closed_at__isnull=True),
                name="one_open_survey_round",
                violation_error_message=_("Teamet har allerede en åpen runde."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team_id} #{self.number}"


class SurveyParticipation(models.Model):
    """That a member answered a round (so they answer once), never what they answered."""

    round = models.ForeignKey(SurveyRound, on_delete=models.PROTECT, related_name="participations")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("deltakelse i samarbeidsundersøkelsen")
        verbose_name_plural = _("deltakelser i samarbeidsundersøkelsen")
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="one_answer_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.user_id}"


def _score(dimension: Dimension) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(dimension.label)


class SurveyAnswer(models.Model):
    """One member's answer to one round, without who or when (see the module docstring)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(SurveyRound, on_delete=models.PROTECT, related_name="answers")
    frequent = _score(Dimension.FREQUENT)
    timely = _score(Dimension.TIMELY)
    accurate = _score(Dimension.ACCURATE)
    problem_solving = _score(Dimension.PROBLEM_SOLVING)
    shared_goals = _score(Dimension.SHARED_GOALS)
    shared_knowledge = _score(Dimension.SHARED_KNOWLEDGE)
    mutual_respect = _score(Dimension.MUTUAL_RESPECT)

    class Meta:
        verbose_name = _("svar i samarbeidsundersøkelsen")
        verbose_name_plural = _("svar i samarbeidsundersøkelsen")
        constraints = [
            models.CheckConstraint(
                condition=Q(**{f"{d.value}__gte": SCALE_MIN, f"{d.value}__lte": SCALE_MAX}),
                name=f"survey_{d.value}_on_scale",
            )
            for d in Dimension
        ]

    def __str__(self) -> str:
        return f"{self.round_id}"
