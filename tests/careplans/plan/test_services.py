"""Rules of the plan for samarbeid, through its services: what a draft freezes, who must
approve, who may not, stale edits and approvals, and what the last approval does."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from actors.models import Member, Organisation, RelativeLink, Role, Team, User
from careplans.models import AnnualActivity, CarePlan, CarePlanVersion, PhasePlanEntry
from careplans.plan.selectors import required_approvals
from careplans.plan.services import (
    StalePlan,
    plan_approve,
    plan_draft_open,
    plan_draft_update,
)
from lkt.models import AccessLog
from tests.careplans.helpers import karis_first_version, ready_draft
from tests.conftest import Cast
from tests.factories import (
    MemberFactory,
    OrganisationFactory,
    PatientFactory,
    RelativeLinkFactory,
    RepresentationFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def plan_version(team: Team) -> int:
    return CarePlan.objects.get(team=team).version


def approve_all(cast: Cast, version: CarePlanVersion) -> None:
    """Cecilie, Kari and Leif approve: all Kari's team needs (everyone works in the kommune)."""
    for user in (cast.coordinator, cast.patient, cast.leader):
        plan_approve(actor=user, version=version, base_version=plan_version(cast.team))


def test_a_draft_freezes_min_gode_dag_and_the_roles_as_they_were(cast):
    karis_first_version(cast)
    draft, _new = plan_draft_open(actor=cast.coordinator, team=cast.team)

    assert draft.status == CarePlanVersion.Status.DRAFT
    assert draft.number == 1
    assert "Jeg går tur med hunden." in draft.patient_summary
    assert [c["text"] for c in draft.challenges] == ["Jeg sover dårlig"]
    assert [g["text"] for g in draft.goals] == ["Sove seks timer"]
    assert {(r["name"], r["role"]) for r in draft.roles} >= {
        (str(cast.coordinator), Role.COORDINATOR.value),
        (str(cast.member), Role.NURSE.value),
    }
    assert set(draft.missing_roles) == {
        Role.GP.value,
        Role.SPECIALIST_CONTACT.value,
        Role.INTERNAL_COORDINATOR.value,
    }
    today = timezone.localdate()
    assert draft.period_start == today
    assert draft.period_end is not None and draft.period_end > today + dt.timedelta(days=360)
    assert draft.corrections_until is not None
    assert draft.corrections_until > timezone.now() + dt.timedelta(days=6)

    # Kari writes on: the draft keeps what she had written when it was made.
    from tests.careplans.helpers import save

    save(cast.patient, cast.team.patient, 1, good_day="Alt er annerledes nå.")
    draft.refresh_from_db()
    assert "Jeg går tur med hunden." in draft.patient_summary


def test_the_first_draft_proposes_the_minimum_package_of_the_arshjul(cast):
    draft = ready_draft(cast.coordinator, cast.team)
    kinds = set(draft.annual_activities.values_list("kind", flat=True))
    assert {AnnualActivity.Kind.KICKOFF, AnnualActivity.Kind.EVALUATION} <= kinds


def entry_content(entry: PhasePlanEntry) -> dict[str, object]:
    fields = PhasePlanEntry._meta.concrete_fields
    return {f.attname: getattr(entry, f.attname) for f in fields if f.name not in ("id", "version")}


def test_a_new_draft_copies_the_sections_phase_plan_and_arshjul_of_the_newest_version(cast):
    first = ready_draft(cast.coordinator, cast.team)
    plan_draft_update(
        actor=cast.coordinator,
        version=first,
        base_version=plan_version(cast.team),
        preparedness="Ved innleggelse ringer DPS koordinator.",
    )
    tor = Member.objects.get(team=cast.team, user=cast.member)
    red = PhasePlanEntry.objects.create(
        version=first,
        phase="red",
        signs="Sover ikke",
        actions="Ring",
        actor=tor,
        night_contact=tor,
        call_office_hours="Koordinator 40000001",
        call_night="Legevakt 116117",
        patient_wishes="Ikke ring mor",
    )
    activities = first.annual_activities.count()
    approve_all(cast, first)

    second = ready_draft(cast.coordinator, cast.team)
    assert second.number == 2
    assert second.preparedness == "Ved innleggelse ringer DPS koordinator."
    copied = second.phase_entries.get()
    # Every field but its row and version, the named night contact among them (once it was
    # left behind).
    assert entry_content(copied) == entry_content(red)
    assert copied.night_contact == tor
    assert second.annual_activities.count() == activities


def test_only_the_coordinator_or_the_creator_makes_a_draft(cast):
    with pytest.raises(Exception) as refused:
        plan_draft_open(actor=cast.member, team=cast.team)
    assert refused.type.__name__ == "PermissionDenied"
    with pytest.raises(Http404):
        plan_draft_open(actor=cast.outsider, team=cast.team)
    assert not CarePlan.objects.filter(team=cast.team, version__gt=0).exists()


def test_a_stale_edit_is_refused_and_nothing_is_saved(cast):
    draft = ready_draft(cast.coordinator, cast.team)
    opened = plan_version(cast.team)
    plan_draft_update(
        actor=cast.coordinator, version=draft, base_version=opened, communication="Første"
    )
    with pytest.raises(StalePlan) as stale:
        plan_draft_update(
            actor=cast.coordinator, version=draft, base_version=opened, communication="Andre"
        )
    assert stale.value.latest is not None and stale.value.latest.pk == draft.pk
    draft.refresh_from_db()
    assert draft.communication == "Første"


def test_only_the_newest_draft_can_be_edited(cast):
    draft = ready_draft(cast.coordinator, cast.team)
    approve_all(cast, draft)
    draft.refresh_from_db()
    assert draft.status == CarePlanVersion.Status.IN_FORCE
    with pytest.raises(ValidationError, match="Bare utkast kan endres"):
        plan_draft_update(
            actor=cast.coordinator,
            version=draft,
            base_version=plan_version(cast.team),
            communication="Endret i ettertid",
        )
    draft.refresh_from_db()
    assert draft.communication == ""


def test_an_approved_draft_can_no_longer_be_corrected(cast):
    draft = ready_draft(cast.coordinator, cast.team)
    plan_approve(actor=cast.patient, version=draft, base_version=plan_version(cast.team))
    with pytest.raises(ValidationError, match="allerede godkjent"):
        plan_draft_update(
            actor=cast.coordinator,
            version=draft,
            base_version=plan_version(cast.team),
            communication="Nytt",
        )


def test_a_period_that_ends_before_it_starts_is_refused_in_norwegian(cast):
    draft = ready_draft(cast.coordinator, cast.team)
    with pytest.raises(ValidationError) as error:
        plan_draft_update(
            actor=cast.coordinator,
            version=draft,
            base_version=plan_version(cast.team),
            period_start=dt.date(2027, 5, 1),
            period_end=dt.date(2027, 1, 1),
        )
    assert "Planperioden må slutte etter at den starter." in str(error.value)


def test_required_approvers_are_the_coordinator_the_patient_and_a_leader_per_organisation(
    cast, spesialist
):
    # A DPS under the helseforetak: its leader sits one level up.
    foretak = OrganisationFactory(name="Helse Vest HF", kind=Organisation.Kind.HELSEFORETAK)
    spesialist.parent = foretak
    spesialist.save()
    hf_leader = StaffFactory(organisation=foretak, is_leader=True)
    MemberFactory(
        team=cast.team, user=StaffFactory(organisation=spesialist), role=Role.SPECIALIST_CONTACT
    )
    # An as-needed member's organisation needs no leader's approval.
    MemberFactory(
        team=cast.team,
        user=StaffFactory(organisation=cast.other_kommune),
        involvement=Member.Involvement.AS_NEEDED,
    )
    draft = ready_draft(cast.coordinator, cast.team)

    required = {(r.capacity, r.organisation): r for r in required_approvals(draft)}
    assert set(required) == {
        ("coordinator", None),
        ("patient", None),
        ("leader", cast.kommune),
        ("leader", spesialist),
    }
    assert required[("coordinator", None)].eligible == [cast.coordinator]
    assert required[("patient", None)].eligible == [cast.patient]
    assert required[("leader", cast.kommune)].eligible == [cast.leader]
    assert required[("leader", spesialist)].eligible == [hf_leader]


def test_a_parent_approves_for_a_patient_under_16(cast):
    child_user = UserFactory.create(kind=User.Kind.PATIENT)
    child = PatientFactory.create(
        birth_date=timezone.localdate() - dt.timedelta(days=365 * 12), user=child_user
    )
    team = Team.objects.create(
        patient=child, created_by=cast.coordinator, established_on=timezone.localdate()
    )
    MemberFactory(team=team, user=cast.coordinator, role=Role.COORDINATOR)
    mother = UserFactory.create(kind=User.Kind.RELATIVE)
    RepresentationFactory(
        relative_link=RelativeLinkFactory(
            patient=child,
            relative=mother,
            relation=RelativeLink.Relation.PARENT,
            may_see_team=True,
            may_see_goals=True,
            may_see_plan=True,
        )
    )
    RelativeLinkFactory(patient=child, relation=RelativeLink.Relation.SIBLING)
    draft = ready_draft(cast.coordinator, team)

    required = {r.capacity: r for r in required_approvals(draft)}
    assert "patient" not in required
    assert required["representative"].eligible == [mother]
    with pytest.raises(ValidationError, match="ikke en av dem som skal godkjenne"):
        plan_approve(actor=child_user, version=draft, base_version=plan_version(team))

    plan_approve(actor=mother, version=draft, base_version=plan_version(team))
    assert draft.approvals.get().capacity == "representative"
    row = AccessLog.objects.filter(user=mother, action=AccessLog.Action.CHANGE).get()
    assert row.patient == child


def test_someone_who_is_not_a_required_approver_is_refused(cast):
    draft = ready_draft(cast.coordinator, cast.team)
    with pytest.raises(ValidationError, match="Du er ikke en av dem som skal godkjenne"):
        plan_approve(actor=cast.member, version=draft, base_version=plan_version(cast.team))
    with pytest.raises(Http404):
        plan_approve(actor=cast.outsider, version=draft, base_version=plan_version(cast.team))
    other_leader = StaffFactory(organisation=cast.other_kommune, is_leader=True)
    with pytest.raises(Http404):
        plan_approve(actor=other_leader, version=draft, base_version=plan_version(cast.team))
    assert not draft.approvals.exists()


def test_approving_twice_is_refused(cast):
    draft = ready_draft(cast.coordinator, cast.team)
    plan_approve(actor=cast.patient, version=draft, base_version=plan_version(cast.team))
    with pytest.raises(ValidationError, match="allerede godkjent"):
        plan_approve(actor=cast.patient, version=draft, base_version=plan_version(cast.team))


def test_approving_a_page_that_changed_since_it_was_read_is_refused(cast):
    draft = ready_draft(cast.coordinator, cast.team)
    read = plan_version(cast.team)
    plan_draft_update(actor=cast.coordinator, version=draft, base_version=read, documentation="X")
    with pytest.raises(StalePlan):
        plan_approve(actor=cast.patient, version=draft, base_version=read)
    assert not draft.approvals.exists()


def test_approvals_of_the_same_draft_do_not_make_each_other_stale(cast):
    draft = ready_draft(cast.coordinator, cast.team)
    read = plan_version(cast.team)
    plan_approve(actor=cast.patient, version=draft, base_version=read)
    plan_approve(actor=cast.leader, version=draft, base_version=read)
    assert draft.approvals.count() == 2


def test_the_last_approval_puts_the_version_in_force_and_supersedes_the_old(cast):
    first = ready_draft(cast.coordinator, cast.team)
    approve_all(cast, first)
    first.refresh_from_db()
    assert first.status == CarePlanVersion.Status.IN_FORCE
    assert first.in_force_at is not None

    second = ready_draft(cast.coordinator, cast.team)
    plan_approve(actor=cast.patient, version=second, base_version=plan_version(cast.team))
    second.refresh_from_db()
    assert second.status == CarePlanVersion.Status.DRAFT  # not all have approved yet
    plan_approve(actor=cast.leader, version=second, base_version=plan_version(cast.team))
    plan_approve(actor=cast.coordinator, version=second, base_version=plan_version(cast.team))

    first.refresh_from_db()
    second.refresh_from_db()
    assert second.status == CarePlanVersion.Status.IN_FORCE
    assert first.status == CarePlanVersion.Status.SUPERSEDED
    assert CarePlanVersion.objects.filter(plan__team=cast.team).count() == 2


def test_an_approval_of_a_replaced_draft_never_counts(cast):
    # Approvals on different versions: the plan row lock orders them, and the one that comes
    # after the new draft finds its version replaced.
    old = ready_draft(cast.coordinator, cast.team)
    read_old = plan_version(cast.team)
    plan_approve(actor=cast.patient, version=old, base_version=read_old)
    plan_approve(actor=cast.leader, version=old, base_version=read_old)
    new = ready_draft(cast.coordinator, cast.team)
    plan_approve(actor=cast.patient, version=new, base_version=plan_version(cast.team))

    for base in (read_old, plan_version(cast.team)):
        with pytest.raises(ValidationError, match="ikke et utkast lenger"):
            plan_approve(actor=cast.coordinator, version=old, base_version=base)
    old.refresh_from_db()
    assert old.status == CarePlanVersion.Status.SUPERSEDED
    assert old.approvals.count() == 2
    assert not CarePlanVersion.objects.filter(status="in_force").exists()


def test_a_second_new_draft_opens_the_open_one_and_changes_nothing(cast):
    first, first_new = plan_draft_open(actor=cast.coordinator, team=cast.team)
    opened = plan_version(cast.team)

    again, again_new = plan_draft_open(actor=cast.coordinator, team=cast.team)

    assert (first_new, again_new) == (True, False)
    assert again.pk == first.pk
    assert CarePlanVersion.objects.filter(plan__team=cast.team).count() == 1
    # Nothing changed, so a page read before the second click may still save and approve.
    assert plan_version(cast.team) == opened


def test_a_draft_someone_approved_is_replaced_and_kept_with_its_approval(cast):
    old = ready_draft(cast.coordinator, cast.team)
    plan_draft_update(
        actor=cast.coordinator,
        version=old,
        base_version=plan_version(cast.team),
        preparedness="Ved innleggelse ringer DPS koordinator.",
    )
    plan_approve(actor=cast.patient, version=old, base_version=plan_version(cast.team))

    new, created = plan_draft_open(actor=cast.coordinator, team=cast.team)

    assert created and new.number == old.number + 1
    assert new.preparedness == "Ved innleggelse ringer DPS koordinator."
    assert not new.approvals.exists()
    old.refresh_from_db()
    assert old.status == CarePlanVersion.Status.SUPERSEDED
    assert old.in_force_at is None
    assert old.approvals.get().approver == cast.patient
    assert CarePlanVersion.objects.filter(plan__team=cast.team, status="draft").get() == new


def test_the_database_keeps_one_open_draft_per_plan(cast):
    draft = ready_draft(cast.coordinator, cast.team)
    with pytest.raises(IntegrityError, match="one_open_plan_draft"), transaction.atomic():
        CarePlanVersion.objects.create(
            plan=draft.plan, number=draft.number + 1, created_by=cast.coordinator
        )


def test_a_leader_approval_is_audited_with_its_reason(cast):
    draft = ready_draft(cast.coordinator, cast.team)
    plan_approve(actor=cast.leader, version=draft, base_version=plan_version(cast.team))
    change = AccessLog.objects.get(user=cast.leader, action=AccessLog.Action.CHANGE)
    assert change.patient == cast.team.patient
    assert "Leder" in change.reason
    assert draft.approvals.get().organisation == cast.kommune
