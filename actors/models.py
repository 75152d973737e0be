"""People, organisations, patients and their teams (aktørfellesskap), relatives and consent."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actors.validators import (
    validate_client_scopes,
    validate_hpr_number,
    validate_national_id,
    validate_org_number,
    validate_phone,
)


class Profession(models.TextChoices):
    """The staff profile's profession: the categories of Helsepersonellregisteret (HPR,
    helsepersonelloven § 48) the teams meet, and a few professions outside it that teams have
    (sosionom, barnevernspedagog, logoped, miljøterapeut). ``OTHER`` is staff who are not
    health or social care personnel (a NAV adviser, a teacher, an office worker)."""

    LEGE = "lege", _("Lege")
    PSYKOLOG = "psykolog", _("Psykolog")
    SYKEPLEIER = "sykepleier", _("Sykepleier")
    VERNEPLEIER = "vernepleier", _("Vernepleier")
    FYSIOTERAPEUT = "fysioterapeut", _("Fysioterapeut")
    ERGOTERAPEUT = "ergoterapeut", _("Ergoterapeut")
    SOSIONOM = "sosionom", _("Sosionom")
    BARNEVERNSPEDAGOG = "barnevernspedagog", _("Barnevernspedagog")
    LOGOPED = "logoped", _("Logoped")
    HELSEFAGARBEIDER = "helsefagarbeider", _("Helsefagarbeider")
    JORDMOR = "jordmor", _("Jordmor")
    FARMASOYT = "farmasoyt", _("Farmasøyt")
    ERNAERINGSFYSIOLOG = "ernaeringsfysiolog", _("Klinisk ernæringsfysiolog")
    TANNLEGE = "tannlege", _("Tannlege")
    TANNPLEIER = "tannpleier", _("Tannpleier")
    PARAMEDISINER = "paramedisiner", _("Paramedisiner/ambulansearbeider")
    AUDIOGRAF = "audiograf", _("Audiograf")
    OPTIKER = "optiker", _("Optiker")
    MILJOTERAPEUT = "miljoterapeut", _("Miljøterapeut")
    OTHER = "annet", _("Annet (ikke helsepersonell)")


# A clinical profile: a profession in health or social care. A leader, an administrator or a
# night-service user takes a role in a team only with one (actors.staff_eligibility).
CLINICAL_PROFESSIONS: tuple[str, ...] = tuple(p.value for p in Profession if p != Profession.OTHER)


class User(AbstractUser):
    """A person who logs in: staff, a patient in the portal, or a relative.

    Staff have a profile: a profession (``Profession``), a primary organisation
    (``organisation``: the one the leaders' figures, the night-service rule and plan approvals
    read) and other organisations they also work for (``organisations``; a fastlege who takes
    shifts at the legevakt, a psychologist at two DPS). The primary is not repeated there.
    """

    class Kind(models.TextChoices):
        STAFF = "staff", _("Ansatt")
        PATIENT = "patient", _("Pasient")
        RELATIVE = "relative", _("Pårørende")
        # A registered machine client (an EPJ reading FHIR with a bearer token): never logs in
        # on the pages; the user row is who the audit log names (MachineClient).
        SYSTEM = "system", _("Maskinklient")

    kind = models.CharField(_("type bruker"), max_length=16, choices=Kind.choices)
    # The person's fødselsnummer as ID-porten or HelseID gives it (``pid``): the stable key of
    # every login after the first (actors.identity.linking). Empty for accounts that never logged in so.
    national_id = models.CharField(
        _("fødselsnummer"), max_length=11, blank=True, validators=[validate_national_id]
    )
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
    organisations = models.ManyToManyField(
        "actors.Organisation",
        verbose_name=_("andre arbeidssteder"),
        blank=True,
        related_name="further_employees",
        help_text=_("Arbeidssteder i tillegg til hovedarbeidsstedet."),
    )
    profession = models.CharField(_("yrke"), max_length=32, choices=Profession.choices, blank=True)
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
            # One account per person and side: a nurse who is also a patient, or a relative,
            # has a staff account (HelseID) and a citizen one (ID-porten), never one that
            # mixes what each may see.
            models.UniqueConstraint(
                models.Case(
                    models.When(kind="staff", then=models.Value("staff")),
                    default=models.Value("citizen"),
                ),
                "national_id",
                condition=~Q(national_id=""),
                name="one_account_per_national_id_and_side",
                violation_error_message=_("En annen bruker har allerede dette fødselsnummeret."),
            ),
            models.CheckConstraint(
                condition=Q(kind="staff") | Q(profession=""),
                name="profession_only_for_staff",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_staff_member(self) -> bool:
        return self.kind == self.Kind.STAFF

    @property
    def has_clinical_profession(self) -> bool:
        return self.profession in CLINICAL_PROFESSIONS


class Level(models.TextChoices):
    KOMMUNE = "kommune", _("Kommune")
    SPESIALIST = "spesialist", _("Spesialisthelsetjenesten")
    ANNEN = "annen", _("Annen sektor")


class NetworkLevel(models.TextChoices):
    """Where an actor stands in the aktørkart: an organisation's level, or the private network.

    Private practice stands where its agreement is (``PRIVATE_PRACTICE_HELP``): with the
    kommune for a driftsavtale (the fastlege, the avtalefysioterapeut: the kommune's own
    services, hol. § 3-2), with the spesialisthelsetjeneste for an avtalespesialist, and in
    another sector without a public agreement. So no fifth level: a fifth would split the
    kommune's services in the aktørkart by who employs the person, which the team does not act on.
    """

    KOMMUNE = "kommune", _("Kommune")
    SPESIALIST = "spesialist", _("Spesialisthelsetjenesten")
    ANNEN = "annen", _("Annen sektor")
    PRIVAT = "privat", _("Privat nettverk")


# Where a private practitioner belongs, said where a level is chosen (NetworkLevel says why).
PRIVATE_PRACTICE_HELP = _(
    "Privat praksis står der avtalen er: fastlege og avtalefysioterapeut med avtale med "
    "kommunen under Kommune, avtalespesialist under Spesialisthelsetjenesten, privat praksis "
    "uten offentlig avtale under Annen sektor. Privat nettverk er familie, venner og naboer."
)


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
        # Night and emergency services: their staff see only the crisis card (actors.access).
        LEGEVAKT = "legevakt", _("Legevakt")
        AMK = "amk", _("AMK-sentral")
        # A fysioterapeut, psykolog or spesialist in practice of their own; its level says
        # where the agreement is (NetworkLevel).
        PRIVATE_PRACTICE = "privat_praksis", _("Privat praksis")
        OTHER = "other", _("Annet")

    name = models.CharField(_("navn"), max_length=200)
    org_number = models.CharField(
        _("organisasjonsnummer"), max_length=9, unique=True, validators=[validate_org_number]
    )
    kind = models.CharField(_("type"), max_length=32, choices=Kind.choices)
    level = models.CharField(
        _("nivå"), max_length=16, choices=Level.choices, help_text=PRIVATE_PRACTICE_HELP
    )
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
        indexes = [
            # The daily sweep finds those who turned 16 in the last days (coordination.referral.turning_16).
            models.Index(fields=["birth_date"], name="patients_by_birth_date")
        ]

    def __str__(self) -> str:
        return self.name

    def age_on(self, day: dt.date) -> int:
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday

    def birthday(self, age: int) -> dt.date:
        """The day the patient turns ``age`` (as ``age_on`` counts: born on 29 February, on
        1 March in a common year)."""
        try:
            return self.birth_date.replace(year=self.birth_date.year + age)
        except ValueError:
            return dt.date(self.birth_date.year + age, 3, 1)


class TeamQuerySet(models.QuerySet["Team"]):
    def open(self) -> TeamQuerySet:
        """Teams still at work: being established or active (a closed team is history)."""
        return self.exclude(status=Team.Status.CLOSED)


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
    # Who closed the team and why (``actors.services.team_close``): the archive copy says so.
    closed_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("avsluttet av"),
    )
    closed_reason = models.TextField(
        _("hvorfor aktørfellesskapet ble avsluttet"), max_length=1000, blank=True
    )
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("opprettet av")
    )
    # Recorded by the coordinator when the team goes active without all mandatory roles.
    missing_roles_reason = models.TextField(
        _("hvorfor obligatoriske roller mangler"), max_length=1000, blank=True
    )
    # When the row was last saved: FHIR's meta.lastUpdated and _lastUpdated (lkt.fhir).
    updated_at = models.DateTimeField(auto_now=True)
    # Counts every change to what the team page shows, kept by PostgreSQL's triggers
    # (lkt.workspace.team_revision), never by the app: the key of the page's rendered sections.
    revision = models.BigIntegerField(db_default=0, editable=False)

    objects = TeamQuerySet.as_manager()

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
    SPEECH_THERAPIST = "logoped", _("Logoped")
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


class MemberQuerySet(models.QuerySet["Member"]):
    def active(self) -> MemberQuerySet:
        """Memberships not ended: ``left_on`` is set the day someone leaves (never deleted)."""
        return self.filter(left_on__isnull=True)


def _choice_label(choices: type[models.TextChoices], value: str) -> str:
    """The label of ``value`` as ``get_FOO_display`` gives it: the value itself when no
    choice has it."""
    try:
        choice = choices(value)  # the enum's own lookup: ``choices.values`` builds a list
    except ValueError:
        return value
    return str(choice.label)


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
    # The role the person held in the team before becoming its coordinator, on the same
    # membership: the team still knows what they do there (sykepleier), and it is what they go
    # back to when they hand the coordinator's role over. Their profession is on their profile.
    previous_role = models.CharField(
        _("rolle før koordinator"), max_length=32, choices=Role.choices, blank=True
    )
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

    objects = MemberQuerySet.as_manager()

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

    # Django's own get_FOO_display finds the label by hashing every choice's lazy label, which
    # translates each of them: the team page's table of members translated the whole list of
    # roles and of closeness once per row (issue 17). These translate the one label shown.
    def get_role_display(self) -> str:  # type: ignore[no-redef]
        return _choice_label(Role, self.role)

    def get_closeness_display(self) -> str:  # type: ignore[no-redef]
        return _choice_label(Closeness, self.closeness)

    @property
    def display_name(self) -> str:
        return str(self.user) if self.user_id and self.user else self.external_name

    @property
    def profession_label(self) -> str:
        """What the person is by trade, for a coordinator shown next to the role: the
        profession on their profile, else the role they held in the team before."""
        if self.user_id and self.user and self.user.has_clinical_profession:
            return _choice_label(Profession, self.user.profession).lower()
        if self.previous_role in Role.values:
            return str(Role(self.previous_role).label).lower()
        return ""

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


class RelativeLinkQuerySet(models.QuerySet["RelativeLink"]):
    def active(self, on: dt.date | None = None) -> RelativeLinkQuerySet:
        """Links that give access on ``on`` (today): not excluded by the patient and not
        ended (the access ends at the start of ``ends_on``)."""
        day = on or timezone.localdate()
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=day), excluded=False)


class RelativeLink(models.Model):
    """A relative (pårørende) and what the patient allows them to see (pbrl. § 3-3).

    The patient (or the coordinator on the patient's behalf, ``added_on_behalf``) names the
    relative by name, fødselsnummer and phone; ``relative`` stays empty until the relative
    logs in for the first time and is linked by the fødselsnummer. Links made before
    relatives were named by fødselsnummer (the demo's and old test data) have a user and may
    have no fødselsnummer; a new link always has one (actors.services).
    """

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
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="relative_links",
        limit_choices_to={"kind": User.Kind.RELATIVE},
    )
    name = models.CharField(_("navn"), max_length=200)
    national_id = models.CharField(
        _("fødselsnummer eller D-nummer"),
        max_length=11,
        blank=True,
        validators=[validate_national_id],
    )
    phone = models.CharField(_("telefon"), max_length=16, blank=True, validators=[validate_phone])
    relation = models.CharField(_("relasjon"), max_length=16, choices=Relation.choices)
    # The patient decides: an excluded relative sees nothing at all, whatever else is set.
    excluded = models.BooleanField(_("utelukket av pasienten"), default=False)
    may_see_team = models.BooleanField(_("kan se hvem som er i teamet"), default=False)
    may_see_goals = models.BooleanField(_("kan se Min gode dag og mål"), default=False)
    may_edit_goals = models.BooleanField(_("kan skrive i Min gode dag"), default=False)
    may_see_plan = models.BooleanField(_("kan se planen og kriseplanen"), default=False)
    may_communicate = models.BooleanField(_("kan delta i meldinger og møter"), default=False)
    # The access ends at the start of this day (the patient's choice); empty: until changed.
    ends_on = models.DateField(_("tilgangen varer til"), null=True, blank=True)
    # The coordinator added the relative for the patient, with the patient's consent;
    # ``created_by`` is then the coordinator.
    added_on_behalf = models.BooleanField(_("lagt til på vegne av pasienten"), default=False)
    # When the patient themself last chose this access (on Min side). A parent's access goes on
    # past the 16th birthday only on the patient's own choice (the turning-16 sweep reads it).
    patient_confirmed_at = models.DateTimeField(_("valgt av pasienten selv"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    objects = RelativeLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("pårørende")
        verbose_name_plural = _("pårørende")
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "relative"],
                name="one_link_per_relative",
                violation_error_message=_("Denne pårørende er allerede knyttet til pasienten."),
            ),
            models.UniqueConstraint(
                fields=["patient", "national_id"],
                condition=~Q(national_id=""),
                name="one_link_per_relative_national_id",
                violation_error_message=_(
                    "En pårørende med dette fødselsnummeret er allerede registrert."
                ),
            ),
            # A link names someone: the user who logged in, or the fødselsnummer to link at
            # their first login.
            models.CheckConstraint(
                condition=Q(relative__isnull=False) | ~Q(national_id=""),
                name="relative_link_names_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} → {self.patient}"

    @property
    def display_name(self) -> str:
        return self.name or (str(self.relative) if self.relative_id and self.relative else "")

    def is_active_on(self, day: dt.date) -> bool:
        return not self.excluded and (self.ends_on is None or self.ends_on > day)

    @property
    def is_active(self) -> bool:
        return self.is_active_on(timezone.localdate())

    @property
    def has_full_access(self) -> bool:
        """Sees the team, the goals and the plan: the access a representative needs, since they
        act for the patient (``Representation``)."""
        return self.may_see_team and self.may_see_goals and self.may_see_plan


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
    # A note on how consent was given, not a record of the conversation; without a limit a
    # megabyte pasted into it was stored (issue 13).
    note = models.TextField(_("merknad"), max_length=1000, blank=True)
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

    # As Member's: the aktørkart and the communication section show these for every line.
    def get_channel_display(self) -> str:  # type: ignore[no-redef]
        return _choice_label(self.Channel, self.channel)

    def get_frequency_display(self) -> str:  # type: ignore[no-redef]
        return _choice_label(self.Frequency, self.frequency)


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


def birth_date_cutoff(day: dt.date, years: int) -> dt.date:
    """The latest birth date of someone who is ``years`` old on ``day`` (as ``Patient.age_on``
    counts: born on 29 February, one is a year older on 1 March in a common year)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February, and the year ``years`` back is a common year
        return day.replace(year=day.year - years, day=28)


# From 16 the patient consents alone (pasient- og brukerrettighetsloven § 4-3): the parents'
# foreldreansvar no longer makes them the patient's representatives in health matters.
AGE_OF_HEALTH_CONSENT = 16


class RepresentationQuerySet(models.QuerySet["Representation"]):
    def in_effect(self, on: dt.date | None = None) -> RepresentationQuerySet:
        """Representations that make the relative act for the patient on ``on`` (today): not
        ended, within their validity, through a relative link that is active and sees the team,
        the goals and the plan (a relative with limited access is never a representative), and
        foreldreansvar only while the patient is under 16 (the daily sweep ends it on the
        birthday; until it has run, this reads the birthday too)."""
        day = on or timezone.localdate()
        return self.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gt=day),
            Q(relative_link__ends_on__isnull=True) | Q(relative_link__ends_on__gt=day),
            ~Q(
                basis=Representation.Basis.PARENTAL_RESPONSIBILITY,
                patient__birth_date__lte=birth_date_cutoff(day, AGE_OF_HEALTH_CONSENT),
            ),
            ended_at__isnull=True,
            valid_from__lte=day,
            relative_link__excluded=False,
            relative_link__may_see_team=True,
            relative_link__may_see_goals=True,
            relative_link__may_see_plan=True,
        )

    def open(self) -> RepresentationQuerySet:
        return self.filter(ended_at__isnull=True)


class Representation(models.Model):
    """A relative who acts for the patient (approves the plan, consents), and on what basis.

    - ``foreldreansvar``: a parent of a child under 16 (both parents, each their own row);
      ends on the 16th birthday (pbrl. § 4-3), by the daily sweep.
    - ``verge``: a guardian appointed by the statsforvalter (vergemålsloven), within the
      ``scope`` of the vergemål, which is written down.
    - ``fullmakt``: a power of attorney the patient gave (pbrl. § 4-1 ff.).

    The relative link must give full access (team, goals and plan): ``representation_record``
    refuses a limited link, and ``in_effect`` reads the link's access at every request, so a
    link that is limited later never backs a representation.
    """

    class Basis(models.TextChoices):
        PARENTAL_RESPONSIBILITY = "foreldreansvar", _("Foreldreansvar (barn under 16 år)")
        GUARDIANSHIP = "verge", _("Verge (vergemål)")
        POWER_OF_ATTORNEY = "fullmakt", _("Fullmakt fra pasienten")

    patient = models.ForeignKey(
        Patient,
        verbose_name=_("pasient"),
        on_delete=models.PROTECT,
        related_name="representations",
    )
    relative_link = models.ForeignKey(
        RelativeLink,
        verbose_name=_("pårørende"),
        on_delete=models.PROTECT,
        related_name="representations",
    )
    basis = models.CharField(_("grunnlag"), max_length=16, choices=Basis.choices)
    scope = models.TextField(_("vergemålets omfang"), max_length=1000, blank=True)
    valid_from = models.DateField(_("gjelder fra"))
    valid_until = models.DateField(_("gjelder til"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        User, verbose_name=_("registrert av"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(_("avsluttet"), null=True, blank=True)
    ended_reason = models.CharField(_("hvorfor avsluttet"), max_length=500, blank=True)

    objects = RepresentationQuerySet.as_manager()

    class Meta:
        verbose_name = _("representasjon")
        verbose_name_plural = _("representasjoner")
        ordering = ["valid_from", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(basis="verge") | ~Q(scope=""),
                name="guardianship_has_scope",
                violation_error_message=_("Skriv hva vergemålet omfatter."),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=models.F("valid_from")),
                name="representation_ends_after_it_starts",
                violation_error_message=_("Sluttdatoen må være etter startdatoen."),
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | ~Q(ended_reason=""),
                name="ended_representation_has_reason",
            ),
            # Its partial index, over the open rows only, also serves the daily sweep's search
            # for open foreldreansvar of patients who have turned 16 (coordination.referral.turning_16).
            models.UniqueConstraint(
                fields=["relative_link", "basis"],
                condition=Q(ended_at__isnull=True),
                name="one_open_representation_per_basis",
                violation_error_message=_(
                    "Denne pårørende er allerede registrert som representant på dette grunnlaget."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.relative_link_id} {self.basis} → {self.patient_id}"


class StaffInvitationQuerySet(models.QuerySet["StaffInvitation"]):
    def open(self) -> StaffInvitationQuerySet:
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)


class StaffInvitation(models.Model):
    """A leader or coordinator of an organisation (or the admin) invites a staff member, named
    by fødselsnummer and/or HPR number; HelseID's login carries both, and the first login
    links the person to the invitation (``accepted_by``) and so to the organisation.

    The row is its own trail: who invited and when, who revoked it and when, who took it in
    use and when; nothing is deleted (``actors.invitations.services``)."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisasjon"),
        on_delete=models.PROTECT,
        related_name="staff_invitations",
    )
    name = models.CharField(_("navn"), max_length=200)
    national_id = models.CharField(
        _("fødselsnummer eller D-nummer"),
        max_length=11,
        blank=True,
        validators=[validate_national_id],
    )
    hpr_number = models.CharField(
        _("HPR-nummer"), max_length=9, blank=True, validators=[validate_hpr_number]
    )
    profession = models.CharField(_("yrke"), max_length=32, choices=Profession.choices)
    invited_by = models.ForeignKey(
        User, verbose_name=_("invitert av"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_by = models.ForeignKey(
        User,
        verbose_name=_("tatt i bruk av"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff_invitations_accepted",
    )
    accepted_at = models.DateTimeField(_("tatt i bruk"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("trukket tilbake"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User,
        verbose_name=_("trukket tilbake av"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = StaffInvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitasjon av ansatt")
        verbose_name_plural = _("invitasjoner av ansatte")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(national_id="") | ~Q(hpr_number=""),
                name="invitation_names_national_id_or_hpr",
                violation_error_message=_("Oppgi fødselsnummer, HPR-nummer eller begge."),
            ),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True, accepted_by__isnull=True)
                | Q(accepted_at__isnull=False, accepted_by__isnull=False),
                name="invitation_accepted_by_someone",
            ),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(revoked_at__isnull=True),
                name="invitation_accepted_or_revoked",
            ),
            models.UniqueConstraint(
                fields=["organisation", "national_id"],
                condition=~Q(national_id="") & Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_national_id",
                violation_error_message=_(
                    "Det finnes allerede en åpen invitasjon med dette fødselsnummeret."
                ),
            ),
            models.UniqueConstraint(
                fields=["organisation", "hpr_number"],
                condition=~Q(hpr_number="") & Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_hpr_number",
                violation_error_message=_(
                    "Det finnes allerede en åpen invitasjon med dette HPR-nummeret."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation_id})"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None


class IdentitySession(models.Model):
    """Which Django session a provider's session (``iss`` + ``sid``) opened, so the provider's
    front-channel logout ends it (``actors.identity.views.frontchannel_logout``). Kept small:
    a row goes with its session at logout."""

    issuer = models.CharField(max_length=200)
    sid = models.CharField(max_length=200)
    session_key = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["issuer", "sid"])]

    def __str__(self) -> str:
        return f"{self.issuer} {self.sid}"


class MachineClient(models.Model):
    """A system that reads FHIR from LKT with OAuth 2 client-credentials tokens (HelseID in
    production): which client it is (the token's ``client_id``), the organisation it belongs
    to, which decides the teams it reads (actors.access), and the scopes LKT grants it. Its user
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
