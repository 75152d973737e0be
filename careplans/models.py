"""Element A, Min gode dag: the patient's own goals and challenges, in their words, versioned.

The patient owns the document. Challenges (utfordringsbilder) and goals have stable rows, so
perspectives and tasks can point at them; every save also freezes the whole document into a
new ``GoodDayVersion``, so nothing is ever overwritten and any two versions can be compared.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Sensible limits: long enough for a life story, short enough to stay a shared summary
# rather than a copy of the journal.
LONG_TEXT = 4000
MEDIUM_TEXT = 2000
SHORT_TEXT = 500


class GoodDay(models.Model):
    """Min gode dag for one patient; ``version`` is the optimistic lock."""

    patient = models.OneToOneField(
        "actors.Patient", on_delete=models.PROTECT, related_name="good_day"
    )
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("Min gode dag")
        verbose_name_plural = _("Min gode dag")

    def __str__(self) -> str:
        return f"Min gode dag, {self.patient_id} v{self.version}"


class Challenge(models.Model):
    """Utfordringsbilde: what stands in the way of a good day, as the patient sees it."""

    patient = models.ForeignKey(
        "actors.Patient", on_delete=models.PROTECT, related_name="challenges"
    )
    text = models.CharField(_("utfordring"), max_length=SHORT_TEXT)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("utfordringsbilde")
        verbose_name_plural = _("utfordringsbilder")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class Goal(models.Model):
    """Mål or delmål (with ``parent``), tied to the challenge or the wish it serves."""

    patient = models.ForeignKey("actors.Patient", on_delete=models.PROTECT, related_name="goals")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("hovedmål"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subgoals",
    )
    challenge = models.ForeignKey(
        Challenge,
        verbose_name=_("utfordring det gjelder"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="goals",
    )
    wish = models.CharField(_("ønske det gjelder"), max_length=SHORT_TEXT, blank=True)
    text = models.CharField(_("mål"), max_length=SHORT_TEXT)
    target_date = models.DateField(_("når"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("mål")
        verbose_name_plural = _("mål")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(challenge__isnull=False) | ~Q(wish="") | Q(parent__isnull=False),
                name="goal_serves_a_challenge_or_wish",
                violation_error_message=_("Et mål må knyttes til en utfordring eller et ønske."),
            )
        ]

    def __str__(self) -> str:
        return self.text


class GoodDayVersion(models.Model):
    """One saved version of Min gode dag, frozen: its texts and a snapshot of the challenges
    and goals as they were."""

    document = models.ForeignKey(GoodDay, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    is_draft = models.BooleanField(_("utkast"), default=False)
    good_day = models.TextField(_("Min gode dag"), max_length=LONG_TEXT, blank=True)
    what_matters = models.TextField(_("Hva er viktig for deg?"), max_length=MEDIUM_TEXT, blank=True)
    own_resources = models.TextField(_("Egne ressurser"), max_length=MEDIUM_TEXT, blank=True)
    network_resources = models.TextField(
        _("Familie og nettverk"), max_length=MEDIUM_TEXT, blank=True
    )
    life_arena = models.TextField(_("Livsarena"), max_length=MEDIUM_TEXT, blank=True)
    # [{"id", "text"}] and [{"id", "text", "challenge_id", "wish", "parent_id", "target_date"}]
    challenges = models.JSONField(default=list)
    goals = models.JSONField(default=list)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_with = models.CharField(_("skrevet sammen med"), max_length=200, blank=True)
    # Staff who may write the next version together with the patient; others read only.
    co_writers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="good_day_co_writing"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("versjon av Min gode dag")
        verbose_name_plural = _("versjoner av Min gode dag")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="one_version_number")
        ]

    def __str__(self) -> str:
        return f"v{self.number}"
