"""The patient's own approval given in person (issue 14): the coordinator records it (in a
meeting or signed on paper, the day, who witnessed it); it counts as the patient's approval,
brings the plan into force when it is the last, is audited, and the patient sees it later."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from actors.models import Consent, Member, Patient, Role, Team
from careplans.annual.rules import add_months
from careplans.models import CarePlan, CarePlanVersion, PersonalApproval, PlanApproval
from careplans.plan.services import (
    PERSONAL_APPROVAL_REASON,
    StalePlan,
    plan_approve,
    plan_draft_open,
    plan_personal_approval_record,
)
from lkt.models import AccessLog
from tests.careplans.helpers import ready_draft
from tests.conftest import Cast, client_for
from tests.factories import ConsentFactory, MemberFactory, PatientFactory, UserFactory

pytestmark = pytest.mark.django_db


def _base(team: Team) -> int:
    return CarePlan.objects.get(team=team).version


def _without_login(cast: Cast, age: int = 40) -> tuple[Patient, Team, Member]:
    """A patient without a portal login in a team Cecilie coordinates with Tor as a nurse."""
    patient = PatientFactory.create(birth_date=add_months(timezone.localdate(), -12 * age))
    team = Team.objects.create(
        patient=patient,
        created_by=cast.coordinator,
        established_on=timezone.localdate(),
        status=Team.Status.ACTIVE,
    )
    MemberFactory(team=team, user=cast.coordinator, role=Role.COORDINATOR)
    tor = MemberFactory.create(team=team, user=cast.member, role=Role.NURSE)
    ConsentFactory(patient=patient, recorded_by=cast.coordinator, scope=Consent.Scope.TEAM_SHARING)
    return patient, team, tor


def _record(actor, draft: CarePlanVersion, team: Team, **fields) -> PersonalApproval:
    values = {
        "given_on": timezone.localdate(),
        "how": PersonalApproval.How.MEETING,
        "witness_name": "Tor Testesen, sykepleier",
        **fields,
    }
    return plan_personal_approval_record(
        actor=actor, version=draft, base_version=_base(team), **values
    )


def test_the_approval_in_a_meeting_brings_the_plan_into_force_and_is_audited(cast: Cast):
    _patient, team, tor = _without_login(cast)
    draft = ready_draft(cast.coordinator, team)
    for approver in (cast.coordinator, cast.leader):
        plan_approve(actor=approver, version=draft, base_version=_base(team))

    personal = _record(cast.coordinator, draft, team, witness_member=tor, witness_name="")

    draft.refresh_from_db()
    assert draft.status == CarePlanVersion.Status.IN_FORCE
    assert personal.approval.capacity == PlanApproval.Capacity.PATIENT
    assert personal.approval.approver == cast.coordinator
    assert personal.witness_member == tor and personal.recorded_by == cast.coordinator
    row = AccessLog.objects.get(object_type="careplans.personalapproval")
    assert row.user == cast.coordinator and row.reason == PERSONAL_APPROVAL_REASON


def test_it_counts_for_a_patient_with_a_login_who_will_not_approve_digitally(cast: Cast):
    draft = ready_draft(cast.coordinator, cast.team)
    _record(cast.coordinator, draft, cast.team, how=PersonalApproval.How.PAPER)

    with pytest.raises(ValidationError, match="allerede godkjent"):
        plan_approve(actor=cast.patient, version=draft, base_version=_base(cast.team))


def test_a_childs_plan_is_approved_by_the_parents_not_in_person_by_the_child(cast: Cast):
    _patient, team, _tor = _without_login(cast, age=12)
    draft = ready_draft(cast.coordinator, team)
    with pytest.raises(ValidationError, match="under 16 år"):
        _record(cast.coordinator, draft, team)
    assert not PersonalApproval.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"given_on": dt.date(9999, 12, 31)}, "given_on"),
        ({"given_on": dt.date(1, 1, 1)}, "given_on"),
        ({"witness_name": "  "}, "witness_name"),
    ],
)
def test_a_date_outside_the_drafts_life_or_no_witness_is_refused(cast: Cast, fields, field):
    _patient, team, _tor = _without_login(cast)
    draft = ready_draft(cast.coordinator, team)
    with pytest.raises(ValidationError) as error:
        _record(cast.coordinator, draft, team, **fields)
    assert field in error.value.message_dict
    assert not PlanApproval.objects.filter(version=draft).exists()


def test_a_witness_from_another_team_is_refused(cast: Cast):
    _patient, team, _tor = _without_login(cast)
    draft = ready_draft(cast.coordinator, team)
    stranger = cast.other_team.members.first()
    with pytest.raises(ValidationError) as error:
        _record(cast.coordinator, draft, team, witness_member=stranger, witness_name="")
    assert "witness_member" in error.value.message_dict


def test_it_waits_for_the_window_for_corrections_and_is_given_once(cast: Cast):
    _patient, team, _tor = _without_login(cast)
    draft, _new = plan_draft_open(actor=cast.coordinator, team=team)
    with pytest.raises(ValidationError, match="fristen for innspill"):
        _record(cast.coordinator, draft, team)
    CarePlanVersion.objects.filter(pk=draft.pk).update(
        corrections_until=timezone.now() - dt.timedelta(minutes=1)
    )
    _record(cast.coordinator, draft, team)
    with pytest.raises(ValidationError, match="allerede registrert"):
        _record(cast.coordinator, draft, team)


def test_a_stale_page_records_nothing(cast: Cast):
    _patient, team, _tor = _without_login(cast)
    draft = ready_draft(cast.coordinator, team)
    with pytest.raises(StalePlan):
        plan_personal_approval_record(
            actor=cast.coordinator,
            version=draft,
            base_version=_base(team) - 1,
            given_on=timezone.localdate(),
            how="meeting",
            witness_name="Tor",
        )
    assert not PersonalApproval.objects.exists()


def test_only_the_coordinator_records_it(cast: Cast):
    _patient, team, _tor = _without_login(cast)
    draft = ready_draft(cast.coordinator, team)
    with pytest.raises(PermissionDenied):
        _record(cast.member, draft, team)
    with pytest.raises(Http404):
        _record(cast.outsider, draft, team)
    with pytest.raises(Http404):
        _record(UserFactory(kind="relative"), draft, team)


# Through the pages


def test_the_coordinator_records_it_on_its_page_and_the_plan_page_shows_it(cast: Cast):
    _patient, team, tor = _without_login(cast)
    draft = ready_draft(cast.coordinator, team)
    client = client_for(cast.coordinator)
    plan_page = client.get(reverse("careplans:plan", args=[team.pk])).content.decode()
    assert "pasienten har ikke innlogging ennå" in plan_page
    url = reverse("careplans:plan-personal-approval", args=[team.pk, draft.number])
    assert url in plan_page
    assert client_for(cast.member).get(url).status_code == 403

    response = client.post(
        url,
        {
            "base_version": _base(team),
            "given_on": timezone.localdate().isoformat(),
            "how": "paper",
            "witness_member": tor.pk,
        },
    )

    assert response.status_code == 302
    html = client.get(reverse("careplans:plan", args=[team.pk])).content.decode()
    day = timezone.localdate().strftime("%-d.%-m.%Y")
    assert f"signert på papir {day}" in html
    assert "vitne: Tor Testesen" in html and "registrert av Cecilie" in html


def test_a_form_without_a_witness_comes_back_with_its_message(cast: Cast):
    _patient, team, _tor = _without_login(cast)
    draft = ready_draft(cast.coordinator, team)
    url = reverse("careplans:plan-personal-approval", args=[team.pk, draft.number])
    response = client_for(cast.coordinator).post(
        url, {"base_version": _base(team), "given_on": "2026-13-45", "how": "meeting"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_given_on_error"' in html and 'id="id_witness_name_error"' in html
    assert not PersonalApproval.objects.exists()


def test_kari_sees_later_on_min_side_that_she_approved_in_a_meeting(cast: Cast):
    draft = ready_draft(cast.coordinator, cast.team)
    tor = cast.team.members.get(user=cast.member)
    for approver in (cast.coordinator, cast.leader):
        plan_approve(actor=approver, version=draft, base_version=_base(cast.team))
    _record(cast.coordinator, draft, cast.team, witness_member=tor, witness_name="")

    html = (
        client_for(cast.patient)
        .get(reverse("workspace:portal-plan", args=[cast.team.patient.pk]))
        .content.decode()
    )
    assert "Du godkjente planen i et møte" in html
    assert "Koordinatoren registrerte det for deg." in html
    plan_page = (
        client_for(cast.patient)
        .get(reverse("careplans:plan", args=[cast.team.pk]))
        .content.decode()
    )
    assert "Du godkjente planen selv:" in plan_page
