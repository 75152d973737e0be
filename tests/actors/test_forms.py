"""Bad input through the pages and the API: a clear Norwegian message, nothing half-saved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from actors.models import Consent, Member, Organisation, Patient, Role
from actors.validators import synthetic_national_id
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_register_form_shows_the_checksum_error_on_the_field(cast):
    response = client_for(cast.coordinator).post(
        reverse("actors:patient-register"), {"name": "Siv", "national_id": "17859000186"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "kontrollsifrene stemmer ikke" in body
    assert 'aria-invalid="true"' in body
    assert not Patient.objects.filter(name="Siv").exists()


def test_register_form_creates_patient_and_team_and_opens_it(cast):
    national_id = synthetic_national_id(dt.date(1960, 1, 1), 4)
    spaced = f"{national_id[:6]} {national_id[6:]}"
    response = client_for(cast.coordinator).post(
        reverse("actors:patient-register"), {"name": "Siv Fjelltun", "national_id": spaced}
    )
    patient = Patient.objects.get(name="Siv Fjelltun")
    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:team-detail", args=[patient.teams.get().pk])


def test_member_form_names_an_unknown_role(cast):
    response = client_for(cast.coordinator).post(
        reverse("actors:member-add", args=[cast.team.pk]),
        {
            "external_name": "Nabo",
            "role": "trollmann",
            "involvement": "core",
            "closeness": "weekly",
        },
    )
    assert response.status_code == 200
    assert "Ukjent rolle" in response.content.decode()
    assert not Member.objects.filter(external_name="Nabo").exists()


def test_htmx_member_form_rerenders_only_the_form_with_the_duplicate_error(cast):
    response = client_for(cast.coordinator).post(
        reverse("actors:member-add", args=[cast.team.pk]),
        {"user": cast.member.pk, "role": Role.GP, "involvement": "core", "closeness": "weekly"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200  # htmx swaps 200 bodies only
    assert "allerede aktivt medlem" in body
    assert "<html" not in body
    assert 'hx-target="#member-panel"' in body
    assert "HX-Trigger" not in response


def test_members_section_as_htmx_partial_is_the_fragment_only(cast):
    response = client_for(cast.coordinator).get(
        reverse("workspace:team-medlemmer", args=[cast.team.pk]), HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<h2 class="ds-heading" data-size="md" id="medlemmer-heading">')
    assert "<html" not in body
    assert "Tor" in body
    assert "HX-Request" in response["Vary"]


def test_consent_form_requires_the_guardian_for_a_child(cast):
    birth = timezone.localdate() - dt.timedelta(days=10 * 365)
    client = client_for(cast.coordinator)
    client.post(
        reverse("actors:patient-register"),
        {"name": "Lille Mia", "national_id": synthetic_national_id(birth, 1)},
    )
    team = Patient.objects.get(name="Lille Mia").teams.get()
    response = client.post(
        reverse("actors:consent-record", args=[team.pk]),
        {"scope": "team_sharing", "method": "written", "given_by": "patient"},
    )
    assert response.status_code == 200
    assert "foreldre eller verge må samtykke" in response.content.decode()


def test_api_refuses_a_malformed_national_id_with_field_errors(cast):
    response = client_for(cast.coordinator).post(
        reverse("api:patient-list"),
        {"name": "Siv", "national_id": "12345678901"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "national_id" in response.json()


def test_api_refuses_a_malformed_organisation_number(cast):
    admin = UserFactory(is_staff=True, is_superuser=True)
    response = client_for(admin).post(
        reverse("api:organisation-list"),
        {"name": "Feil AS", "org_number": "123456789", "kind": "other", "level": "annen"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "kontrollsifferet" in response.json()["org_number"][0]
    assert not Organisation.objects.filter(name="Feil AS").exists()


def test_api_refuses_an_unknown_role_and_a_duplicate_membership(cast):
    client = client_for(cast.coordinator)
    url = reverse("api:member-create", args=[cast.team.pk])
    unknown = client.post(url, {"external_name": "Nabo", "role": "trollmann"}, "application/json")
    assert unknown.status_code == 400
    assert "trollmann" in unknown.json()["role"][0]
    duplicate = client.post(url, {"user": cast.member.pk, "role": Role.GP}, "application/json")
    assert duplicate.status_code == 400, duplicate.json()
    assert "allerede aktivt medlem" in duplicate.json()["non_field_errors"][0]


FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def test_register_form_refuses_karis_national_id_in_full_width_digits(cast):
    kari = cast.team.patient
    response = client_for(cast.coordinator).post(
        reverse("actors:patient-register"),
        {"name": "Kari Nordvik", "national_id": kari.national_id.translate(FULL_WIDTH)},
    )
    assert response.status_code == 200
    assert "Fødselsnummer må være 11 siffer." in response.content.decode()
    assert Patient.objects.filter(name="Kari Nordvik").count() == 1


def test_api_refuses_a_national_id_in_arabic_indic_digits(cast):
    national_id = synthetic_national_id(dt.date(1960, 1, 1), 4)
    response = client_for(cast.coordinator).post(
        reverse("api:patient-list"),
        {"name": "Siv", "national_id": national_id.translate(ARABIC_INDIC)},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["national_id"] == ["Fødselsnummer må være 11 siffer."]
    assert not Patient.objects.filter(name="Siv").exists()


def test_member_form_refuses_a_phone_number_in_full_width_digits(cast):
    response = client_for(cast.coordinator).post(
        reverse("actors:member-add", args=[cast.team.pk]),
        {
            "external_name": "Nabo",
            "external_phone": "9" + "12 34 567".translate(FULL_WIDTH),
            "role": Role.OTHER,
            "involvement": "core",
            "closeness": "weekly",
        },
    )
    assert response.status_code == 200
    assert "Telefonnummeret er ikke gyldig" in response.content.decode()
    assert not Member.objects.filter(external_name="Nabo").exists()


def test_a_search_in_full_width_digits_is_not_read_as_a_national_id(cast):
    """A patient whose id slipped in with full-width digits before issue 13 is not found by
    them: the search reads only 0–9 as a national id (and no name has such digits)."""
    kari = cast.team.patient
    Patient.objects.filter(pk=kari.pk).update(national_id=kari.national_id.translate(FULL_WIDTH))
    response = client_for(cast.coordinator).get(
        reverse("actors:patient-search"), {"q": kari.national_id[:6].translate(FULL_WIDTH)}
    )
    assert response.status_code == 200
    assert list(response.context["results"]) == []


@pytest.mark.parametrize("joined_on", ["0001-01-01", "9999-12-31"])
def test_api_refuses_a_member_date_outside_the_date_range(cast, joined_on):
    response = client_for(cast.coordinator).post(
        reverse("api:member-create", args=[cast.team.pk]),
        {"external_name": "Nabo", "role": Role.OTHER, "joined_on": joined_on},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {"joined_on": ["Skriv en dato mellom 1.1.1900 og 31.12.2100."]}
    assert not Member.objects.filter(external_name="Nabo").exists()


def test_member_end_form_refuses_a_date_outside_the_range(cast):
    tor = cast.team.members.get(user=cast.member)
    response = client_for(cast.coordinator).post(
        reverse("actors:member-end", args=[cast.team.pk, tor.pk]),
        {"left_on": "9999-12-31", "reason": "Ny jobb"},
    )
    assert response.status_code == 200
    assert "Skriv en dato mellom 1.1.1900 og 31.12.2100." in response.content.decode()
    tor.refresh_from_db()
    assert tor.left_on is None


def test_register_form_refuses_a_national_id_of_someone_not_born_yet(cast):
    born = timezone.localdate() + dt.timedelta(days=30)
    response = client_for(cast.coordinator).post(
        reverse("actors:patient-register"),
        {"name": "Ufødt", "national_id": synthetic_national_id(born, 2)},
    )
    assert response.status_code == 200
    assert f"fødselsdatoen {born:%-d.%-m.%Y}, som ikke kan stemme" in response.content.decode()
    assert not Patient.objects.filter(name="Ufødt").exists()


MEGABYTE = "x" * 1_000_000


def test_a_megabyte_consent_note_is_a_form_error_and_saves_nothing(cast):
    """The note had no limit: a megabyte pasted into it was stored (issue 13)."""
    client = client_for(cast.coordinator)
    url = reverse("actors:consent-record", args=[cast.team.pk])
    assert 'maxlength="1000"' in client.get(url).content.decode()
    response = client.post(
        url,
        {"scope": "crisis_plan", "method": "written", "given_by": "patient", "note": MEGABYTE},
    )
    assert response.status_code == 200
    assert "1000 eller færre tegn" in response.content.decode()
    assert not Consent.objects.filter(scope="crisis_plan").exists()


def test_a_megabyte_name_of_an_external_member_is_a_form_error(cast):
    client = client_for(cast.coordinator)
    url = reverse("actors:member-add", args=[cast.team.pk])
    page = client.get(url).content.decode()
    assert 'maxlength="200"' in page and 'maxlength="24"' in page
    response = client.post(
        url,
        {
            "external_name": MEGABYTE,
            "role": Role.OTHER,
            "involvement": "core",
            "closeness": "weekly",
        },
    )
    assert response.status_code == 200
    assert "200 eller færre tegn" in response.content.decode()
    assert cast.team.members.count() == 2


def test_api_stores_a_number_abroad_in_e164_and_refuses_one_that_is_none(cast):
    """Issue 16, item 14: the API normalises as the form does, with the same Norwegian
    message on the field."""
    client = client_for(cast.coordinator)
    url = reverse("api:member-create", args=[cast.team.pk])
    made = client.post(
        url,
        {"external_name": "Tante Inger", "external_phone": "+46 70 123 45 67", "role": Role.OTHER},
        "application/json",
    )
    assert made.status_code == 201, made.json()
    assert made.json()["contact_phone"] == "+46701234567"
    refused = client.post(
        url,
        {"external_name": "Nabo", "external_phone": "12 34", "role": Role.OTHER},
        "application/json",
    )
    assert refused.status_code == 400
    assert "Telefonnummeret er ikke gyldig" in refused.json()["external_phone"][0]
    assert not Member.objects.filter(external_name="Nabo").exists()
