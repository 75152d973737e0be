"""The pages of Min gode dag, as full pages and as htmx fragments."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from actors.models import RelativeLink
from careplans.good_day.services import ChallengeInput, GoalInput
from careplans.models import Challenge, Goal, GoodDayVersion
from lkt.models import AccessLog
from tests.careplans.helpers import karis_first_version, many_versions, save, soon
from tests.conftest import client_for, team_section_html

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def page_url(cast) -> str:
    return reverse("careplans:good-day", args=[cast.team.patient.pk])


def save_url(cast) -> str:
    return reverse("careplans:good-day-save", args=[cast.team.patient.pk])


def form_data(
    base_version: int,
    *,
    challenges: list[dict[str, Any]] = (),  # type: ignore[assignment]
    goals: list[dict[str, Any]] = (),  # type: ignore[assignment]
    extra_rows: int = 2,
    **texts: Any,
) -> dict[str, Any]:
    """What the browser posts: the texts, and both formsets with their management forms."""
    data: dict[str, Any] = {
        "base_version": base_version,
        "good_day": "",
        "what_matters": "",
        "own_resources": "",
        "network_resources": "",
        "life_arena": "",
        "written_with": "",
        **texts,
    }
    for prefix, rows in (("challenges", list(challenges)), ("goals", list(goals))):
        rows = rows + [{}] * extra_rows
        initial = sum(1 for row in rows if row.get("id"))
        data |= {
            f"{prefix}-TOTAL_FORMS": len(rows),
            f"{prefix}-INITIAL_FORMS": initial,
            f"{prefix}-MIN_NUM_FORMS": 0,
            f"{prefix}-MAX_NUM_FORMS": 1000,
        }
        for i, row in enumerate(rows):
            for key, value in row.items():
                if value is True:
                    data[f"{prefix}-{i}-{key}"] = "on"
                elif value is not False:
                    data[f"{prefix}-{i}-{key}"] = value
    return data


# --- the patient's own page -------------------------------------------------------------------


def test_the_patient_sees_her_page_with_a_form_to_begin_when_nothing_is_written(cast):
    response = client_for(cast.patient).get(page_url(cast))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" in body
    assert "Du har ikke skrevet noe ennå" in body
    assert 'id="good-day-form"' in body
    assert "Begynn å skrive" in body
    # Without JavaScript the form still posts somewhere real.
    assert f'action="{save_url(cast)}"' in body


def test_the_page_shows_the_goals_with_what_they_serve_and_when(cast):
    karis_first_version(cast)
    body = client_for(cast.patient).get(page_url(cast)).content.decode()
    assert "Jeg står opp før ni.<br>Jeg går tur med hunden." in body
    assert "Sove seks timer" in body
    assert "Gjelder utfordringen: Jeg sover dårlig" in body
    assert f"Når: {soon().day}." in body
    assert "Versjon 1, skrevet" in body


def test_an_htmx_request_gets_only_the_body_of_the_page(cast):
    response = client_for(cast.patient).get(page_url(cast), headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert 'id="good-day-form"' in body
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_reading_the_page_is_audited(cast):
    client_for(cast.member).get(page_url(cast))
    assert AccessLog.objects.filter(
        user=cast.member, patient=cast.team.patient, action=AccessLog.Action.VIEW
    ).exists()


def test_the_patient_saves_without_javascript_and_comes_back_to_her_page(cast):
    client = client_for(cast.patient)
    response = client.post(save_url(cast), form_data(0, good_day="En god dag er rolig."))
    assert response.status_code == 302
    assert response["Location"] == page_url(cast)
    body = client.get(response["Location"]).content.decode()
    assert "Lagret. Den forrige versjonen er tatt vare på." in body
    assert "En god dag er rolig." in body
    assert GoodDayVersion.objects.get().written_by == cast.patient


def test_saving_with_htmx_answers_the_fresh_body_and_tells_the_team_section(cast):
    response = client_for(cast.patient).post(
        save_url(cast),
        form_data(
            0,
            good_day="Rolig morgen.",
            challenges=[{"text": "Jeg sover dårlig"}],
            goals=[{"text": "Sove seks timer", "challenge": "newc1", "target_date": soon()}],
        ),
        headers=HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "min-gode-dag-changed" in response["HX-Trigger"]
    assert "<html" not in body
    assert "Lagret." in body
    assert "Gjelder utfordringen: Jeg sover dårlig" in body
    # The new form starts from the version just saved.
    assert 'name="base_version" value="1"' in body
    assert Goal.objects.get().challenge == Challenge.objects.get()


def test_an_unchanged_form_with_empty_rows_saves_a_new_version_of_the_same_content(cast):
    karis_first_version(cast)
    challenge, goal = Challenge.objects.get(), Goal.objects.get()
    client_for(cast.patient).post(
        save_url(cast),
        form_data(
            1,
            good_day="Jeg står opp før ni.",
            challenges=[{"id": challenge.pk, "text": challenge.text}],
            goals=[
                {
                    "id": goal.pk,
                    "text": goal.text,
                    "challenge": f"c{challenge.pk}",
                    "target_date": goal.target_date,
                }
            ],
        ),
    )
    latest = GoodDayVersion.objects.first()
    assert latest is not None and latest.number == 2
    assert [c["text"] for c in latest.challenges] == ["Jeg sover dårlig"]
    assert [g["text"] for g in latest.goals] == ["Sove seks timer"]


# --- bad input: a clear message in the same fragment, status 200, nothing saved --------------


def test_a_target_date_in_the_past_gets_a_clear_message_in_the_fragment(cast):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = client_for(cast.patient).post(
        save_url(cast),
        form_data(
            0,
            good_day="Min tekst blir stående.",
            goals=[{"text": "Sove", "wish": "Sove godt", "target_date": yesterday}],
        ),
        headers=HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Skjemaet har feil som må rettes" in body
    assert "Datoen har allerede vært. Velg i dag eller en dag fram i tid." in body
    assert 'href="#id_goals-0-target_date"' in body
    assert "Min tekst blir stående." in body  # the user's text is still in the form
    assert not GoodDayVersion.objects.exists()
    assert not Goal.objects.exists()


def test_an_oversized_text_gets_a_clear_message(cast):
    response = client_for(cast.patient).post(
        save_url(cast), form_data(0, good_day="a" * 4001), headers=HTMX
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Teksten er for lang: 4001 tegn. Den kan være opptil 4000 tegn." in body
    assert not GoodDayVersion.objects.exists()


def test_a_goal_without_a_challenge_or_wish_gets_a_message_on_its_row(cast):
    response = client_for(cast.patient).post(
        save_url(cast), form_data(0, goals=[{"text": "Løst mål"}]), headers=HTMX
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_goals-0-challenge_error"' in body
    assert "Velg hvilken utfordring målet gjelder" in body


def test_a_tampered_form_is_refused_without_saving(cast):
    response = client_for(cast.patient).post(save_url(cast), {"good_day": "x"}, headers=HTMX)
    assert response.status_code == 200
    assert "Skjemaet har feil som må rettes" in response.content.decode()
    assert not GoodDayVersion.objects.exists()


# --- two people at once ---------------------------------------------------------------------


def test_a_stale_edit_shows_the_other_text_beside_the_users_own_and_loses_nothing(cast):
    karis_first_version(cast)
    save(cast.patient, cast.team.patient, 1, good_day="Skrevet på mobilen.")

    response = client_for(cast.patient).post(
        save_url(cast),
        form_data(1, good_day="Skrevet på PC-en.", challenges=[{"text": "Bussen"}]),
        headers=HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Noen andre lagret mens du skrev" in body
    assert "Skrevet på mobilen." in body  # theirs, saved
    assert "Din tekst (ikke lagret)" in body
    # Mine, still in the form, which now starts from the newest version.
    assert "Skrevet på PC-en.</textarea>" in body
    assert "Bussen</textarea>" in body
    assert 'name="base_version" value="2"' in body
    assert GoodDayVersion.objects.count() == 2


def test_after_a_stale_edit_the_merged_text_saves(cast):
    karis_first_version(cast)
    save(cast.patient, cast.team.patient, 1, good_day="Skrevet på mobilen.")
    client = client_for(cast.patient)
    client.post(save_url(cast), form_data(1, good_day="PC."), headers=HTMX)

    response = client.post(
        save_url(cast), form_data(2, good_day="Skrevet på mobilen.\nPC."), headers=HTMX
    )
    assert response.status_code == 200
    assert "Lagret." in response.content.decode()
    assert GoodDayVersion.objects.first().good_day == "Skrevet på mobilen.\nPC."  # type: ignore[union-attr]


# --- who may write ----------------------------------------------------------------------------


def test_staff_in_the_team_read_without_a_form_and_may_not_post(cast):
    karis_first_version(cast)
    client = client_for(cast.member)
    body = client.get(page_url(cast)).content.decode()
    assert "Sove seks timer" in body
    assert 'id="good-day-form"' not in body
    assert "Du kan lese Min gode dag" in body
    assert client.post(save_url(cast), form_data(1, written_with="Kari")).status_code == 403


def test_the_coordinator_writes_the_first_version_only_with_written_with(cast):
    client = client_for(cast.coordinator)
    response = client.post(save_url(cast), form_data(0, good_day="Kari sa…"), headers=HTMX)
    assert response.status_code == 200
    assert "Skriv hvem du skrev sammen med" in response.content.decode()
    assert not GoodDayVersion.objects.exists()

    response = client.post(
        save_url(cast),
        form_data(0, good_day="Kari sa…", written_with="Kari Nordvik", co_writers=[cast.member.pk]),
    )
    assert response.status_code == 302
    version = GoodDayVersion.objects.get()
    assert version.written_with == "Kari Nordvik"
    # Tor, whom she ticked, and Cecilie, who wrote it with Kari.
    assert set(version.co_writers.all()) == {cast.member, cast.coordinator}


def test_the_coordinator_who_wrote_the_first_version_with_kari_may_edit_it_again(cast):
    client = client_for(cast.coordinator)
    form = client.get(page_url(cast)).content.decode()
    # She chooses the others; she stays a co-writer herself, and the form says so.
    assert f'name="co_writers" value="{cast.member.pk}"' in form
    assert f'name="co_writers" value="{cast.coordinator.pk}"' not in form
    assert "Du som skriver nå, kan skrive videre med pasienten" in form
    response = client.post(
        save_url(cast), form_data(0, good_day="Kari sa…", written_with="Kari Nordvik")
    )
    assert response.status_code == 302
    assert 'id="good-day-form"' in client.get(page_url(cast)).content.decode()
    again = client.post(save_url(cast), form_data(1, good_day="Kari sa mer.", written_with="Kari"))
    assert again.status_code == 302
    assert GoodDayVersion.objects.count() == 2


def test_the_form_says_what_it_requires_of_staff_and_that_all_is_optional_for_kari(cast):
    staff = client_for(cast.coordinator).get(page_url(cast)).content.decode()
    assert "Alt er frivillig." not in staff
    assert "Bare «Skrevet sammen med» må fylles ut" in staff
    assert 'Skrevet sammen med <span class="lkt-optional">(må fylles ut)</span>' in staff
    own = client_for(cast.patient).get(page_url(cast)).content.decode()
    assert "Alt er frivillig." in own
    assert "må fylles ut" not in own


def test_a_named_co_writer_gets_the_form(cast):
    save(cast.patient, cast.team.patient, 0, co_writers=[cast.member])
    body = client_for(cast.member).get(page_url(cast)).content.decode()
    assert 'id="good-day-form"' in body


def test_a_relative_reads_only_unless_the_patient_lets_him_write(cast):
    karis_first_version(cast)
    client = client_for(cast.relative)
    body = client.get(page_url(cast)).content.decode()
    assert "Sove seks timer" in body
    assert 'id="good-day-form"' not in body
    assert "Pasienten har ikke gitt deg lov til å skrive" in body
    assert client.post(save_url(cast), form_data(1)).status_code == 403

    RelativeLink.objects.filter(relative=cast.relative).update(may_edit_goals=True)
    body = client.get(page_url(cast)).content.decode()
    assert 'id="good-day-form"' in body
    assert "co_writers" not in body  # the patient chooses co-writers, not the relative
    response = client.post(save_url(cast), form_data(1, good_day="Per hjalp."))
    assert response.status_code == 302
    assert GoodDayVersion.objects.first().written_by == cast.relative  # type: ignore[union-attr]


def test_those_who_may_not_see_kari_get_404(cast):
    for user in (cast.outsider, cast.excluded_relative, cast.other_patient, cast.leader):
        assert client_for(user).get(page_url(cast)).status_code == 404


# --- history and diff ---------------------------------------------------------------------------


def history_url(cast) -> str:
    return reverse("careplans:good-day-history", args=[cast.team.patient.pk])


def diff_url(cast) -> str:
    return reverse("careplans:good-day-diff", args=[cast.team.patient.pk])


def test_the_history_lists_who_wrote_each_version_with_whom_and_when(cast):
    karis_first_version(cast)
    save(cast.patient, cast.team.patient, 1, co_writers=[cast.member])
    save(cast.member, cast.team.patient, 2, written_with="Kari Nordvik")
    body = client_for(cast.coordinator).get(history_url(cast)).content.decode()
    assert "<html" in body
    assert body.index(">3<") < body.index(">2<") < body.index(">1<")  # newest first
    assert cast.member.get_full_name() in body
    assert "Kari Nordvik" in body
    assert 'name="fra" value="2" id="fra-2" checked' in body
    assert 'name="til" value="3" id="til-3" checked' in body


def test_the_history_answers_htmx_with_the_list_only(cast):
    karis_first_version(cast)
    response = client_for(cast.patient).get(history_url(cast), headers=HTMX)
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert "Vis endringer" in response.content.decode()


def test_the_history_is_paginated(cast):
    many_versions(cast.team.patient, cast.patient, 30)
    body = client_for(cast.patient).get(history_url(cast), {"side": 2}).content.decode()
    assert "Side 2 av 2" in body
    assert "Nyere versjoner" in body


def test_the_diff_marks_what_was_added_and_removed_in_words_not_colour_only(cast):
    karis_first_version(cast)
    challenge, goal = Challenge.objects.get(), Goal.objects.get()
    save(
        cast.patient,
        cast.team.patient,
        1,
        good_day="Jeg står opp før ni.\nJeg ringer mamma.",
        challenges=[
            ChallengeInput(text=challenge.text, id=challenge.pk),
            ChallengeInput(text="Bussen er full", ref="new1"),
        ],
        goals=[
            GoalInput(
                text=goal.text, id=goal.pk, challenge=f"c{challenge.pk}", target_date=soon(90)
            )
        ],
    )
    response = client_for(cast.coordinator).get(diff_url(cast), {"fra": 1, "til": 2})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Fra versjon 1 til versjon 2" in body
    assert "Lagt til:" in body and "Fjernet:" in body
    assert "<ins>" in body and "<del>" in body
    assert "<del>Jeg går tur med hunden.</del>" in body
    assert "<ins>Jeg ringer mamma.</ins>" in body
    assert "<ins>Bussen er full</ins>" in body


def test_the_diff_answers_htmx_with_the_diff_only_and_defaults_to_the_newest_change(cast):
    karis_first_version(cast)
    save(cast.patient, cast.team.patient, 1, good_day="Ny.")
    response = client_for(cast.patient).get(diff_url(cast), headers=HTMX)
    body = response.content.decode()
    assert "<html" not in body
    assert "Fra versjon 1 til versjon 2" in body


def test_the_diff_of_a_single_version_compares_it_with_the_one_before(cast):
    karis_first_version(cast)
    body = client_for(cast.patient).get(diff_url(cast), {"til": 1}).content.decode()
    assert "Fra versjon 0 til versjon 1" in body
    assert "Tom side (før første versjon)" in body


def test_the_diff_of_a_version_that_does_not_exist_is_404(cast):
    karis_first_version(cast)
    assert client_for(cast.patient).get(diff_url(cast), {"fra": 1, "til": 9}).status_code == 404


@pytest.mark.parametrize("number", ["²", "١", "-1", "99999999999999999999"])
def test_a_version_number_that_is_not_0_to_9_shows_the_newest_change(cast, number):
    karis_first_version(cast)
    save(cast.patient, cast.team.patient, 1, good_day="Ny.")
    response = client_for(cast.patient).get(diff_url(cast), {"fra": number, "til": number})
    assert response.status_code == 200
    assert "Fra versjon 1 til versjon 2" in response.content.decode()


def test_the_diff_without_versions_says_so(cast):
    body = client_for(cast.patient).get(diff_url(cast)).content.decode()
    assert "Ingen versjoner å sammenligne" in body


# --- the team page section ----------------------------------------------------------------------


def team_url(cast) -> str:
    return reverse("workspace:team-detail", args=[cast.team.pk])


def test_the_team_page_says_kindly_that_nothing_is_written_yet(cast):
    body = client_for(cast.coordinator).get(team_url(cast)).content.decode()
    assert 'id="min-gode-dag-heading"' in body
    body = team_section_html(client_for(cast.coordinator), cast.team.pk, "min-gode-dag")
    assert "Min gode dag er ikke skrevet ennå" in body
    assert page_url(cast) in body


def test_the_team_page_summarises_the_newest_version(cast):
    karis_first_version(cast)
    assert 'id="min-gode-dag"' in client_for(cast.member).get(team_url(cast)).content.decode()
    body = team_section_html(client_for(cast.member), cast.team.pk, "min-gode-dag")
    assert "Versjon 1, skrevet" in body
    assert "Sove seks timer" in body
    assert "Gjelder utfordringen: Jeg sover dårlig" in body
    assert history_url(cast) in body


def test_the_team_section_reloads_alone_with_htmx(cast):
    karis_first_version(cast)
    url = reverse("workspace:team-min-gode-dag", args=[cast.team.pk])
    response = client_for(cast.patient).get(url, headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith(
        '<h2 class="ds-heading" data-size="md" id="min-gode-dag-heading">'
    )
    assert "Åpne og skriv i Min gode dag" in body


def test_a_stale_edit_without_javascript_gets_the_whole_page_with_both_texts(cast):
    save(cast.patient, cast.team.patient, 0, good_day="Først lagret.")
    response = client_for(cast.patient).post(save_url(cast), form_data(0, good_day="Min."))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" in body
    assert "Noen andre lagret mens du skrev" in body
    assert "Først lagret." in body and "Min.</textarea>" in body


def test_written_with_and_draft_start_empty_for_each_new_version(cast):
    save(cast.patient, cast.team.patient, 0, written_with="Per", is_draft=True)
    body = client_for(cast.patient).get(page_url(cast)).content.decode()
    assert 'name="written_with" maxlength="200" class="ds-input"' in body
    assert 'value="Per"' not in body
    assert '<input type="checkbox" name="is_draft" class="ds-input" id="id_is_draft">' in body
    assert "Skrevet sammen med Per." in body  # shown on the version itself
