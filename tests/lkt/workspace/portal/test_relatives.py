"""Min side: the patient adds a relative by name, fødselsnummer and phone, chooses what they
see and until when, and changes or ends it at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from actors.models import RelativeLink
from actors.validators import synthetic_national_id
from tests.conftest import Cast, client_for

pytestmark = pytest.mark.django_db

SIRI = synthetic_national_id(dt.date(1990, 3, 12), 1)


def url(name: str, cast: Cast, *more: int) -> str:
    return reverse(f"workspace:{name}", args=[cast.team.patient.pk, *more])


def body(response) -> str:
    return response.content.decode()


def test_kari_adds_her_sister_with_goals_only(cast: Cast):
    client = client_for(cast.patient)
    assert "Legg til en pårørende" in body(client.get(url("portal-relatives", cast)))

    response = client.post(
        url("portal-relative-add", cast),
        {
            "name": "Siri Nordvik",
            "national_id": SIRI[:6] + " " + SIRI[6:],
            "phone": "912 34 567",
            "relation": RelativeLink.Relation.SIBLING,
            "may_see_goals": "on",
        },
    )

    assert response.status_code == 302
    link = RelativeLink.objects.get(patient=cast.team.patient, national_id=SIRI)
    assert (link.may_see_team, link.may_see_goals, link.may_see_plan) == (False, True, False)
    assert not link.added_on_behalf and link.relative is None
    html = body(client.get(url("portal-relatives", cast)))
    assert "Siri Nordvik (søsken)" in html
    assert "Har ikke logget inn ennå" in html


def test_a_wrong_national_id_comes_back_on_its_field_with_what_was_typed(cast: Cast):
    response = client_for(cast.patient).post(
        url("portal-relative-add", cast),
        {"name": "Siri Nordvik", "national_id": "12345678901", "relation": "sibling"},
    )
    html = body(response)
    assert response.status_code == 200
    assert 'id="id_national_id_error"' in html
    assert "kontrollsifrene stemmer ikke" in html
    assert 'value="Siri Nordvik"' in html
    assert not RelativeLink.objects.filter(name="Siri Nordvik").exists()


def test_kari_sets_an_end_date_and_per_sees_her_goals_until_then(cast: Cast, time_machine):
    per = RelativeLink.objects.get(relative=cast.relative)
    prefix = f"rel{per.pk}-"
    ends = timezone.localdate() + dt.timedelta(days=2)
    response = client_for(cast.patient).post(
        url("portal-relative-update", cast, per.pk),
        {
            f"{prefix}may_see_team": "on",
            f"{prefix}may_see_goals": "on",
            f"{prefix}ends_on": ends.isoformat(),
        },
        headers={"HX-Request": "true"},
    )
    assert "Lagret" in body(response)
    per.refresh_from_db()
    assert per.ends_on == ends and not per.may_communicate
    assert client_for(cast.relative).get(url("portal-overview", cast)).status_code == 200

    time_machine.move_to(timezone.now() + dt.timedelta(days=2), tick=False)

    assert client_for(cast.relative).get(url("portal-overview", cast)).status_code == 404


@pytest.mark.parametrize(
    ("ends_on", "message"),
    [
        (
            lambda: f"{timezone.localdate() - dt.timedelta(days=1)}",
            "Sluttdatoen må være etter i dag",
        ),
        (lambda: "0001-01-01", "Skriv en dato mellom 1.1.1900 og 31.12.2100."),
    ],
)
def test_a_past_end_date_comes_back_in_the_fragment_and_changes_nothing(
    cast: Cast, ends_on, message
):
    per = RelativeLink.objects.get(relative=cast.relative)
    prefix = f"rel{per.pk}-"
    response = client_for(cast.patient).post(
        url("portal-relative-update", cast, per.pk),
        {f"{prefix}may_see_team": "on", f"{prefix}ends_on": ends_on()},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert message in body(response)
    assert "HX-Trigger" not in response
    per.refresh_from_db()
    assert per.ends_on is None and per.may_see_goals


def test_kari_ends_pers_access_at_once(cast: Cast):
    per = RelativeLink.objects.get(relative=cast.relative)
    response = client_for(cast.patient).post(url("portal-relative-end", cast, per.pk))
    assert response.status_code == 302
    assert client_for(cast.relative).get(url("portal-overview", cast)).status_code == 404
    html = body(client_for(cast.patient).get(url("portal-relatives", cast)))
    assert "Tilgangen ble avsluttet" in html


def test_per_cannot_add_relatives_or_end_access(cast: Cast):
    per = RelativeLink.objects.get(relative=cast.relative)
    client = client_for(cast.relative)
    assert client.post(url("portal-relative-add", cast), {}).status_code == 403
    assert client.post(url("portal-relative-end", cast, per.pk)).status_code == 403
    assert not RelativeLink.objects.filter(pk=per.pk, ends_on__isnull=False).exists()


def test_kari_cannot_end_a_link_of_another_patient(cast: Cast):
    olas = RelativeLink.objects.create(
        patient=cast.other_team.patient,
        relative=cast.excluded_relative,
        name="Lise",
        relation=RelativeLink.Relation.SIBLING,
        created_by=cast.other_patient,
    )
    response = client_for(cast.patient).post(url("portal-relative-end", cast, olas.pk))
    assert response.status_code == 404


@pytest.mark.parametrize("relatives", [5, 50])
def test_the_list_reads_a_fixed_number_of_queries(cast: Cast, relatives, django_assert_num_queries):
    for n in range(relatives):
        RelativeLink.objects.create(
            patient=cast.team.patient,
            name=f"Pårørende {n}",
            national_id=synthetic_national_id(dt.date(1980, 1, 1), n),
            relation=RelativeLink.Relation.FRIEND,
            created_by=cast.patient,
        )
    client = client_for(cast.patient)
    client.get(url("portal-relatives", cast))
    # 1 session, 2 user, 3 patient, 4 audit row, 5 the links with their users, 6 their open
    # representations (Kari's own standing needs no query).
    with django_assert_num_queries(6):
        response = client.get(url("portal-relatives", cast))
    assert body(response).count("Pårørende ") >= relatives
