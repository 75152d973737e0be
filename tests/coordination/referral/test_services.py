"""Rules from need to team and for the coordinator's role (element C), through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from actors import services as actor_services
from actors.models import Member, Organisation, Role, User
from actors.validators import synthetic_national_id
from coordination.models import (
    COORDINATOR_CASELOAD_LIMIT,
    CoordinatorAppointment,
    Mandate,
    NeedReport,
    Notification,
)
from coordination.referral import selectors, services
from lkt.models import AccessLog
from tests.conftest import Cast
from tests.factories import MemberFactory, StaffFactory, TeamFactory

pytestmark = pytest.mark.django_db

NEW_ID = synthetic_national_id(dt.date(1990, 5, 17), 3)


def report_by(user: User, cast: Cast, **overrides) -> NeedReport:
    data = {
        "actor": user,
        "kommune": cast.kommune,
        "patient_name": "Mona Fjell",
        "need": "Mange tjenester, ingen som samordner",
        "relation": NeedReport.Relation.GP,
        "patient_knows": True,
        "patient_agrees": True,
        **overrides,
    }
    return services.need_report_create(**data)


# --- Need reports --------------------------------------------------------------------------


def test_anyone_logged_in_can_report_a_need_and_it_starts_as_received(cast: Cast):
    for user in (cast.patient, cast.relative, cast.member):
        report = report_by(user, cast)
        assert report.status == NeedReport.Status.RECEIVED
        assert [e.status for e in report.events.all()] == [NeedReport.Status.RECEIVED]


def test_a_report_is_told_to_the_active_staff_of_its_kommunes_unit_only(
    cast: Cast, unit_staff: User, other_unit_staff: User
):
    colleague = StaffFactory(organisation=unit_staff.organisation)
    StaffFactory(organisation=unit_staff.organisation, is_active=False)
    report_by(colleague, cast)  # the reporter knows already
    report = report_by(cast.relative, cast)
    told = Notification.objects.filter(occurrence=f"need_report:{report.pk}")
    assert {n.recipient for n in told} == {unit_staff, colleague}
    assert {n.recipient for n in Notification.objects.exclude(pk__in=told)} == {unit_staff}


def test_a_report_with_a_wrong_national_id_is_refused_with_a_field_message(cast: Cast):
    with pytest.raises(ValidationError) as error:
        report_by(cast.relative, cast, national_id="12345678901")
    assert "national_id" in error.value.message_dict
    assert not NeedReport.objects.exists()


def test_a_patient_cannot_agree_to_a_report_they_do_not_know_about(cast: Cast):
    with pytest.raises(ValidationError) as error:
        report_by(cast.member, cast, patient_knows=False, patient_agrees=True)
    assert "patient_agrees" in error.value.message_dict


def test_a_report_must_go_to_a_kommune(cast: Cast, unit_staff: User):
    with pytest.raises(ValidationError) as error:
        report_by(cast.member, cast, kommune=unit_staff.organisation)
    assert "kommune" in error.value.message_dict


def test_the_unit_moves_a_report_to_assessment_and_the_history_records_who(
    cast: Cast, unit_staff: User
):
    report = report_by(cast.relative, cast)
    services.need_report_set_status(
        actor=unit_staff, report=report, status=NeedReport.Status.ASSESSING
    )
    events = list(report.events.all())
    assert [e.status for e in events] == ["received", "assessing"]
    assert events[-1].actor == unit_staff


def test_declining_needs_a_reason(cast: Cast, unit_staff: User):
    report = report_by(cast.relative, cast)
    with pytest.raises(ValidationError) as error:
        services.need_report_set_status(
            actor=unit_staff, report=report, status=NeedReport.Status.DECLINED, reason="  "
        )
    assert "reason" in error.value.message_dict
    report.refresh_from_db()
    assert report.status == NeedReport.Status.RECEIVED
    services.need_report_set_status(
        actor=unit_staff,
        report=report,
        status=NeedReport.Status.DECLINED,
        reason="Behovet dekkes av hjemmetjenesten",
    )
    report.refresh_from_db()
    assert report.decline_reason == "Behovet dekkes av hjemmetjenesten"


def test_a_handled_report_cannot_go_back(cast: Cast, unit_staff: User):
    report = report_by(cast.relative, cast)
    services.need_report_set_status(
        actor=unit_staff, report=report, status=NeedReport.Status.DECLINED, reason="Ikke behov"
    )
    with pytest.raises(ValidationError):
        services.need_report_set_status(
            actor=unit_staff, report=report, status=NeedReport.Status.ASSESSING
        )


@pytest.mark.parametrize("who", ["reporter", "outsider", "other_unit_staff", "coordinator"])
def test_only_the_kommunes_unit_handles_a_report(cast: Cast, other_unit_staff: User, who: str):
    report = report_by(cast.relative, cast)
    actor = {
        "reporter": cast.relative,
        "outsider": cast.outsider,
        "other_unit_staff": other_unit_staff,
        "coordinator": cast.coordinator,
    }[who]
    with pytest.raises(PermissionDenied):
        services.need_report_set_status(
            actor=actor, report=report, status=NeedReport.Status.ASSESSING
        )


def test_establishing_a_team_registers_the_patient_links_the_team_and_audits(
    cast: Cast, unit_staff: User
):
    report = report_by(cast.member, cast)
    team = services.need_report_establish_team(
        actor=unit_staff, report=report, name="Mona Fjell", national_id=NEW_ID
    )
    report.refresh_from_db()
    assert report.status == NeedReport.Status.TEAM_ESTABLISHED
    assert report.team == team
    assert team.created_by == unit_staff
    assert AccessLog.objects.filter(
        patient=team.patient, object_type="coordination.needreport", object_id=str(report.pk)
    ).exists()


# --- Appointing the coordinator ------------------------------------------------------------


def propose_tor(cast: Cast) -> CoordinatorAppointment:
    return services.appointment_propose(
        actor=cast.coordinator,
        team=cast.team,
        candidate=cast.member,
        patient_wish="Kari ønsker Tor, som hun kjenner godt",
    )


def test_proposing_a_coordinator_records_the_wish_and_asks_the_line_leader(cast: Cast):
    appointment = propose_tor(cast)
    assert appointment.patient_wish.startswith("Kari ønsker Tor")
    assert (
        Notification.objects.filter(
            recipient=cast.leader, kind=Notification.Kind.APPOINTMENT_PROPOSED
        ).count()
        == 1
    )


def test_only_the_candidates_line_leader_decides(cast: Cast):
    appointment = propose_tor(cast)
    other_leader = StaffFactory(organisation=cast.other_kommune, is_leader=True)
    for actor in (cast.coordinator, other_leader):
        with pytest.raises(PermissionDenied):
            services.appointment_decide(actor=actor, appointment=appointment, approve=True)


def test_a_leader_of_an_organisation_above_decides_too(cast: Cast):
    department = Organisation.objects.create(
        name="Hjemmetjenesten Fjordvik",
        org_number="974760673",
        kind=Organisation.Kind.HJEMMETJENESTE,
        level="kommune",
        parent=cast.kommune,
    )
    candidate = StaffFactory(organisation=department)
    appointment = services.appointment_propose(
        actor=cast.coordinator, team=cast.team, candidate=candidate
    )
    services.appointment_decide(actor=cast.leader, appointment=appointment, approve=True)
    assert appointment.status == CoordinatorAppointment.Status.APPROVED


def test_the_leader_sees_the_caseload_and_must_explain_approving_above_the_limit(cast: Cast):
    for _ in range(COORDINATOR_CASELOAD_LIMIT):
        MemberFactory(team=TeamFactory(), user=cast.member, role=Role.COORDINATOR)
    appointment = propose_tor(cast)
    rows, _mandates = selectors.approvals_for_leader(cast.leader)
    assert [(r.appointment, r.caseload, r.over_limit) for r in rows] == [
        (appointment, COORDINATOR_CASELOAD_LIMIT, True)
    ]
    with pytest.raises(ValidationError) as error:
        services.appointment_decide(actor=cast.leader, appointment=appointment, approve=True)
    assert "grensen er 15" in str(error.value.message_dict["note"])
    services.appointment_decide(
        actor=cast.leader, appointment=appointment, approve=True, note="Avslutter to team i mai"
    )
    assert appointment.caseload_at_decision == COORDINATOR_CASELOAD_LIMIT


def test_rejecting_needs_a_reason(cast: Cast):
    appointment = propose_tor(cast)
    with pytest.raises(ValidationError) as error:
        services.appointment_decide(actor=cast.leader, appointment=appointment, approve=False)
    assert "note" in error.value.message_dict


def test_the_unit_registers_an_approved_coordinator_as_a_member(cast: Cast, unit_staff: User):
    report = report_by(cast.member, cast)
    team = services.need_report_establish_team(
        actor=unit_staff, report=report, name="Mona Fjell", national_id=NEW_ID
    )
    appointment = services.appointment_propose(actor=unit_staff, team=team, candidate=cast.member)
    with pytest.raises(ValidationError):  # not approved yet
        services.appointment_register(actor=unit_staff, appointment=appointment)
    services.appointment_decide(actor=cast.leader, appointment=appointment, approve=True)
    member = services.appointment_register(actor=unit_staff, appointment=appointment)
    assert (member.team, member.user, member.role) == (team, cast.member, Role.COORDINATOR)
    assert appointment.status == CoordinatorAppointment.Status.REGISTERED
    assert AccessLog.objects.filter(patient=team.patient, object_type="actors.member").exists()


def test_nobody_but_the_responsible_unit_registers(
    cast: Cast, unit_staff: User, other_unit_staff: User
):
    appointment = propose_tor(cast)
    services.appointment_decide(actor=cast.leader, appointment=appointment, approve=True)
    # Kari's team came from no report of Fjordvik's unit and was opened by Cecilie.
    for actor in (cast.coordinator, unit_staff, other_unit_staff):
        with pytest.raises(PermissionDenied):
            services.appointment_register(actor=actor, appointment=appointment)


# --- The mandate ---------------------------------------------------------------------------


def tor_member(cast: Cast) -> Member:
    return cast.team.members.get(user=cast.member)


def write_mandate(cast: Cast, deputy: Member | None = None) -> Mandate:
    return services.mandate_save(
        actor=cast.coordinator,
        team=cast.team,
        task_description="Lede aktørfellesskapet og være Karis kontaktpunkt",
        authority="Kalle inn til møter og følge opp avtaler",
        hours_per_month=8,
        deputy=deputy,
    )


def test_a_mandate_cannot_be_approved_without_a_deputy(cast: Cast):
    mandate = write_mandate(cast)
    with pytest.raises(ValidationError) as error:
        services.mandate_approve(actor=cast.leader, mandate=mandate)
    assert "uten stedfortreder" in " ".join(error.value.messages)
    mandate.refresh_from_db()
    assert not mandate.is_approved


def test_the_coordinators_line_leader_approves_a_mandate_with_a_deputy(cast: Cast):
    mandate = write_mandate(cast, deputy=tor_member(cast))
    with pytest.raises(PermissionDenied):
        services.mandate_approve(
            actor=StaffFactory(organisation=cast.other_kommune, is_leader=True), mandate=mandate
        )
    services.mandate_approve(actor=cast.leader, mandate=mandate)
    assert mandate.is_approved


def test_changing_an_approved_mandate_asks_the_leader_again(cast: Cast):
    mandate = write_mandate(cast, deputy=tor_member(cast))
    services.mandate_approve(actor=cast.leader, mandate=mandate)
    mandate = write_mandate(cast, deputy=tor_member(cast))
    assert not mandate.is_approved


def test_the_deputy_is_an_active_member_and_not_the_coordinator(cast: Cast):
    coordinator = cast.team.members.get(user=cast.coordinator)
    with pytest.raises(ValidationError) as error:
        write_mandate(cast, deputy=coordinator)
    assert "deputy" in error.value.message_dict
    elsewhere = MemberFactory(team=cast.other_team)
    with pytest.raises(ValidationError):
        write_mandate(cast, deputy=elsewhere)


def test_only_the_team_manager_writes_the_mandate(cast: Cast):
    with pytest.raises(PermissionDenied):
        services.mandate_save(
            actor=cast.member,
            team=cast.team,
            task_description="x",
            authority="y",
            hours_per_month=8,
        )


# --- Handover: never without a coordinator -------------------------------------------------


def cecilie_member(cast: Cast) -> Member:
    return cast.team.members.select_related("team__patient").get(user=cast.coordinator)


def test_the_last_coordinator_cannot_be_ended(cast: Cast):
    with pytest.raises(ValidationError) as error:
        actor_services.member_end(
            actor=cast.coordinator, member=cecilie_member(cast), reason="Ny jobb"
        )
    assert "Oppnevn en ny koordinator først" in " ".join(error.value.messages)
    assert cecilie_member(cast).left_on is None


def test_the_last_coordinator_cannot_change_to_another_role(cast: Cast):
    member = cecilie_member(cast)
    with pytest.raises(ValidationError):
        actor_services.member_update(
            actor=cast.coordinator,
            member=member,
            role=Role.NURSE,
            level=member.level,
            closeness=member.closeness,
            involvement=member.involvement,
            organisation=member.organisation,
        )


def test_with_a_successor_the_coordinator_leaves_and_leader_and_deputy_are_alerted(cast: Cast):
    write_mandate(cast, deputy=tor_member(cast))
    successor = MemberFactory.create(team=cast.team, role=Role.COORDINATOR)
    actor_services.member_end(actor=cast.coordinator, member=cecilie_member(cast), reason="Ny jobb")
    alerts = Notification.objects.filter(kind=Notification.Kind.COORDINATOR_ENDED)
    assert {n.recipient for n in alerts} == {cast.leader, cast.member}
    assert successor.left_on is None


def test_recording_the_coordinators_leave_date_alerts_once_even_when_saved_again(cast: Cast):
    write_mandate(cast, deputy=tor_member(cast))
    leave = timezone.localdate() + dt.timedelta(days=30)

    def set_leave(day: dt.date) -> None:
        member = cecilie_member(cast)
        actor_services.member_update(
            actor=cast.coordinator,
            member=member,
            role=member.role,
            level=member.level,
            closeness=member.closeness,
            involvement=member.involvement,
            organisation=member.organisation,
            expected_leave_on=day,
        )

    set_leave(leave)
    set_leave(leave)
    # The service also alerts directly: the same occurrence is not doubled.
    services.coordinator_change_alert(member=cecilie_member(cast))
    leaving = Notification.objects.filter(kind=Notification.Kind.COORDINATOR_LEAVING)
    assert sorted(n.recipient.username for n in leaving) == ["leif", "tor"]
    set_leave(leave + dt.timedelta(days=14))  # a new date is news
    assert leaving.all().count() == 4


def test_a_nurse_leaving_alerts_nobody(cast: Cast):
    actor_services.member_end(actor=cast.coordinator, member=tor_member(cast), reason="Ny jobb")
    assert not Notification.objects.exists()


# --- A change of coordinator ---------------------------------------------------------------


def monas_team(cast: Cast, unit_staff: User):
    """Mona's team, opened by Una from a report: Cecilie registered as coordinator through
    proposal, Leif's approval and Una's registration; Tor a nurse in it; Cecilie's mandate with
    Tor as deputy, approved by Leif."""
    team = services.need_report_establish_team(
        actor=unit_staff, report=report_by(cast.member, cast), name="Mona Fjell", national_id=NEW_ID
    )
    register(cast, unit_staff, team, cast.coordinator)
    tor = actor_services.member_add(actor=unit_staff, team=team, user=cast.member, role=Role.NURSE)
    services.mandate_save(
        actor=cast.coordinator,
        team=team,
        task_description="Lede aktørfellesskapet rundt Mona",
        authority="Kalle inn til møter",
        hours_per_month=6,
        deputy=tor,
    )
    services.mandate_approve(actor=cast.leader, mandate=Mandate.objects.get(team=team))
    return team, tor


def register(cast: Cast, unit_staff: User, team, candidate: User, leader: User | None = None):
    appointment = services.appointment_propose(actor=unit_staff, team=team, candidate=candidate)
    services.appointment_decide(actor=leader or cast.leader, appointment=appointment, approve=True)
    return services.appointment_register(actor=unit_staff, appointment=appointment)


def test_a_team_member_made_coordinator_keeps_the_membership_and_the_role_they_had(
    cast: Cast, unit_staff: User
):
    team, tor = monas_team(cast, unit_staff)
    joined = tor.joined_on
    member = register(cast, unit_staff, team, cast.member)
    assert member.pk == tor.pk
    assert Member.objects.filter(team=team, user=cast.member).count() == 1
    tor.refresh_from_db()
    assert (tor.role, tor.previous_role, tor.joined_on) == (Role.COORDINATOR, Role.NURSE, joined)
    assert tor.profession_label == "sykepleier"
    appointment = CoordinatorAppointment.objects.get(candidate=cast.member)
    assert appointment.member == tor
    assert appointment.status == CoordinatorAppointment.Status.REGISTERED


def test_the_coordinators_profession_on_their_profile_is_the_one_shown(
    cast: Cast, unit_staff: User
):
    team, tor = monas_team(cast, unit_staff)
    cast.member.profession = "vernepleier"
    cast.member.save(update_fields=["profession"])
    register(cast, unit_staff, team, cast.member)
    tor.refresh_from_db()
    assert tor.profession_label == "vernepleier"


def test_a_coordinator_who_hands_over_goes_back_to_a_role_and_forgets_the_old_one(
    cast: Cast, unit_staff: User
):
    team, tor = monas_team(cast, unit_staff)
    register(cast, unit_staff, team, cast.member)
    tor.refresh_from_db()
    tor.team = team
    actor_services.member_update(
        actor=cast.coordinator,
        member=tor,
        role=Role.PSYCHIATRIC_NURSE,
        level=tor.level,
        closeness=tor.closeness,
        involvement=tor.involvement,
        organisation=tor.organisation,
    )
    tor.refresh_from_db()
    assert (tor.role, tor.previous_role) == (Role.PSYCHIATRIC_NURSE, "")


def test_nobody_is_made_coordinator_by_adding_or_changing_a_member(cast: Cast):
    with pytest.raises(ValidationError) as added:
        actor_services.member_add(
            actor=cast.coordinator,
            team=cast.team,
            user=StaffFactory(organisation=cast.kommune),
            role=Role.COORDINATOR,
        )
    assert "Foreslå koordinatoren" in " ".join(added.value.message_dict["role"])
    tor = tor_member(cast)
    with pytest.raises(ValidationError) as changed:
        actor_services.member_update(
            actor=cast.coordinator,
            member=tor,
            role=Role.COORDINATOR,
            level=tor.level,
            closeness=tor.closeness,
            involvement=tor.involvement,
            organisation=tor.organisation,
        )
    assert "role" in changed.value.message_dict
    assert tor_member(cast).role == Role.NURSE
    assert Member.objects.filter(team=cast.team, role=Role.COORDINATOR).count() == 1


def test_a_new_coordinators_mandate_needs_their_own_leaders_approval(
    cast: Cast, unit_staff: User, spesialist: Organisation
):
    team, _tor = monas_team(cast, unit_staff)
    dps_leader = StaffFactory(organisation=spesialist, is_leader=True)
    dina = StaffFactory(first_name="Dina", organisation=spesialist)
    new = register(cast, unit_staff, team, dina, leader=dps_leader)
    mandate = Mandate.objects.get(team=team)
    assert mandate.coordinator == new
    assert not mandate.is_approved  # Leif's approval was for Cecilie
    with pytest.raises(PermissionDenied):
        services.mandate_approve(actor=cast.leader, mandate=mandate)
    asked = Notification.objects.filter(kind=Notification.Kind.MANDATE_SUBMITTED, team=team)
    assert dps_leader in {n.recipient for n in asked}
    services.mandate_approve(actor=dps_leader, mandate=mandate)
    assert mandate.approved_by == dps_leader


def test_a_deputy_made_coordinator_leaves_the_mandate_without_a_deputy(
    cast: Cast, unit_staff: User
):
    team, tor = monas_team(cast, unit_staff)
    register(cast, unit_staff, team, cast.member)
    mandate = Mandate.objects.get(team=team)
    assert (mandate.coordinator, mandate.deputy, mandate.is_approved) == (tor, None, False)


def test_when_the_mandates_coordinator_steps_down_the_mandate_goes_to_the_one_who_stays(
    cast: Cast, unit_staff: User, spesialist: Organisation
):
    team, _tor = monas_team(cast, unit_staff)
    dps_leader = StaffFactory(organisation=spesialist, is_leader=True)
    dina = register(
        cast, unit_staff, team, StaffFactory(organisation=spesialist), leader=dps_leader
    )
    dina.team = team
    actor_services.member_end(actor=cast.coordinator, member=dina, reason="Ny jobb")
    mandate = Mandate.objects.get(team=team)
    assert mandate.coordinator == team.members.get(user=cast.coordinator)
    services.mandate_approve(actor=cast.leader, mandate=mandate)
    assert mandate.is_approved
