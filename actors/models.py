"""People, organisations, patients and their teams (aktørfellesskap), relatives and consent."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from actors.validators import (
    validate_hpr_number,
    validate_national_id,
    validate_org_number,
    validate_phone,
)

if TYPE_CHECKING:
    import datetime as dt


class User(AbstractUser):
    """A person who logs in: staff, a patient in the portal, or a relative."""

    class Kind(models.TextChoices):
        STAFF = "staff", _("Ansatt")
        PATIENT = "patient", _("Pasient")
        RELATIVE = "relative", _("Pårørende")

    kind = models.CharField(_("type bruker"), max_length=16, choices=Kind.choices)
    hpr_number = models.CharField(
        _("HPR-nummer"), max_length=9, blank=True, validators=[validate_hpr_number]
    )
    phone = models.CharField(_("telefon"), max_length=16, blank=True, validators=[validate_phone])
    organisation = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("arbeidssted"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="employees",
    )
    # A leader sees aggregate figures for their organisation, never a patient's clinical text.
    is_leader = models.BooleanField(_("leder"), default=False)
    failed_login_count = models.PositiveSmallIntegerField(default=0, editable=False)
    locked_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("bruker")
        verbose_name_plural = _("brukere")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="staff") | Q(hpr_number=""),
                name="hpr_number_only_for_staff",
            ),
            models.CheckConstraint(
                condition=Q(kind="staff") | Q(is_leader=False),
                name="leader_is_staff",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_staff_member(self) -> bool:
        return self.kind == self.Kind.STAFF


class Level(models.TextChoices):
    KOMMUNE = "kommune", _("Kommune")
    SPESIALIST = "spesialist", _("Spesialisthelsetjenesten")
    ANNEN = "annen", _("Annen sektor")


class Organisation(models.Model):
    class Kind(models.TextChoices):
        KOMMUNE = "kommune", _("Kommune")
        HELSEFORETAK = "helseforetak", _("Helseforetak")
        LEGEKONTOR = "legekontor", _("Legekontor")
        HJEMMETJENESTE = "hjemmetjeneste", _("Hjemmetjeneste")
        PSYKISK_HELSE_RUS = "psykisk_helse_rus", _("Psykisk helse og rus")
        KOORDINERENDE_ENHET = "koordinerende_enhet", _("Koordinerende enhet")
        DPS = "dps", _("DPS")
        SYKEHUSAVDELING = "sykehusavdeling", _("Sykehusavdeling")
        NAV = "nav", _("NAV")
        SKOLE = "skole", _("Skole")
        BARNEVERN = "barnevern", _("Barnevern")
        OTHER = "other", _("Annet")

    name = models.CharField(_("navn"), max_length=200)
    org_number = models.CharField(
        _("organisasjonsnummer"), max_length=9, unique=True, validators=[validate_org_number]
    )
    kind = models.CharField(_("type"), max_length=32, choices=Kind.choices)
    level = models.CharField(_("nivå"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("overordnet"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("organisasjon")
        verbose_name_plural = _("organisasjoner")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Patient(models.Model):
    name = models.CharField(_("navn"), max_length=200)
    national_id = models.CharField(
        _("fødselsnummer eller D-nummer"),
        max_length=11,
        unique=True,
        validators=[validate_national_id],
        error_messages={"unique": _("Det finnes allerede en pasient med dette fødselsnummeret.")},
    )
    birth_date = models.DateField(_("fødselsdato"), editable=False)
    user = models.OneToOneField(
        User,
        verbose_name=_("portalbruker"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="patient_record",
        limit_choices_to={"kind": User.Kind.PATIENT},
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pasient")
        verbose_name_plural = _("pasienter")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def age_on(self, day: dt.date) -> int:
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday


class Team(models.Model):
    """Aktørfellesskap: the actors who commit to one patient's plan."""

    class Status(models.TextChoices):
        ESTABLISHING = "establishing", _("Under etablering")
        ACTIVE = "active", _("Aktiv")
        CLOSED = "closed", _("Avsluttet")

    patient = models.ForeignKey(
        Patient, verbose_name=_("pasient"), on_delete=models.PROTECT, related_name="teams"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ESTABLISHING
    )
    established_on = models.DateField(_("opprettet"))
    activated_on = models.DateField(_("aktiv fra"), null=True, blank=True)
    closed_on = models.DateField(_("avsluttet"), null=True, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("opprettet av")
    )

    class Meta:
        verbose_name = _("aktørfellesskap")
        verbose_name_plural = _("aktørfellesskap")
        constraints = [
            # One patient, one team at a time: a closed team stays as history.
            models.UniqueConstraint(
                fields=["patient"],
                condition=~Q(status="closed"),
                name="one_open_team_per_patient",
                violation_error_message=_("Pasienten har allerede et aktørfellesskap."),
            ),
            models.CheckConstraint(
                condition=Q(status="closed", closed_on__isnull=False)
                | (~Q(status="closed") & Q(closed_on__isnull=True)),
                name="closed_team_has_closed_on",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Aktørfellesskapet rundt %(patient)s") % {"patient": self.patient.name})


class Role(models.TextChoices):
    COORDINATOR = "koordinator", _("Koordinator og leder av aktørfellesskapet")
    GP = "fastlege", _("Fastlege")
    SPECIALIST_CONTACT = "kontaktlege", _("Kontaktlege/kontaktpsykolog i spesialisthelsetjenesten")
    INTERNAL_COORDINATOR = "intern_koordinator", _("Intern koordinator i spesialisthelsetjenesten")
    NURSE = "sykepleier", _("Sykepleier")
    PSYCHIATRIC_NURSE = "psykiatrisk_sykepleier", _("Psykiatrisk sykepleier")
    OCCUPATIONAL_THERAPIST = "ergoterapeut", _("Ergoterapeut")
    PHYSIOTHERAPIST = "fysioterapeut", _("Fysioterapeut")
    PSYCHOLOGIST = "psykolog", _("Psykolog")
    MILIEU_THERAPIST = "miljoterapeut", _("Miljøterapeut")
    SOCIAL_WORKER = "sosionom", _("Sosionom")
    PHARMACIST = "farmasoyt", _("Farmasøyt")
    NAV_ADVISER = "nav_veileder", _("NAV-veileder")
    TEACHER = "laerer", _("Lærer")
    CHILD_WELFARE = "barnevern", _("Barnevernskontakt")
    HOUSING = "bolig", _("Boligkontakt")
    RELATIVE_CONTACT = "parorende_kontakt", _("Pårørende-kontakt")
    OTHER = "annen", _("Annen rolle")


# The four roles every team must have (Helse Bergen LKT model, element B).
MANDATORY_ROLES: tuple[Role, ...] = (
    Role.COORDINATOR,
    Role.GP,
    Role.SPECIALIST_CONTACT,
    Role.INTERNAL_COORDINATOR,
)


class Member(models.Model):
    """A role in one team, held by a staff user or by an external contact without login.

    Leaving ends a membership (``left_on``); it is never deleted, so the history stays.
    """

    class Involvement(models.TextChoices):
        CORE = "core", _("Kjernemedlem")
        AS_NEEDED = "as_needed", _("Ved behov")

    team = models.ForeignKey(
        Team, verbose_name=_("aktørfellesskap"), on_delete=models.PROTECT, related_name="members"
    )
    user = models.ForeignKey(
        User,
        verbose_name=_("bruker"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
        limit_choices_to={"kind": User.Kind.STAFF},
    )
    external_name = models.CharField(_("navn"), max_length=200, blank=True)
    external_phone = models.CharField(
        _("telefon"), max_length=16, blank=True, validators=[validate_phone]
    )
    external_email = models.EmailField(_("e-post"), blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisasjon"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("rolle"), max_length=32, choices=Role.choices)
    involvement = models.CharField(
        _("deltakelse"), max_length=16, choices=Involvement.choices, default=Involvement.CORE
    )
    joined_on = models.DateField(_("med fra"))
    expected_leave_on = models.DateField(_("forventet slutt"), null=True, blank=True)
    left_on = models.DateField(_("sluttet"), null=True, blank=True)

    class Meta:
        verbose_name = _("medlem")
        verbose_name_plural = _("medlemmer")
        ordering = ["team", "role", "joined_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(external_name=""),
                name="member_is_user_or_named_contact",
            ),
            models.UniqueConstraint(
                fields=["team", "user"],
                condition=Q(left_on__isnull=True, user__isnull=False),
                name="one_active_membership_per_user",
                violation_error_message=_(
                    "Personen er allerede aktivt medlem av aktørfellesskapet."
                ),
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="member_leaves_after_joining",
            ),
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in Role]),
                name="member_role_in_closed_list",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.get_role_display()})"

    @property
    def display_name(self) -> str:
        return str(self.user) if self.user_id and self.user else self.external_name

    @property
    def contact_phone(self) -> str:
        return self.user.phone if self.user_id and self.user else self.external_phone

    @property
    def contact_email(self) -> str:
        return self.user.email if self.user_id and self.user else self.external_email

    @property
    def level(self) -> str:
        return self.organisation.level if self.organisation_id and self.organisation else ""

    @property
    def is_active(self) -> bool:
        return self.left_on is None


class RelativeLink(models.Model):
    """A relative (pårørende) and what the patient allows them to see (pbrl. § 3-3)."""

    class Relation(models.TextChoices):
        PARENT = "parent", _("Forelder")
        PARTNER = "partner", _("Ektefelle/samboer")
        CHILD = "child", _("Barn")
        SIBLING = "sibling", _("Søsken")
        GUARDIAN = "guardian", _("Verge")
        FRIEND = "friend", _("Venn")
        OTHER = "other", _("Annen")

    patient = models.ForeignKey(
        Patient, verbose_name=_("pasient"), on_delete=models.PROTECT, related_name="relative_links"
    )
    relative = models.ForeignKey(
        User,
        verbose_name=_("pårørende"),
        on_delete=models.PROTECT,
        related_name="relative_links",
        limit_choices_to={"kind": User.Kind.RELATIVE},
    )
    relation = models.CharField(_("relasjon"), max_length=16, choices=Relation.choices)
    # The patient decides: an excluded relative sees nothing at all, whatever else is set.
    excluded = models.BooleanField(_("utelukket av pasienten"), default=False)
    may_see_team = models.BooleanField(_("kan se hvem som er i teamet"), default=False)
    may_see_goals = models.BooleanField(_("kan se Min gode dag og mål"), default=False)
    may_see_plan = models.BooleanField(_("kan se planen og kriseplanen"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("pårørende")
        verbose_name_plural = _("pårørende")
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "relative"],
                name="one_link_per_relative",
                violation_error_message=_("Denne pårørende er allerede knyttet til pasienten."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.relative} → {self.patient}"


class Consent(models.Model):
    """Samtykke: the basis for sharing. Withdrawal takes effect at once; history is kept."""

    class Scope(models.TextChoices):
        TEAM_SHARING = "team_sharing", _("Deling i aktørfellesskapet")
        RELATIVES = "relatives", _("Informasjon til pårørende")
        CRISIS_PLAN = "crisis_plan", _("Kriseplan til legevakt/AMK")

    class Method(models.TextChoices):
        WRITTEN = "written", _("Skriftlig")
        ORAL = "oral", _("Muntlig")

    class GivenBy(models.TextChoices):
        PATIENT = "patient", _("Pasienten selv")
        GUARDIAN = "guardian", _("Foreldre eller verge")

    patient = models.ForeignKey(
        Patient, verbose_name=_("pasient"), on_delete=models.PROTECT, related_name="consents"
    )
    scope = models.CharField(_("omfang"), max_length=16, choices=Scope.choices)
    method = models.CharField(_("form"), max_length=8, choices=Method.choices)
    given_by = models.CharField(
        _("gitt av"), max_length=8, choices=GivenBy.choices, default=GivenBy.PATIENT
    )
    given_at = models.DateTimeField(_("gitt"))
    recorded_by = models.ForeignKey(
        User, verbose_name=_("registrert av"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("merknad"), blank=True)
    withdrawn_at = models.DateTimeField(_("trukket tilbake"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("samtykke")
        verbose_name_plural = _("samtykker")
        ordering = ["-given_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "scope"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_standing_consent_per_scope",
                violation_error_message=_("Det finnes allerede et gyldig samtykke for dette."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.patient}: {self.get_scope_display()}"

    @property
    def is_standing(self) -> bool:
        return self.withdrawn_at is None
