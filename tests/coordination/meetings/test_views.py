"""The meeting pages: planning with the patient's wishes in view, the meeting page as page and
as htmx partial, the minutes written in place (stale saves lose nothing), "Gjør til tiltak",
and the patient's own meetings page."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from coordination.meetings import services
from coordination.models import Decision, Meeting, MeetingPreferences, StandingItem, Task
from tests.conftest import Cast, client_for
from tests.coordination.meetings.test_services import FROZEN, NEXT_WEEK, plan, wishes
from tests.coordination.tiltak.test_services import goal_for, tor

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(FROZEN, tick=False):
        yield


def form_data(cast: Cast, **overrides) -> dict:
    data = {
        "kind": Meeting.Kind.RESPONSIBILITY_GROUP,
        "starts_at": "2026-03-09T10:00",
        "duration_minutes": "60",
        "place": "Helsehuset",
        "video_url": "",
        "leader": cast.team.members.get(user=cast.coordinator).pk,
        "referent": tor(cast).pk,
        "invited": [tor(cast).pk],
        "patient_invited": "on",
        "standing_items": StandingItem.values,
        "extra_items": "Ny bolig\nFerie",
    }
    data.update(overrides)
    return data


def test_the_planning_form_shows_the_wishes_and_offers_every_standing_item_checked(cast: Cast):
    wishes(cast, max_participants=4, wishes="Ikke store møter")
    response = client_for(cast.coordinator).get(
        reverse("coordination:meeting-create", args=[cast.team.pk])
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Høyst 4 deltakere" in body
    assert "«Ikke store møter»" in body
    for value in StandingItem.values:
        assert f'value="{value}"' in body
    assert body.count("checked") >= len(StandingItem.values) + 1  # and "pasienten er invitert"
    # Per may be invited; Lise, whom Kari excluded, is not even offered.
    assert "Per" in body
    assert "Lise" not in body


def test_an_empty_plan_comes_back_with_its_messages(cast: Cast):
    response = client_for(cast.coordinator).post(
        reverse("coordination:meeting-create", args=[cast.team.pk]), {}, headers=HTMX
    )
    assert response.status_code == 200
    assert "Velg når møtet er." in response.content.decode()
    assert not Meeting.objects.exists()


def test_too_many_invited_comes_back_with_the_patients_wish_and_the_typed_text(cast: Cast):
    wishes(cast, max_participants=2, wishes="Bare to om gangen")
    response = client_for(cast.coordinator).post(
        reverse("coordination:meeting-create", args=[cast.team.pk]), form_data(cast)
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "«Bare to om gangen»" in body
    assert "Ny bolig" in body  # nothing the coordinator typed is lost
    assert not Meeting.objects.exists()


def test_a_meeting_in_year_9999_comes_back_with_its_message(cast: Cast):
    response = client_for(cast.coordinator).post(
        reverse("coordination:meeting-create", args=[cast.team.pk]),
        form_data(cast) | {"starts_at": "9999-12-31T23:00"},
    )
    assert response.status_code == 200
    assert "Skriv en dato mellom 1.1.1900 og 31.12.2100." in response.content.decode()
    assert not Meeting.objects.exists()


def test_planning_goes_to_the_new_meeting_page(cast: Cast):
    client = client_for(cast.coordinator)
    response = client.post(
        reverse("coordination:meeting-create", args=[cast.team.pk]), form_data(cast)
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("coordination:meeting-detail", args=[meeting.pk])
    assert meeting.agenda_items.count() == len(StandingItem.values) + 2
    htmx = client.post(
        reverse("coordination:meeting-create", args=[cast.team.pk]), form_data(cast), headers=HTMX
    )
    assert htmx["HX-Redirect"].startswith("/moter/")


def test_the_meeting_page_and_its_partial(cast: Cast):
    meeting = plan(cast)
    client = client_for(cast.member)
    url = reverse("coordination:meeting-detail", args=[meeting.pk])
    page = client.get(url).content.decode()
    assert "<html" in page
    assert "Dagsorden" in page
    assert "Lagre referatet" in page  # Tor is the referent
    partial = client.get(url, headers=HTMX).content.decode()
    assert "<html" not in partial
    assert "Ny bolig" in partial


def test_the_patient_sees_a_meeting_she_is_invited_to_but_cannot_write_in_it(cast: Cast):
    meeting = plan(cast)
    response = client_for(cast.patient).get(
        reverse("coordination:meeting-detail", args=[meeting.pk])
    )
    assert response.status_code == 200
    assert "Lagre referatet" not in response.content.decode()


def test_the_patient_does_not_know_of_a_meeting_she_is_not_invited_to(cast: Cast):
    meeting = plan(cast, patient_invited=False)
    client = client_for(cast.patient)
    assert client.get(reverse("coordination:meeting-detail", args=[meeting.pk])).status_code == 404
    listing = client.get(reverse("coordination:team-meetings", args=[cast.team.pk]))
    assert reverse("coordination:meeting-detail", args=[meeting.pk]) not in listing.content.decode()


def test_minutes_saved_in_place(cast: Cast):
    meeting = plan(cast)
    item = meeting.agenda_items.get(standing=StandingItem.PHASE)
    response = client_for(cast.member).post(
        reverse("coordination:meeting-minutes", args=[meeting.pk]),
        {"base_version": 0, "minutes": "Alle kom.", f"item_{item.pk}": "Grønn fase."},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "Referatet er lagret." in response.content.decode()
    assert "moter-changed" in response["HX-Trigger"]
    meeting.refresh_from_db()
    assert meeting.minutes == "Alle kom."
    assert meeting.minutes_version == 1


def test_a_stale_minutes_save_shows_both_texts_and_keeps_mine_in_the_form(cast: Cast):
    meeting = plan(cast)
    services.minutes_save(
        actor=cast.coordinator,
        meeting=meeting,
        minutes="Cecilie skrev dette",
        notes={},
        base_version=0,
    )
    response = client_for(cast.member).post(
        reverse("coordination:meeting-minutes", args=[meeting.pk]),
        {"base_version": 0, "minutes": "Tor skrev dette"},
        headers=HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Noen andre lagret referatet mens du skrev" in body
    assert "Cecilie skrev dette" in body
    assert body.count("Tor skrev dette") == 2  # beside theirs, and still in the form
    assert 'name="base_version" value="1"' in body  # saving again is a deliberate merge
    meeting.refresh_from_db()
    assert meeting.minutes == "Cecilie skrev dette"


def test_marking_held_before_the_start_is_refused_with_a_message(cast: Cast):
    meeting = plan(cast)
    response = client_for(cast.member).post(
        reverse("coordination:meeting-held", args=[meeting.pk]), headers=HTMX
    )
    assert response.status_code == 200
    assert "Møtet har ikke begynt ennå." in response.content.decode()


def test_a_decision_is_recorded_and_made_a_task_in_one_form(cast: Cast):
    meeting = plan(cast)
    client = client_for(cast.member)
    client.post(
        reverse("coordination:decision-add", args=[meeting.pk]),
        {"text": "Tor ringer NAV om bolig"},
        headers=HTMX,
    )
    decision = Decision.objects.get()
    url = reverse("coordination:decision-task", args=[meeting.pk, decision.pk])
    form = client.get(url, headers=HTMX).content.decode()
    assert 'value="Tor ringer NAV om bolig"' in form  # the decision's text is the title
    empty = client.post(url, {"title": "Tor ringer NAV om bolig"}, headers=HTMX)
    assert empty.status_code == 200
    assert "Velg hvilket av pasientens mål" in empty.content.decode()
    goal = goal_for(cast, text="Egen leilighet")
    done = client.post(
        url,
        {
            "goal": goal.pk,
            "title": "Tor ringer NAV om bolig",
            "owner": tor(cast).pk,
            "due_on": "2026-03-20",
        },
        headers=HTMX,
    )
    assert done.status_code == 200
    assert "tiltak-changed" in done["HX-Trigger"]
    assert done["HX-Retarget"] == "#meeting-body"
    task = Task.objects.get()
    assert task.decision == decision
    assert "Egen leilighet" in done.content.decode()


def test_the_meeting_list_page_and_partial(cast: Cast):
    plan(cast)
    client = client_for(cast.member)
    url = reverse("coordination:team-meetings", args=[cast.team.pk])
    page = client.get(url).content.decode()
    assert "Kommende møter" in page
    assert "Ansvarsgruppemøte" in page
    partial = client.get(url, headers=HTMX).content.decode()
    assert "<html" not in partial
    assert "Ansvarsgruppemøte" in partial


def test_the_team_page_has_the_meetings_section(cast: Cast):
    plan(cast)
    client = client_for(cast.member)
    page = client.get(reverse("workspace:team-detail", args=[cast.team.pk])).content.decode()
    assert 'id="moter"' in page
    section = client.get(reverse("workspace:team-moter", args=[cast.team.pk]), headers=HTMX)
    assert section.status_code == 200
    assert "Ansvarsgruppemøte" in section.content.decode()


def test_the_coordinator_records_the_patients_wishes_from_the_team_side(cast: Cast):
    client = client_for(cast.coordinator)
    url = reverse("coordination:meeting-preferences", args=[cast.team.pk])
    bad = client.post(url, {"max_participants": "1"}, headers=HTMX)
    assert bad.status_code == 200
    assert "Skriv minst 2" in bad.content.decode()
    good = client.post(url, {"max_participants": "5", "wishes": "Formiddag"}, headers=HTMX)
    assert "moter-changed" in good["HX-Trigger"]
    assert MeetingPreferences.objects.get().max_participants == 5


def test_the_patient_sees_her_meetings_and_records_her_wishes_in_the_portal(cast: Cast):
    plan(cast, extra_items=["Skolestart"])
    plan(cast, patient_invited=False, extra_items=["Hemmelig sak"])
    client = client_for(cast.patient)
    url = reverse("coordination:portal-meetings", args=[cast.team.patient.pk])
    body = client.get(url).content.decode()
    assert "Skolestart" in body
    assert "Hemmelig sak" not in body
    response = client.post(url, {"without_relatives": "on", "wishes": "Ikke pappa nå"})
    assert response.status_code == 302
    saved = MeetingPreferences.objects.get()
    assert saved.without_relatives
    assert saved.updated_by == cast.patient
    home = client.get(reverse("workspace:portal-home")).content.decode()
    assert url in home


def test_moving_a_meeting_from_its_page(cast: Cast):
    meeting = plan(cast, patient_invited=False)
    data = form_data(cast, starts_at="2026-03-10T12:00")
    data.pop("patient_invited")
    response = client_for(cast.coordinator).post(
        reverse("coordination:meeting-edit", args=[meeting.pk]), data
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.starts_at.date() == dt.date(2026, 3, 10)
    assert meeting.starts_at != NEXT_WEEK
