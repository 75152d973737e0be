"""Background teams for the leaders' reports (issue 8): many fictional patients, each with a
team and 14 months of ordinary history, so the indicators have enough teams per cell to be
shown (cells under five are suppressed) and the status report has something to show.

The same generator serves the demo (``load``: about 30 teams in Fjordvik's organisations,
called by ``seed_demo``) and the benchmark (``scripts/bench/leaders.py``: 20 000 teams over a
kommune and a helseforetak). Everything is invented: names are drawn from the fixed lists
below (never a real person's full name, no Faker), national ids are synthetic (month + 80).

Each team gets: members with roles (about one in seven misses a mandatory role), a mandate
(most approved with a deputy), Min gode dag with two goals, a plan version in force (most
approved by leaders) or only a draft, plan periods with evaluations (some late, some missing),
årshjul activities with their occurrences done (some late, some overdue), meetings held with
and without minutes, the need report before the first meeting, tasks (some overdue), night
contacts (some ending in admission), a good-day rating every month, and for some teams two or
three rounds of the relational coordination survey.

Rows are written with ``bulk_create`` in batches (no services: the history is in the past, and
20 000 teams through the services would take hours); the values obey the models' constraints.
The random generator is seeded by the team's number, so a run always makes the same data.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from actors.models import (
    Closeness,
    Consent,
    Member,
    NetworkLevel,
    Organisation,
    Patient,
    Role,
    Team,
    User,
)
from actors.validators import national_id_with_check_digits
from careplans.annual.rules import add_months, occurrences
from careplans.models import (
    AnnualActivity,
    AnnualActivityDone,
    CarePlan,
    CarePlanVersion,
    Goal,
    GoodDay,
    GoodDayRating,
    GoodDayVersion,
    Phase,
    PhaseChange,
    PlanApproval,
)
from coordination.models import (
    Evaluation,
    Mandate,
    Meeting,
    NeedReport,
    NightContact,
    NightService,
    PlanPeriod,
    SurveyAnswer,
    SurveyParticipation,
    SurveyRound,
    Task,
)
from coordination.models.survey import Dimension

# Invented names: first names are common, the surnames are made-up farm and place names, and
# the pairs are drawn by number, so no full name is meant to be anyone's.
FIRST_NAMES = (
    "Anne", "Bjørg", "Camilla", "Dagny", "Eli", "Frida", "Gro", "Hege", "Ida", "Jorunn",
    "Kristine", "Liv", "Marit", "Nora", "Oda", "Randi", "Sunniva", "Tone", "Unni", "Vilde",
    "Arne", "Bjarte", "Dag", "Eivind", "Frode", "Geir", "Håkon", "Ivar", "Jostein", "Kjetil",
    "Leiv", "Magnus", "Njål", "Odd", "Petter", "Rune", "Sindre", "Trygve", "Vegard", "Øystein",
)  # fmt: skip
SURNAMES = (
    "Aurdalsli", "Brattvoll", "Dalsbotten", "Eikrevik", "Fjellgard", "Grønstøl", "Hestnes",
    "Islandsmo", "Juvbakken", "Kleivstad", "Lauvhaug", "Myrbostad", "Nautvik", "Ospelid",
    "Pilskog", "Rognlien", "Solbakkli", "Tjernsli", "Urdaland", "Vassbygd", "Ørnefjell",
    "Åsvangen",
)  # fmt: skip

# Background patients were born from 1945 on, one birth date each in turn (about 49 years of
# dates before a date comes round again); individual numbers 000–499 are those of 1900–1999.
BIRTH_DAYS = 18_000
FIRST_BIRTH = dt.date(1945, 1, 1)
INDIVIDUAL_TOP = 499

HISTORY_DAYS = 430  # teams were established up to 14 months ago
DEMO_TEAMS = 30
# The demo's teams came in three waves (days ago), as when a kommune starts with LKT: ten
# first meetings within weeks of each other, so "days to the first meeting" has a month with
# five or more teams to show.
DEMO_WAVES = (400, 220, 100)

# A mandatory role missing in about one team in seven (the indicator must show it).
MISSING_ROLE_SHARE = 0.15
MANDATE_APPROVED_SHARE = 0.75
PLAN_IN_FORCE_SHARE = 0.85
LEADERS_APPROVED_SHARE = 0.8

_CORE_ROLES = (
    Role.COORDINATOR,
    Role.GP,
    Role.SPECIALIST_CONTACT,
    Role.INTERNAL_COORDINATOR,
    Role.NURSE,
    Role.PSYCHIATRIC_NURSE,
    Role.NAV_ADVISER,
)
_LEVELS = {
    Role.SPECIALIST_CONTACT: NetworkLevel.SPESIALIST,
    Role.INTERNAL_COORDINATOR: NetworkLevel.SPESIALIST,
    Role.NAV_ADVISER: NetworkLevel.ANNEN,
}
_SERVICES = (NightService.LEGEVAKT, NightService.AMK, NightService.POLICE)
_REASONS = (
    "Uro og søvnløshet.",
    "Ringte 113, redd og alene.",
    "Fall hjemme, sjekket ut.",
    "Angst om natten, fikk samtale.",
    "Brystsmerter, avkreftet hjerteinfarkt.",
)
_TASKS = (
    "Følge opp søknad om bolig",
    "Ringe fastlegen om medisinene",
    "Avtale time hos NAV",
    "Hjemmebesøk etter utskrivning",
    "Gå gjennom kriseplanen med pasienten",
)


@dataclass(frozen=True)
class Setting:
    """Where the background teams live: staff to draw for each role (each works in their
    ``organisation``; pools are cycled, so a short pool gives a large caseload), the leaders
    who approve plans, the kommune that receives the need reports, the day history ends, how
    many days before it each team was established, and which teams (by number and day
    established) answer the survey."""

    staff: dict[Role, list[User]]
    leaders: list[User]
    kommune_id: int
    today: dt.date
    days_ago: Callable[[int, random.Random], int]
    surveyed: Callable[[int, dt.date], bool]


def national_id(number: int) -> tuple[dt.date, str]:
    """Background patient ``number``'s birth date and synthetic fødselsnummer (month + 80):
    one birth date per number in turn, the individual number counted down from the top of its
    range, so it never meets the hand-made patients' (``synthetic_national_id`` counts up)."""
    birth = FIRST_BIRTH + dt.timedelta(days=number % BIRTH_DAYS)
    wanted = number // BIRTH_DAYS
    prefix = f"{birth.day:02d}{birth.month + 80:02d}{birth.year % 100:02d}"
    for individual in range(INDIVIDUAL_TOP, -1, -1):
        full = national_id_with_check_digits(f"{prefix}{individual:03d}")
        if full and wanted == 0:
            return birth, full
        wanted -= bool(full)
    raise ValueError(number)


def patient_name(number: int) -> str:
    """A first name and a surname from the lists; the first 880 numbers give distinct pairs."""
    first = FIRST_NAMES[number % len(FIRST_NAMES)]
    surname = SURNAMES[(number + number // len(FIRST_NAMES)) % len(SURNAMES)]
    return f"{first} {surname}"


def background_patients(count: int = DEMO_TEAMS) -> QuerySet[Patient]:
    """The first ``count`` background patients (the demo's, by default)."""
    return Patient.objects.filter(national_id__in=[national_id(n)[1] for n in range(count)])


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@dataclass
class _TeamPlan:
    """One background team while its rows are made (the generator's working state)."""

    number: int
    rng: random.Random
    established: dt.date
    patient: Patient = field(init=False)
    team: Team = field(init=False)
    coordinator: User = field(init=False)
    members: dict[Role, Member] = field(default_factory=dict)
    goals: list[Goal] = field(default_factory=list)
    version: CarePlanVersion = field(init=False)
    in_force_on: dt.date | None = None


class _Batch:
    """The rows of one batch of teams, written model by model in dependency order."""

    def __init__(self, setting: Setting, numbers: Sequence[int]) -> None:
        self.setting = setting
        today = setting.today
        self.plans = []
        for n in numbers:
            # Demo data, not secrets: a seeded generator makes every run the same.
            rng = random.Random(n)  # noqa: S311
            established = today - dt.timedelta(days=setting.days_ago(n, rng))
            self.plans.append(_TeamPlan(n, rng, established))

    def _pick(self, role: Role, n: int) -> User:
        pool = self.setting.staff[role]
        return pool[n % len(pool)]

    def write(self) -> None:
        self._patients_and_teams()
        self._members()
        self._consents_and_mandates()
        self._good_days()
        self._plans()
        self._periods()
        self._meetings()
        self._tasks()
        self._contacts_and_ratings()
        self._surveys()

    def _patients_and_teams(self) -> None:
        patients = []
        for p in self.plans:
            birth, nid = national_id(p.number)
            patients.append(Patient(name=patient_name(p.number), national_id=nid, birth_date=birth))
        Patient.objects.bulk_create(patients)
        teams = []
        for p, patient in zip(self.plans, patients, strict=True):
            p.patient = patient
            p.coordinator = self._pick(Role.COORDINATOR, p.number)
            teams.append(
                Team(
                    patient=patient,
                    status=Team.Status.ACTIVE,
                    established_on=p.established,
                    activated_on=p.established + dt.timedelta(days=14),
                    created_by=p.coordinator,
                )
            )
        Team.objects.bulk_create(teams)
        for p, team in zip(self.plans, teams, strict=True):
            p.team = team

    def _members(self) -> None:
        rows = []
        for p in self.plans:
            missing = (
                p.rng.choice(_CORE_ROLES[1:4]) if p.rng.random() < MISSING_ROLE_SHARE else None
            )
            for role in _CORE_ROLES:
                if role == missing:
                    continue
                user = self._pick(role, p.number)
                member = Member(
                    team=p.team,
                    user=user,
                    organisation_id=user.organisation_id,
                    role=role,
                    level=_LEVELS.get(role, NetworkLevel.KOMMUNE),
                    closeness=Closeness.WEEKLY if role == Role.NURSE else Closeness.MONTHLY,
                    involvement=Member.Involvement.CORE,
                    joined_on=p.established,
                )
                p.members[role] = member
                rows.append(member)
            # The patient's own network: a named contact without a login.
            rows.append(
                Member(
                    team=p.team,
                    external_name=f"{FIRST_NAMES[(p.number + 7) % len(FIRST_NAMES)]} (nabo)",
                    # +47 4000 xxxx as in seed_demo: invented mobile numbers.
                    external_phone=f"+474001{p.number % 10_000:04d}",
                    role=Role.NEIGHBOUR,
                    level=NetworkLevel.PRIVAT,
                    closeness=Closeness.WEEKLY,
                    involvement=Member.Involvement.AS_NEEDED,
                    joined_on=p.established,
                )
            )
        Member.objects.bulk_create(rows)

    def _consents_and_mandates(self) -> None:
        consents, mandates = [], []
        for p in self.plans:
            coordinator = p.coordinator
            consents.append(
                Consent(
                    patient=p.patient,
                    scope=Consent.Scope.TEAM_SHARING,
                    method=Consent.Method.WRITTEN,
                    given_by=Consent.GivenBy.PATIENT,
                    given_at=_at(p.established, 11),
                    recorded_by=coordinator,
                    renew_on=p.established + dt.timedelta(days=365),
                )
            )
            approved = p.rng.random() < MANDATE_APPROVED_SHARE
            deputy = p.members.get(Role.NURSE) if approved else None
            mandates.append(
                Mandate(
                    team=p.team,
                    task_description="Holde oversikten, kalle inn til møter og følge opp planen.",
                    authority="Kan kalle inn alle medlemmene og be om tiltak fra dem.",
                    hours_per_month=p.rng.choice((4, 6, 8)),
                    deputy=deputy,
                    updated_by=coordinator,
                    approved_by=self.setting.leaders[0] if approved else None,
                    approved_at=_at(p.established + dt.timedelta(days=21), 9) if approved else None,
                )
            )
        Consent.objects.bulk_create(consents)
        Mandate.objects.bulk_create(mandates)

    def _good_days(self) -> None:
        documents = [GoodDay(patient=p.patient, version=1) for p in self.plans]
        GoodDay.objects.bulk_create(documents)
        versions, goals = [], []
        for p, document in zip(self.plans, documents, strict=True):
            coordinator = p.coordinator
            versions.append(
                GoodDayVersion(
                    document=document,
                    number=1,
                    good_day="En god dag er når jeg har sovet, kommer meg ut og har noen å prate "
                    "med.",
                    what_matters="At avtalene holder og at noen ringer tilbake.",
                    written_by=coordinator,
                    written_with=str(p.patient),
                )
            )
            p.goals = [
                Goal(
                    patient=p.patient,
                    wish="Å ha noe å gå til",
                    text="Komme meg ut hver dag",
                    position=0,
                ),
                Goal(
                    patient=p.patient,
                    wish="Å ha det fint sammen med andre",
                    text="Ha en fast dag i uka med noe jeg liker",
                    position=1,
                ),
            ]
            goals += p.goals
        GoodDayVersion.objects.bulk_create(versions)
        Goal.objects.bulk_create(goals)

    def _plans(self) -> None:
        today = self.setting.today
        plans = [CarePlan(team=p.team, version=1) for p in self.plans]
        CarePlan.objects.bulk_create(plans)
        versions = []
        for p, plan in zip(self.plans, plans, strict=True):
            in_force = p.rng.random() < PLAN_IN_FORCE_SHARE
            p.in_force_on = (
                min(p.established + dt.timedelta(days=p.rng.randint(25, 60)), today)
                if in_force
                else None
            )
            p.version = CarePlanVersion(
                plan=plan,
                number=1,
                status=CarePlanVersion.Status.IN_FORCE
                if in_force
                else CarePlanVersion.Status.DRAFT,
                patient_summary="Bor alene, har hjemmetjeneste og fastlege i kommunen.",
                communication="Koordinator samler teamet hver måned; fastlegen får referatet.",
                evaluation_plan="Evaluering hvert halvår sammen med pasienten.",
                period_start=p.in_force_on,
                period_end=add_months(p.in_force_on, 12) if p.in_force_on else None,
                created_by=p.team.created_by,
                in_force_at=_at(p.in_force_on, 12) if p.in_force_on else None,
            )
            versions.append(p.version)
        CarePlanVersion.objects.bulk_create(versions)
        approvals, activities = [], []
        for p in self.plans:
            if p.in_force_on is None:
                continue
            coordinator = p.coordinator
            approvals.append(
                PlanApproval(
                    version=p.version,
                    approver=coordinator,
                    capacity=PlanApproval.Capacity.COORDINATOR,
                )
            )
            if p.rng.random() < LEADERS_APPROVED_SHARE:
                approvals += [
                    PlanApproval(
                        version=p.version,
                        approver=leader,
                        capacity=PlanApproval.Capacity.LEADER,
                        organisation_id=leader.organisation_id,
                    )
                    for leader in self.setting.leaders
                ]
            activities += self._annual(p, p.in_force_on)
        PlanApproval.objects.bulk_create(approvals)
        AnnualActivity.objects.bulk_create(activities)
        done: list[AnnualActivityDone] = []
        for activity in activities:
            done += getattr(activity, "_done", [])
        AnnualActivityDone.objects.bulk_create(done)

    def _annual(self, p: _TeamPlan, in_force_on: dt.date) -> list[AnnualActivity]:
        """Two recurring activities; past occurrences done (one in five late), and in about one
        team in ten the latest not done yet (overdue)."""
        today = self.setting.today
        coordinator = p.members[Role.COORDINATOR]
        result = []
        for kind, title, months in (
            (AnnualActivity.Kind.EVALUATION, "Evalueringsmøte med pasienten", 6),
            (AnnualActivity.Kind.ACTOR_MAP_REVIEW, "Gjennomgang av aktørkartet", 3),
        ):
            activity = AnnualActivity(
                version=p.version,
                kind=kind,
                title=title,
                recurrence=AnnualActivity.Recurrence.EVERY_N_MONTHS,
                interval_months=months,
                first_on=add_months(in_force_on, months),
                responsible=coordinator,
            )
            due = occurrences(activity, in_force_on, today - dt.timedelta(days=1))
            overdue = bool(due) and p.rng.random() < 0.1
            done_rows = []
            for day in due[:-1] if overdue else due:
                late = p.rng.random() < 0.2
                done_on = min(day + dt.timedelta(days=p.rng.randint(8, 40) if late else 0), today)
                done_rows.append(
                    AnnualActivityDone(
                        activity=activity,
                        due_on=day,
                        done_on=done_on,
                        done_by=coordinator.user,
                    )
                )
            activity.last_done_on = done_rows[-1].done_on if done_rows else None
            following = occurrences(activity, today, add_months(today, months + 1))
            activity.next_due_on = due[-1] if overdue else (following[0] if following else None)
            activity._done = done_rows  # type: ignore[attr-defined]
            result.append(activity)
        return result

    def _periods(self) -> None:
        """Six-month plan periods from the plan in force; most evaluated within a month of
        their end, some late, a few not at all."""
        today = self.setting.today
        periods = []
        for p in self.plans:
            if p.in_force_on is None:
                continue
            start = p.in_force_on
            while True:
                end = add_months(start, 6)
                evaluated = None
                if end < today:
                    roll = p.rng.random()
                    if roll < 0.7:
                        evaluated = min(end + dt.timedelta(days=p.rng.randint(0, 20)), today)
                    elif roll < 0.9:
                        evaluated = min(end + dt.timedelta(days=p.rng.randint(45, 90)), today)
                periods.append(
                    PlanPeriod(
                        team=p.team,
                        starts_on=start,
                        ends_on=end,
                        created_by=p.team.created_by,
                        evaluated_on=evaluated,
                    )
                )
                if end >= today:
                    break
                start = end
        PlanPeriod.objects.bulk_create(periods)
        Evaluation.objects.bulk_create(
            Evaluation(
                period=period,
                summary="Målene er delvis nådd; teamet fortsetter med samme plan.",
                status=Evaluation.Status.CLOSED,
                created_by=period.created_by,
                sent_at=_at(period.evaluated_on, 10),
                closed_at=_at(period.evaluated_on, 14),
            )
            for period in periods
            if period.evaluated_on is not None
        )

    def _meetings(self) -> None:
        """The need report that started it all, then a meeting every one or two months: most
        with minutes, the first 10 to 40 days after the report."""
        today = self.setting.today
        reports, meetings = [], []
        for p in self.plans:
            coordinator = p.members[Role.COORDINATOR]
            first = p.established + dt.timedelta(days=p.rng.randint(3, 30))
            report = NeedReport(
                kommune_id=self.setting.kommune_id,
                patient_name=str(p.patient),
                national_id=p.patient.national_id,
                need="Trenger hjelp til å samordne tjenestene fra kommunen og sykehuset.",
                reported_by=p.team.created_by,
                relation=NeedReport.Relation.GP,
                patient_knows=True,
                patient_agrees=True,
                status=NeedReport.Status.TEAM_ESTABLISHED,
                team=p.team,
            )
            report._reported_on = p.established - dt.timedelta(  # type: ignore[attr-defined]
                days=p.rng.randint(7, 30)
            )
            reports.append(report)
            day = first
            while day < today:
                with_minutes = p.rng.random() < 0.8
                meetings.append(
                    Meeting(
                        team=p.team,
                        kind=Meeting.Kind.STARTUP
                        if day == first
                        else Meeting.Kind.RESPONSIBILITY_GROUP,
                        status=Meeting.Status.HELD,
                        starts_at=_at(day, 10),
                        duration_minutes=60,
                        place="Helsehuset, møterom 1",
                        leader=coordinator,
                        referent=p.members.get(Role.NURSE, coordinator),
                        minutes="Gikk gjennom målene og fasen. Ingen endringer i planen."
                        if with_minutes
                        else "",
                        created_by=coordinator.user,
                    )
                )
                day += dt.timedelta(days=p.rng.choice((30, 45, 60)))
        NeedReport.objects.bulk_create(reports)
        for report in reports:
            report.created_at = _at(report._reported_on, 9)  # type: ignore[attr-defined]
        # created_at is auto_now_add: set the past day afterwards.
        NeedReport.objects.bulk_update(reports, ["created_at"], batch_size=1000)
        Meeting.objects.bulk_create(meetings)

    def _tasks(self) -> None:
        today = self.setting.today
        tasks = []
        for p in self.plans:
            for i in range(p.rng.randint(2, 4)):
                due = today + dt.timedelta(days=p.rng.randint(-40, 40))
                done = due < today and p.rng.random() < 0.6
                owner = p.members.get(_CORE_ROLES[p.rng.randint(0, 4)], p.members[Role.COORDINATOR])
                tasks.append(
                    Task(
                        team=p.team,
                        goal=p.goals[i % len(p.goals)],
                        title=_TASKS[(p.number + i) % len(_TASKS)],
                        owner=owner,
                        due_on=due,
                        status=Task.Status.DONE if done else Task.Status.OPEN,
                        created_by=p.team.created_by,
                        done_at=_at(due, 15) if done else None,
                    )
                )
        Task.objects.bulk_create(tasks)

    def _contacts_and_ratings(self) -> None:
        """Night contacts for about a third of the patients (one in six admitted), and a
        good-day rating every month since the team began, drifting slowly."""
        today = self.setting.today
        contacts, ratings = [], []
        for p in self.plans:
            coordinator = p.coordinator
            if p.rng.random() < 0.35:
                # On different days: one contact per service and time (the model's constraint).
                span = range(1, (today - p.established).days + 1)
                for back in p.rng.sample(span, min(p.rng.randint(1, 6), len(span))):
                    day = today - dt.timedelta(days=back)
                    contacts.append(
                        NightContact(
                            patient=p.patient,
                            service=p.rng.choice(_SERVICES),
                            occurred_at=_at(day, p.rng.choice((22, 23, 1, 2, 3))),
                            reason=p.rng.choice(_REASONS),
                            outcome=NightContact.Outcome.ADMITTED
                            if p.rng.random() < 0.17
                            else NightContact.Outcome.SENT_HOME,
                            recorded_by=coordinator,
                        )
                    )
            good = p.rng.randint(2, 5)
            day = p.established + dt.timedelta(days=p.rng.randint(5, 25))
            while day <= today:
                good = max(0, min(7, good + p.rng.choice((-1, 0, 0, 1))))
                ratings.append(
                    GoodDayRating(
                        patient=p.patient, rated_on=day, good_days=good, recorded_by=coordinator
                    )
                )
                day = add_months(day, 1)
        NightContact.objects.bulk_create(contacts)
        GoodDayRating.objects.bulk_create(ratings)

    def _surveys(self) -> None:
        """Two or three closed rounds of the survey in the teams the setting picks, every staff
        member answering: 2–5 on each dimension, a little better each round."""
        today = self.setting.today
        chosen = [p for p in self.plans if self.setting.surveyed(p.number, p.established)]
        rounds: list[SurveyRound] = []
        answerers: list[list[User]] = []
        for p in chosen:
            staff = [m.user for m in p.members.values() if m.user is not None]
            count = 2 + p.number % 2
            for number in range(1, count + 1):
                opened = today - dt.timedelta(days=30 + 120 * (count - number))
                if opened < p.established:
                    continue
                survey_round = SurveyRound(
                    team=p.team,
                    number=number,
                    opened_by=staff[0],
                    closes_at=_at(opened + dt.timedelta(days=14), 16),
                    closed_at=_at(opened + dt.timedelta(days=14), 16),
                )
                survey_round._opened_on = opened  # type: ignore[attr-defined]
                survey_round._rng = p.rng  # type: ignore[attr-defined]
                rounds.append(survey_round)
                answerers.append(staff)
        SurveyRound.objects.bulk_create(rounds)
        for survey_round in rounds:
            survey_round.opened_at = _at(survey_round._opened_on, 9)  # type: ignore[attr-defined]
        # opened_at is auto_now_add: set the past day afterwards.
        SurveyRound.objects.bulk_update(rounds, ["opened_at"], batch_size=1000)
        participations, answers = [], []
        for survey_round, staff in zip(rounds, answerers, strict=True):
            rng: random.Random = survey_round._rng  # type: ignore[attr-defined]
            lift = survey_round.number - 1
            for user in staff:
                participations.append(SurveyParticipation(round=survey_round, user=user))
                answers.append(
                    SurveyAnswer(
                        round=survey_round,
                        **{
                            d.value: min(5, rng.randint(2, 4) + rng.randint(0, lift))
                            for d in Dimension
                        },
                    )
                )
        SurveyParticipation.objects.bulk_create(participations)
        SurveyAnswer.objects.bulk_create(answers)


def generate(
    setting: Setting,
    numbers: range,
    *,
    batch_size: int = 1000,
    progress: Callable[[int], Any] | None = None,
) -> None:
    """Make the background teams numbered ``numbers`` (see the module docstring)."""
    for start in range(numbers.start, numbers.stop, batch_size):
        # A batch is whole or absent, so a second run can count the teams and go on.
        with transaction.atomic():
            _Batch(setting, range(start, min(start + batch_size, numbers.stop))).write()
        if progress is not None:
            progress(min(start + batch_size, numbers.stop) - numbers.start)


def phase_history(team: Team, changed_by: User, today: dt.date) -> None:
    """A course through the phases for one team: yellow, red with an admission, green again."""
    changes = [
        (Phase.YELLOW, 200, "Sover dårlig og avlyser avtaler; hjemmebesøk to ganger i uka."),
        (Phase.RED, 170, "Innlagt etter flere nattkontakter; DPS akutteam involvert."),
        (Phase.YELLOW, 150, "Utskrevet; tett oppfølging de første ukene."),
        (Phase.GREEN, 100, "Stabil igjen; vanlig oppfølging etter planen."),
    ]
    rows = PhaseChange.objects.bulk_create(
        PhaseChange(team=team, phase=phase, reason=reason, changed_by=changed_by)
        for phase, _days, reason in changes
    )
    for row, (_phase, days, _reason) in zip(rows, changes, strict=True):
        row.changed_at = _at(today - dt.timedelta(days=days), 13)
    PhaseChange.objects.bulk_update(rows, ["changed_at"])


# The demo's background staff: (role, organisation name, how many). Not logins: they exist so
# the background teams have people in every role, in Fjordvik's and the hospital's units.
DEMO_STAFF: tuple[tuple[Role, str, int], ...] = (
    (Role.COORDINATOR, "Fjordvik koordinerende enhet", 2),
    (Role.GP, "Fjordvik legekontor", 3),
    (Role.SPECIALIST_CONTACT, "Vestfjord DPS", 2),
    (Role.INTERNAL_COORDINATOR, "Medisinsk avdeling, Vestfjord sjukehus", 2),
    (Role.NURSE, "Fjordvik hjemmetjeneste", 3),
    (Role.PSYCHIATRIC_NURSE, "Fjordvik psykisk helse og rus", 2),
    (Role.NAV_ADVISER, "NAV Fjordvik", 2),
)
DEMO_KOMMUNE = "Fjordvik kommune"
# A round of the survey needs time: teams older than this answer two or three rounds.
SURVEY_AFTER_DAYS = 280


def demo_staff() -> dict[Role, list[User]]:
    """The background staff, made once. The first coordinator takes two teams of every three,
    so their caseload goes over the limit (the indicator must show one such coordinator)."""
    organisations = {
        o.name: o for o in Organisation.objects.filter(name__in=[n for _r, n, _c in DEMO_STAFF])
    }
    password = make_password(None)
    staff: dict[Role, list[User]] = {}
    number = 0
    for role, organisation, count in DEMO_STAFF:
        users = []
        for _i in range(count):
            first = FIRST_NAMES[(number * 7 + 3) % len(FIRST_NAMES)]
            last = SURNAMES[(number * 5 + 11) % len(SURNAMES)]
            users.append(
                User(
                    username=f"bakgrunn-{number:02d}",
                    first_name=first,
                    last_name=last,
                    kind=User.Kind.STAFF,
                    organisation=organisations[organisation],
                    password=password,
                )
            )
            number += 1
        staff[role] = User.objects.bulk_create(users)
    busy, other = staff[Role.COORDINATOR]
    staff[Role.COORDINATOR] = [busy, busy, other]
    return staff


def _kari_ratings(users: dict[str, User], today: dt.date) -> None:
    """Kari's own answers, weekly for twelve weeks, so her portal and team page show a trend."""
    kari = Patient.objects.filter(user=users["kari"]).first()
    if kari is None:
        return
    GoodDayRating.objects.bulk_create(
        GoodDayRating(
            patient=kari,
            rated_on=today - dt.timedelta(days=7 * week),
            good_days=(2, 3, 3, 2, 4, 3, 4, 5, 4, 5, 5, 6)[11 - week],
            recorded_by=users["cecilie"] if week % 4 == 0 else users["kari"],
        )
        for week in range(12)
    )


def load(users: dict[str, User], today: dt.date) -> None:
    """The demo's background teams in Fjordvik (see the module docstring). Idempotent: a
    second run finds the first background patient and changes nothing."""
    if background_patients(1).exists():
        return
    kommune = Organisation.objects.get(name=DEMO_KOMMUNE)
    setting = Setting(
        staff=demo_staff(),
        leaders=[users["leif"], users["hilde"]],
        kommune_id=kommune.pk,
        today=today,
        days_ago=lambda n, rng: DEMO_WAVES[n % len(DEMO_WAVES)] + rng.randint(0, 7),
        surveyed=lambda n, established: (
            n % 6 == 0 and (today - established).days > SURVEY_AFTER_DAYS
        ),
    )
    generate(setting, range(DEMO_TEAMS))
    _kari_ratings(users, today)
