"""The network sections through HTTP: the full team page, the htmx partials, saving in place
(invalid: status 200 with the message in the fragment; valid: an HX-Trigger), and without
JavaScript (a redirect to the section's anchor, or the form on its own page)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from actors.models import CommunicationLine, Member, Patient, Perspective, Role, Scenario
from actors.network.selectors import add_months, birthday
from careplans.models import Challenge
from lkt.models import AccessLog
from tests.conftest import Cast, client_for, team_section_html
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def _tor(cast: Cast) -> Member:
    return cast.team.members.get(user=cast.member)


def _cecilie(cast: Cast) -> Member:
    return cast.team.members.get(user=cast.coordinator)


def _line_data(cast: Cast, **overrides) -> dict[str, object]:
    return {
        "from_member": _tor(cast).pk,
        "to_member": _cecilie(cast).pk,
        "channel": CommunicationLine.Channel.PHONE,
        "frequency": CommunicationLine.Frequency.WEEKLY,
        "note": "",
        **overrides,
    }


def _url(name: str, cast: Cast, *args: object) -> str:
    return reverse(f"actors:{name}", args=[cast.team.pk, *args])


def _careplans_url(name: str, cast: Cast, *args: object) -> str:
    """The perspectives on the patient's challenges (careplans.good_day)."""
    return reverse(f"careplans:{name}", args=[cast.team.pk, *args])


def _team_url(name: str, cast: Cast) -> str:
    """The team page or one of its sections (lkt.workspace)."""
    return reverse(f"workspace:{name}", args=[cast.team.pk])


def test_the_team_page_shows_the_three_network_sections(cast):
    response = client_for(cast.coordinator).get(_team_url("team-detail", cast))
    body = response.content.decode()
    for key, title in [
        ("kommunikasjon", "Kommunikasjon"),
        ("perspektiver", "Perspektiver"),
        ("scenarier", "Scenarier og overganger"),
    ]:
        assert f'id="{key}-heading">{title}</h2>' in body
        section = reverse(f"workspace:team-{key}", args=[cast.team.pk])
        assert f'hx-get="{section}" hx-trigger="{key}-changed from:body"' in body
        assert f"s={key}" in body  # in the lazy sections' batch
        assert f'hx-get="{section}?following=1" hx-trigger="medlemmer-changed from:body' in body
    # Tor has no line to the coordinator yet (the lazy section, from its own URL).
    section = team_section_html(client_for(cast.coordinator), cast.team.pk, "kommunikasjon")
    assert "Ingen direkte linje til koordinatoren" in section


def test_each_section_answers_htmx_with_its_fragment_only(cast):
    client = client_for(cast.member)
    for key in ("kommunikasjon", "perspektiver", "scenarier"):
        response = client.get(_team_url(f"team-{key}", cast), headers=HTMX)
        body = response.content.decode()
        assert response.status_code == 200
        assert body.lstrip().startswith(
            f'<h2 class="ds-heading" data-size="md" id="{key}-heading">'
        )
        assert "<html" not in body


def test_the_patient_reads_the_sections_without_forms_and_a_relative_does_not_see_them(cast):
    body = client_for(cast.patient).get(_team_url("team-detail", cast)).content.decode()
    assert 'id="kommunikasjon-heading"' in body
    assert 'id="line-form"' not in body
    assert "scenario-add-form" not in body
    relative_page = client_for(cast.relative).get(_team_url("team-detail", cast)).content.decode()
    assert 'id="kommunikasjon-heading"' not in relative_page


# Communication lines


@pytest.mark.parametrize(
    ("name", "section", "form_id", "model"),
    [
        ("communication-line-add", "kommunikasjon", "line-form", CommunicationLine),
        ("scenario-add", "scenarier", "scenario-add-form", Scenario),
    ],
)
def test_the_form_to_add_renders_when_opened(cast, name, section, form_id, model):
    url = _url(name, cast)
    tor = client_for(cast.member)
    html = team_section_html(tor, cast.team.pk, section)
    assert f'id="{form_id}"' not in html
    assert f'href="{url}" hx-get="{url}" hx-target="closest p"' in html
    form = tor.get(url, headers=HTMX).content.decode()
    assert form.lstrip().startswith(f'<form id="{form_id}"')
    assert 'role="status"' not in form  # nothing saved, nothing said
    assert not model.objects.exists()
    # Without JavaScript the link is the form's own page; the patient may not open it.
    assert "<h1" in tor.get(url).content.decode()
    assert client_for(cast.patient).get(url, headers=HTMX).status_code == 403


def test_adding_a_line_in_place_triggers_the_section_reload(cast):
    response = client_for(cast.member).post(
        _url("communication-line-add", cast), _line_data(cast), headers=HTMX
    )
    assert response.status_code == 200
    assert "kommunikasjon-changed" in response["HX-Trigger"]
    assert "Linjen er lagt til." in response.content.decode()
    assert CommunicationLine.objects.filter(from_member=_tor(cast), to_member=_cecilie(cast))


def test_a_line_to_an_actor_of_another_team_gets_the_message_in_the_fragment(cast):
    stranger = cast.other_team.members.get()
    response = client_for(cast.member).post(
        _url("communication-line-add", cast),
        _line_data(cast, to_member=stranger.pk),
        headers=HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "HX-Trigger" not in response
    assert "Aktøren hører ikke til dette aktørfellesskapet." in body
    assert body.lstrip().startswith('<form id="line-form"')
    assert not CommunicationLine.objects.exists()


def test_a_line_to_a_member_who_has_left_gets_the_message_in_the_fragment(cast):
    former = MemberFactory.create(
        team=cast.team, left_on=timezone.localdate(), end_reason="Ny jobb"
    )
    response = client_for(cast.member).post(
        _url("communication-line-add", cast), _line_data(cast, to_member=former.pk), headers=HTMX
    )
    assert response.status_code == 200
    assert "har sluttet i aktørfellesskapet" in response.content.decode()
    assert not CommunicationLine.objects.exists()


def test_a_duplicate_line_gets_the_constraints_message(cast):
    client = client_for(cast.member)
    client.post(_url("communication-line-add", cast), _line_data(cast), headers=HTMX)
    response = client.post(_url("communication-line-add", cast), _line_data(cast), headers=HTMX)
    assert "Denne linjen finnes allerede." in response.content.decode()
    assert CommunicationLine.objects.count() == 1


def test_without_javascript_a_saved_line_returns_to_the_section(cast):
    response = client_for(cast.member).post(_url("communication-line-add", cast), _line_data(cast))
    assert response.status_code == 302
    assert response["Location"] == _team_url("team-detail", cast) + "#kommunikasjon"


def test_without_javascript_an_invalid_line_comes_back_on_its_own_page(cast):
    response = client_for(cast.member).post(
        _url("communication-line-add", cast), _line_data(cast, channel="brevdue")
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" in body
    assert "Velg en kanal fra listen." in body
    assert not CommunicationLine.objects.exists()


def test_the_line_warnings_name_the_actor_and_the_line_via_the_patient(cast):
    client = client_for(cast.coordinator)
    client.post(
        _url("communication-line-add", cast),
        _line_data(cast, channel=CommunicationLine.Channel.VIA_PATIENT),
        headers=HTMX,
    )
    body = client.get(_team_url("team-kommunikasjon", cast), headers=HTMX).content.decode()
    assert "Linjer som går via pasienten" in body
    assert "pasienten må bære beskjeder" in body
    assert "Ingen direkte linje til koordinatoren" in body  # a line via Kari is no direct line


def test_ending_a_line_in_place_keeps_it_as_history(cast):
    client = client_for(cast.member)
    client.post(_url("communication-line-add", cast), _line_data(cast), headers=HTMX)
    line = CommunicationLine.objects.get()
    response = client.post(_url("communication-line-end", cast, line.pk), headers=HTMX)
    assert "kommunikasjon-changed" in response["HX-Trigger"]
    line.refresh_from_db()
    assert line.ended_on == timezone.localdate()
    body = client.get(_team_url("team-kommunikasjon", cast), headers=HTMX).content.decode()
    assert "Tidligere linjer" in body
    again = client.post(_url("communication-line-end", cast, line.pk), headers=HTMX)
    assert again.status_code == 200
    assert "allerede avsluttet" in again.content.decode()


def test_a_relative_gets_403_and_an_outsider_404_when_posting_a_line(cast):
    url = _url("communication-line-add", cast)
    assert client_for(cast.relative).post(url, _line_data(cast), headers=HTMX).status_code == 403
    assert client_for(cast.patient).post(url, _line_data(cast), headers=HTMX).status_code == 403
    assert client_for(cast.outsider).post(url, _line_data(cast), headers=HTMX).status_code == 404
    assert not CommunicationLine.objects.exists()


# Perspectives


def test_the_matching_view_shows_texts_side_by_side_and_who_has_not_answered(cast):
    sleep = Challenge.objects.create(patient=cast.team.patient, text="Jeg sover dårlig")
    nils = MemberFactory.create(
        team=cast.team, user=None, external_name="Nabo Nils", role=Role.NEIGHBOUR
    )
    coordinator = client_for(cast.coordinator)
    coordinator.post(
        _careplans_url("perspective-save", cast, sleep.pk, _cecilie(cast).pk),
        {"text": "Søvnen styrer alt", "importance": "5"},
        headers=HTMX,
    )
    coordinator.post(
        _careplans_url("perspective-save", cast, sleep.pk, nils.pk),
        {"text": "Lys i vinduet om natta", "importance": "1"},
        headers=HTMX,
    )
    body = client_for(cast.member).get(_team_url("team-perspektiver", cast), headers=HTMX)
    text = body.content.decode()
    assert "Søvnen styrer alt" in text
    assert "Lys i vinduet om natta" in text
    assert "Sprikende" in text
    assert "Viktighet fra 1 til 5 (spredning 4)." in text
    assert "Har ikke gitt perspektiv: Tor Testesen" in text
    assert "Skriv ditt perspektiv" in text  # Tor may write his own …
    assert "Skriv perspektivet til Nabo Nils" not in text  # … but not the neighbour's


def test_the_section_renders_no_form_and_opening_one_loads_it_with_what_was_given(cast):
    sleep = Challenge.objects.create(patient=cast.team.patient, text="Jeg sover dårlig")
    url = _careplans_url("perspective-save", cast, sleep.pk, _tor(cast).pk)
    tor = client_for(cast.member)
    section = tor.get(_team_url("team-perspektiver", cast), headers=HTMX).content.decode()
    assert "<form" not in section
    assert f'hx-get="{url}" hx-trigger="toggle once from:closest details"' in section
    assert f'<a class="ds-link" href="{url}">Åpne skjemaet</a>' in section
    tor.post(url, {"text": "Uro om natta", "importance": "4"}, headers=HTMX)
    form = tor.get(url, headers=HTMX).content.decode()
    assert form.lstrip().startswith(f'<form id="perspective-{sleep.pk}-{_tor(cast).pk}"')
    assert "Uro om natta</textarea>" in form
    assert 'name="importance" value="4"' in form
    # Without JavaScript the link is the form's own page.
    page = tor.get(url).content.decode()
    assert "<h1" in page and "Uro om natta</textarea>" in page


def test_opening_a_colleagues_or_another_patients_form_is_refused(cast):
    sleep = Challenge.objects.create(patient=cast.team.patient, text="Jeg sover dårlig")
    foreign = Challenge.objects.create(patient=cast.other_team.patient, text="Ola sin")
    tor = client_for(cast.member)
    colleague = _careplans_url("perspective-save", cast, sleep.pk, _cecilie(cast).pk)
    assert tor.get(colleague, headers=HTMX).status_code == 403
    other = _careplans_url("perspective-save", cast, foreign.pk, _tor(cast).pk)
    assert tor.get(other, headers=HTMX).status_code == 404
    mine = _careplans_url("perspective-save", cast, sleep.pk, _tor(cast).pk)
    assert client_for(cast.outsider).get(mine, headers=HTMX).status_code == 404
    assert client_for(cast.relative).get(mine, headers=HTMX).status_code == 403


def test_saving_a_perspective_in_place_triggers_the_section_reload(cast):
    sleep = Challenge.objects.create(patient=cast.team.patient, text="Jeg sover dårlig")
    response = client_for(cast.member).post(
        _careplans_url("perspective-save", cast, sleep.pk, _tor(cast).pk),
        {"text": "Uro om natta", "importance": "4"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "perspektiver-changed" in response["HX-Trigger"]
    assert Perspective.objects.get().importance == 4


def test_an_importance_of_nine_gets_the_message_in_the_fragment_and_nothing_is_saved(cast):
    sleep = Challenge.objects.create(patient=cast.team.patient, text="Jeg sover dårlig")
    response = client_for(cast.member).post(
        _careplans_url("perspective-save", cast, sleep.pk, _tor(cast).pk),
        {"text": "Uro om natta", "importance": "9"},
        headers=HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "HX-Trigger" not in response
    assert "Viktighet må være et tall fra 1 til 5." in body
    assert body.lstrip().startswith(f'<form id="perspective-{sleep.pk}-{_tor(cast).pk}"')
    assert not Perspective.objects.exists()


def test_writing_a_colleagues_perspective_is_forbidden(cast):
    sleep = Challenge.objects.create(patient=cast.team.patient, text="Jeg sover dårlig")
    response = client_for(cast.member).post(
        _careplans_url("perspective-save", cast, sleep.pk, _cecilie(cast).pk),
        {"text": "X", "importance": "3"},
        headers=HTMX,
    )
    assert response.status_code == 403
    assert not Perspective.objects.exists()


def test_another_patients_challenge_is_not_found(cast):
    foreign = Challenge.objects.create(patient=cast.other_team.patient, text="Ola sin")
    response = client_for(cast.member).post(
        _careplans_url("perspective-save", cast, foreign.pk, _tor(cast).pk),
        {"text": "X", "importance": "3"},
        headers=HTMX,
    )
    assert response.status_code == 404


# Scenarios


def test_a_leaving_member_shows_a_continuity_warning_until_the_plan_is_saved(cast):
    Member.objects.filter(pk=_tor(cast).pk).update(
        expected_leave_on=add_months(timezone.localdate(), 5)
    )
    client = client_for(cast.coordinator)
    body = client.get(_team_url("team-scenarier", cast), headers=HTMX).content.decode()
    assert "Kontinuiteten er ikke sikret" in body
    assert "Én overgang mangler en plan eller en ansvarlig." in body
    assert "Aktør slutter: Tor Testesen" in body
    assert "Tor Testesen (Sykepleier) slutter i aktørfellesskapet." in body
    key = f"member_leaving-{_tor(cast).pk}"
    response = client.post(
        _url("scenario-prepare", cast, key),
        {"what_then": "Cecilie tar over, to ukers overlapp", "responsible": _cecilie(cast).pk},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "scenarier-changed" in response["HX-Trigger"]
    assert Scenario.objects.get().is_prepared
    body = client.get(_team_url("team-scenarier", cast), headers=HTMX).content.decode()
    assert "Kontinuiteten er ikke sikret" not in body
    assert "Cecilie tar over, to ukers overlapp" in body


def test_a_plan_without_what_then_gets_the_message_in_the_fragment(cast):
    Member.objects.filter(pk=_tor(cast).pk).update(expected_leave_on=timezone.localdate())
    key = f"member_leaving-{_tor(cast).pk}"
    response = client_for(cast.member).post(
        _url("scenario-prepare", cast, key), {"what_then": "", "responsible": ""}, headers=HTMX
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Skriv hva dere gjør når dette skjer." in body
    assert body.lstrip().startswith(f'<form id="scenario-form-{key}"')
    assert not Scenario.objects.exists()


def test_a_planned_discharge_is_added_in_place_and_a_past_date_is_refused(cast):
    client = client_for(cast.member)
    data = {
        "kind": Scenario.Kind.DISCHARGE,
        "expected_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        "description": "Utskrivning fra DPS",
        "what_then": "",
        "responsible": "",
    }
    refused = client.post(_url("scenario-add", cast), data, headers=HTMX)
    assert refused.status_code == 200
    assert "Datoen har vært. Velg en dato fram i tid." in refused.content.decode()
    assert not Scenario.objects.exists()
    data["expected_on"] = (timezone.localdate() + dt.timedelta(days=14)).isoformat()
    added = client.post(_url("scenario-add", cast), data, headers=HTMX)
    assert "scenarier-changed" in added["HX-Trigger"]
    body = client.get(_team_url("team-scenarier", cast), headers=HTMX).content.decode()
    assert "Utskrivning fra DPS" in body
    assert "Kontinuiteten er ikke sikret" in body  # no plan yet
    Member.objects.filter(pk=_tor(cast).pk).update(
        expected_leave_on=add_months(timezone.localdate(), 5)
    )
    body = client.get(_team_url("team-scenarier", cast), headers=HTMX).content.decode()
    assert "2 overganger mangler en plan eller en ansvarlig." in body


def test_a_planned_scenario_is_prepared_by_its_key_and_without_javascript_returns_to_the_section(
    cast,
):
    scenario = Scenario.objects.create(
        team=cast.team,
        kind=Scenario.Kind.SCHOOL_CHANGE,
        expected_on=timezone.localdate() + dt.timedelta(days=60),
        description="Overgang til videregående",
        updated_by=cast.coordinator,
    )
    response = client_for(cast.member).post(
        _url("scenario-prepare", cast, f"s-{scenario.pk}"),
        {"what_then": "Møte med ny skole i juni", "responsible": _tor(cast).pk},
    )
    assert response["Location"] == _team_url("team-detail", cast) + "#scenarier"
    scenario.refresh_from_db()
    assert scenario.is_prepared


def test_unknown_scenario_keys_are_not_found(cast):
    client = client_for(cast.member)
    for key in ("s-999999", "member_leaving-999999", "turning_17"):
        response = client.post(_url("scenario-prepare", cast, key), {"what_then": "X"})
        assert response.status_code == 404, key


def test_without_javascript_an_invalid_plan_comes_back_on_its_own_page(cast):
    leaving_on = add_months(timezone.localdate(), 1)
    Member.objects.filter(pk=_tor(cast).pk).update(expected_leave_on=leaving_on)
    key = f"member_leaving-{_tor(cast).pk}"
    response = client_for(cast.member).post(_url("scenario-prepare", cast, key), {"what_then": ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert f"Aktør slutter: Tor Testesen – {leaving_on:%-d.%-m.%Y}</h1>" in body
    assert "Skriv hva dere gjør når dette skjer." in body
    assert not Scenario.objects.exists()


def test_a_patient_turning_16_shows_the_rights_change_in_the_section(cast):
    turns_16 = add_months(timezone.localdate(), 3)
    Patient.objects.filter(pk=cast.team.patient_id).update(birth_date=birthday(turns_16, -16))
    body = client_for(cast.coordinator).get(_team_url("team-scenarier", cast), headers=HTMX)
    text = body.content.decode()
    assert "Pasienten fyller 16 år" in text
    assert "pasient- og brukerrettighetsloven § 4-3" in text
    url = _url("scenario-prepare", cast, "turning_16")
    assert f'href="{url}" hx-get="{url}"' in text


def test_a_scenarios_plan_form_renders_when_opened_with_the_saved_plan(cast):
    Member.objects.filter(pk=_tor(cast).pk).update(
        expected_leave_on=add_months(timezone.localdate(), 2)
    )
    key = f"member_leaving-{_tor(cast).pk}"
    url = _url("scenario-prepare", cast, key)
    tor = client_for(cast.member)
    section = team_section_html(tor, cast.team.pk, "scenarier")
    assert f'id="scenario-form-{key}"' not in section
    # Without a plan the way to write one is the section's primary action.
    assert f'data-variant="primary" href="{url}" hx-get="{url}"' in section
    assert "Skriv hva vi gjør da" in section
    logged = AccessLog.objects.filter(user=cast.member, patient=cast.team.patient)
    before = logged.count()
    form = tor.get(url, headers=HTMX).content.decode()
    assert form.lstrip().startswith(f'<form id="scenario-form-{key}"')
    assert 'role="status"' not in form
    assert not Scenario.objects.exists()  # opening the form saves nothing
    assert logged.count() == before + 1  # Tor's opening it is in Kari's access log
    # Opening it is guarded as saving it is: the patient may not, one outside the team sees none.
    assert client_for(cast.patient).get(url, headers=HTMX).status_code == 403
    assert client_for(cast.outsider).get(url, headers=HTMX).status_code == 404
    tor.post(url, {"what_then": "Cecilie tar over", "responsible": _cecilie(cast).pk}, headers=HTMX)
    section = team_section_html(tor, cast.team.pk, "scenarier")
    assert f'data-variant="secondary" href="{url}"' in section
    assert "Endre planen" in section
    # Opened again, the form holds the saved plan to change.
    form = tor.get(url, headers=HTMX).content.decode()
    assert "Cecilie tar over</textarea>" in form
    assert f'<option value="{_cecilie(cast).pk}" selected>' in form
    # Without JavaScript the link is the form's own page; the patient may not open it, and a
    # scenario the section does not show has no form.
    assert "<h1" in tor.get(url).content.decode()
    assert client_for(cast.patient).get(url, headers=HTMX).status_code == 403
    assert tor.get(_url("scenario-prepare", cast, "turning_16"), headers=HTMX).status_code == 404
