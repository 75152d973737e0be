"""Every staff picker shows "name – profession – organisation", offers only people who can take
the role (no legevakt user, leader or administrator unless they also have a clinical profile)
and says who has never logged in (issue 14)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from actors import services
from actors.models import Member, Organisation, Profession, Role, User
from actors.staff_eligibility import can_take_team_role, member_label, staff_label, team_eligible
from coordination.referral import services as coordination_services
from tests.conftest import Cast, client_for
from tests.factories import MemberFactory, OrganisationFactory, StaffFactory

pytestmark = pytest.mark.django_db


def _names(users) -> set[str]:
    return {u.username for u in users}


@pytest.fixture
def staff(cast: Cast) -> dict[str, User]:
    """The cast's staff, each with a profession, and a few more who test the rule."""
    User.objects.filter(pk__in=[cast.coordinator.pk, cast.member.pk]).update(
        profession=Profession.SYKEPLEIER, last_login=timezone.now()
    )
    User.objects.filter(pk=cast.night.pk).update(profession=Profession.LEGE)
    legekontor = OrganisationFactory(name="Fjordvik legekontor", kind=Organisation.Kind.LEGEKONTOR)
    legevakt = cast.night.organisation
    both = StaffFactory.create(
        username="fastlege-og-legevakt",
        first_name="Frode",
        organisation=legevakt,
        profession=Profession.LEGE,
    )
    both.organisations.add(legekontor)
    return {
        "clinical_leader": StaffFactory.create(
            username="leder-og-sykepleier",
            organisation=cast.kommune,
            is_leader=True,
            profession=Profession.SYKEPLEIER,
        ),
        "admin": StaffFactory.create(username="admin", is_superuser=True, is_staff=True),
        "both": both,
        "plain_night": StaffFactory.create(username="kontor-legevakt", organisation=legevakt),
    }


def test_only_staff_who_work_with_patients_can_take_a_team_role(cast: Cast, staff):
    offered = _names(team_eligible())

    assert {"cecilie", "tor", "nina", "leder-og-sykepleier", "fastlege-og-legevakt"} <= offered
    # A leader, an administrator and night-service users without a clinical profile elsewhere.
    for name in ("leif", "admin", "nils-legevakt", "kontor-legevakt"):
        assert name not in offered
    assert not _names(team_eligible()) & {cast.patient.username, cast.relative.username}


def test_a_label_names_profession_and_every_workplace_and_a_missing_login(cast: Cast, staff):
    frode = team_eligible().get(username="fastlege-og-legevakt")
    assert staff_label(frode) == (
        "Frode Testesen – lege – Legevakten i Fjordvik, Fjordvik legekontor (har aldri logget inn)"
    )
    tor = team_eligible().get(pk=cast.member.pk)
    assert staff_label(tor) == "Tor Testesen – sykepleier – Fjordvik kommune"


def test_the_member_form_offers_the_eligible_with_their_labels(cast: Cast, staff):
    html = client_for(cast.coordinator).get(reverse("actors:member-add", args=[cast.team.pk]))
    body = html.content.decode()
    assert "Frode Testesen – lege – Legevakten i Fjordvik, Fjordvik legekontor" in body
    assert "Tor Testesen – sykepleier – Fjordvik kommune</option>" in body
    assert "Leif" not in body and "Nils" not in body


def test_adding_a_leader_without_a_clinical_profile_is_refused_by_the_service(cast: Cast):
    """Before, any active staff user could be made a member, the leader and night staff too."""
    for user in (cast.leader, cast.night):
        with pytest.raises(ValidationError) as error:
            services.member_add(actor=cast.coordinator, team=cast.team, user=user, role=Role.NURSE)
        assert "klinisk profil" in error.value.message_dict["user"][0]
    assert not Member.objects.filter(team=cast.team, user=cast.leader).exists()


def test_a_posted_leader_comes_back_on_the_field(cast: Cast):
    response = client_for(cast.coordinator).post(
        reverse("actors:member-add", args=[cast.team.pk]),
        {"user": cast.leader.pk, "role": Role.NURSE, "closeness": "monthly", "involvement": "core"},
    )
    assert response.status_code == 200
    assert "Velg en ansatt fra listen." in response.content.decode()


def test_the_coordinator_proposal_offers_the_eligible_and_says_who_never_logged_in(
    cast: Cast, staff
):
    body = (
        client_for(cast.coordinator)
        .get(reverse("coordination:appointment-propose", args=[cast.team.pk]))
        .content.decode()
    )
    assert "Nina Testesen – yrke ikke oppgitt – Havbu kommune (har aldri logget inn)" in body
    assert "må kunne logge inn" in body
    assert "Leif" not in body and "Nils" not in body
    with pytest.raises(ValidationError) as error:
        coordination_services.appointment_propose(
            actor=cast.coordinator, team=cast.team, candidate=cast.leader
        )
    assert "candidate" in error.value.message_dict


def test_the_leader_is_told_when_the_proposed_coordinator_has_never_logged_in(cast: Cast):
    leader = StaffFactory(organisation=cast.kommune, is_leader=True, first_name="Line")
    coordination_services.appointment_propose(
        actor=cast.coordinator, team=cast.team, candidate=cast.member
    )
    body = client_for(leader).get(reverse("coordination:leader-approvals")).content.decode()
    assert "Tor Testesen har aldri logget inn i LKT" in body


def test_the_deputy_is_staff_in_the_team_who_could_coordinate(cast: Cast):
    external = MemberFactory.create(
        team=cast.team, user=None, external_name="Mor Nordvik", role=Role.FAMILY
    )
    leader_member = Member.objects.create(
        team=cast.team,
        user=cast.leader,
        role=Role.OTHER,
        level="kommune",
        joined_on=timezone.localdate(),
    )
    body = (
        client_for(cast.coordinator)
        .get(reverse("coordination:mandate-edit", args=[cast.team.pk]))
        .content.decode()
    )
    assert "Tor Testesen – yrke ikke oppgitt – Fjordvik kommune" in body
    assert "Mor Nordvik" not in body and "Leif" not in body
    for deputy in (external, leader_member):
        with pytest.raises(ValidationError) as error:
            coordination_services.mandate_save(
                actor=cast.coordinator,
                team=cast.team,
                task_description="Lede",
                authority="Innkalle",
                hours_per_month=6,
                deputy=deputy,
            )
        assert "deputy" in error.value.message_dict


def test_meeting_and_task_pickers_show_profession_and_organisation(cast: Cast, staff):
    MemberFactory(team=cast.team, user=None, external_name="Jonny Berget", role=Role.OTHER)
    client = client_for(cast.coordinator)
    for name in ("coordination:meeting-create", "coordination:task-create"):
        body = client.get(reverse(name, args=[cast.team.pk])).content.decode()
        assert "Tor Testesen – sykepleier – Fjordvik kommune (sykepleier)" in body, name
        assert "Jonny Berget – annen rolle (uten innlogging)" in body, name


def test_member_labels_need_no_query_per_member(cast: Cast, django_assert_num_queries):
    from actors.staff_eligibility import member_queryset_for_labels

    for _ in range(20):
        MemberFactory(team=cast.team)
    # 1 members with users and organisations, 2 the users' further workplaces.
    with django_assert_num_queries(2):
        labels = [member_label(m) for m in member_queryset_for_labels(cast.team.members.all())]
    assert len(labels) == 22


@pytest.mark.parametrize("count", [5, 50])
def test_the_member_form_reads_the_same_queries_for_5_and_50_staff(
    cast: Cast, count: int, django_assert_num_queries
):
    for _ in range(count):
        StaffFactory(organisation=cast.kommune, profession=Profession.PSYKOLOG)
    client = client_for(cast.coordinator)
    url = reverse("actors:member-add", args=[cast.team.pk])
    client.get(url)
    # 1 session, 2 user, 3 team with patient, 4 the viewer's standing, 5 the audit row, 6 the
    # staff who can take a role, 7 their further workplaces, 8 the organisations.
    with django_assert_num_queries(8):
        body = client.get(url).content.decode()
    assert body.count("– psykolog –") == count


def test_a_clinical_profile_is_a_profession_and_a_workplace_with_patients(cast: Cast):
    cast.leader.profession = Profession.OTHER
    cast.leader.save()
    assert not can_take_team_role(cast.leader)
    cast.leader.profession = Profession.FYSIOTERAPEUT
    cast.leader.save()
    assert can_take_team_role(cast.leader)
    cast.night.profession = Profession.LEGE
    cast.night.save()
    assert not can_take_team_role(cast.night)  # the legevakt is his only workplace
    cast.night.last_login = timezone.now() - dt.timedelta(days=1)
    cast.night.organisations.add(cast.kommune)
    assert can_take_team_role(cast.night)


def test_a_member_without_a_clinical_profile_cannot_be_made_coordinator_by_an_edit(cast: Cast):
    """The twin of member_add's rule: a leader made a member before the rule, then promoted."""
    leader_member = Member.objects.create(
        team=cast.team,
        user=cast.leader,
        role=Role.OTHER,
        level="kommune",
        joined_on=timezone.localdate(),
    )
    with pytest.raises(ValidationError) as error:
        services.member_update(
            actor=cast.coordinator,
            member=leader_member,
            role=Role.COORDINATOR,
            level="kommune",
            closeness="monthly",
            involvement="core",
        )
    assert "role" in error.value.message_dict
    leader_member.refresh_from_db()
    assert leader_member.role == Role.OTHER


def test_the_unit_cannot_register_a_coordinator_who_lost_the_clinical_profile(cast: Cast):
    from coordination.models import CoordinatorAppointment

    tor = cast.member
    appointment = CoordinatorAppointment.objects.create(
        team=cast.team,
        candidate=tor,
        proposed_by=cast.coordinator,
        status=CoordinatorAppointment.Status.APPROVED,
    )
    User.objects.filter(pk=tor.pk).update(is_leader=True)  # became a leader since
    unit = OrganisationFactory(kind=Organisation.Kind.KOORDINERENDE_ENHET, parent=cast.kommune)
    # The unit whose staff opened the team registers its coordinators.
    User.objects.filter(pk=cast.coordinator.pk).update(organisation=unit)
    registrar = StaffFactory(organisation=unit)
    appointment.refresh_from_db()
    with pytest.raises(ValidationError, match="klinisk profil"):
        coordination_services.appointment_register(actor=registrar, appointment=appointment)


def test_staff_with_no_way_to_log_in_are_not_offered(cast: Cast, staff):
    """Issue 16, item 18: an account with no usable password, no fødselsnummer and no
    HPR-nummer can never log in (the demo's background staff were such accounts), so no picker
    offers it; one a first HelseID login would link (by HPR-nummer) is offered."""
    nobody = StaffFactory.create(username="uten-innlogging", organisation=cast.kommune)
    nobody.set_unusable_password()
    nobody.national_id = ""
    nobody.save()
    by_hpr = StaffFactory.create(
        username="med-hpr", organisation=cast.kommune, national_id="", hpr_number="9144551"
    )
    by_hpr.set_unusable_password()
    by_hpr.save()
    offered = _names(team_eligible())
    assert "uten-innlogging" not in offered
    assert "med-hpr" in offered and cast.member.username in offered
    page = client_for(cast.coordinator).get(reverse("actors:member-add", args=[cast.team.pk]))
    assert f'value="{nobody.pk}"' not in page.content.decode()
    assert f'value="{by_hpr.pk}"' in page.content.decode()
