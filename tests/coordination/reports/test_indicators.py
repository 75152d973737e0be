"""The indicator definitions on small hand-made data: each indicator, month boundaries,
suppression below five, and the caseload limit's inheritance. Every test runs twice: the
report computed from the facts, and read from the months beat stores (the same cells).

The period is January–March 2026, read as if today were 15 April 2026 (months are whole and
closed). Fjordvik kommune has two units below it, "Hjemmetjenesten" and "Psykisk helse".
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from actors.models import MANDATORY_ROLES, Organisation, Role, Team, User
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
    Mandate,
    Meeting,
    NeedReport,
    NightContact,
    PlanPeriod,
    SurveyAnswer,
    SurveyRound,
)
from coordination.reports.indicator_data import caseload_limit_for, organisation_tree
from coordination.reports.indicator_months import indicator_months_refresh
from coordination.reports.indicators import (
    SUPPRESS_BELOW,
    IndicatorReport,
    IndicatorResult,
    csv_rows,
    indicator_report,
)
from tests.factories import MemberFactory, OrganisationFactory, StaffFactory, TeamFactory

pytestmark = pytest.mark.django_db

START, END, TODAY = dt.date(2026, 1, 1), dt.date(2026, 3, 1), dt.date(2026, 4, 15)
JAN, FEB, MAR = 0, 1, 2


def at(day: dt.date, hour: int = 12, minute: int = 0) -> dt.datetime:
    """A moment in Oslo time."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def make_team(
    organisation: Organisation,
    *,
    roles: tuple[Role, ...] = MANDATORY_ROLES,
    established: dt.date = dt.date(2025, 6, 1),
    coordinator: User | None = None,
    patient_name: str | None = None,
) -> Team:
    """An active team whose members (one per role, coordinator first) work in
    ``organisation`` from the day it was established."""
    team = TeamFactory.create(status=Team.Status.ACTIVE, established_on=established)
    if patient_name:
        team.patient.name = patient_name
        team.patient.save(update_fields=["name"])
    for role in roles:
        user = coordinator if role == Role.COORDINATOR and coordinator else None
        MemberFactory.create(
            team=team,
            user=user or StaffFactory.create(organisation=organisation),
            organisation=organisation,
            role=role,
            joined_on=established,
        )
    return team


def make_teams(organisation: Organisation, count: int, **kwargs) -> list[Team]:
    return [make_team(organisation, **kwargs) for _ in range(count)]


def plan_in_force(team: Team, author: User, since: dt.date, *, leaders: bool) -> CarePlanVersion:
    plan, _ = CarePlan.objects.get_or_create(team=team)
    number = plan.versions.count() + 1
    plan.versions.filter(status=CarePlanVersion.Status.IN_FORCE).update(
        status=CarePlanVersion.Status.SUPERSEDED
    )
    version = CarePlanVersion.objects.create(
        plan=plan,
        number=number,
        created_by=author,
        status=CarePlanVersion.Status.IN_FORCE,
        in_force_at=at(since),
    )
    if leaders:
        PlanApproval.objects.create(
            version=version, approver=author, capacity=PlanApproval.Capacity.LEADER
        )
    return version


# Set for each test by ``read_from``: the report reads the stored months.
STORED = False


@pytest.fixture(autouse=True, params=["facts", "stored"])
def read_from(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(f"{__name__}.STORED", request.param == "stored")


def report(organisation: Organisation) -> IndicatorReport:
    if STORED:
        indicator_months_refresh(today=TODAY)
    rep = indicator_report(organisation, START, END, today=TODAY)
    assert rep.as_of == (TODAY if STORED else None)
    return rep


def result(rep: IndicatorReport, key: str) -> IndicatorResult:
    return next(r for r in rep.results if r.indicator.key == key)


def values(rep: IndicatorReport, key: str, row: int | None = None) -> list[float | None]:
    res = result(rep, key)
    series = res.total if row is None else res.rows[row]
    return [c.value for c in series.cells]


def test_share_with_all_four_mandatory_roles_counts_a_role_from_the_month_it_starts(fjordvik):
    make_teams(fjordvik.kommune, 5)
    late = make_team(fjordvik.kommune, roles=(Role.COORDINATOR,))
    # The GP, the kontaktlege and the intern koordinator join on 28 February: the state on
    # the last day of February counts, so February and March are complete, January is not.
    for role in MANDATORY_ROLES[1:]:
        MemberFactory.create(
            team=late, role=role, organisation=fjordvik.kommune, joined_on=dt.date(2026, 2, 28)
        )

    rep = report(fjordvik.kommune)

    assert values(rep, "roles") == [5 / 6, 1.0, 1.0]
    assert [c.count for c in result(rep, "roles").total.cells] == [6, 6, 6]


def test_a_role_that_left_during_the_month_is_missing_at_its_end(fjordvik):
    teams = make_teams(fjordvik.kommune, 5)
    teams[0].members.filter(role=Role.GP).update(left_on=dt.date(2026, 2, 10))

    assert values(report(fjordvik.kommune), "roles") == [1.0, 0.8, 0.8]


def test_fewer_than_five_teams_are_suppressed_without_value_or_count(fjordvik):
    make_teams(fjordvik.kommune, SUPPRESS_BELOW - 1)

    rep = report(fjordvik.kommune)

    for res in rep.results:
        for cell in res.total.cells:
            assert cell.suppressed and cell.value is None and cell.count == 0
            assert cell.show(res.indicator.unit) == "–" and cell.count_shown == "<5"
    assert all(row[3] == "" and row[4] == "<5" and row[5] == "ja" for row in csv_rows(rep))


def test_a_team_counts_only_in_the_months_a_core_member_worked_in_the_organisation(fjordvik):
    make_teams(fjordvik.kommune, 5)
    other = OrganisationFactory.create(name="Havbu kommune")
    moved = make_team(other)
    # A core nurse from Fjordvik in February only: the team counts in February alone.
    MemberFactory.create(
        team=moved,
        organisation=fjordvik.kommune,
        joined_on=dt.date(2026, 2, 1),
        left_on=dt.date(2026, 3, 1),
    )
    # As-needed members do not bring a team into scope.
    MemberFactory.create(
        team=make_team(other),
        organisation=fjordvik.kommune,
        involvement="as_needed",
        joined_on=dt.date(2025, 1, 1),
    )

    assert [c.count for c in result(report(fjordvik.kommune), "roles").total.cells] == [5, 6, 5]


def test_mandate_counts_from_approval_with_a_deputy_until_the_deputy_leaves(fjordvik):
    teams = make_teams(fjordvik.kommune, 5)
    for n, team in enumerate(teams):
        deputy = team.members.get(role=Role.GP)
        Mandate.objects.create(
            team=team,
            task_description="Koordinere",
            authority="Kalle inn",
            hours_per_month=4,
            deputy=deputy,
            updated_by=fjordvik.author,
            approved_by=fjordvik.author,
            approved_at=at(dt.date(2026, 2, 1) if n == 0 else dt.date(2025, 12, 1)),
        )
    teams[1].members.filter(role=Role.GP).update(left_on=dt.date(2026, 3, 5))

    assert values(report(fjordvik.kommune), "mandate") == [0.8, 1.0, 0.8]


def test_plan_approved_by_leaders_and_evaluated_in_time_against_the_80_percent_target(fjordvik):
    teams = make_teams(fjordvik.kommune, 5)
    for n, team in enumerate(teams):
        plan_in_force(team, fjordvik.author, dt.date(2025, 9, 1), leaders=n != 0)
        PlanPeriod.objects.create(
            team=team,
            starts_on=dt.date(2025, 9, 1),
            ends_on=dt.date(2026, 1, 10),
            created_by=fjordvik.author,
            # Team 1 evaluates late, on 20 February, which still counts by the end of
            # February; team 2 never evaluates.
            evaluated_on=None
            if n == 2
            else dt.date(2026, 2, 20)
            if n == 1
            else dt.date(2026, 1, 12),
        )

    rep = report(fjordvik.kommune)

    assert values(rep, "plan_leaders") == [0.8, 0.8, 0.8]
    # January: nothing is 30 days overdue yet. February: team 1 was evaluated on the 20th,
    # team 2 is overdue. March: team 2 still overdue.
    assert values(rep, "plan_evaluated") == [1.0, 0.8, 0.8]
    assert result(rep, "plan_evaluated").indicator.target == 0.8


def test_a_plan_without_an_agreed_period_is_not_evaluated_in_time(fjordvik):
    for team in make_teams(fjordvik.kommune, 5):
        plan_in_force(team, fjordvik.author, dt.date(2025, 9, 1), leaders=True)

    assert values(report(fjordvik.kommune), "plan_evaluated") == [0.0, 0.0, 0.0]


def test_annual_activities_done_on_time_include_the_overdue_ones(fjordvik):
    teams = make_teams(fjordvik.kommune, 5)
    for n, team in enumerate(teams):
        version = plan_in_force(team, fjordvik.author, dt.date(2025, 9, 1), leaders=True)
        activity = AnnualActivity.objects.create(
            version=version,
            kind=AnnualActivity.Kind.MEDICATION_REVIEW,
            title="Legemiddelgjennomgang",
            recurrence=AnnualActivity.Recurrence.YEARLY,
            month=2,
            # Team 0 has not done its March activity: overdue (today is 15 April).
            next_due_on=dt.date(2026, 3, 15) if n == 0 else None,
        )
        AnnualActivityDone.objects.create(
            activity=activity,
            due_on=dt.date(2026, 2, 15),
            # Team 4 did it late.
            done_on=dt.date(2026, 2, 20) if n == 4 else dt.date(2026, 2, 10),
            done_by=fjordvik.author,
        )

    rep = report(fjordvik.kommune)

    assert values(rep, "annual")[FEB] == 0.8
    # January: nothing due. March: one team with an overdue activity: suppressed.
    assert [c.suppressed for c in result(rep, "annual").total.cells] == [True, False, True]


def test_an_occurrence_the_sweep_moved_on_from_still_counts_as_due_and_not_done(fjordvik):
    teams = make_teams(fjordvik.kommune, 5)
    for n, team in enumerate(teams):
        version = plan_in_force(team, fjordvik.author, dt.date(2025, 9, 1), leaders=True)
        activity = AnnualActivity.objects.create(
            version=version,
            kind=AnnualActivity.Kind.MEDICATION_REVIEW,
            title="Legemiddelgjennomgang",
            recurrence=AnnualActivity.Recurrence.YEARLY,
            month=2,
        )
        if n < 2:  # the day passed, nobody marked it: the sweep kept it as missed
            AnnualActivityMissed.objects.create(activity=activity, due_on=dt.date(2026, 2, 15))
        else:
            AnnualActivityDone.objects.create(
                activity=activity,
                due_on=dt.date(2026, 2, 15),
                done_on=dt.date(2026, 2, 10),
                done_by=fjordvik.author,
            )

    assert values(report(fjordvik.kommune), "annual")[FEB] == 0.6


def test_meetings_with_minutes_and_days_to_the_first_meeting(fjordvik):
    teams = make_teams(fjordvik.kommune, 5)
    for n, team in enumerate(teams):
        report_row = NeedReport.objects.create(
            kommune=fjordvik.kommune,
            patient_name=f"P{n}",
            need="Hjelp",
            reported_by=fjordvik.author,
            relation=NeedReport.Relation.GP,
            patient_knows=True,
            patient_agrees=True,
            status=NeedReport.Status.TEAM_ESTABLISHED,
            team=team,
        )
        NeedReport.objects.filter(pk=report_row.pk).update(created_at=at(dt.date(2026, 1, 1)))
        for day, minutes in ((dt.date(2026, 2, 1 + n), "Referat" if n != 0 else ""),):
            Meeting.objects.create(
                team=team,
                kind=Meeting.Kind.STARTUP,
                status=Meeting.Status.HELD,
                starts_at=at(day),
                minutes=minutes,
                created_by=fjordvik.author,
            )
        # A planned meeting (not held) is neither a meeting held nor a first meeting.
        Meeting.objects.create(
            team=team,
            kind=Meeting.Kind.AD_HOC,
            starts_at=at(dt.date(2026, 1, 20)),
            created_by=fjordvik.author,
        )

    rep = report(fjordvik.kommune)

    assert values(rep, "minutes") == [None, 0.8, None]
    # 31, 32, 33, 34, 35 days: the median is 33.
    assert values(rep, "first_meeting") == [None, 33, None]


def test_caseload_above_the_limit_inherited_from_the_organisation_above(fjordvik):
    busy = StaffFactory.create(organisation=fjordvik.home)
    make_teams(fjordvik.home, 6, coordinator=busy)
    make_teams(fjordvik.mental, 5)

    assert values(report(fjordvik.kommune), "caseload") == [0.0, 0.0, 0.0]

    fjordvik.kommune.caseload_limit = 5
    fjordvik.kommune.save()
    rep = report(fjordvik.kommune)

    # Busy coordinates 6 teams, above the kommune's 5 that Hjemmetjenesten inherits.
    assert values(rep, "caseload") == [6 / 11] * 3
    assert values(rep, "caseload", row=0) == [1.0] * 3  # Hjemmetjenesten
    assert values(rep, "caseload", row=1) == [0.0] * 3  # Psykisk helse


def test_caseload_limit_is_the_nearest_one_set_walking_up_else_the_default(fjordvik):
    tree = organisation_tree()
    assert caseload_limit_for(tree, fjordvik.home.pk) == 15
    fjordvik.kommune.caseload_limit = 8
    fjordvik.kommune.save()
    fjordvik.home.caseload_limit = 3
    fjordvik.home.save()
    tree = organisation_tree()
    assert caseload_limit_for(tree, fjordvik.home.pk) == 3
    assert caseload_limit_for(tree, fjordvik.mental.pk) == 8
    assert caseload_limit_for(tree, None) == 15


def test_night_contacts_and_admissions_per_patient_by_the_month_in_oslo(fjordvik):
    teams = make_teams(fjordvik.kommune, 5)
    for n, team in enumerate(teams):
        NightContact.objects.create(
            patient=team.patient,
            service="legevakt",
            occurred_at=at(dt.date(2026, 2, 10), 23),
            reason="Uro",
            outcome="admitted" if n < 2 else "sent_home",
            recorded_by=fjordvik.author,
        )
    # 23:30 on 31 January in Oslo is 22:30 UTC: January, not February.
    NightContact.objects.create(
        patient=teams[0].patient,
        service="amk",
        occurred_at=at(dt.date(2026, 1, 31), 23, 30),
        reason="Uro",
        outcome="sent_home",
        recorded_by=fjordvik.author,
    )

    rep = report(fjordvik.kommune)

    assert values(rep, "night") == [0.2, 1.0, 0.0]
    assert values(rep, "admissions") == [0.0, 0.4, 0.0]


def _survey(team: Team, author: User, answers: list[int], opened: dt.date) -> None:
    number = team.survey_rounds.count() + 1
    round_ = SurveyRound.objects.create(
        team=team, number=number, opened_by=author, closes_at=at(opened), closed_at=at(opened)
    )
    SurveyRound.objects.filter(pk=round_.pk).update(opened_at=at(opened))
    for score in answers:
        SurveyAnswer.objects.create(
            round=round_,
            frequent=score,
            timely=score,
            accurate=score,
            problem_solving=score,
            shared_goals=score,
            shared_knowledge=score,
            mutual_respect=score,
        )


def test_relational_coordination_is_suppressed_below_five_answers(fjordvik):
    teams = make_teams(fjordvik.kommune, 5)
    _survey(teams[0], fjordvik.author, [4, 4, 5, 2, 5], dt.date(2026, 2, 3))
    _survey(teams[1], fjordvik.author, [3, 3, 3, 3], dt.date(2026, 3, 3))

    rep = report(fjordvik.kommune)

    assert values(rep, "relational") == [None, 4.0, None]
    assert result(rep, "relational").total.cells[MAR].suppressed


def test_good_days_are_the_mean_of_each_patients_mean_and_need_five_who_rated(fjordvik):
    teams = make_teams(fjordvik.kommune, 6)
    for n, team in enumerate(teams):
        for day, good in ((3, n), (17, n + 2)):
            GoodDayRating.objects.create(
                patient=team.patient,
                rated_on=dt.date(2026, 2, day),
                good_days=min(good, 7),
                recorded_by=fjordvik.author,
            )
    GoodDayRating.objects.create(
        patient=teams[0].patient,
        rated_on=dt.date(2026, 3, 1),
        good_days=7,
        recorded_by=fjordvik.author,
    )

    rep = report(fjordvik.kommune)

    # Patient means 1, 2, 3, 4, 5, 6 → 3.5 (patient 5: (5 + 7) / 2 = 6).
    assert values(rep, "good_days") == [None, 3.5, None]


def test_each_unit_below_has_its_row_and_a_lone_suppressed_unit_is_not_given_away(fjordvik):
    make_teams(fjordvik.home, 6)
    make_teams(fjordvik.mental, 3)
    third = OrganisationFactory.create(name="Rus", parent=fjordvik.kommune)
    make_teams(third, 7)

    res = result(report(fjordvik.kommune), "roles")

    assert [s.organisation for s in res.series] == [
        "Fjordvik kommune",
        "Hjemmetjenesten",
        "Psykisk helse",
        "Rus",
    ]
    assert res.total.cells[JAN].count == 16
    # Psykisk helse has 3 teams: suppressed; Hjemmetjenesten (6, the smallest other) too,
    # or the total minus Rus would give Psykisk helse away.
    assert [s.cells[JAN].suppressed for s in res.series] == [False, True, True, False]
    assert res.rows[2].cells[JAN].count == 7


def test_no_output_carries_a_patient_name(fjordvik):
    make_teams(fjordvik.kommune, 5, patient_name="Kari Hemmelig")

    rep = report(fjordvik.kommune)

    assert "Hemmelig" not in repr(rep)
    assert all("Hemmelig" not in ";".join(row) for row in csv_rows(rep))


def test_a_team_closed_during_the_month_is_read_on_its_closing_day(fjordvik):
    teams = make_teams(fjordvik.kommune, 5)
    closing = teams[0]
    # The GP leaves on 20 February; the team closes on 10 February, complete that day.
    closing.members.filter(role=Role.GP).update(left_on=dt.date(2026, 2, 20))
    Team.objects.filter(pk=closing.pk).update(
        status=Team.Status.CLOSED, closed_on=dt.date(2026, 2, 10)
    )

    rep = report(fjordvik.kommune)

    assert values(rep, "roles")[:2] == [1.0, 1.0]
    assert [c.count for c in result(rep, "roles").total.cells][:2] == [5, 5]
    # March: the closed team no longer counts, and four teams are too few to show.
    assert result(rep, "roles").total.cells[MAR].suppressed
