"""The pages for night contacts (coordination.night.views): the contact form, the import with
its result, the team's timeline, the coordinator's phase rules, and the API
(coordination.night.api)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from careplans.models import PhaseChange
from coordination.models import ContactImport, NightContact, Observation, PhaseRule
from lkt.models import AccessLog
from tests.conftest import Cast, client_for, team_section_html
from tests.coordination.night.test_services import NOW
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

RECORD = "coordination:night-contact-create"
IMPORT = "coordination:night-contact-import"
API = "api:night-contact-create"
HEADER = "fodselsnummer;tjeneste;tidspunkt;arsak;utfall;selvmordsfare"


# Used by the access matrix.
def cecilie_import(cast: Cast) -> list[Any]:
    """An import Cecilie uploaded (its result page is hers alone)."""
    batch = ContactImport.objects.create(
        file_name="natt.csv", uploaded_by=cast.coordinator, rows_total=1, rows_imported=1
    )
    return [batch.pk]


def kari_night_contact(cast: Cast) -> dict[str, Any]:
    """A valid contact for Kari, as JSON for the API."""
    return {
        "national_id": cast.team.patient.national_id,
        "service": "legevakt",
        "occurred_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(),
        "reason": "Uro og søvnløshet",
        "outcome": "sent_home",
    }


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def form_post(cast: Cast, **overrides: Any) -> dict[str, Any]:
    return {
        "national_id": cast.team.patient.national_id,
        "service": "amk",
        "occurred_at": "2026-03-14 02:30",
        "reason": "Angst",
        "outcome": "sent_home",
    } | overrides


def test_night_user_records_a_contact_and_comes_back_to_an_empty_form(cast: Cast):
    client = client_for(cast.night)
    response = client.post(reverse(RECORD), form_post(cast), follow=True)
    assert response.status_code == 200
    assert "Kontakten er registrert" in response.content.decode()
    contact = NightContact.objects.get()
    assert timezone.localtime(contact.occurred_at).strftime("%H:%M") == "02:30"
    assert contact.recorded_by == cast.night


def test_the_form_starts_at_now(cast: Cast):
    body = client_for(cast.night).get(reverse(RECORD)).content.decode()
    assert timezone.localtime(NOW).strftime("%Y-%m-%dT%H:%M") in body


def test_unknown_national_id_answers_200_with_a_message_that_reveals_nothing(cast: Cast):
    client = client_for(cast.night)
    stranger = PatientFactory.build().national_id
    closed = PatientFactory().national_id  # known to LKT, but no team: the same answer
    bodies = []
    for nid in (stranger, closed):
        response = client.post(reverse(RECORD), form_post(cast, national_id=nid))
        assert response.status_code == 200
        bodies.append(response.content.decode())
    assert all("Fant ingen pasient med aktørfellesskap" in b for b in bodies)
    assert f'value="{stranger}"' in bodies[0]  # nothing typed is lost
    assert not NightContact.objects.exists()


def test_invalid_input_comes_back_with_messages_and_what_was_typed(cast: Cast):
    client = client_for(cast.night)
    response = client.post(
        reverse(RECORD), form_post(cast, national_id="123", reason="", occurred_at="i går")
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Fødselsnummer må være 11 siffer." in body
    assert "Skriv en kort årsak" in body
    assert "Skriv dato og klokkeslett" in body


def test_a_duplicate_is_shown_as_registered_before(cast: Cast):
    client = client_for(cast.night)
    client.post(reverse(RECORD), form_post(cast))
    response = client.post(reverse(RECORD), form_post(cast))
    assert response.status_code == 200
    assert "registrert fra før" in response.content.decode()


def test_the_form_answers_htmx_with_the_fragment(cast: Cast):
    response = client_for(cast.night).post(
        reverse(RECORD), form_post(cast, reason=""), headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert "Skriv en kort årsak" in body


def test_import_page_shows_the_result_with_each_bad_row(cast: Cast):
    kari = cast.team.patient.national_id
    content = (
        f"\ufeff{HEADER}\n{kari};legevakt;2026-03-10 02:15;Uro;sendt hjem;nei\n{kari};x;y;z;w;v\n"
    )
    upload = SimpleUploadedFile("natt.csv", content.encode(), content_type="text/csv")
    client = client_for(cast.night)
    response = client.post(reverse(IMPORT), {"file": upload}, follow=True)
    body = response.content.decode()
    assert response.status_code == 200
    assert "1 av 2 rader er lagret." in body
    assert "<td>3</td>" in body
    assert NightContact.objects.count() == 1


def test_an_import_without_a_header_comes_back_with_the_reason(cast: Cast):
    upload = SimpleUploadedFile("natt.csv", b"1;2;3\n", content_type="text/csv")
    response = client_for(cast.coordinator).post(reverse(IMPORT), {"file": upload})
    assert response.status_code == 200
    assert "Første linje må være overskriftene" in response.content.decode()
    assert not ContactImport.objects.exists()


def test_an_import_without_a_file_comes_back_with_a_message(cast: Cast):
    response = client_for(cast.coordinator).post(reverse(IMPORT), {})
    assert response.status_code == 200
    assert "Velg en fil å importere." in response.content.decode()


def test_api_creates_a_contact(cast: Cast):
    client = client_for(cast.night)
    response = client.post(reverse(API), kari_night_contact(cast), content_type="application/json")
    assert response.status_code == 201
    assert response.json()["service"] == "legevakt"
    assert NightContact.objects.get().source == NightContact.Source.API


def test_api_answers_400_with_field_errors(cast: Cast):
    client = client_for(cast.night)
    data = kari_night_contact(cast) | {"reason": "", "service": "tannlege"}
    response = client.post(reverse(API), data, content_type="application/json")
    assert response.status_code == 400
    assert {"reason", "service"} <= set(response.json())


def test_api_duplicate_is_a_400_on_the_time(cast: Cast):
    client = client_for(cast.night)
    data = kari_night_contact(cast)
    client.post(reverse(API), data, content_type="application/json")
    response = client.post(reverse(API), data, content_type="application/json")
    assert response.status_code == 400
    assert "registrert fra før" in response.json()["occurred_at"][0]


def test_api_answers_404_for_an_unknown_patient_and_403_for_staff_in_no_team(cast: Cast):
    data = kari_night_contact(cast) | {"national_id": PatientFactory.build().national_id}
    night = client_for(cast.night).post(reverse(API), data, content_type="application/json")
    assert night.status_code == 404
    outsider = client_for(cast.outsider).post(
        reverse(API), kari_night_contact(cast), content_type="application/json"
    )
    assert outsider.status_code == 403


def test_team_section_shows_contacts_phase_changes_and_counts(cast: Cast):
    NightContact.objects.create(
        patient=cast.team.patient,
        service="politi",
        occurred_at=NOW - dt.timedelta(days=100),
        reason="Bekymringsmelding",
        outcome="transferred",
        recorded_by=cast.coordinator,
    )
    NightContact.objects.create(
        patient=cast.team.patient,
        service="politi",
        occurred_at=NOW - dt.timedelta(days=10),
        reason="Funnet ute",
        outcome="sent_home",
        suicide_risk=True,
        recorded_by=cast.coordinator,
    )
    PhaseChange.objects.create(
        team=cast.team, phase="yellow", reason="Flere kontakter " * 20, changed_by=cast.coordinator
    )
    response = client_for(cast.member).get(
        reverse("workspace:team-natt", args=[cast.team.pk]), headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.index("Ny fase: gul") < body.index("Funnet ute") < body.index("Bekymringsmelding")
    assert "Funnet ute – sendt hjem. <strong>Selvmordsfare vurdert som til stede.</strong>" in body
    assert f"registrert av {cast.coordinator}" in body
    # A long reason is cut at 200 characters, the last an ellipsis.
    assert ("Flere kontakter " * 13)[:199] + "…" in body
    # Politi: 1 in 3 months, 2 in 6 and 12.
    assert '<th scope="row">Politi</th><td>1</td><td>2</td><td>2</td>' in body


def test_team_page_links_the_rules_for_the_coordinator_only(cast: Cast):
    rules = reverse("coordination:phase-rules-edit", args=[cast.team.pk])
    page = reverse("workspace:team-detail", args=[cast.team.pk])
    for user, shown in [(cast.coordinator, True), (cast.member, False)]:
        client = client_for(user)
        html = client.get(page).content.decode() + team_section_html(client, cast.team.pk, "natt")
        assert (rules in html) is shown


def test_full_timeline_page_is_audited_as_a_view(cast: Cast):
    response = client_for(cast.member).get(reverse("coordination:team-night", args=[cast.team.pk]))
    assert response.status_code == 200
    assert AccessLog.objects.filter(user=cast.member, action=AccessLog.Action.VIEW).exists()


def rules_post(**overrides: str) -> dict[str, str]:
    return {
        "rule-0-active": "on",
        "rule-0-min_contacts": "3",
        "rule-0-within_days": "14",
        "rule-0-phase": "yellow",
        "rule-1-active": "on",
        "rule-1-phase": "red",
        "rule-2-phase": "red",  # suicide risk off
        "new-phase": "",
    } | overrides


def test_coordinator_saves_the_rules_and_the_team_gets_its_own(cast: Cast):
    url = reverse("coordination:phase-rules-edit", args=[cast.team.pk])
    response = client_for(cast.coordinator).post(url, rules_post(), follow=True)
    assert response.status_code == 200
    assert "Fasereglene er lagret." in response.content.decode()
    rows = PhaseRule.objects.filter(team=cast.team).order_by("pk")
    assert [(r.trigger, r.min_contacts, r.within_days, r.active) for r in rows] == [
        ("count", 3, 14, True),
        ("admission", None, None, True),
        ("suicide_risk", None, None, False),
    ]


def test_coordinator_adds_a_count_rule(cast: Cast):
    url = reverse("coordination:phase-rules-edit", args=[cast.team.pk])
    data = rules_post(**{"new-active": "on", "new-min_contacts": "4", "new-within_days": "30"})
    data["new-phase"] = "red"
    client_for(cast.coordinator).post(url, data)
    assert PhaseRule.objects.filter(team=cast.team, min_contacts=4, within_days=30).exists()


def test_a_rule_outside_the_limits_comes_back_with_the_constraints_message(cast: Cast):
    url = reverse("coordination:phase-rules-edit", args=[cast.team.pk])
    response = client_for(cast.coordinator).post(url, rules_post(**{"rule-0-min_contacts": "1"}))
    body = response.content.decode()
    assert response.status_code == 200
    assert "En telleregel trenger 2–20 kontakter innen 1–90 dager." in body
    assert 'value="1"' in body
    assert not PhaseRule.objects.exists()


def test_a_rule_cannot_propose_green(cast: Cast):
    url = reverse("coordination:phase-rules-edit", args=[cast.team.pk])
    response = client_for(cast.coordinator).post(url, rules_post(**{"rule-1-phase": "green"}))
    assert response.status_code == 200
    assert "En regel foreslår gul eller rød fase." in response.content.decode()


def test_a_rule_proposal_shows_in_the_observations_section(cast: Cast):
    client_for(cast.night).post(reverse(RECORD), form_post(cast, outcome="admitted"))
    observation = Observation.objects.get()
    body = (
        client_for(cast.coordinator)
        .get(reverse("workspace:team-detail", args=[cast.team.pk]))
        .content.decode()
    )
    assert 'id="observasjoner"' in body
    body = team_section_html(client_for(cast.coordinator), cast.team.pk, "observasjoner")
    assert observation.text in body


def test_a_contact_saved_with_htmx_answers_a_fresh_form_and_reloads_the_sections(cast: Cast):
    response = client_for(cast.night).post(
        reverse(RECORD), form_post(cast), headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "natt-changed" in response["HX-Trigger"]
    assert "Kontakten er registrert" in body
    assert "<html" not in body
    assert 'name="reason"' in body
    assert NightContact.objects.count() == 1


def test_an_import_with_nul_in_the_file_comes_back_with_the_reason(cast: Cast):
    kari = cast.team.patient.national_id
    content = f"{HEADER}\n{kari};legevakt;2026-03-10 02:15;Uro\x00;sendt hjem;nei\n"
    upload = SimpleUploadedFile("natt.csv", content.encode(), content_type="text/csv")
    response = client_for(cast.night).post(reverse(IMPORT), {"file": upload})
    assert response.status_code == 200
    assert "Filen inneholder nulltegn (NUL)" in response.content.decode()
    assert not NightContact.objects.exists()


RANGE = "Skriv en dato mellom 1.1.1900 og 31.12.2100."


@pytest.mark.parametrize("occurred_at", ["0001-01-01 00:00", "9999-12-31 23:59"])
def test_the_form_refuses_a_time_outside_the_date_range(cast: Cast, occurred_at: str):
    response = client_for(cast.night).post(
        reverse(RECORD), form_post(cast, occurred_at=occurred_at)
    )
    assert response.status_code == 200
    assert RANGE in response.content.decode()
    assert not NightContact.objects.exists()


def test_the_form_tells_the_browser_the_date_range(cast: Cast):
    body = client_for(cast.night).get(reverse(RECORD)).content.decode()
    assert 'min="1900-01-01T00:00" max="2100-12-31T23:59"' in body


@pytest.mark.parametrize(
    "occurred_at",
    [
        "2026-03-14T02:00:00Z",
        "2026-03-14T02:00:00z",
        "2026-03-14T03:00:00+01:00",
        "2026-03-13T21:00:00-05:00",
    ],
)
def test_api_accepts_iso_8601_with_z_or_an_offset(cast: Cast, occurred_at: str):
    data = kari_night_contact(cast) | {"occurred_at": occurred_at}
    response = client_for(cast.night).post(reverse(API), data, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["occurred_at"] == "2026-03-14T03:00:00+01:00"
    assert NightContact.objects.get().occurred_at == dt.datetime(2026, 3, 14, 2, 0, tzinfo=dt.UTC)


def test_api_reads_a_time_without_an_offset_as_norwegian_time(cast: Cast):
    data = kari_night_contact(cast) | {"occurred_at": "2026-03-14T03:00:00"}
    response = client_for(cast.night).post(reverse(API), data, content_type="application/json")
    assert response.status_code == 201
    assert NightContact.objects.get().occurred_at == dt.datetime(2026, 3, 14, 2, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "occurred_at",
    [
        "0001-01-01T00:00:00Z",  # was a 500: the phase rules counted a week back from year 1
        "0001-01-01T00:30:00+01:00",  # overflows when moved into Norwegian time
        "0001-01-01T00:00:00",
        "9999-12-31T23:59:59Z",
        "1899-12-31T12:00:00Z",
    ],
)
def test_api_refuses_a_time_outside_the_date_range_with_a_field_error(cast: Cast, occurred_at: str):
    data = kari_night_contact(cast) | {"occurred_at": occurred_at}
    response = client_for(cast.night).post(reverse(API), data, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"occurred_at": [RANGE]}
    assert not NightContact.objects.exists()


@pytest.mark.parametrize("occurred_at", ["14.03.2026 02:30", "i natt", "2026-13-01T00:00:00Z", ""])
def test_api_refuses_a_malformed_time_in_norwegian(cast: Cast, occurred_at: str):
    data = kari_night_contact(cast) | {"occurred_at": occurred_at}
    response = client_for(cast.night).post(reverse(API), data, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["occurred_at"] == [
        "Skriv tidspunktet etter ISO 8601, for eksempel 2026-03-14T02:30:00+01:00 eller "
        "2026-03-14T01:30:00Z."
    ]


def test_api_refuses_a_time_that_norway_skips_in_spring(cast: Cast):
    data = kari_night_contact(cast) | {"occurred_at": "2025-03-30T02:30:00"}
    response = client_for(cast.night).post(reverse(API), data, content_type="application/json")
    assert response.status_code == 400
    assert "sommertid" in response.json()["occurred_at"][0]


def test_api_answers_malformed_json_with_400(cast: Cast):
    response = client_for(cast.night).post(
        reverse(API), '{"national_id": ', content_type="application/json"
    )
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]
