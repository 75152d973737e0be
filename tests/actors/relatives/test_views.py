"""Relatives and representation on the team page: the coordinator names a relative for the
patient by name and fødselsnummer (no list of other patients' relatives), sees each relative's
access, changes or ends it, and records who represents the patient and on what basis."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from actors.models import RelativeLink, Representation, User
from actors.validators import synthetic_national_id
from tests.conftest import Cast, client_for, team_section_html
from tests.factories import RelativeLinkFactory, RepresentationFactory, UserFactory

pytestmark = pytest.mark.django_db

SIRI = synthetic_national_id(dt.date(1990, 3, 12), 1)
FULL = {"may_see_team": True, "may_see_goals": True, "may_see_plan": True}


def body(response) -> str:
    return response.content.decode()


def test_the_add_form_lists_no_relatives_of_other_patients(cast: Cast):
    """Before, the picker listed every relative user in LKT, of every patient."""
    olas_mother = UserFactory(kind=User.Kind.RELATIVE, first_name="Olga", last_name="Havbu")
    RelativeLinkFactory.create(patient=cast.other_team.patient, relative=olas_mother)

    html = body(
        client_for(cast.coordinator).get(reverse("actors:relative-create", args=[cast.team.pk]))
    )

    assert "Olga" not in html and "Havbu" not in html
    assert 'name="national_id"' in html and 'name="relative"' not in html


def test_the_coordinator_adds_a_relative_for_the_patient_and_sees_her_access(cast: Cast):
    client = client_for(cast.coordinator)
    response = client.post(
        reverse("actors:relative-create", args=[cast.team.pk]),
        {
            "name": "Siri Nordvik",
            "national_id": SIRI,
            "phone": "912 34 567",
            "relation": RelativeLink.Relation.SIBLING,
            "may_see_goals": "on",
            "ends_on": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
            "patient_agreed": "on",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#parorende")
    link = RelativeLink.objects.get(national_id=SIRI)
    assert link.added_on_behalf and link.created_by == cast.coordinator

    html = team_section_html(client, cast.team.pk, "parorende")
    row = html[html.index(f'id="relative-row-{link.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "Siri Nordvik" in row and "Kan se Min gode dag og mål" in row
    assert "Kan se planen" not in row
    assert "Har ikke logget inn ennå" in row
    assert '<a class="ds-link" href="tel:+4791234567">912 34 567</a>' in row  # stored E.164
    assert (timezone.localdate() + dt.timedelta(days=30)).strftime("%-d.%-m.%Y") in row


def test_without_the_patients_agreement_the_form_comes_back_with_what_was_typed(cast: Cast):
    response = client_for(cast.coordinator).post(
        reverse("actors:relative-create", args=[cast.team.pk]),
        {"name": "Siri Nordvik", "national_id": SIRI, "relation": "sibling"},
    )
    html = body(response)
    assert response.status_code == 200
    assert "Bekreft at pasienten har sagt ja til dette." in html
    assert 'value="Siri Nordvik"' in html
    assert 'id="id_patient_agreed_error"' in html
    assert not RelativeLink.objects.filter(national_id=SIRI).exists()


def test_the_relatives_section_is_for_those_who_manage_relatives(cast: Cast):
    url = reverse("workspace:team-parorende", args=[cast.team.pk])
    htmx = {"HX-Request": "true"}
    assert client_for(cast.coordinator).get(url, headers=htmx).status_code == 200
    assert client_for(cast.member).get(url, headers=htmx).status_code == 403
    assert client_for(cast.relative).get(url, headers=htmx).status_code == 403
    page = body(client_for(cast.member).get(reverse("workspace:team-detail", args=[cast.team.pk])))
    assert 'id="parorende"' not in page


def test_the_section_shows_exclusion_and_an_ended_access(cast: Cast):
    RelativeLink.objects.filter(relative=cast.relative).update(ends_on=timezone.localdate())
    html = body(
        client_for(cast.coordinator).get(
            reverse("workspace:team-parorende", args=[cast.team.pk]), headers={"HX-Request": "true"}
        )
    )
    assert "Tilgangen er avsluttet" in html
    assert "Utelukket av pasienten: ser ingenting" in html  # Lise


def test_the_coordinator_changes_and_ends_a_relatives_access(cast: Cast):
    per = RelativeLink.objects.get(relative=cast.relative)
    client = client_for(cast.coordinator)
    url = reverse("actors:relative-edit", args=[cast.team.pk, per.pk])
    prefix = f"rel{per.pk}-"
    assert "Kan se hvem som er i teamet" in body(client.get(url))

    response = client.post(url, {f"{prefix}may_see_team": "on", f"{prefix}patient_agreed": "on"})
    assert response.status_code == 302
    per.refresh_from_db()
    assert per.may_see_team and not per.may_see_goals

    response = client.post(reverse("actors:relative-end", args=[cast.team.pk, per.pk]))
    assert response.status_code == 302
    per.refresh_from_db()
    assert per.ends_on == timezone.localdate()


def test_a_link_of_another_patient_is_not_there(cast: Cast):
    olas = RelativeLinkFactory.create(patient=cast.other_team.patient)
    client = client_for(cast.coordinator)
    assert (
        client.get(reverse("actors:relative-edit", args=[cast.team.pk, olas.pk])).status_code == 404
    )
    assert (
        client.post(reverse("actors:relative-end", args=[cast.team.pk, olas.pk])).status_code == 404
    )


def test_the_coordinator_records_a_guardian_with_the_scope_of_the_vergemal(cast: Cast):
    link = RelativeLinkFactory.create(patient=cast.team.patient, name="Vera Verge", **FULL)
    client = client_for(cast.coordinator)
    url = reverse("actors:representation-add", args=[cast.team.pk])
    html = body(client.get(url))
    assert "Vera Verge" in html
    assert "Per Testesen" not in html  # limited access: not offered

    response = client.post(url, {"relative_link": link.pk, "basis": "verge"})
    assert response.status_code == 200
    assert "Skriv hva vergemålet omfatter." in body(response)

    response = client.post(
        url, {"relative_link": link.pk, "basis": "verge", "scope": "Økonomi og helse"}
    )
    assert response.status_code == 302
    representation = Representation.objects.get(relative_link=link)
    html = team_section_html(client, cast.team.pk, "parorende")
    assert "Verge (vergemål): Økonomi og helse" in html

    end = reverse("actors:representation-end", args=[cast.team.pk, representation.pk])
    assert client.post(end, {"ended_reason": ""}).status_code == 200
    assert client.post(end, {"ended_reason": "Vergemålet er opphevet"}).status_code == 302
    representation.refresh_from_db()
    assert representation.ended_at is not None


def test_a_limited_link_posted_as_representative_is_refused_in_the_form(cast: Cast):
    per = RelativeLink.objects.get(relative=cast.relative)
    response = client_for(cast.coordinator).post(
        reverse("actors:representation-add", args=[cast.team.pk]),
        {"relative_link": per.pk, "basis": "fullmakt"},
    )
    assert response.status_code == 200
    assert "Velg en av pasientens pårørende fra listen." in body(response)
    assert not Representation.objects.exists()


def test_the_patient_sees_her_representative_on_min_side(cast: Cast):
    link = RelativeLinkFactory.create(patient=cast.team.patient, name="Frida Fullmakt", **FULL)
    RepresentationFactory(relative_link=link, basis="fullmakt", recorded_by=cast.coordinator)
    html = body(
        client_for(cast.patient).get(
            reverse("workspace:portal-relatives", args=[cast.team.patient.pk])
        )
    )
    assert "Er registrert som din representant: fullmakt fra pasienten." in html
