"""People, organisations, patients and their teams (aktørfellesskap), relatives and consent."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from actors.validators import (
    validate_client_scopes,
    validate_hpr_number,
    validate_national_id,
    validate_org_number,
    validate_phone,
)


class User(AbstractUser):
    """A person who logs in: staff, a patient in the portal, or a relative."""

    class Kind(models.TextChoices):
        STAFF = "staff", _("Ansatt")
        PATIENT = "patient", _("Pasient")
        RELATIVE = "relative", _("Pårørende")
        # A registered machine client (an EPJ reading FHIR with a bearer token): never logs in
        # on the pages; the user row is who the audit log names (MachineClient).
        SYSTEM = "system", _("Maskinklient")

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


class NetworkLevel(models.TextChoices):
    """Where an actor stands in the aktørkart: an organisation's level, or the private network."""

    KOMMUNE = "kommune", _("Kommune")
    SPESIALIST = "spesialist", _("Spesialisthelsetjenesten")
    ANNEN = "annen", _("Annen sektor")
    PRIVAT = "privat", _("Privat nettverk")


class Closeness(models.TextChoices):
    """Nærhet: how often the actor is close to the patient (the rings of the aktørkart)."""

    DAILY = "daily", _("Daglig")
    WEEKLY = "weekly", _("Ukentlig")
    MONTHLY = "monthly", _("Månedlig")
    RARELY = "rarely", _("Sjeldnere")


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
        # Night and emergency services: their staff see only the crisis card (lkt.access).
        LEGEVAKT = "legevakt", _("Legevakt")
        AMK = "amk", _("AMK-sentral")
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
    # The leader's limit on teams per coordinator (set on the indicator page); empty: the
    # organisation above decides, else COORDINATOR_CASELOAD_LIMIT.
    caseload_limit = models.PositiveSmallIntegerField(
        _("maks antall team per koordinator"), null=True, blank=True
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
    # Recorded by the coordinator when the team goes active without all mandatory roles.
    missing_roles_reason = models.TextField(
        _("hvorfor obligatoriske roller mangler"), max_length=1000, blank=True
    )
    # When the row was last saved: FHIR's meta.lastUpdated and _lastUpdated (lkt.fhir).
    updated_at = models.DateTimeField(auto_now=True)

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
    POLICE = "politi", _("Politikontakt")
    DENTAL = "tannhelse", _("Tannhelse")
    RELATIVE_CONTACT = "parorende_kontakt", _("Pårørende-kontakt")
    FAMILY = "familie", _("Familie")
    FRIEND = "venn", _("Venn")
    NEIGHBOUR = "nabo", _("Nabo")
    OTHER = "annen", _("Annen rolle")


# The four roles every team must have (Helse Bergen LKT model, element B).
MANDATORY_ROLES: tuple[Role, ...] = (
    Role.COORDINATOR,
    Role.GP,
    Role.SPECIALIST_CONTACT,
    Role.INTERNAL_COORDINATOR,
)


# Who "leaves soon" on the team page; scenarios look further ahead (six months).
LEAVING_SOON_DAYS = 60


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("Aktiv")
    LEAVING = "leaving", _("Slutter snart")
    LEFT = "left", _("Sluttet")


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
    level = models.CharField(_("nivå"), max_length=16, choices=NetworkLevel.choices)
    closeness = models.CharField(
        _("nærhet"), max_length=16, choices=Closeness.choices, default=Closeness.MONTHLY
    )
    involvement = models.CharField(
        _("deltakelse"), max_length=16, choices=Involvement.choices, default=Involvement.CORE
    )
    joined_on = models.DateField(_("med fra"))
    expected_leave_on = models.DateField(_("forventet slutt"), null=True, blank=True)
    left_on = models.DateField(_("sluttet"), null=True, blank=True)
    end_reason = models.TextField(
        _("grunn til at medlemskapet ble avsluttet"), max_length=500, blank=True
    )
    # When the row was last saved: the team's FHIR meta.lastUpdated follows its members.
    updated_at = models.DateTimeField(auto_now=True)

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
        indexes = [
            # "Leaving within 30 days" reminders read only active members with a leave date.
            models.Index(
                fields=["expected_leave_on"],
                condition=Q(left_on__isnull=True, expected_leave_on__isnull=False),
                name="members_leaving",
            )
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
    def is_active(self) -> bool:
        return self.left_on is None

    def status_on(self, day: dt.date) -> MemberStatus:
        """Aktiv, slutter snart (expected to leave within LEAVING_SOON_DAYS) or sluttet."""
        if self.left_on is not None and self.left_on <= day:
            return MemberStatus.LEFT
        if self.expected_leave_on and (self.expected_leave_on - day).days <= LEAVING_SOON_DAYS:
            return MemberStatus.LEAVING
        return MemberStatus.ACTIVE


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
    may_edit_goals = models.BooleanField(_("kan skrive i Min gode dag"), default=False)
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
    # Consent is reviewed yearly (an årshjul activity); the reminder reads this date.
    renew_on = models.DateField(_("fornyes innen"), null=True, blank=True)
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
        indexes = [
            models.Index(
                fields=["renew_on"],
                condition=Q(withdrawn_at__isnull=True, renew_on__isnull=False),
                name="standing_consents_by_renewal",
            )
        ]

    def __str__(self) -> str:
        return f"{self.patient}: {self.get_scope_display()}"

    @property
    def is_standing(self) -> bool:
        return self.withdrawn_at is None


class CommunicationLine(models.Model):
    """Who talks with whom in the team, how and how often (aktørkart, element B)."""

    class Channel(models.TextChoices):
        MEETING = "meeting", _("Møte")
        PHONE = "phone", _("Telefon")
        DIALOGUE_MESSAGE = "dialogmelding", _("Dialogmelding")
        EMAIL = "email", _("E-post")
        VIDEO = "video", _("Video")
        # The patient carrying messages between services: a known failure, warned about.
        VIA_PATIENT = "via_patient", _("Via pasienten")

    class Frequency(models.TextChoices):
        DAILY = "daily", _("Daglig")
        WEEKLY = "weekly", _("Ukentlig")
        MONTHLY = "monthly", _("Månedlig")
        RARELY = "rarely", _("Sjeldnere")
        AS_NEEDED = "as_needed", _("Ved behov")

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="communication_lines")
    from_member = models.ForeignKey(
        Member, verbose_name=_("fra"), on_delete=models.PROTECT, related_name="lines_out"
    )
    to_member = models.ForeignKey(
        Member, verbose_name=_("til"), on_delete=models.PROTECT, related_name="lines_in"
    )
    channel = models.CharField(_("kanal"), max_length=16, choices=Channel.choices)
    frequency = models.CharField(_("hvor ofte"), max_length=16, choices=Frequency.choices)
    note = models.CharField(_("merknad"), max_length=300, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    ended_on = models.DateField(_("avsluttet"), null=True, blank=True)

    class Meta:
        verbose_name = _("kommunikasjonslinje")
        verbose_name_plural = _("kommunikasjonslinjer")
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_member=models.F("to_member")),
                name="line_between_two_actors",
                violation_error_message=_("En linje må gå mellom to ulike aktører."),
            ),
            models.UniqueConstraint(
                fields=["from_member", "to_member", "channel"],
                condition=Q(ended_on__isnull=True),
                name="one_open_line_per_pair_and_channel",
                violation_error_message=_("Denne linjen finnes allerede."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_member_id} → {self.to_member_id} ({self.channel})"


class Perspective(models.Model):
    """How one actor sees one of the patient's challenges, and how important it is to them."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="perspectives")
    challenge = models.ForeignKey(
        "careplans.Challenge", on_delete=models.PROTECT, related_name="perspectives"
    )
    text = models.CharField(_("slik ser jeg det"), max_length=500)
    importance = models.PositiveSmallIntegerField(_("viktighet (1–5)"))
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("perspektiv")
        verbose_name_plural = _("perspektiver")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "challenge"], name="one_perspective_per_actor"
            ),
            models.CheckConstraint(
                condition=Q(importance__gte=1, importance__lte=5),
                name="importance_on_the_scale",
                violation_error_message=_("Viktighet må være fra 1 til 5."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} on {self.challenge_id}: {self.importance}"


class Scenario(models.Model):
    """A change the team must prepare for ("hva da?"): an actor leaving, an age transition
    (16: the patient consents alone; 18: adult services), a discharge or a school change."""

    class Kind(models.TextChoices):
        MEMBER_LEAVING = "member_leaving", _("Aktør slutter")
        TURNING_16 = "turning_16", _("Pasienten fyller 16 år")
        TURNING_18 = "turning_18", _("Pasienten fyller 18 år")
        DISCHARGE = "discharge", _("Utskrivning")
        SCHOOL_CHANGE = "school_change", _("Skolebytte")
        OTHER = "other", _("Annen planlagt overgang")

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="scenarios")
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    expected_on = models.DateField(_("når"))
    description = models.CharField(_("beskrivelse"), max_length=300, blank=True)
    what_then = models.TextField(_("hva gjør vi da?"), max_length=2000, blank=True)
    responsible = models.ForeignKey(
        Member,
        verbose_name=_("ansvarlig"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responsible_for_scenarios",
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarier")
        ordering = ["expected_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "kind", "member"],
                condition=Q(member__isnull=False),
                name="one_scenario_per_leaving_member",
            ),
            models.UniqueConstraint(
                fields=["team", "kind"],
                condition=Q(kind__in=["turning_16", "turning_18"]),
                name="one_scenario_per_age_transition",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.expected_on}"

    @property
    def is_prepared(self) -> bool:
        return bool(self.what_then.strip()) and self.responsible_id is not None


class MachineClient(models.Model):
    """A system that reads FHIR from LKT with OAuth 2 client-credentials tokens (HelseID in
    production): which client it is (the token's ``client_id``), the organisation it belongs
    to, which decides the teams it reads (lkt.access), and the scopes LKT grants it. Its user
    (kind ``system``) is who the audit log names; deactivating that user shuts it out."""

    name = models.CharField(_("navn"), max_length=200)
    client_id = models.CharField(_("klient-id"), max_length=200, unique=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisasjon"),
        on_delete=models.PROTECT,
        related_name="machine_clients",
    )
    scopes = models.CharField(
        _("scopes"),
        max_length=500,
        help_text=_("Mellomromsdelt, for eksempel system/CarePlan.read system/Goal.read"),
        validators=[validate_client_scopes],
    )
    user = models.OneToOneField(
        User,
        on_delete=models.PROTECT,
        related_name="machine_client",
        limit_choices_to={"kind": User.Kind.SYSTEM},
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("maskinklient")
        verbose_name_plural = _("maskinklienter")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_set(self) -> set[str]:
        return set(self.scopes.split())
