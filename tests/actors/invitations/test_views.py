"""Staff invitations (issue 14, the part without login): a leader or coordinator invites a
staff member of their own organisation by name, fødselsnummer and/or HPR number and
profession, sees the open invitations of their organisations and can revoke them; the
administrator invites in the Django admin. HelseID's first login takes them in use."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from actors.access import invitation_organisations
from actors.invitations.services import staff_invitation_create, staff_invitation_revoke
from actors.models import Organisation, Profession, StaffInvitation
from actors.validators import synthetic_national_id
from tests.conftest import Cast, admin_client_for, client_for
from tests.factories import OrganisationFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

HANNE = synthetic_national_id(dt.date(1985, 6, 1), 3)
URL = "/ansatte/invitasjoner/"


def _invite(cast: Cast, actor=None, organisation=None, **fields) -> StaffInvitation:
    values = {
        "actor": actor or cast.leader,
        "organisation": organisation or cast.kommune,
        "name": "Hanne Hansen",
        "national_id": HANNE,
        "hpr_number": "",
        "profession": Profession.VERNEPLEIER,
        **fields,
    }
    return staff_invitation_create(**values)


def test_the_url_is_the_one_the_leaders_menu_links_to():
    assert reverse("actors:staff-invitations") == URL


def test_a_leader_invites_to_her_organisation_and_those_below_it(cast: Cast):
    avdeling = OrganisationFactory(name="Fjordvik hjemmetjeneste", parent=cast.kommune)
    assert set(invitation_organisations(cast.leader)) == {cast.kommune, avdeling}

    invitation = _invite(cast, organisation=avdeling)

    assert invitation.invited_by == cast.leader and invitation.is_open
    with pytest.raises(PermissionDenied):
        _invite(cast, organisation=cast.other_kommune)


def test_a_coordinator_invites_to_her_own_workplaces_and_a_member_invites_no_one(cast: Cast):
    legekontor = OrganisationFactory(kind=Organisation.Kind.LEGEKONTOR)
    cast.coordinator.organisations.add(legekontor)
    assert set(invitation_organisations(cast.coordinator)) == {cast.kommune, legekontor}
    _invite(cast, actor=cast.coordinator, organisation=legekontor)

    for nobody in (cast.member, cast.night, cast.patient, cast.relative):
        assert not invitation_organisations(nobody).exists()
        with pytest.raises(PermissionDenied):
            _invite(cast, actor=nobody, hpr_number="1234567", national_id="")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"national_id": "", "hpr_number": ""}, "national_id"),
        ({"national_id": "12345678901"}, "national_id"),
        ({"national_id": "", "hpr_number": "12ab"}, "hpr_number"),
        ({"name": " "}, "name"),
    ],
)
def test_bad_input_names_its_field_and_invites_no_one(cast: Cast, fields, field):
    with pytest.raises(ValidationError) as error:
        _invite(cast, **fields)
    assert field in error.value.message_dict
    assert not StaffInvitation.objects.exists()


def test_one_open_invitation_per_person_and_again_after_revoking(cast: Cast):
    first = _invite(cast, hpr_number="7654321")
    with pytest.raises(ValidationError, match="fødselsnummeret"):
        _invite(cast)
    with pytest.raises(ValidationError, match="HPR-nummeret"):
        _invite(cast, national_id="", hpr_number="7654321")

    staff_invitation_revoke(actor=cast.coordinator, invitation=first)

    first.refresh_from_db()
    assert first.revoked_by == cast.coordinator and first.revoked_at is not None
    assert _invite(cast).is_open
    with pytest.raises(ValidationError, match="allerede"):
        staff_invitation_revoke(actor=cast.leader, invitation=first)


def test_someone_already_working_there_in_lkt_is_not_invited_again(cast: Cast):
    StaffFactory(organisation=cast.kommune, hpr_number="5555555")
    with pytest.raises(ValidationError) as error:
        _invite(cast, national_id="", hpr_number="5555555")
    assert "arbeider allerede" in error.value.message_dict["hpr_number"][0]


def test_the_page_invites_lists_and_revokes(cast: Cast):
    client = client_for(cast.leader)
    response = client.post(
        URL,
        {
            "organisation": cast.kommune.pk,
            "name": "Hanne Hansen",
            "national_id": HANNE,
            "hpr_number": "",
            "profession": Profession.VERNEPLEIER,
        },
    )
    assert response.status_code == 302
    html = client.get(URL).content.decode()
    assert "Hanne Hansen" in html and "Vernepleier" in html
    invitation = StaffInvitation.objects.get()
    assert (
        client.post(reverse("actors:staff-invitation-revoke", args=[invitation.pk])).status_code
        == 302
    )
    assert "Ingen åpne invitasjoner." in client.get(URL).content.decode()


def test_a_form_without_national_id_or_hpr_comes_back_with_what_was_typed(cast: Cast):
    response = client_for(cast.coordinator).post(
        URL, {"organisation": cast.kommune.pk, "name": "Hanne Hansen", "profession": "lege"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_national_id_error"' in html and 'value="Hanne Hansen"' in html


def test_others_may_not_invite_nor_reach_an_invitation(cast: Cast):
    invitation = _invite(cast)
    other_leader = StaffFactory(organisation=cast.other_kommune, is_leader=True)
    revoke = reverse("actors:staff-invitation-revoke", args=[invitation.pk])
    assert client_for(other_leader).post(revoke).status_code == 404
    assert client_for(cast.member).get(URL).status_code == 403
    assert client_for(cast.relative).get(URL).status_code == 403
    # Another kommune's invitation is not on Leif's page.
    _invite(cast, actor=other_leader, organisation=cast.other_kommune, name="Ola Annen")
    assert "Ola Annen" not in client_for(cast.leader).get(URL).content.decode()
    invitation.refresh_from_db()
    assert invitation.is_open


def test_the_administrator_invites_in_the_admin_and_is_recorded_as_the_inviter(cast: Cast):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client = admin_client_for(admin)
    response = client.post(
        reverse("admin:actors_staffinvitation_add"),
        {
            "organisation": cast.other_kommune.pk,
            "name": "Per Admininvitert",
            "national_id": "",
            "hpr_number": "1234567",
            "profession": Profession.LEGE,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert StaffInvitation.objects.get().invited_by == admin


@pytest.mark.parametrize("count", [5, 50])
def test_the_list_reads_a_fixed_number_of_queries(cast: Cast, count, django_assert_num_queries):
    for n in range(count):
        StaffInvitation.objects.create(
            organisation=cast.kommune,
            name=f"Invitert {n}",
            hpr_number=f"{1000000 + n}",
            profession=Profession.SYKEPLEIER,
            invited_by=cast.leader,
        )
    client = client_for(cast.leader)
    client.get(URL)
    # 1 session, 2 user, 3 Leif's organisation and those below it (actors.access.
    # leader_organisations), 4 the organisations he may invite to, 5 their open invitations with
    # organisation and inviter, 6 the organisations of the form's choice.
    with django_assert_num_queries(6):
        html = client.get(URL).content.decode()
    assert html.count("<td>Invitert ") == count
