"""The status report's reads (coordination.reports.status_report): what each version holds, the
årshjul states, and a query budget that does not grow with the team."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from actors.models import Role
from careplans.models import (
    AnnualActivity,
    CarePlan,
    CarePlanVersion,
    Goal,
    GoodDay,
    GoodDayVersion,
    PhaseChange,
    PlanApproval,
)
from coordination.models import (
    Evaluation,
    GoalEvaluation,
    Mandate,
    NightContact,
    PlanPeriod,
    Task,
)
from coordination.reports.status_report import AnnualState, annual_state, status_report_get
from tests.conftest import Cast
from tests.factories import MemberFactory, OrganisationFactory, StaffFactory

pytestmark = pytest.mark.django_db

# Clinical text that only the full report may carry: a leader's report must hold none of it.
CLINICAL = {
    "good_day": "Jeg går tur med Bamse langs Fjordstien",
    "what_matters": "Å kunne synge i koret igjen",
    "draft_good_day": "Et utkast ingen har lagret ferdig",
    "phase_reason": "Stemmehøring og søvnløshet i tre netter",
    "task": "Følge til Fjordvik DPS for medisinjustering",
    "evaluation": "Kari sier søvnen er bedre etter kveldsturene",
    "night_reason": "Sterk angst etter krangel på hybelen",
}
# The full report's queries: 1 Min gode dag, 2 phase changes, 3 members, 4 mandate, 5 plan
# versions, for the draft's approvals 6 organisations, 7 leaders, 8 the representations in
# effect (a guardian or fullmakt approves for an adult too) and 9 approvals, 10 tasks, 11 night
# contacts, 12 årshjul, 13 last evaluation, 14 consents, 15 the documents (issue 19).
FULL_QUERIES = 15
# A leader's: the same without the phase changes and the documents (counts and dates only).
LEADER_QUERIES = 13


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def rich_team(cast: Cast, size: int = 1) -> None:
    """Kari's team with something in every part of the report; ``size`` more members, tasks,
    phase changes, night contacts and årshjul activities to show the budget holds."""
    team, kari = cast.team, cast.team.patient
    now = timezone.now()
    tor = team.members.get(user=cast.member)
    for n in range(size):
        user = StaffFactory(organisation=OrganisationFactory(name=f"Tjeneste {n}"))
        MemberFactory(team=team, user=user, role=Role.OTHER)
    document = GoodDay.objects.create(patient=kari, version=2)
    GoodDayVersion.objects.create(
        document=document,
        number=1,
        good_day=CLINICAL["good_day"],
        what_matters=CLINICAL["what_matters"],
        written_by=cast.patient,
    )
    GoodDayVersion.objects.create(
        document=document,
        number=2,
        is_draft=True,
        good_day=CLINICAL["draft_good_day"],
        written_by=cast.patient,
    )
    PhaseChange.objects.bulk_create(
        PhaseChange(
            team=team, phase="yellow", reason=CLINICAL["phase_reason"], changed_by=cast.coordinator
        )
        for _ in range(size)
    )
    plan = CarePlan.objects.create(team=team, version=2)
    in_force = CarePlanVersion.objects.create(
        plan=plan,
        number=1,
        status=CarePlanVersion.Status.IN_FORCE,
        in_force_at=now - dt.timedelta(days=60),
        period_start=days(-60),
        period_end=days(300),
        created_by=cast.coordinator,
    )
    # Missed ten days ago; done last week; the kickoff comes next month.
    AnnualActivity.objects.create(
        version=in_force,
        kind="evaluation",
        title="Evalueringsmøte",
        recurrence="once",
        first_on=days(-10),
    )
    AnnualActivity.objects.create(
        version=in_force,
        kind="actor_map_review",
        title="Gjennomgang av aktørkartet",
        recurrence="once",
        first_on=days(-8),
        last_done_on=days(-7),
    )
    AnnualActivity.objects.bulk_create(
        AnnualActivity(
            version=in_force,
            kind="other",
            title=f"Samling {n}",
            recurrence="once",
            first_on=days(30 + n),
        )
        for n in range(size)
    )
    draft = CarePlanVersion.objects.create(plan=plan, number=2, created_by=cast.coordinator)
    PlanApproval.objects.create(
        version=draft, approver=cast.coordinator, capacity=PlanApproval.Capacity.COORDINATOR
    )
    Mandate.objects.create(
        team=team,
        task_description="Lede teamet",
        authority="Kalle inn",
        hours_per_month=4,
        deputy=tor,
        updated_by=cast.coordinator,
        approved_by=cast.leader,
        approved_at=now,
    )
    goal = Goal.objects.create(patient=kari, wish="Sove godt", text="Sove hele natten")
    Task.objects.bulk_create(
        Task(
            team=team,
            goal=goal,
            title=CLINICAL["task"],
            owner=tor,
            due_on=days(-1 if n == 0 else 5),
            created_by=cast.coordinator,
        )
        for n in range(size + 1)
    )
    period = PlanPeriod.objects.create(
        team=team,
        starts_on=days(-200),
        ends_on=days(-20),
        created_by=cast.coordinator,
        evaluated_on=days(-15),
    )
    evaluation = Evaluation.objects.create(
        period=period,
        summary=CLINICAL["evaluation"],
        status=Evaluation.Status.CLOSED,
        closed_at=now - dt.timedelta(days=15),
        created_by=cast.coordinator,
    )
    GoalEvaluation.objects.create(
        evaluation=evaluation, goal=goal, result="reached", patient_words="Det går bedre"
    )
    NightContact.objects.bulk_create(
        NightContact(
            patient=kari,
            service="legevakt",
            occurred_at=now - dt.timedelta(days=2 + n),
            reason=CLINICAL["night_reason"],
            outcome="sent_home",
            recorded_by=cast.night,
        )
        for n in range(size)
    )
    # Long ago: outside the 90 days.
    NightContact.objects.create(
        patient=kari,
        service="amk",
        occurred_at=now - dt.timedelta(days=120),
        reason="Gammel kontakt",
        outcome="sent_home",
        recorded_by=cast.night,
    )


def _team(cast: Cast):
    return type(cast.team).objects.select_related("patient__user").get(pk=cast.team.pk)


def test_the_full_report_holds_every_part_in_the_patients_and_teams_words(cast: Cast):
    rich_team(cast)
    report = status_report_get(_team(cast), full=True)
    assert report.good_day is not None
    assert report.good_day.number == 1  # the draft is not Min gode dag yet
    assert report.good_day.text == CLINICAL["good_day"]
    assert str(report.phase) == "Gul"
    assert [c.reason for c in report.phase_history] == [CLINICAL["phase_reason"]]
    rows = {m.name: str(m.role) for g in report.levels for m in g.members}
    assert rows["Cecilie Testesen"] == str(Role.COORDINATOR.label)
    assert rows["Tor Testesen"] == str(Role.NURSE.label)
    assert [str(g.label) for g in report.levels] == ["Kommune"]
    assert {str(r.label) for r in report.missing_roles} == {
        str(Role.GP.label),
        str(Role.SPECIALIST_CONTACT.label),
        str(Role.INTERNAL_COORDINATOR.label),
    }
    assert [m.user for m in report.coordinators] == [cast.coordinator]
    assert report.deputy is not None and report.deputy.user == cast.member
    assert report.plan.in_force is not None and report.plan.in_force.number == 1
    assert report.plan.draft is not None and report.plan.draft.number == 2
    assert [r.capacity for r in report.plan.given] == ["coordinator"]
    assert "leader" in [r.capacity for r in report.plan.missing]
    assert (report.annual_done, report.annual_due, report.annual_overdue) == (1, 1, 1)
    assert (report.open_tasks, report.overdue_tasks) == (2, 1)
    assert [t.title for t in report.tasks] == [CLINICAL["task"]] * 2
    assert report.evaluation is not None
    assert (report.evaluation.goals, report.evaluation.reached) == (1, 1)
    assert report.evaluation.summary == CLINICAL["evaluation"]
    assert report.night_contacts == 1
    assert [c.reason for c in report.contacts] == [CLINICAL["night_reason"]]
    assert [(str(c.label), c.standing) for c in report.consents] == [
        ("Deling i aktørfellesskapet", True),
        ("Informasjon til pårørende", True),
        ("Kriseplan til legevakt/AMK", False),
    ]


def test_the_leader_report_has_counts_and_dates_and_no_clinical_text(cast: Cast):
    rich_team(cast)
    report = status_report_get(_team(cast), full=False)
    assert report.good_day is not None
    assert (report.good_day.number, report.good_day.text) == (1, "")
    assert report.phase is None and report.phase_history == []
    assert (report.open_tasks, report.overdue_tasks, report.tasks) == (2, 1, [])
    assert report.evaluation is not None and report.evaluation.summary == ""
    assert (report.night_contacts, report.contacts) == (1, [])
    # The structure is all there.
    assert len(report.missing_roles) == 3
    assert report.deputy is not None
    assert (report.annual_done, report.annual_due, report.annual_overdue) == (1, 1, 1)
    assert report.plan.draft is not None


def test_a_team_with_nothing_yet_still_reports(cast: Cast):
    report = status_report_get(_team(cast), full=True)
    assert report.good_day is None
    assert str(report.phase) == "Grønn"
    assert report.plan.in_force is None and report.plan.draft is None
    assert report.annual == [] and report.evaluation is None and report.mandate is None


def test_an_activity_is_overdue_when_an_occurrence_passed_undone():
    activity = AnnualActivity(kind="other", title="x", recurrence="once", first_on=days(-3))
    assert annual_state(activity, days(-30), days(0)) == (AnnualState.OVERDUE, days(-3))
    # Done up to 14 days before the occurrence counts as done for it.
    activity.last_done_on = days(-15)
    assert annual_state(activity, days(-30), days(0)) == (AnnualState.DONE, None)
    activity.last_done_on = days(-20)
    assert annual_state(activity, days(-30), days(0))[0] == AnnualState.OVERDUE


def test_an_occurrence_before_the_plan_went_in_force_is_not_overdue():
    activity = AnnualActivity(kind="other", title="x", recurrence="once", first_on=days(-40))
    assert annual_state(activity, days(-30), days(0)) == (AnnualState.DUE, None)


@pytest.mark.parametrize("size", [5, 50])
@pytest.mark.parametrize(("full", "queries"), [(True, FULL_QUERIES), (False, LEADER_QUERIES)])
def test_the_report_reads_the_same_number_of_queries_for_5_and_50(
    cast: Cast, size: int, full: bool, queries: int, django_assert_num_queries
):
    rich_team(cast, size)
    team = _team(cast)
    with django_assert_num_queries(queries):
        report = status_report_get(team, full=full)
        # What the template touches: names through users, organisations, deputy, approvals.
        str([(m.name, m.organisation) for g in report.levels for m in g.members])
        str([(c.changed_by, c.reason) for c in report.phase_history])
        str([(m.display_name, m.organisation) for m in report.coordinators])
        str([(r.name, r.organisation) for r in report.coordinator_rows])
        str(report.deputy.display_name if report.deputy else "")
        str((report.deputy_row.name, report.deputy_row.organisation) if report.deputy_row else "")
        str([r.label for r in report.plan.required])
    assert sum(len(g.members) for g in report.levels) == size + 2
    assert report.open_tasks == size + 1
    assert len(report.annual) == size + 2
    assert report.night_contacts == size


def _pdf_text(pdf: bytes) -> str:
    import io

    from pypdf import PdfReader

    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_full_report_lists_the_teams_documents_and_the_leaders_does_not(cast: Cast):
    """Issue 19: the team's documents by name and where they belong, as an archive copy of the
    team must account for them; a leader's report holds no file names (they may be clinical)."""
    from coordination.messages.document_services import document_upload
    from coordination.messages.services import thread_start
    from coordination.reports.status_report import status_report_pdf
    from tests.files import upload

    document_upload(actor=cast.coordinator, team=cast.team, upload=upload("IOP fra DPS.pdf"))
    thread_start(
        actor=cast.member,
        team=cast.team,
        subject="Epikrisen",
        audience="staff",
        body="Vedlagt",
        upload=upload("Epikrise.pdf"),
    )

    full = status_report_get(_team(cast), full=True)
    assert [d.name for d in full.documents] == ["IOP fra DPS.pdf", "Epikrise.pdf"]
    assert status_report_get(_team(cast), full=False).documents == []
    text = _pdf_text(status_report_pdf(full, generated_by=cast.coordinator))
    assert "IOP fra DPS.pdf" in text and "Melding: Epikrisen" in text
