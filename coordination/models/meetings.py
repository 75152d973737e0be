"""Meetings of the team (element E): who leads, who writes the minutes, the agenda with the
standing items, the minutes written in place, and decisions that become tasks."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from actors.models import Member, Patient, RelativeLink, Team, User

MINUTES_TEXT = 20000
NOTES_TEXT = 4000


class StandingItem(models.TextChoices):
    """Items every meeting is offered, from the LKT model's checklist (chapter 7.1.5)."""

    GOALS = "goals", _("Pasientens mål siden sist")
    PHASE = "phase", _("Fase: grønn, gul eller rød?")
    IP_RIGHTS = (
        "ip_rights",
        _("Har pasienten fått vurdert rett til individuell plan og koordinator?"),
    )
    CONSENT = "consent", _("Er samtykket fortsatt gyldig?")
    LEAVING = "leaving", _("Aktører som slutter")


class Meeting(models.Model):
    class Kind(models.TextChoices):
        STARTUP = "oppstart", _("Oppstartsmøte")
        EVALUATION = "evaluering", _("Evalueringsmøte")
        RESPONSIBILITY_GROUP = "ansvarsgruppe", _("Ansvarsgruppemøte")
        AD_HOC = "ad_hoc", _("Ad hoc-møte")
        BOARD = "tavle", _("Tavlemøte")

    class Status(models.TextChoices):
        # Proposed by LKT itself (an evaluation one week before the plan period ends); the
        # coordinator confirms the time before anyone is invited.
        PROPOSED = "proposed", _("Foreslått")
        PLANNED = "planned", _("Planlagt")
        HELD = "held", _("Gjennomført")
        CANCELLED = "cancelled", _("Avlyst")

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(_("type møte"), max_length=16, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    starts_at = models.DateTimeField(_("tidspunkt"))
    duration_minutes = models.PositiveSmallIntegerField(_("varighet (minutter)"), default=60)
    place = models.CharField(_("sted"), max_length=200, blank=True)
    video_url = models.URLField(_("lenke til videomøte"), max_length=500, blank=True)
    leader = models.ForeignKey(
        Member,
        verbose_name=_("møteleder"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    referent = models.ForeignKey(
        Member,
        verbose_name=_("referent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    invited = models.ManyToManyField(
        Member, verbose_name=_("innkalte"), blank=True, related_name="meetings_invited"
    )
    patient_invited = models.BooleanField(_("pasienten er invitert"), default=True)
    relatives_invited = models.ManyToManyField(
        RelativeLink, verbose_name=_("pårørende invitert"), blank=True, related_name="+"
    )
    # The plan period an evaluation meeting evaluates.
    plan_period = models.ForeignKey(
        "coordination.PlanPeriod",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    # The årshjul activity this meeting carries out, if any.
    annual_activity = models.ForeignKey(
        "careplans.AnnualActivity",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    minutes = models.TextField(_("referat"), max_length=MINUTES_TEXT, blank=True)
    # Optimistic locking of the minutes: two people writing at once never overwrite each other.
    minutes_version = models.PositiveIntegerField(default=0)
    minutes_updated_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    minutes_updated_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # When the row was last saved: FHIR's meta.lastUpdated and _lastUpdated (lkt.fhir).
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("møte")
        verbose_name_plural = _("møter")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["team", "starts_at"], name="meetings_by_team_time")]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5, duration_minutes__lte=480),
                name="meeting_duration_in_range",
                violation_error_message=_("Et møte varer mellom 5 minutter og 8 timer."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d}"


class AgendaItem(models.Model):
    """One concrete item on the agenda, with what was said about it (the minutes per item)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("sak"), max_length=200)
    standing = models.CharField(max_length=16, choices=StandingItem.choices, blank=True)
    notes = models.TextField(_("referat for saken"), max_length=NOTES_TEXT, blank=True)

    class Meta:
        verbose_name = _("sak på dagsorden")
        verbose_name_plural = _("saker på dagsorden")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "standing"],
                condition=~Q(standing=""),
                name="standing_item_once_per_meeting",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Decision(models.Model):
    """A decision in the minutes. It becomes a task (tiltak) in one step: Task.decision."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    text = models.CharField(_("vedtak"), max_length=500)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("beslutning")
        verbose_name_plural = _("beslutninger")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text


class MeetingPreferences(models.Model):
    """The patient's own wishes for meetings ("ikke store møter", "ikke pårørende nå"),
    respected when a meeting is planned."""

    patient = models.OneToOneField(
        Patient, on_delete=models.PROTECT, related_name="meeting_preferences"
    )
    max_participants = models.PositiveSmallIntegerField(
        _("høyst så mange deltakere"), null=True, blank=True
    )
    without_relatives = models.BooleanField(_("ikke pårørende i møtene nå"), default=False)
    wishes = models.TextField(_("andre ønsker for møter"), max_length=1000, blank=True)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ønsker for møter")
        verbose_name_plural = _("ønsker for møter")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_participants__isnull=True)
                | Q(max_participants__gte=2, max_participants__lte=30),
                name="meeting_size_wish_in_range",
                violation_error_message=_(
                    "Velg mellom 2 og 30 deltakere, eller la feltet stå tomt."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.patient_id}"
