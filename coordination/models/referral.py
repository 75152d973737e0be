"""From need to team, and the coordinator's role (element C): need reports, coordinator
appointments and the coordinator's mandate."""

from __future__ import annotations

from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from actors.models import Member, Organisation, Team, User
from actors.validators import validate_national_id

# How many teams one person may coordinate before their leader is warned (and must say why
# when approving more). A local agreement; 15 is the figure the LKT pilots worked with.
COORDINATOR_CASELOAD_LIMIT = 15


# A report still to handle (``NeedReport.is_open``): received, or being assessed.
OPEN_REPORT_STATUSES = ("received", "assessing")


def report_handled() -> ExpressionWrapper:
    """Over need reports: whether the report is handled (not open). The worklist sorts by it
    (open first) and its index holds the same expression, so PostgreSQL reads a page of a
    kommune's reports in order from the index instead of sorting them all."""
    return ExpressionWrapper(~Q(status__in=OPEN_REPORT_STATUSES), output_field=BooleanField())


class NeedReport(models.Model):
    """Melding om behov: anyone reports to the kommune's koordinerende enhet that a person may
    need coordinated services. It is not a grant of services: the unit handles it."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Mottatt")
        ASSESSING = "assessing", _("Under utredning")
        TEAM_ESTABLISHED = "team_established", _("Team etablert")
        DECLINED = "declined", _("Avslått")

    class Relation(models.TextChoices):
        SELF = "self", _("Jeg er pasienten")
        RELATIVE = "relative", _("Pårørende")
        GP = "fastlege", _("Fastlege")
        HOME_CARE = "hjemmetjeneste", _("Hjemmetjeneste")
        HOSPITAL = "sykehus", _("Sykehus eller DPS")
        OTHER_STAFF = "other_staff", _("Annen tjeneste")
        OTHER = "other", _("Annen")

    kommune = models.ForeignKey(
        Organisation,
        verbose_name=_("kommune"),
        on_delete=models.PROTECT,
        related_name="need_reports",
        limit_choices_to={"kind": Organisation.Kind.KOMMUNE},
    )
    patient_name = models.CharField(_("pasientens navn"), max_length=200)
    national_id = models.CharField(
        _("fødselsnummer"), max_length=11, blank=True, validators=[validate_national_id]
    )
    need = models.TextField(_("hva er behovet?"), max_length=4000)
    reported_by = models.ForeignKey(
        User, verbose_name=_("meldt av"), on_delete=models.PROTECT, related_name="need_reports"
    )
    relation = models.CharField(_("din rolle"), max_length=16, choices=Relation.choices)
    patient_knows = models.BooleanField(_("vet pasienten om meldingen?"))
    patient_agrees = models.BooleanField(_("er pasienten enig?"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED
    )
    decline_reason = models.TextField(_("begrunnelse for avslag"), max_length=2000, blank=True)
    team = models.ForeignKey(
        Team,
        verbose_name=_("aktørfellesskap"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="need_reports",
    )
    created_at = models.DateTimeField(_("meldt"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("melding om behov")
        verbose_name_plural = _("meldinger om behov")
        ordering = ["-created_at"]
        indexes = [
            # The koordinerende enhet's worklist: its kommune's reports, open first, newest
            # first (coordination.referral.selectors.need_report_worklist orders by the same).
            models.Index(
                F("kommune"),
                report_handled(),
                F("created_at").desc(),
                F("id").desc(),
                name="need_report_worklist",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="declined_report_has_reason",
                violation_error_message=_("Skriv hvorfor meldingen avslås."),
            ),
            models.CheckConstraint(
                condition=~Q(status="team_established") | Q(team__isnull=False),
                name="established_report_has_team",
                violation_error_message=_(
                    "Knytt meldingen til aktørfellesskapet som ble etablert."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient_name} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REPORT_STATUSES


class NeedReportEvent(models.Model):
    """The report's own history: the patient may not be registered yet, so the audit log
    (which is per patient) cannot hold it until a team is linked."""

    report = models.ForeignKey(NeedReport, on_delete=models.PROTECT, related_name="events")
    status = models.CharField(_("status"), max_length=16, choices=NeedReport.Status.choices)
    note = models.TextField(_("merknad"), max_length=2000, blank=True)
    actor = models.ForeignKey(
        User, verbose_name=_("av"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("tidspunkt"), auto_now_add=True)

    class Meta:
        verbose_name = _("hendelse i melding")
        verbose_name_plural = _("hendelser i meldinger")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.status}"


class CoordinatorAppointment(models.Model):
    """Oppnevning av koordinator: the patient's wish, the line leader's approval (seeing the
    candidate's caseload), and the koordinerende enhet's registration as a team member."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Venter på leder")
        APPROVED = "approved", _("Godkjent av leder")
        REJECTED = "rejected", _("Avvist av leder")
        REGISTERED = "registered", _("Registrert")

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="appointments")
    candidate = models.ForeignKey(
        User,
        verbose_name=_("foreslått koordinator"),
        on_delete=models.PROTECT,
        related_name="coordinator_appointments",
        limit_choices_to={"kind": User.Kind.STAFF},
    )
    patient_wish = models.TextField(_("pasientens ønske"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PROPOSED
    )
    proposed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("lederens merknad"), max_length=1000, blank=True)
    # The caseload the leader saw when deciding: kept so the decision can be understood later.
    caseload_at_decision = models.PositiveSmallIntegerField(null=True, blank=True)
    registered_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(null=True, blank=True)
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("oppnevning av koordinator")
        verbose_name_plural = _("oppnevninger av koordinator")
        ordering = ["-proposed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "candidate"],
                condition=Q(status__in=["proposed", "approved"]),
                name="one_open_appointment_per_candidate",
                violation_error_message=_("Denne personen er allerede foreslått som koordinator."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.candidate} → {self.team_id} ({self.status})"


class Mandate(models.Model):
    """The coordinator's written mandate for one team: task, authority, time set aside and the
    deputy (stedfortreder), approved by the coordinator's line leader (element C)."""

    team = models.OneToOneField(Team, on_delete=models.PROTECT, related_name="mandate")
    # The coordinator the mandate is for: their line leader approves it. A new coordinator's
    # registration moves it to them and asks their leader again (the old approval no longer
    # counts). Empty only on mandates from before it was recorded (any coordinator's leader).
    coordinator = models.ForeignKey(
        Member,
        verbose_name=_("koordinator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    task_description = models.TextField(_("oppgavebeskrivelse"), max_length=4000)
    authority = models.TextField(_("myndighet"), max_length=2000)
    hours_per_month = models.PositiveSmallIntegerField(_("avsatt tid (timer per måned)"))
    deputy = models.ForeignKey(
        Member,
        verbose_name=_("stedfortreder"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    approved_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("mandat")
        verbose_name_plural = _("mandater")
        constraints = [
            models.CheckConstraint(
                condition=Q(approved_at__isnull=True) | Q(deputy__isnull=False),
                name="approved_mandate_has_deputy",
                violation_error_message=_(
                    "Mandatet kan ikke godkjennes uten stedfortreder. Velg en stedfortreder først."
                ),
            ),
            models.CheckConstraint(
                condition=Q(hours_per_month__gte=1, hours_per_month__lte=200),
                name="mandate_hours_in_range",
                violation_error_message=_("Avsatt tid må være mellom 1 og 200 timer per måned."),
            ),
        ]

    def __str__(self) -> str:
        return f"Mandat {self.team_id}"

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None

    @property
    def hours_label(self) -> str:
        """The time set aside, as the team page shows it: "12 timer per måned"."""
        return ngettext(
            "%(counter)s time per måned", "%(counter)s timer per måned", self.hours_per_month
        ) % {"counter": self.hours_per_month}
