"""The facts behind the leaders' indicators, read for all teams in scope at once.

A FIXED number of queries whatever the number of teams or months (the bench runs the leader
report over 20 000 patients in under 5 s): each fact is one ``values_list`` or one aggregate
grouped by team (or patient) and month; ``coordination.reports.indicators`` turns them into series.
Nothing here reads a name or a line of clinical text: only ids, dates and counts.

The caseload limit lives here too: the limit is a fact the indicator measures against, and the
leader sets it from the indicator page (``indicator_services.caseload_limit_set``).
"""

from __future__ import annotations

import datetime as dt
import operator
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from functools import reduce
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast, ExtractMonth, ExtractYear
from django.utils import timezone

from actors.models import MANDATORY_ROLES, Member, Organisation, Role, Team
from careplans.models import (
    AnnualActivity,
    AnnualActivityDone,
    AnnualActivityMissed,
    CarePlan,
    CarePlanVersion,
    GoodDayRating,
    PlanApproval,
)
from coordination.models import (
    COORDINATOR_CASELOAD_LIMIT,
    Mandate,
    Meeting,
    NeedReport,
    NightContact,
    PlanPeriod,
    SurveyAnswer,
)
from coordination.models.survey import Dimension

CASELOAD_LIMIT_MIN = 1
# Teams in scope named by id in the queries of ``load_facts`` up to this many; a larger scope
# goes as subqueries. Measured: a kommune's 1,333 teams by id made the national page flat
# (1.0× at 500,000 patients, against 2.1× by subquery); the leaders bench's 20,000 teams by id
# took 14 s against 6–8 s by subquery (binding and planning 20,000 parameters a query, twelve
# times), where the scope is a good part of the table anyway.
IDS_AT_MOST = 5_000
CASELOAD_LIMIT_MAX = 100

MonthKey = tuple[int, int]  # (id, month index)
_ZONE = zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _local_date(moment: dt.datetime) -> dt.date:
    # astimezone with the zone read once: timezone.localtime per row is measurably slower
    # over the tens of thousands of rows of a large kommune.
    return moment.astimezone(_ZONE).date()


@dataclass(frozen=True)
class Months:
    """Whole months from ``first`` (a first day), ``count`` of them."""

    first: dt.date
    count: int

    def index(self, day: dt.date) -> int | None:
        i = (day.year - self.first.year) * 12 + day.month - self.first.month
        return i if 0 <= i < self.count else None

    def start(self, i: int) -> dt.date:
        year, month = divmod(self.first.year * 12 + self.first.month - 1 + i, 12)
        return dt.date(year, month + 1, 1)

    def last(self, i: int) -> dt.date:
        return self.start(i + 1) - dt.timedelta(days=1)

    @property
    def end(self) -> dt.date:
        return self.last(self.count - 1)


def months_between(start: dt.date, end: dt.date) -> Months:
    first = start.replace(day=1)
    return Months(first, (end.year - first.year) * 12 + end.month - first.month + 1)


# Days from the first to before the second (a member's ``left_on`` is their first day out).
# A plain tuple: hundreds of thousands are made per report, and a NamedTuple's constructor
# alone cost a third of a second on the bench.
Span = tuple[dt.date, dt.date | None]


def span_on(span: Span, day: dt.date) -> bool:
    start, until = span
    return start <= day and (until is None or until > day)


@dataclass
class TeamFacts:
    patient_id: int
    established_on: dt.date
    closed_on: dt.date | None
    # Core members' organisations (within the leader's tree) and when they were in the team.
    core: list[tuple[int, Span]] = field(default_factory=list)
    roles: dict[str, list[Span]] = field(default_factory=dict)
    # An approved mandate with a deputy counts from approval until the deputy leaves.
    mandate: Span | None = None
    # Plan versions that came in force: (from, approved by a leader), in order.
    plans: list[tuple[dt.date, bool]] = field(default_factory=list)
    # Plan periods: (ends_on, evaluated_on).
    periods: list[tuple[dt.date, dt.date | None]] = field(default_factory=list)
    coordinators: list[tuple[int, Span]] = field(default_factory=list)


@dataclass
class Facts:
    months: Months
    today: dt.date
    teams: dict[int, TeamFacts]
    # (team, month) → [due, done on time] of årshjul occurrences due that month.
    annual: dict[MonthKey, list[int]]
    # (team, month) → [held, with minutes].
    meetings: dict[MonthKey, list[int]]
    # (team, month of the first team meeting) → days from the need report.
    first_meeting: dict[MonthKey, int]
    # (patient, month) → [contacts, admissions].
    night: dict[MonthKey, list[int]]
    # (team, month the round opened) → [answers, sum of the answers' means over 7 dimensions].
    survey: dict[MonthKey, list[float]]
    # (patient, month) → the patient's mean of good days a week that month.
    good_days: dict[MonthKey, float]
    # (coordinator, month) → open teams they coordinate at the month's reference day.
    caseload: dict[MonthKey, int]
    # coordinator → the limit of their organisation (inherited).
    limits: dict[int, int]

    def reference_day(self, i: int) -> dt.date:
        """The day a state is read for a month: its last day, or today in the current month."""
        return min(self.months.last(i), self.today)


def organisation_tree() -> dict[int, tuple[int | None, str, int | None]]:
    """Every organisation: id → (parent, name, caseload limit). One query; the tree is small."""
    return {
        pk: (parent, name, limit)
        for pk, parent, name, limit in Organisation.objects.values_list(
            "pk", "parent_id", "name", "caseload_limit"
        )
    }


def subtree(tree: dict[int, tuple[int | None, str, int | None]], root: int) -> set[int]:
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, (parent, _name, _limit) in tree.items():
        children[parent].append(pk)
    found, todo = set(), [root]
    while todo:
        pk = todo.pop()
        if pk not in found:
            found.add(pk)
            todo.extend(children[pk])
    return found


def caseload_limit_for(
    tree: dict[int, tuple[int | None, str, int | None]], organisation_id: int | None
) -> int:
    """The organisation's own limit, else the nearest one above it, else the national default."""
    seen: set[int] = set()
    pk = organisation_id
    while pk is not None and pk in tree and pk not in seen:
        seen.add(pk)
        parent, _name, limit = tree[pk]
        if limit is not None:
            return limit
        pk = parent
    return COORDINATOR_CASELOAD_LIMIT


def _fetch(rows: QuerySet[Any, tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """A ``values_list`` query's rows in one fetch, without Django's per-value converters:
    over a kommune's hundreds of thousands of rows they cost about as much as the queries.
    Only for columns psycopg already returns as the right Python type (ints, dates, aware
    datetimes, booleans) — PostgreSQL's; SQLite (the demo) returns text, so it and a query
    whose columns Django would reorder go the ordinary way."""
    query = rows.query
    if connections[rows.db].vendor != "postgresql" or list(rows._fields) != [  # type: ignore[attr-defined]
        *query.values_select,
        *query.annotation_select,
    ]:
        return list(rows)
    try:
        sql, params = query.sql_with_params()
    except EmptyResultSet:  # an empty ``__in``: nothing to ask the database
        return []
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _month_index(field: str, first: dt.date) -> Combinable:
    """The month's index in the period, computed by the database (in Oslo time for a moment):
    integers come back far cheaper than timestamps over hundreds of thousands of rows."""
    index = (ExtractYear(field) - first.year) * 12 + ExtractMonth(field) - first.month
    # PostgreSQL's EXTRACT is numeric: cast, so the raw fetch returns a plain int.
    return Cast(index, IntegerField())


def core_scope(organisation_ids: set[int]) -> QuerySet[Member, Any]:
    """The teams with a core member in the organisations, as a subquery of team ids."""
    return Member.objects.filter(
        involvement=Member.Involvement.CORE, organisation_id__in=organisation_ids
    ).values("team_id")


def _ids(ids: set[int], otherwise: QuerySet[Any, Any]) -> list[int] | QuerySet[Any, Any]:
    """Ids for an ``__in`` filter, sorted; past IDS_AT_MOST, the subquery that gives them."""
    return sorted(ids) if len(ids) <= IDS_AT_MOST else otherwise


def load_facts(
    tree: dict[int, tuple[int | None, str, int | None]],
    organisation_ids: set[int],
    months: Months,
    today: dt.date | None = None,
) -> Facts:
    """Facts of every team with a core member in ``organisation_ids``. Queries: 1 core members,
    2 their teams in the period, 3 mandatory roles, 4 mandates, 5 plan versions in force (with
    a leader's approval), 6 plan periods, 7 årshjul occurrences done, 8 årshjul activities
    overdue, 9 held meetings, 10 need reports with the first held meeting, 11 coordinators'
    memberships, 12 night contacts, 13 survey answers, 14 good-day ratings."""
    today = today or timezone.localdate()
    first, last = months.first, months.end
    # Moments as a range of aware datetimes (Oslo midnights), so the indexes on them serve.
    since = dt.datetime.combine(first, dt.time(), tzinfo=_ZONE)
    until = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=_ZONE)
    # A team is in scope with a core member in the organisations and a life that meets the
    # period. Read in two steps, each by an index: the organisations' core members (by their
    # organisation), then their teams by key. Never a test over every team in the country:
    # asked in one query (or as a subquery in each query below), PostgreSQL scanned
    # actors_team, and the page took twice its time at 500,000 patients.
    core = _fetch(
        Member.objects.filter(
            involvement=Member.Involvement.CORE, organisation_id__in=organisation_ids
        )
        .order_by()
        .values_list("team_id", "organisation_id", "joined_on", "left_on")
    )
    lives = Q(Q(closed_on__isnull=True) | Q(closed_on__gte=first), established_on__lte=last)
    scope = Team.objects.filter(lives, pk__in=core_scope(organisation_ids))
    teams: dict[int, TeamFacts] = {}
    # Each team's plan, looked up by the plan's index on its team (a subquery per team): the
    # plan versions are then read by their plans' ids; joined to the teams by PostgreSQL,
    # careplans_careplan was scanned whole at 500,000 patients.
    plan_teams: dict[int, int] = {}
    for team_id, patient_id, established, closed, plan_id in _fetch(
        Team.objects.filter(
            lives, pk__in=_ids({team_id for team_id, *_rest in core}, core_scope(organisation_ids))
        )
        .annotate(plan_id=Subquery(CarePlan.objects.filter(team=OuterRef("pk")).values("pk")))
        .order_by()
        .values_list("pk", "patient_id", "established_on", "closed_on", "plan_id")
    ):
        teams[team_id] = TeamFacts(patient_id, established, closed)
        if plan_id is not None:
            plan_teams[plan_id] = team_id
    for team_id, org_id, joined, left in core:
        if team_id in teams:
            teams[team_id].core.append((org_id, (joined, left)))
    # The later queries name the teams (and their patients) by id, found by each table's index
    # on its team; a scope too large for one statement's parameters goes as a subquery.
    in_scope = _ids(set(teams), scope.values("pk"))
    patients = _ids({t.patient_id for t in teams.values()}, scope.values("patient_id"))
    # Every ``.order_by()`` below drops a model's default ordering: sorting a kommune's
    # hundred thousand rows (on disk, measured) for a loop that does not care.

    for team_id, role, joined, left, user_id in _fetch(
        Member.objects.filter(team_id__in=in_scope, role__in=MANDATORY_ROLES)
        .order_by()
        .values_list("team_id", "role", "joined_on", "left_on", "user_id")
    ):
        teams[team_id].roles.setdefault(role, []).append((joined, left))
        if role == Role.COORDINATOR and user_id is not None:
            teams[team_id].coordinators.append((user_id, (joined, left)))

    for team_id, approved_at, deputy_left in _fetch(
        Mandate.objects.filter(
            team_id__in=in_scope, approved_at__isnull=False, deputy__isnull=False
        )
        .order_by()
        .values_list("team_id", "approved_at", "deputy__left_on")
    ):
        teams[team_id].mandate = (_local_date(approved_at), deputy_left)

    for plan_id, in_force_at, leaders in _fetch(
        CarePlanVersion.objects.filter(
            plan_id__in=_ids(set(plan_teams), CarePlan.objects.filter(team__in=scope).values("pk")),
            in_force_at__isnull=False,
        )
        .annotate(
            leaders=Exists(
                PlanApproval.objects.filter(
                    version=OuterRef("pk"), capacity=PlanApproval.Capacity.LEADER
                )
            )
        )
        .order_by("in_force_at")
        .values_list("plan_id", "in_force_at", "leaders")
    ):
        teams[plan_teams[plan_id]].plans.append((_local_date(in_force_at), leaders))

    for team_id, ends_on, evaluated_on in _fetch(
        PlanPeriod.objects.filter(team_id__in=in_scope, starts_on__lte=last)
        .order_by()
        .values_list("team_id", "ends_on", "evaluated_on")
    ):
        teams[team_id].periods.append((ends_on, evaluated_on))

    # Occurrences due in the period: done (on time or late), missed (the sweep moved the
    # activity on: AnnualActivityMissed), and passed since the last sweep (still next_due_on).
    # Mandatory activities only, as the årshjul's obligations.
    annual: dict[MonthKey, list[int]] = defaultdict(lambda: [0, 0])
    for team_id, due_on, done_on in _fetch(
        AnnualActivityDone.objects.filter(
            activity__version__plan__team_id__in=in_scope,
            activity__mandatory=True,
            due_on__gte=first,
            due_on__lte=last,
        )
        .order_by()
        .values_list("activity__version__plan__team_id", "due_on", "done_on")
    ):
        i = months.index(due_on)
        if i is not None:
            annual[team_id, i][0] += 1
            annual[team_id, i][1] += done_on <= due_on
    not_done = [
        AnnualActivityMissed.objects.filter(
            activity__version__plan__team_id__in=in_scope,
            activity__mandatory=True,
            due_on__gte=first,
            due_on__lte=last,
        ).values_list("activity__version__plan__team_id", "due_on"),
        AnnualActivity.objects.filter(
            version__plan__team_id__in=in_scope,
            version__status=CarePlanVersion.Status.IN_FORCE,
            mandatory=True,
            next_due_on__gte=first,
            next_due_on__lte=min(last, today - dt.timedelta(days=1)),
        ).values_list("version__plan__team_id", "next_due_on"),
    ]
    for rows in not_done:
        for team_id, due_on in _fetch(rows.order_by()):
            i = months.index(due_on)
            if i is not None:
                annual[team_id, i][0] += 1

    meetings: dict[MonthKey, list[int]] = {}
    for team_id, i, held, with_minutes in _fetch(
        Meeting.objects.filter(
            team_id__in=in_scope,
            status=Meeting.Status.HELD,
            starts_at__gte=since,
            starts_at__lt=until,
        )
        .annotate(i=_month_index("starts_at", first))
        .values("team_id", "i")
        .annotate(held=Count("pk"), with_minutes=Count("pk", filter=~Q(minutes="")))
        .values_list("team_id", "i", "held", "with_minutes")
    ):
        meetings[team_id, i] = [held, with_minutes]

    first_meeting: dict[MonthKey, int] = {}
    for team_id, reported_at, met_at in _fetch(
        NeedReport.objects.filter(team_id__in=in_scope)
        .annotate(
            first_meeting=Min(
                "team__meetings__starts_at",
                filter=Q(team__meetings__status=Meeting.Status.HELD),
            )
        )
        .filter(first_meeting__isnull=False)
        .values_list("team_id", "created_at", "first_meeting")
    ):
        met_on = _local_date(met_at)
        i = months.index(met_on)
        if i is not None:
            days = max(0, (met_on - _local_date(reported_at)).days)
            first_meeting[team_id, i] = min(days, first_meeting.get((team_id, i), days))

    coordinators = {user for t in teams.values() for user, _span in t.coordinators}
    reference_days = [min(months.last(i), today) for i in range(months.count)]
    caseload: dict[MonthKey, int] = defaultdict(int)
    limits: dict[int, int] = {}
    for user_id, joined, left, established, closed, org_id in _fetch(
        Member.objects.filter(role=Role.COORDINATOR, user_id__in=coordinators)
        .order_by()
        .values_list(
            "user_id",
            "joined_on",
            "left_on",
            "team__established_on",
            "team__closed_on",
            "user__organisation_id",
        )
    ):
        limits[user_id] = caseload_limit_for(tree, org_id)
        span = (max(joined, established), left)
        for i, day in enumerate(reference_days):
            if span_on(span, day) and (closed is None or closed > day):
                caseload[user_id, i] += 1

    night: dict[MonthKey, list[int]] = {}
    for patient_id, i, contacts, admitted in _fetch(
        NightContact.objects.filter(
            patient_id__in=patients, occurred_at__gte=since, occurred_at__lt=until
        )
        .annotate(i=_month_index("occurred_at", first))
        .values("patient_id", "i")
        .annotate(
            contacts=Count("pk"),
            admitted=Count("pk", filter=Q(outcome=NightContact.Outcome.ADMITTED)),
        )
        .values_list("patient_id", "i", "contacts", "admitted")
    ):
        night[patient_id, i] = [contacts, admitted]

    survey: dict[MonthKey, list[float]] = {}
    answer_sum = reduce(operator.add, (F(d.value) for d in Dimension))
    for team_id, i, answers, total in _fetch(
        SurveyAnswer.objects.filter(
            round__team_id__in=in_scope,
            round__opened_at__gte=since,
            round__opened_at__lt=until,
        )
        .annotate(i=_month_index("round__opened_at", first))
        .values("round__team_id", "i")
        .annotate(answers=Count("pk"), total=Sum(answer_sum))
        .values_list("round__team_id", "i", "answers", "total")
    ):
        survey[team_id, i] = [answers, total / len(Dimension)]

    good_days: dict[MonthKey, float] = {}
    for patient_id, i, rated, total in _fetch(
        GoodDayRating.objects.filter(
            patient_id__in=patients, rated_on__gte=first, rated_on__lte=last
        )
        .annotate(i=_month_index("rated_on", first))
        .values("patient_id", "i")
        .annotate(rated=Count("pk"), total=Sum("good_days"))
        .values_list("patient_id", "i", "rated", "total")
    ):
        good_days[patient_id, i] = total / rated

    return Facts(
        months=months,
        today=today,
        teams=teams,
        annual=dict(annual),
        meetings=dict(meetings),
        first_meeting=first_meeting,
        night=night,
        survey=survey,
        good_days=good_days,
        caseload=dict(caseload),
        limits=limits,
    )
