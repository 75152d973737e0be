"""Memberships in place on the team page: add, change, end with date and reason; activation."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from actors.models import Closeness, Level, Member, NetworkLevel, Organisation, Role, Team
from tests.conftest import KEYED_PLANS, client_for, team_section_html
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def _tor(cast) -> Member:
    return cast.team.members.get(user=cast.member)


def test_the_edit_form_loads_into_the_panel_as_a_fragment(cast):
    url = reverse("actors:member-edit", args=[cast.team.pk, _tor(cast).pk])
    response = client_for(cast.coordinator).get(url, headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert 'hx-target="#member-panel"' in body
    assert 'value="sykepleier" selected' in body


def test_changing_closeness_and_role_reloads_members_and_map(cast):
    url = reverse("actors:member-edit", args=[cast.team.pk, _tor(cast).pk])
    response = client_for(cast.coordinator).post(
        url,
        {
            "role": Role.PSYCHIATRIC_NURSE,
            "level": NetworkLevel.KOMMUNE,
            "closeness": Closeness.DAILY,
            "involvement": "core",
        },
        headers=HTMX,
    )
    assert response.status_code == 200
    assert set(json.loads(response["HX-Trigger"])) == {"medlemmer-changed"}
    tor = _tor(cast)
    assert (tor.role, tor.closeness) == (Role.PSYCHIATRIC_NURSE, Closeness.DAILY)


def test_ending_needs_a_reason_and_keeps_the_row(cast):
    client = client_for(cast.coordinator)
    url = reverse("actors:member-end", args=[cast.team.pk, _tor(cast).pk])
    refused = client.post(url, {"left_on": timezone.localdate().isoformat()}, headers=HTMX)
    assert refused.status_code == 200
    assert "Dette feltet er påkrevd" in refused.content.decode()
    assert _tor(cast).left_on is None

    client.post(url, {"left_on": timezone.localdate().isoformat(), "reason": "Ny jobb"})
    ended = Member.objects.get(team=cast.team, user=cast.member)
    assert (ended.left_on, ended.end_reason) == (timezone.localdate(), "Ny jobb")
    page = team_section_html(client, cast.team.pk, "medlemmer")
    assert "Tidligere medlemmer" in page
    assert "Ny jobb" in page


def test_an_end_date_before_joining_is_refused_on_the_field(cast):
    url = reverse("actors:member-end", args=[cast.team.pk, _tor(cast).pk])
    before = (_tor(cast).joined_on - dt.timedelta(days=3)).isoformat()
    response = client_for(cast.coordinator).post(
        url, {"left_on": before, "reason": "Feil"}, headers=HTMX
    )
    assert "Sluttdato kan ikke være før" in response.content.decode()
    assert _tor(cast).left_on is None


def test_without_javascript_a_saved_form_returns_to_the_members_section(cast):
    url = reverse("actors:member-add", args=[cast.team.pk])
    response = client_for(cast.coordinator).post(
        url,
        {
            "external_name": "Nabo Nils",
            "role": Role.NEIGHBOUR,
            "closeness": "weekly",
            "involvement": "as_needed",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#medlemmer")
    nils = Member.objects.get(external_name="Nabo Nils")
    assert nils.level == NetworkLevel.PRIVAT  # no organisation: the private network


def test_saved_from_the_forms_own_page_htmx_goes_back_to_the_members_section(cast):
    """On its own page no section waits for the event: an empty answer would leave the
    coordinator with a vanished form and no word that it was saved."""
    url = reverse("actors:member-add", args=[cast.team.pk])
    client = client_for(cast.coordinator)
    on_own_page = {**HTMX, "HX-Current-URL": f"http://testserver{url}"}
    data = {"external_name": "Nabo Nils", "role": Role.NEIGHBOUR, "closeness": "weekly"}
    response = client.post(url, {**data, "involvement": "as_needed"}, headers=on_own_page)

    assert response.status_code == 200
    assert response["HX-Redirect"].endswith("#medlemmer")
    assert Member.objects.filter(external_name="Nabo Nils").exists()
    team_page = client.get(response["HX-Redirect"]).content.decode()
    assert "Medlemmet er lagt til." in team_page

    # From the panel on the team page, the section reloads itself instead.
    from_panel = {**HTMX, "HX-Current-URL": f"http://testserver{response['HX-Redirect']}"}
    data["external_name"] = "Nabo Nora"
    response = client.post(url, {**data, "involvement": "as_needed"}, headers=from_panel)
    assert "HX-Redirect" not in response
    assert set(json.loads(response["HX-Trigger"])) == {"medlemmer-changed"}


def test_a_team_with_missing_roles_goes_active_only_with_a_reason(cast):
    team = cast.team
    Team.objects.filter(pk=team.pk).update(status=Team.Status.ESTABLISHING)
    client = client_for(cast.coordinator)
    url = reverse("actors:team-activate", args=[team.pk])
    refused = client.post(url, {"missing_roles_reason": ""})
    assert refused.status_code == 200
    assert "Fastlege" in refused.content.decode()
    team.refresh_from_db()
    assert team.status == Team.Status.ESTABLISHING

    client.post(url, {"missing_roles_reason": "Ingen kontakt med spesialisthelsetjenesten nå."})
    team.refresh_from_db()
    assert team.status == Team.Status.ACTIVE
    assert team.activated_on == timezone.localdate()
    page = team_section_html(client, team.pk, "medlemmer")
    assert "Ingen kontakt med spesialisthelsetjenesten nå." in page


def test_a_complete_team_goes_active_without_a_reason(cast):
    team = cast.team
    Team.objects.filter(pk=team.pk).update(status=Team.Status.ESTABLISHING)
    for role in (Role.GP, Role.SPECIALIST_CONTACT, Role.INTERNAL_COORDINATOR):
        Member.objects.create(
            team=team,
            external_name=f"Ekstern {role}",
            role=role,
            level=NetworkLevel.KOMMUNE,
            joined_on=timezone.localdate(),
        )
    client_for(cast.coordinator).post(reverse("actors:team-activate", args=[team.pk]))
    team.refresh_from_db()
    assert (team.status, team.missing_roles_reason) == (Team.Status.ACTIVE, "")


def test_team_members_cannot_change_memberships(cast):
    url = reverse("actors:member-end", args=[cast.team.pk, _tor(cast).pk])
    response = client_for(cast.member).post(url, {"left_on": "2026-11-23", "reason": "x"})
    assert response.status_code == 403
    assert _tor(cast).left_on is None


def test_closeness_outside_the_scale_is_refused_in_the_fragment(cast):
    url = reverse("actors:member-edit", args=[cast.team.pk, _tor(cast).pk])
    response = client_for(cast.coordinator).post(
        url,
        {"role": Role.NURSE, "level": "kommune", "closeness": "hourly", "involvement": "core"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "hourly" in response.content.decode()  # Django names the bad choice
    assert 'aria-invalid="true"' in response.content.decode()
    assert _tor(cast).closeness == Closeness.MONTHLY


@pytest.mark.parametrize("members", [3, 40])
def test_members_section_uses_the_same_queries_for_3_and_40_members(
    cast, members, django_assert_num_queries
):
    for _ in range(members - 2):
        Member.objects.create(
            team=cast.team,
            external_name="Nabo",
            role=Role.NEIGHBOUR,
            level=NetworkLevel.PRIVAT,
            joined_on=timezone.localdate(),
        )
    client = client_for(cast.coordinator)
    # 1 session, 2 user, 3 team with the viewer's standing, 4 audit row, 5 members (and the
    # transaction of keyed plans).
    with django_assert_num_queries(5 + KEYED_PLANS):
        response = client.get(
            reverse("workspace:team-medlemmer", args=[cast.team.pk]), headers=HTMX
        )
    assert response.content.decode().count("Nabo") >= members - 2


def test_changing_a_member_offers_no_coordinator_role(cast):
    url = reverse("actors:member-edit", args=[cast.team.pk, _tor(cast).pk])
    body = client_for(cast.coordinator).get(url, headers=HTMX).content.decode()
    assert 'value="sykepleier" selected' in body
    assert 'value="koordinator"' not in body
    assert "Koordinatoren foreslås under «Koordinator og mandat»." in body


def test_posting_the_coordinator_role_for_a_member_is_refused_in_the_fragment(cast):
    url = reverse("actors:member-edit", args=[cast.team.pk, _tor(cast).pk])
    response = client_for(cast.coordinator).post(
        url,
        {
            "role": Role.COORDINATOR,
            "level": NetworkLevel.KOMMUNE,
            "closeness": Closeness.WEEKLY,
            "involvement": "core",
        },
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "Ukjent rolle: velg en rolle fra listen." in response.content.decode()
    assert _tor(cast).role == Role.NURSE
    assert cast.team.members.filter(role=Role.COORDINATOR).count() == 1


def test_adding_a_member_offers_no_coordinator_role(cast):
    url = reverse("actors:member-add", args=[cast.team.pk])
    body = client_for(cast.coordinator).get(url, headers=HTMX).content.decode()
    assert 'value="fastlege"' in body
    assert 'value="koordinator"' not in body


def test_the_coordinator_changing_their_own_membership_keeps_the_role(cast):
    cecilie = cast.team.members.get(user=cast.coordinator)
    url = reverse("actors:member-edit", args=[cast.team.pk, cecilie.pk])
    body = client_for(cast.coordinator).get(url, headers=HTMX).content.decode()
    assert 'value="koordinator" selected' in body


def test_a_logoped_is_a_role_in_the_closed_list_and_can_join_the_team(cast):
    url = reverse("actors:member-add", args=[cast.team.pk])
    client = client_for(cast.coordinator)
    assert '<option value="logoped">Logoped</option>' in client.get(url).content.decode()
    client.post(
        url,
        {
            "external_name": "Liv Logoped",
            "role": "logoped",
            "closeness": "monthly",
            "involvement": "core",
        },
    )
    assert cast.team.members.get(external_name="Liv Logoped").get_role_display() == "Logoped"


def test_an_avtalefysioterapeut_stands_with_the_kommune_and_the_form_says_why(cast):
    practice = OrganisationFactory.create(
        name="Fjordvik Fysioterapi",
        kind=Organisation.Kind.PRIVATE_PRACTICE,
        level=Level.KOMMUNE,
    )
    url = reverse("actors:member-add", args=[cast.team.pk])
    client = client_for(cast.coordinator)
    form = client.get(url).content.decode()
    assert "avtalefysioterapeut med avtale med kommunen under Kommune" in form
    assert "privat praksis uten offentlig avtale under Annen sektor" in form
    client.post(
        url,
        {
            "external_name": "Frode Fysio",
            "organisation": practice.pk,
            "role": Role.PHYSIOTHERAPIST,
            "closeness": "weekly",
            "involvement": "core",
        },
    )
    frode = cast.team.members.get(external_name="Frode Fysio")
    assert frode.level == NetworkLevel.KOMMUNE
    edit = client.get(reverse("actors:member-edit", args=[cast.team.pk, frode.pk]))
    assert "avtalespesialist under Spesialisthelsetjenesten" in edit.content.decode()


def test_a_contact_abroad_is_added_with_her_country_code_and_shown_with_a_tel_link(cast):
    """Issue 16, item 14: typed with spaces and 00, stored in E.164, shown in the international
    format on the team page with a tel: link; a Norwegian number the Norwegian way."""
    client = client_for(cast.coordinator)
    url = reverse("actors:member-add", args=[cast.team.pk])
    for name, typed in (("Tante Inger", "0046 70 123 45 67"), ("Nabo Nils", "22 33 44 55")):
        response = client.post(
            url,
            {
                "external_name": name,
                "external_phone": typed,
                "role": Role.NEIGHBOUR,
                "closeness": "weekly",
                "involvement": "as_needed",
            },
        )
        assert response.status_code == 302
    assert cast.team.members.get(external_name="Tante Inger").external_phone == "+46701234567"
    assert cast.team.members.get(external_name="Nabo Nils").external_phone == "+4722334455"
    page = team_section_html(client, cast.team.pk, "medlemmer")
    assert '<a class="ds-link" href="tel:+46701234567">+46 70 123 45 67</a>' in page
    assert '<a class="ds-link" href="tel:+4722334455">22 33 44 55</a>' in page


def test_a_number_that_is_none_is_refused_on_the_field_in_norwegian(cast):
    response = client_for(cast.coordinator).post(
        reverse("actors:member-add", args=[cast.team.pk]),
        {
            "external_name": "Nabo Nils",
            "external_phone": "12 34",
            "role": Role.NEIGHBOUR,
            "closeness": "weekly",
            "involvement": "as_needed",
        },
    )
    assert response.status_code == 200
    assert "Telefonnummeret er ikke gyldig" in response.content.decode()
    assert not cast.team.members.filter(external_name="Nabo Nils").exists()
