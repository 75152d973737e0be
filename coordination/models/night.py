"""Contacts outside office hours (hendelser) with legevakt, AMK, police and other night and
emergency services, and the rules that turn them into phase proposals for the team.

The UKOM report on Malin ("Ingen kan hjelpe meg") is why: she met the night services again and
again while the daytime team knew nothing. Every such contact is recorded here and reaches the
coordinator next morning.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from actors.models import Patient, Team, User
from careplans.models import Phase


class NightService(models.TextChoices):
    LEGEVAKT = "legevakt", _("Legevakt")
    AMK = "amk", _("AMK")
    POLICE = "politi", _("Politi")
    EMERGENCY_ROOM = "akuttmottak", _("Akuttmottak")
    CRISIS_TEAM = "kriseteam", _("Kriseteam")
    CHILD_WELFARE = "barnevernvakt", _("Barnevernvakt")


class ContactImport(models.Model):
    """One uploaded file of contacts: what came in, what was kept, and why each bad row was
    refused (line number and reason), so the sender can correct and send those again."""

    file_name = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    rows_total = models.PositiveIntegerField(default=0)
    rows_imported = models.PositiveIntegerField(default=0)
    # [{"line": 7, "reason": "..."}]
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("import av kontakter")
        verbose_name_plural = _("importer av kontakter")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.file_name


class NightContact(models.Model):
    class Outcome(models.TextChoices):
        SENT_HOME = "sent_home", _("Sendt hjem")
        ADMITTED = "admitted", _("Innlagt")
        TRANSFERRED = "transferred", _("Overført")

    class Source(models.TextChoices):
        FORM = "form", _("Registrert i LKT")
        IMPORT = "import", _("Importert fil")
        API = "api", _("API")

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="night_contacts")
    service = models.CharField(_("tjeneste"), max_length=16, choices=NightService.choices)
    occurred_at = models.DateTimeField(_("tidspunkt"))
    reason = models.CharField(_("kort årsak"), max_length=300)
    outcome = models.CharField(_("utfall"), max_length=16, choices=Outcome.choices)
    # A contact where suicide risk was assessed as present: by default it proposes rød.
    suicide_risk = models.BooleanField(_("selvmordsfare vurdert som til stede"), default=False)
    recorded_by = models.ForeignKey(
        User, verbose_name=_("registrert av"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.FORM)
    batch = models.ForeignKey(
        ContactImport, null=True, blank=True, on_delete=models.PROTECT, related_name="contacts"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # When the morning digest (or its late notice) took the contact, told or not: each contact
    # goes out once, whenever it was registered (coordination.night.digest).
    digested_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("kontakt utenom kontortid")
        verbose_name_plural = _("kontakter utenom kontortid")
        ordering = ["-occurred_at", "-pk"]
        constraints = [
            # The same contact sent twice (a file imported again) is one contact.
            models.UniqueConstraint(
                fields=["patient", "service", "occurred_at"],
                name="one_contact_per_service_and_time",
                violation_error_message=_("Denne kontakten er registrert fra før."),
            )
        ]
        indexes = [
            models.Index(fields=["patient", "-occurred_at"], name="contacts_by_patient"),
            # The morning digest reads the night's contacts by time only.
            models.Index(fields=["occurred_at"], name="contacts_by_time"),
            # The digest reads the contacts no digest has taken yet, of the last two weeks.
            models.Index(
                fields=["occurred_at"],
                name="contacts_not_digested",
                condition=models.Q(digested_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_service_display()} {self.occurred_at:%Y-%m-%d %H:%M}"


class PhaseRule(models.Model):
    """A rule that proposes a phase when night contacts show a pattern. Rules are data: a team
    without rows of its own uses the defaults (coordination.phase.rules.DEFAULT_RULES); once the
    coordinator edits them, the team has its own rows."""

    class Trigger(models.TextChoices):
        COUNT = "count", _("Antall kontakter innen et antall dager")
        ADMISSION = "admission", _("Innleggelse")
        SUICIDE_RISK = "suicide_risk", _("Selvmordsfare vurdert")

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="phase_rules")
    trigger = models.CharField(_("når"), max_length=16, choices=Trigger.choices)
    min_contacts = models.PositiveSmallIntegerField(_("antall kontakter"), null=True, blank=True)
    within_days = models.PositiveSmallIntegerField(_("innen dager"), null=True, blank=True)
    phase = models.CharField(_("foreslå fase"), max_length=8, choices=Phase.choices)
    active = models.BooleanField(_("i bruk"), default=True)

    class Meta:
        verbose_name = _("faseregel")
        verbose_name_plural = _("faseregler")
        ordering = ["team", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(trigger="count")
                | Q(
                    min_contacts__gte=2,
                    min_contacts__lte=20,
                    within_days__gte=1,
                    within_days__lte=90,
                ),
                name="count_rule_has_numbers",
                violation_error_message=_("En telleregel trenger 2–20 kontakter innen 1–90 dager."),
            ),
            models.CheckConstraint(
                condition=~Q(phase="green"),
                name="rule_proposes_yellow_or_red",
                violation_error_message=_("En regel foreslår gul eller rød fase."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team_id}: {self.trigger} → {self.phase}"
