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
# The one message for a text over its limit, in forms and in the services that check it too.
TOO_LONG = _("Teksten er for lang: %(show_value)d tegn. Den kan være opptil %(limit_value)d tegn.")
CORRECTION_TEXT = 1000


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
    # Goals are rewritten in place: FHIR's meta.lastUpdated and _lastUpdated (lkt.fhir).
    updated_at = models.DateTimeField(auto_now=True)

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


class Phase(models.TextChoices):
    """Forløpsfasemodellen: green is the working phase, yellow unstable, red acute."""

    GREEN = "green", _("Grønn")
    YELLOW = "yellow", _("Gul")
    RED = "red", _("Rød")


class CarePlan(models.Model):
    """Felles plan for samarbeid for one team; ``version`` is the optimistic lock."""

    team = models.OneToOneField("actors.Team", on_delete=models.PROTECT, related_name="care_plan")
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("plan for samarbeid")
        verbose_name_plural = _("planer for samarbeid")

    def __str__(self) -> str:
        return f"Plan, team {self.team_id} v{self.version}"


class CarePlanVersion(models.Model):
    """One version of the plan: a draft until every required approver has approved it, then in
    force until a newer approved version supersedes it. Versions are never changed once they
    have left draft, and never deleted."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        IN_FORCE = "in_force", _("Gjeldende")
        SUPERSEDED = "superseded", _("Erstattet")

    plan = models.ForeignKey(CarePlan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    # Who the patient is and the challenges, frozen from the current Min gode dag.
    good_day_version = models.ForeignKey(
        GoodDayVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    patient_summary = models.TextField(_("hvem pasienten er"), max_length=LONG_TEXT, blank=True)
    challenges = models.JSONField(default=list, blank=True)
    goals = models.JSONField(default=list, blank=True)
    # Roles and missing roles, frozen from the aktørkart: [{"name", "role", "organisation", ...}]
    roles = models.JSONField(default=list, blank=True)
    missing_roles = models.JSONField(default=list, blank=True)
    roles_note = models.TextField(
        _("roller som mangler eller ikke trengs"), max_length=MEDIUM_TEXT, blank=True
    )
    communication = models.TextField(
        _("kommunikasjon og informasjonsdeling"), max_length=MEDIUM_TEXT, blank=True
    )
    information_sharing = models.TextField(
        _("hva som kan deles, avtalt med pasienten"), max_length=MEDIUM_TEXT, blank=True
    )
    preparedness = models.TextField(
        _("hvem gjør hva hvis (planlagte og uplanlagte endringer)"),
        max_length=LONG_TEXT,
        blank=True,
    )
    documentation = models.TextField(
        _("dokumentasjon: hva, av hvem og hvor"), max_length=MEDIUM_TEXT, blank=True
    )
    evaluation_plan = models.TextField(
        _("evaluering: hva, når og hvordan"), max_length=MEDIUM_TEXT, blank=True
    )
    period_start = models.DateField(_("planperiode fra"), null=True, blank=True)
    period_end = models.DateField(_("planperiode til"), null=True, blank=True)
    revision_on = models.DateField(_("revideres innen"), null=True, blank=True)
    # Members may correct the draft until this moment; approvals open after it.
    corrections_until = models.DateTimeField(_("frist for innspill"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    in_force_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("versjon av planen")
        verbose_name_plural = _("versjoner av planen")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_plan_version_number"),
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(status="in_force"),
                name="one_plan_version_in_force",
            ),
            # One open draft: a second "new draft" opens it (careplans.plan.services).
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(status="draft"),
                name="one_open_plan_draft",
                violation_error_message=_("Planen har allerede et utkast."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__isnull=True)
                | Q(period_start__isnull=True)
                | Q(period_end__gt=models.F("period_start")),
                name="plan_period_ends_after_it_starts",
                violation_error_message=_("Planperioden må slutte etter at den starter."),
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.number} ({self.status})"


class PhasePlanEntryQuerySet(models.QuerySet["PhasePlanEntry"]):
    def in_phase_order(self) -> PhasePlanEntryQuerySet:
        """Grønn, gul, rød: the working phase first, the acute last, as the model reads (the
        phases' values sort green, red, yellow)."""
        return self.order_by(
            models.Case(
                models.When(phase=Phase.GREEN, then=models.Value(0)),
                models.When(phase=Phase.YELLOW, then=models.Value(1)),
                default=models.Value(2),
            )
        )


class PhasePlanEntry(models.Model):
    """What the team does in one phase: the signs (in the patient's words where possible),
    the actions, who acts, and whom to call in office hours and at night."""

    version = models.ForeignKey(
        CarePlanVersion, on_delete=models.PROTECT, related_name="phase_entries"
    )
    phase = models.CharField(_("fase"), max_length=8, choices=Phase.choices)
    signs = models.TextField(_("tegn"), max_length=MEDIUM_TEXT)
    actions = models.TextField(_("tiltak"), max_length=MEDIUM_TEXT)
    actor = models.ForeignKey(
        "actors.Member",
        verbose_name=_("hvem handler"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The named contact for evenings and nights: alerted when the team enters this phase.
    night_contact = models.ForeignKey(
        "actors.Member",
        verbose_name=_("navngitt kontakt kveld og natt"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    call_office_hours = models.TextField(
        _("hvem ringes på dagtid"), max_length=SHORT_TEXT, blank=True
    )
    # Night: legevakt, AMK (113) and named contacts with phone; required in red.
    call_night = models.TextField(_("hvem ringes kveld og natt"), max_length=SHORT_TEXT, blank=True)
    patient_wishes = models.TextField(
        _("hva pasienten ønsker i en krise"), max_length=MEDIUM_TEXT, blank=True
    )

    objects = PhasePlanEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("fase i planen")
        verbose_name_plural = _("faser i planen")
        constraints = [
            models.UniqueConstraint(fields=["version", "phase"], name="one_entry_per_phase")
        ]

    def __str__(self) -> str:
        return f"{self.version_id} {self.phase}"


class AnnualActivity(models.Model):
    """An activity of the årshjul, with how it recurs."""

    class Kind(models.TextChoices):
        KICKOFF = "kickoff", _("Oppstartsmøte")
        EVALUATION = "evaluation", _("Evalueringsmøte")
        MEDICATION_REVIEW = "medication_review", _("Legemiddelgjennomgang")
        CONSENT_RENEWAL = "consent_renewal", _("Fornyelse av samtykke")
        ACTOR_MAP_REVIEW = "actor_map_review", _("Gjennomgang av aktørkartet")
        OTHER = "other", _("Annen aktivitet")

    class Recurrence(models.TextChoices):
        ONCE = "once", _("Én gang")
        EVERY_N_MONTHS = "every_n_months", _("Hver n-te måned")
        YEARLY = "yearly", _("Hvert år i en bestemt måned")

    version = models.ForeignKey(
        CarePlanVersion, on_delete=models.PROTECT, related_name="annual_activities"
    )
    kind = models.CharField(_("type"), max_length=24, choices=Kind.choices)
    title = models.CharField(_("aktivitet"), max_length=200)
    recurrence = models.CharField(_("gjentas"), max_length=16, choices=Recurrence.choices)
    interval_months = models.PositiveSmallIntegerField(
        _("hvor mange måneder"), null=True, blank=True
    )
    month = models.PositiveSmallIntegerField(_("måned"), null=True, blank=True)
    first_on = models.DateField(_("første gang"), null=True, blank=True)
    responsible = models.ForeignKey(
        "actors.Member",
        verbose_name=_("ansvarlig"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    mandatory = models.BooleanField(_("obligatorisk"), default=True)
    # The next date it is due, kept only for activities of the plan in force, so reminders
    # read an index of what is due rather than computing every team's årshjul.
    next_due_on = models.DateField(null=True, blank=True)
    last_done_on = models.DateField(_("sist utført"), null=True, blank=True)

    class Meta:
        verbose_name = _("aktivitet i årshjulet")
        verbose_name_plural = _("aktiviteter i årshjulet")
        indexes = [
            models.Index(
                fields=["next_due_on"],
                condition=Q(next_due_on__isnull=False),
                name="annual_activities_by_due",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(recurrence="once", first_on__isnull=False)
                    | Q(
                        recurrence="every_n_months", interval_months__gte=1, interval_months__lte=24
                    )
                    | Q(recurrence="yearly", month__gte=1, month__lte=12)
                ),
                name="annual_activity_recurrence_makes_sense",
                violation_error_message=_(
                    "Gjentakelsen gir ikke mening: én gang trenger en dato, hver n-te måned "
                    "1–24 måneder, og hvert år en måned 1–12."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.title


class PlanApproval(models.Model):
    """One required approver's approval of one plan version. A version is in force when the
    coordinator, the patient (or their representative) and the leader of every core member's
    organisation have approved it."""

    class Capacity(models.TextChoices):
        COORDINATOR = "coordinator", _("Koordinator")
        PATIENT = "patient", _("Pasienten")
        REPRESENTATIVE = "representative", _("Pasientens representant")
        LEADER = "leader", _("Leder")

    version = models.ForeignKey(CarePlanVersion, on_delete=models.PROTECT, related_name="approvals")
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    capacity = models.CharField(max_length=16, choices=Capacity.choices)
    # For a leader: the organisation whose core members they answer for.
    organisation = models.ForeignKey(
        "actors.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("godkjenning")
        verbose_name_plural = _("godkjenninger")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "capacity"],
                condition=Q(organisation__isnull=True),
                name="one_approval_per_capacity",
                violation_error_message=_("Denne godkjenningen er allerede gitt."),
            ),
            models.UniqueConstraint(
                fields=["version", "capacity", "organisation"],
                condition=Q(organisation__isnull=False),
                name="one_approval_per_leader_organisation",
                violation_error_message=_(
                    "Lederen for denne organisasjonen har allerede godkjent."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version_id} {self.capacity} {self.approver_id}"


class PersonalApproval(models.Model):
    """The patient's own approval of a plan version, given in person (in a meeting, or signed on
    paper) and recorded by the coordinator, for a patient who cannot or will not approve
    digitally. It counts as the patient's approval: ``approval`` is the ``PlanApproval`` in the
    capacity of the patient that it gave (its ``approver`` is the coordinator who recorded it).
    The patient sees it in the portal; recording it is audited."""

    class How(models.TextChoices):
        MEETING = "meeting", _("I et møte")
        PAPER = "paper", _("Signert på papir")

    version = models.OneToOneField(
        CarePlanVersion,
        verbose_name=_("versjon"),
        on_delete=models.PROTECT,
        related_name="personal_approval",
    )
    approval = models.OneToOneField(
        PlanApproval, on_delete=models.PROTECT, related_name="personal_approval"
    )
    given_on = models.DateField(_("dato pasienten godkjente"))
    how = models.CharField(_("hvordan"), max_length=8, choices=How.choices)
    # Who witnessed it: a member of the team, or someone else named in words.
    witness_member = models.ForeignKey(
        "actors.Member",
        verbose_name=_("vitne fra teamet"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    witness_name = models.CharField(_("vitne (navn og rolle)"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrert av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("godkjenning gitt personlig")
        verbose_name_plural = _("godkjenninger gitt personlig")
        constraints = [
            models.CheckConstraint(
                condition=Q(witness_member__isnull=False) | ~Q(witness_name=""),
                name="personal_approval_has_witness",
                violation_error_message=_("Oppgi hvem som var vitne."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.version_id} {self.how} {self.given_on}"


class PlanCorrection(models.Model):
    """A member's correction to a draft, posted while its window for corrections is open, so
    the coordinator can take it into the draft before the approvals start."""

    version = models.ForeignKey(
        CarePlanVersion, on_delete=models.PROTECT, related_name="corrections"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("innspill"), max_length=CORRECTION_TEXT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("innspill til utkastet")
        verbose_name_plural = _("innspill til utkastet")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.version_id} {self.author_id}"


class PhaseChange(models.Model):
    """The team's current phase is its latest change; the rows are the history."""

    team = models.ForeignKey("actors.Team", on_delete=models.PROTECT, related_name="phase_changes")
    phase = models.CharField(_("fase"), max_length=8, choices=Phase.choices)
    reason = models.TextField(_("hvorfor"), max_length=MEDIUM_TEXT)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("faseendring")
        verbose_name_plural = _("faseendringer")
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.team_id} → {self.phase}"


class AnnualActivityDone(models.Model):
    """One occurrence of an årshjul activity marked done: the due date it fulfilled and the day
    it was done, kept so leaders can see whether activities are done on time, month by month
    (``AnnualActivity`` itself keeps only the last and the next)."""

    activity = models.ForeignKey(AnnualActivity, on_delete=models.PROTECT, related_name="done")
    # The occurrence's due date when it was marked done (None: no due date was known).
    due_on = models.DateField(null=True, blank=True)
    done_on = models.DateField(_("utført"))
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("utført årshjulaktivitet")
        verbose_name_plural = _("utførte årshjulaktiviteter")
        ordering = ["-done_on", "-pk"]
        indexes = [models.Index(fields=["due_on"], name="annual_done_by_due")]

    def __str__(self) -> str:
        return f"{self.activity_id} {self.done_on}"


class AnnualActivityMissed(models.Model):
    """An occurrence of an årshjul activity whose day passed without it being marked done.
    Written when the daily sweep moves the activity on to its next occurrence
    (``careplans.annual.schedule.roll_forward``): ``AnnualActivity`` itself then forgets it,
    and the leaders' "done on time" must still count it as due."""

    activity = models.ForeignKey(AnnualActivity, on_delete=models.PROTECT, related_name="missed")
    due_on = models.DateField()

    class Meta:
        verbose_name = _("årshjulaktivitet ikke utført")
        verbose_name_plural = _("årshjulaktiviteter ikke utført")
        ordering = ["-due_on", "-pk"]
        constraints = [
            # Two sweeps at once record a missed occurrence once.
            models.UniqueConstraint(fields=["activity", "due_on"], name="one_missed_occurrence")
        ]
        indexes = [models.Index(fields=["due_on"], name="annual_missed_by_due")]

    def __str__(self) -> str:
        return f"{self.activity_id} {self.due_on}"


# How many good days a week can hold.
GOOD_DAYS_MAX = 7


class GoodDayRating(models.Model):
    """The patient's own answer to "Hvor mange gode dager har du hatt den siste uka?" (0–7),
    given in the portal or with the coordinator: the result indicator leaders follow over time
    (as a count, never the patient's words)."""

    patient = models.ForeignKey(
        "actors.Patient", on_delete=models.PROTECT, related_name="good_day_ratings"
    )
    rated_on = models.DateField(_("dato"))
    good_days = models.PositiveSmallIntegerField(_("gode dager siste uke"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vurdering av gode dager")
        verbose_name_plural = _("vurderinger av gode dager")
        ordering = ["-rated_on", "-pk"]
        constraints = [
            # One answer a day: a second answer the same day replaces the first.
            models.UniqueConstraint(fields=["patient", "rated_on"], name="one_rating_a_day"),
            models.CheckConstraint(
                condition=Q(good_days__lte=GOOD_DAYS_MAX),
                name="good_days_in_a_week",
                violation_error_message=_("En uke har høyst 7 gode dager."),
            ),
        ]
        indexes = [models.Index(fields=["rated_on"], name="ratings_by_day")]

    def __str__(self) -> str:
        return f"{self.patient_id} {self.rated_on}: {self.good_days}"
