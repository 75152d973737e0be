"""Who approves the plan for the patient (issue 14): a representative is explicit, with its
basis, and never a relative with limited access. Before, when the patient had no login, a
parent or guardian by relation alone became "Pasientens representant", whatever the patient
had let them see, and read the whole plan and crisis plan."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from actors.models import Consent, Patient, RelativeLink, Representation, Role, Team, User
from careplans.annual.rules import add_months
from careplans.models import CarePlan, CarePlanVersion
from careplans.plan.selectors import plan_viewer, required_approvals
from careplans.plan.services import plan_approve
from tests.careplans.helpers import ready_draft
from tests.conftest import Cast, client_for
from tests.factories import (
    ConsentFactory,
    MemberFactory,
    PatientFactory,
    RelativeLinkFactory,
    RepresentationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _patient_without_login(cast: Cast, age: int) -> tuple[Patient, Team]:
    """A patient of ``age`` without a portal login, in a team Cecilie coordinates, who has
    consented to sharing in the team and to informing relatives."""
    patient = PatientFactory.create(birth_date=add_months(timezone.localdate(), -12 * age))
    team = Team.objects.create(
        patient=patient,
        created_by=cast.coordinator,
        established_on=timezone.localdate(),
        status=Team.Status.ACTIVE,
    )
    MemberFactory(team=team, user=cast.coordinator, role=Role.COORDINATOR)
    for scope in (Consent.Scope.TEAM_SHARING, Consent.Scope.RELATIVES):
        ConsentFactory(patient=patient, recorded_by=cast.coordinator, scope=scope)
    return patient, team


def _relative(patient: Patient, relation: str, **access: bool) -> tuple[User, RelativeLink]:
    user = UserFactory(kind=User.Kind.RELATIVE)
    link = RelativeLinkFactory(patient=patient, relative=user, relation=relation, **access)
    return user, link


def _patient_need(draft: CarePlanVersion):
    return next(r for r in required_approvals(draft) if r.capacity in ("patient", "representative"))


def _base(team: Team) -> int:
    return CarePlan.objects.get(team=team).version


def test_a_father_who_may_see_only_the_team_never_reads_the_plan_of_his_16_year_old(cast: Cast):
    """The failure the issue names: she has no login, he sees the team only, so he is not her
    representative, cannot read the whole plan and crisis plan, and cannot approve."""
    patient, team = _patient_without_login(cast, 16)
    father, _link = _relative(patient, RelativeLink.Relation.PARENT, may_see_team=True)
    draft = ready_draft(cast.coordinator, team)

    assert client_for(father).get(reverse("careplans:plan", args=[team.pk])).status_code == 404
    with pytest.raises(Http404):
        plan_viewer(father, team)
    need = _patient_need(draft)
    assert need.capacity == "patient" and need.eligible == []
    with pytest.raises(Http404):
        plan_approve(actor=father, version=draft, base_version=_base(team))


def test_a_parent_by_relation_alone_does_not_approve_for_a_child(cast: Cast):
    patient, team = _patient_without_login(cast, 12)
    mother, _link = _relative(
        patient,
        RelativeLink.Relation.PARENT,
        may_see_team=True,
        may_see_goals=True,
        may_see_plan=True,
    )
    draft = ready_draft(cast.coordinator, team)

    need = _patient_need(draft)
    assert need.capacity == "representative" and need.eligible == []
    with pytest.raises(ValidationError, match="ikke en av dem som skal godkjenne"):
        plan_approve(actor=mother, version=draft, base_version=_base(team))


def test_both_parents_with_foreldreansvar_may_approve_for_a_child_and_one_suffices(cast: Cast):
    patient, team = _patient_without_login(cast, 12)
    full = {"may_see_team": True, "may_see_goals": True, "may_see_plan": True}
    mother, mothers = _relative(patient, RelativeLink.Relation.PARENT, **full)
    father, fathers = _relative(patient, RelativeLink.Relation.PARENT, **full)
    for link in (mothers, fathers):
        RepresentationFactory(relative_link=link, recorded_by=cast.coordinator)
    draft = ready_draft(cast.coordinator, team)

    assert {u.pk for u in _patient_need(draft).eligible} == {mother.pk, father.pk}
    plan_approve(actor=father, version=draft, base_version=_base(team))
    assert draft.approvals.get().capacity == "representative"
    assert _patient_need(draft).done


def test_a_guardian_approves_an_adults_plan_on_her_behalf_and_it_comes_into_force(cast: Cast):
    patient, team = _patient_without_login(cast, 40)
    verge, link = _relative(
        patient,
        RelativeLink.Relation.GUARDIAN,
        may_see_team=True,
        may_see_goals=True,
        may_see_plan=True,
    )
    RepresentationFactory(
        relative_link=link,
        basis=Representation.Basis.GUARDIANSHIP,
        scope="Personlige forhold og helse",
        recorded_by=cast.coordinator,
    )
    draft = ready_draft(cast.coordinator, team)
    for approver in (cast.coordinator, cast.leader):
        plan_approve(actor=approver, version=draft, base_version=_base(team))

    assert plan_viewer(verge, team).full
    plan_approve(actor=verge, version=draft, base_version=_base(team))

    draft.refresh_from_db()
    assert draft.status == CarePlanVersion.Status.IN_FORCE
    assert draft.approvals.get(approver=verge).capacity == "representative"


def test_a_fullmakt_through_a_link_the_patient_later_limits_no_longer_counts(cast: Cast):
    patient = cast.team.patient
    holder, link = _relative(
        patient,
        RelativeLink.Relation.FRIEND,
        may_see_team=True,
        may_see_goals=True,
        may_see_plan=True,
    )
    RepresentationFactory(
        relative_link=link,
        basis=Representation.Basis.POWER_OF_ATTORNEY,
        recorded_by=cast.coordinator,
    )
    draft = ready_draft(cast.coordinator, cast.team)
    assert {u.pk for u in _patient_need(draft).eligible} == {cast.patient.pk, holder.pk}

    RelativeLink.objects.filter(pk=link.pk).update(may_see_plan=False)

    assert [u.pk for u in _patient_need(draft).eligible] == [cast.patient.pk]
    with pytest.raises(Http404):
        plan_viewer(holder, cast.team)


def test_foreldreansvar_no_longer_approves_once_the_child_is_16(cast: Cast, time_machine):
    patient, team = _patient_without_login(cast, 16)
    patient.birth_date = add_months(timezone.localdate(), -12 * 16) + dt.timedelta(days=1)
    patient.save()
    _mother, link = _relative(
        patient,
        RelativeLink.Relation.PARENT,
        may_see_team=True,
        may_see_goals=True,
        may_see_plan=True,
    )
    RepresentationFactory(relative_link=link, recorded_by=cast.coordinator)
    draft = ready_draft(cast.coordinator, team)
    assert _patient_need(draft).capacity == "representative"
    assert len(_patient_need(draft).eligible) == 1

    time_machine.move_to(timezone.now() + dt.timedelta(days=1), tick=False)

    need = _patient_need(draft)
    assert need.capacity == "patient" and need.eligible == []
