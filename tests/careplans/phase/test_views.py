"""The "fase" and "faseplan" sections and the årshjul through HTTP: the full page, the htmx
partials, saving in place (invalid: status 200 with the message in the fragment; valid: an
HX-Trigger), without JavaScript (a redirect back, or the form on its own page), and the query
budget of the section."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from actors.models import Consent, Member, RelativeLink, Role
from careplans.models import AnnualActivity, CarePlanVersion, Phase, PhaseChange, PhasePlanEntry
from careplans.phase.services import phase_change
from coordination.models import Meeting
from tests.careplans.phase_helpers import NIGHT, full_phase_plan, version_for
from tests.conftest import KEYED_PLANS, Cast, client_for
from tests.factories import (
    ConsentFactory,
    MemberFactory,
    OrganisationFactory,
    StaffFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
OSLO = ZoneInfo("Europe/Oslo")


def section_url(cast: Cast) -> str:
    return reverse("workspace:team-fase", args=[cast.team.pk])


def plan_url(cast: Cast) -> str:
    return reverse("workspace:team-faseplan", args=[cast.team.pk])


def entry_data(**overrides: object) -> dict[str, object]:
    return {
        "signs": "Jeg slutter å svare på telefonen",
        "actions": "Koordinator ringer samme dag",
        "actor_member": "",
        "call_office_hours": "Cecilie 55 00 00 00",
        "call_night": NIGHT,
        "patient_wishes": "",
        **overrides,
    }


# --- The section ------------------------------------------------------------------------------


def test_the_team_page_shows_the_phase_section_in_colour_and_words(cast: Cast) -> None:
    response = client_for(cast.member).get(reverse("workspace:team-detail", args=[cast.team.pk]))
    body = response.content.decode()
    assert 'id="fase-heading">Fase</h2>' in body
    assert 'data-color="success" data-phase="green"' in body
    assert "nå i <strong>grønn fase</strong>" in body
    # Tor is a member, not the coordinator: no change form for him.
    assert "phase-change-panel" not in body
    # The phase plan comes right after, loaded when it scrolls into view (issue 17).
    assert f'<a class="ds-link" href="{plan_url(cast)}">Åpne Faseplan og kriseplan</a>' in body
    assert "Det finnes ingen plan for samarbeid ennå" not in body
    plan = client_for(cast.member).get(plan_url(cast), headers=HTMX).content.decode()
    assert 'id="faseplan-heading">Faseplan og kriseplan</h2>' in plan
    assert "Det finnes ingen plan for samarbeid ennå" in plan


def test_the_section_shows_the_current_phase_and_who_changed_it_when_and_why(cast: Cast) -> None:
    phase_change(actor=cast.coordinator, team=cast.team, phase=Phase.YELLOW, reason="Sover dårlig")
    phase_change(actor=cast.coordinator, team=cast.team, phase=Phase.RED, reason="Innlagt i natt")
    response = client_for(cast.patient).get(section_url(cast), headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert 'data-color="danger" data-phase="red"' in body
    assert "nå i <strong>rød fase</strong>" in body
    assert "Innlagt i natt" in body and "Sover dårlig" in body
    assert "Historikk (2 endringer)" in body
    assert "Cecilie" in body


def test_the_phase_plan_in_force_is_shown_with_the_night_numbers_first_in_red(cast: Cast) -> None:
    tor = Member.objects.get(team=cast.team, user=cast.member)
    in_force = version_for(cast.team, cast.coordinator, status=CarePlanVersion.Status.IN_FORCE)
    full_phase_plan(in_force, actor=tor)
    draft = version_for(cast.team, cast.coordinator)
    PhasePlanEntry.objects.create(version=draft, phase=Phase.GREEN, signs="Utkast", actions="x")
    body = client_for(cast.coordinator).get(plan_url(cast), headers=HTMX).content.decode()
    assert "Fra gjeldende plan, versjon 1." in body
    assert "Planen er ikke godkjent ennå" not in body
    assert "Tegn i green" in body and "Tegn i red" in body
    red = body[body.index('data-phase="red"', body.index("Faseplan")) :]
    night = 'Legevakt <a class="ds-link" href="tel:116117">116 117</a>'
    assert red.index(night) < red.index("Tegn i red")
    assert 'Lise <a class="ds-link" href="tel:+4791234567">912 34 567</a>' in red
    assert "Tor" in body  # who acts
    # The version in force is frozen: no edit links.
    assert reverse("careplans:phase-entry-edit", args=[in_force.pk, "red"]) not in body


def test_the_coordinator_sees_edit_links_on_the_draft_and_the_change_form(cast: Cast) -> None:
    draft = version_for(cast.team, cast.coordinator)
    client = client_for(cast.coordinator)
    body = client.get(plan_url(cast), headers=HTMX).content.decode()
    assert "Planen er ikke godkjent ennå" in body
    for phase in Phase.values:
        assert reverse("careplans:phase-entry-edit", args=[draft.pk, phase]) in body
    assert 'id="faseplan-panel"' in body
    assert 'id="phase-change-panel"' in client.get(section_url(cast), headers=HTMX).content.decode()


def test_the_phase_plan_marks_the_phase_now_and_reloads_after_a_phase_change(cast: Cast) -> None:
    version_for(cast.team, cast.coordinator, status=CarePlanVersion.Status.IN_FORCE)
    phase_change(actor=cast.coordinator, team=cast.team, phase=Phase.YELLOW, reason="Sover dårlig")
    client = client_for(cast.coordinator)
    body = client.get(plan_url(cast), headers=HTMX).content.decode()
    yellow = body[body.index('id="phase-yellow-heading"') :]
    assert yellow.index("Gjelder nå") < yellow.index("</h3>")
    assert body.count("Gjelder nå") == 1
    page = client.get(reverse("workspace:team-detail", args=[cast.team.pk])).content.decode()
    assert f'hx-get="{plan_url(cast)}?following=1" hx-trigger="fase-changed from:body"' in page


def test_a_relative_without_leave_to_see_the_plan_gets_403_for_the_phase_plan(cast: Cast) -> None:
    assert client_for(cast.relative).get(plan_url(cast), headers=HTMX).status_code == 403


def test_a_relative_without_leave_to_see_the_plan_gets_403_for_the_section(cast: Cast) -> None:
    assert client_for(cast.relative).get(section_url(cast), headers=HTMX).status_code == 403


# --- Changing the phase -----------------------------------------------------------------------


def test_changing_the_phase_in_place_triggers_the_section_to_reload(cast: Cast) -> None:
    url = reverse("careplans:phase-change", args=[cast.team.pk])
    response = client_for(cast.coordinator).post(
        url, {"phase": "yellow", "reason": "Sover dårlig"}, headers=HTMX
    )
    assert response.status_code == 200
    assert "fase-changed" in response["HX-Trigger"]
    assert PhaseChange.objects.get().phase == Phase.YELLOW


def test_the_change_answer_shows_the_message_once_and_no_reloaded_section_repeats_it(
    cast: Cast,
) -> None:
    # "natt" follows "fase": both reload on fase-changed, in either order. The message comes
    # with the change answer itself, out of band into the page's message area (issue 16,
    # item 17), so it shows at once, whichever reload arrives first, and never a page late.
    client = client_for(cast.coordinator)
    answer = client.post(
        reverse("careplans:phase-change", args=[cast.team.pk]),
        {"phase": "yellow", "reason": "Sover dårlig"},
        headers=HTMX,
    ).content.decode()
    message = f"Fasen er endret til {Phase.YELLOW.label}."
    oob = answer[answer.index('id="lkt-messages"') :]
    assert 'hx-swap-oob="innerHTML"' in oob and message in oob
    night = reverse("workspace:team-natt", args=[cast.team.pk]) + "?following=1"
    assert "Fasen er endret" not in client.get(night, headers=HTMX).content.decode()
    assert message not in client.get(section_url(cast), headers=HTMX).content.decode()
    assert (
        message
        not in client.get(reverse("workspace:team-detail", args=[cast.team.pk])).content.decode()
    )


def test_the_team_page_reloads_a_section_without_its_message_only_for_the_sections_it_follows(
    cast: Cast,
) -> None:
    body = (
        client_for(cast.coordinator)
        .get(reverse("workspace:team-detail", args=[cast.team.pk]))
        .content.decode()
    )
    night = reverse("workspace:team-natt", args=[cast.team.pk])
    assert (
        f'hx-get="{night}?following=1" hx-trigger="fase-changed from:body, observasjoner-changed from:body"'
        in body
    )
    assert f'hx-get="{night}" hx-trigger="natt-changed from:body"' in body


def test_a_phase_change_without_a_reason_comes_back_in_the_fragment_with_200(cast: Cast) -> None:
    url = reverse("careplans:phase-change", args=[cast.team.pk])
    response = client_for(cast.coordinator).post(url, {"phase": "red", "reason": ""}, headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "HX-Trigger" not in response
    assert "Skriv hvorfor fasen endres" in body
    assert "<html" not in body
    assert not PhaseChange.objects.exists()


def test_without_javascript_a_phase_change_returns_to_the_section(cast: Cast) -> None:
    url = reverse("careplans:phase-change", args=[cast.team.pk])
    response = client_for(cast.coordinator).post(url, {"phase": "red", "reason": "Akutt"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"/aktorfellesskap/{cast.team.pk}/#fase")


def test_without_javascript_the_phase_change_form_is_a_page(cast: Cast) -> None:
    url = reverse("careplans:phase-change", args=[cast.team.pk])
    body = client_for(cast.coordinator).get(url).content.decode()
    assert "<html" in body and 'name="reason"' in body


def test_the_change_form_is_not_in_the_page_until_the_coordinator_opens_it(cast: Cast) -> None:
    """Issue 17: the first response carries the button, not the hidden form; the button loads
    the form into the panel (htmx), and its href is the form's own page without JavaScript."""
    url = reverse("careplans:phase-change", args=[cast.team.pk])
    client = client_for(cast.coordinator)
    page = client.get(reverse("workspace:team-detail", args=[cast.team.pk])).content.decode()
    assert f'href="{url}" hx-get="{url}" hx-target="#phase-change-panel"' in page
    assert 'id="phase-change-panel" class="lkt-panel" aria-live="polite"></div>' in page
    assert 'name="reason"' not in page
    form = client.get(url, headers=HTMX).content.decode()
    assert "<html" not in form
    assert f'hx-post="{url}" hx-target="#phase-change-panel"' in form
    assert 'name="phase"' in form and 'name="reason"' in form


def test_the_opened_change_form_saves_and_the_section_then_shows_the_new_phase(
    cast: Cast,
) -> None:
    url = reverse("careplans:phase-change", args=[cast.team.pk])
    client = client_for(cast.coordinator)
    assert 'name="reason"' in client.get(url, headers=HTMX).content.decode()
    response = client.post(url, {"phase": "yellow", "reason": "Sover dårlig"}, headers=HTMX)
    assert "fase-changed" in response["HX-Trigger"]
    body = client.get(section_url(cast), headers=HTMX).content.decode()
    assert "nå i <strong>gul fase</strong>" in body


# --- The phase plan ---------------------------------------------------------------------------


def test_the_phase_form_loads_into_the_panel_and_saves_in_place(cast: Cast) -> None:
    draft = version_for(cast.team, cast.coordinator)
    url = reverse("careplans:phase-entry-edit", args=[draft.pk, "red"])
    client = client_for(cast.coordinator)
    form = client.get(url, headers=HTMX).content.decode()
    assert "<html" not in form and 'name="call_night"' in form
    response = client.post(url, entry_data(), headers=HTMX)
    assert response.status_code == 200
    assert "faseplan-changed" in response["HX-Trigger"]
    assert PhasePlanEntry.objects.get(version=draft).call_night == NIGHT


def test_red_without_a_night_contact_comes_back_with_the_message_and_nothing_saved(
    cast: Cast,
) -> None:
    draft = version_for(cast.team, cast.coordinator)
    url = reverse("careplans:phase-entry-edit", args=[draft.pk, "red"])
    response = client_for(cast.coordinator).post(url, entry_data(call_night=""), headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "I rød fase må planen si hvem som ringes kveld og natt" in body
    assert 'value="Jeg slutter' in body or "Jeg slutter å svare på telefonen" in body
    assert not PhasePlanEntry.objects.exists()


def night_label(form: str) -> str:
    """The label of the night-call field, with its marker."""
    match = re.search(r'<label class="ds-label" for="[a-z]+-call_night">(.*?)</label>', form)
    assert match, form
    return match.group(1)


def test_the_red_night_call_field_is_required_and_never_called_optional(cast: Cast) -> None:
    draft = version_for(cast.team, cast.coordinator)
    client = client_for(cast.coordinator)
    red = client.get(
        reverse("careplans:phase-entry-edit", args=[draft.pk, "red"]), headers=HTMX
    ).content.decode()
    assert "valgfritt" not in night_label(red)
    assert "Må fylles ut i rød fase" not in red
    assert re.search(r'<textarea name="call_night"[^>]* required', red)
    green = client.get(
        reverse("careplans:phase-entry-edit", args=[draft.pk, "green"]), headers=HTMX
    ).content.decode()
    assert "(valgfritt)" in night_label(green)
    assert "Må fylles ut i rød fase" not in green


def test_the_phase_form_of_an_approved_version_says_it_is_frozen(cast: Cast) -> None:
    version = version_for(cast.team, cast.coordinator, status=CarePlanVersion.Status.IN_FORCE)
    url = reverse("careplans:phase-entry-edit", args=[version.pk, "green"])
    client = client_for(cast.coordinator)
    assert "ikke lenger et utkast" in client.get(url, headers=HTMX).content.decode()
    response = client.post(url, entry_data(), headers=HTMX)
    assert response.status_code == 200
    assert "ikke lenger et utkast" in response.content.decode()
    assert not PhasePlanEntry.objects.exists()


def test_an_unknown_phase_in_the_address_is_404(cast: Cast) -> None:
    draft = version_for(cast.team, cast.coordinator)
    url = reverse("careplans:phase-entry-edit", args=[draft.pk, "purple"])
    assert client_for(cast.coordinator).get(url).status_code == 404


def test_without_javascript_a_saved_phase_returns_to_the_section(cast: Cast) -> None:
    draft = version_for(cast.team, cast.coordinator)
    url = reverse("careplans:phase-entry-edit", args=[draft.pk, "green"])
    client = client_for(cast.coordinator)
    assert "<html" in client.get(url).content.decode()
    response = client.post(url, entry_data(call_night=""))
    assert response.status_code == 302
    assert response["Location"].endswith("#faseplan")


@pytest.mark.parametrize(("role", "status"), [("outsider", 404), ("member", 403), ("patient", 403)])
def test_only_the_coordinator_opens_the_phase_form(cast: Cast, role: str, status: int) -> None:
    draft = version_for(cast.team, cast.coordinator)
    url = reverse("careplans:phase-entry-edit", args=[draft.pk, "red"])
    assert client_for(getattr(cast, role)).post(url, entry_data()).status_code == status
    assert not PhasePlanEntry.objects.exists()


# --- Årshjulet --------------------------------------------------------------------------------


def test_the_arshjul_page_shows_the_strip_and_the_list(cast: Cast) -> None:
    draft = version_for(cast.team, cast.coordinator)
    today = timezone.localdate()
    AnnualActivity.objects.create(
        version=draft, kind="other", title="Tur i fjellet", recurrence="yearly", month=today.month
    )
    AnnualActivity.objects.create(
        version=draft,
        kind="other",
        title="Kaffe med naboen",
        recurrence="once",
        first_on=today + dt.timedelta(days=40),
        mandatory=False,
    )
    body = (
        client_for(cast.member).get(reverse("careplans:annual", args=[draft.pk])).content.decode()
    )
    assert "<svg" in body and "<title" in body and "Årshjulet, tolv måneder fra" in body
    assert "Tur i fjellet" in body and "Kaffe med naboen (valgfri)" in body
    assert "denne måneden" in body
    assert len(re.findall(r'<g class="lkt-annual__month', body)) == 12
    assert "style=" not in body.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "Hvert år i" in body
    # Tor reads; only the coordinator edits.
    assert reverse("careplans:annual-activity-add", args=[draft.pk]) not in body


def test_the_arshjul_reloads_as_a_partial_for_htmx(cast: Cast) -> None:
    draft = version_for(cast.team, cast.coordinator)
    response = client_for(cast.coordinator).get(
        reverse("careplans:annual", args=[draft.pk]), headers=HTMX
    )
    body = response.content.decode()
    assert "<html" not in body and "<svg" in body
    assert "Årshjulet har ingen aktiviteter ennå." in body


def test_an_activity_is_added_in_place_and_the_arshjul_reloads(cast: Cast) -> None:
    draft = version_for(cast.team, cast.coordinator)
    url = reverse("careplans:annual-activity-add", args=[draft.pk])
    data = {"kind": "other", "title": "Tur", "recurrence": "every_n_months", "interval_months": 3}
    response = client_for(cast.coordinator).post(url, data, headers=HTMX)
    assert response.status_code == 200
    assert "arshjul-changed" in response["HX-Trigger"]
    assert AnnualActivity.objects.get().interval_months == 3


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"recurrence": "every_n_months", "interval_months": 0}, "fra 1 til 24"),
        ({"recurrence": "yearly", "month": 13}, "fra 1 (januar) til 12"),
        ({"recurrence": "yearly"}, "hvilken måned"),
        ({"recurrence": "once"}, "Velg datoen"),
    ],
)
def test_a_nonsense_recurrence_comes_back_in_the_fragment_with_200(
    cast: Cast, data: dict[str, object], message: str
) -> None:
    draft = version_for(cast.team, cast.coordinator)
    url = reverse("careplans:annual-activity-add", args=[draft.pk])
    response = client_for(cast.coordinator).post(
        url, {"kind": "other", "title": "Tur", **data}, headers=HTMX
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not AnnualActivity.objects.exists()


def test_an_activity_is_changed_and_removed(cast: Cast) -> None:
    draft = version_for(cast.team, cast.coordinator)
    activity = AnnualActivity.objects.create(
        version=draft, kind="other", title="Tur", recurrence="yearly", month=5
    )
    client = client_for(cast.coordinator)
    edit = reverse("careplans:annual-activity-edit", args=[draft.pk, activity.pk])
    assert 'value="Tur"' in client.get(edit, headers=HTMX).content.decode()
    data = {"kind": "other", "title": "Fjelltur", "recurrence": "yearly", "month": 6}
    assert client.post(edit, data).status_code == 302
    activity.refresh_from_db()
    assert (activity.title, activity.month) == ("Fjelltur", 6)
    remove = reverse("careplans:annual-activity-remove", args=[draft.pk, activity.pk])
    response = client.post(remove, headers=HTMX)
    assert "arshjul-changed" in response["HX-Trigger"]
    assert not AnnualActivity.objects.exists()


def test_the_minimum_package_is_added_from_the_form(cast: Cast) -> None:
    draft = version_for(cast.team, cast.coordinator, period_start=dt.date(2027, 1, 1))
    url = reverse("careplans:annual-defaults", args=[draft.pk])
    client = client_for(cast.coordinator)
    assert "hvor mange faste legemidler" in client.get(url).content.decode().lower()
    response = client.post(url, {"medicines": "-1"}, headers=HTMX)
    assert "kan ikke være negativt" in response.content.decode()
    response = client.post(url, {"medicines": ""}, headers=HTMX)
    assert "arshjul-changed" in response["HX-Trigger"]
    assert AnnualActivity.objects.filter(version=draft).count() == 5


# --- Query budget of the sections -------------------------------------------------------------

# 1 session, 2 user, 3 team with patient and the viewer's standing, 4 the audit row (team_get);
# then "fase": 5 the phase changes with who made them. "faseplan": 5 the members with user and
# organisation, 6 the current phase, 7 the version shown, 8 its phase entries (their actors come
# from 5). Both inside the transaction of keyed plans.
SECTION_QUERIES = {"fase": 5 + KEYED_PLANS, "faseplan": 8 + KEYED_PLANS}


@pytest.mark.parametrize("key", SECTION_QUERIES)
@pytest.mark.parametrize("members", [3, 40])
def test_the_phase_sections_use_the_same_queries_for_3_and_40_members(
    members: int, key: str, django_assert_num_queries: object
) -> None:
    coordinator = StaffFactory.create()
    team = TeamFactory.create(created_by=coordinator)
    ConsentFactory(patient=team.patient, recorded_by=coordinator, scope=Consent.Scope.TEAM_SHARING)
    cecilie = MemberFactory(team=team, user=coordinator, role=Role.COORDINATOR)
    organisations = [OrganisationFactory() for _ in range(3)]
    for i in range(members - 1):
        MemberFactory(team=team, organisation=organisations[i % 3], role=Role.NURSE)
    version = version_for(team, coordinator, status=CarePlanVersion.Status.IN_FORCE)
    full_phase_plan(version, actor=cecilie)
    for n in range(members):
        PhaseChange.objects.create(
            team=team,
            phase=Phase.YELLOW if n % 2 else Phase.RED,
            reason=f"R{n}",
            changed_by=coordinator,
        )
    client = client_for(coordinator)
    with django_assert_num_queries(SECTION_QUERIES[key]):  # type: ignore[operator]
        response = client.get(reverse(f"workspace:team-{key}", args=[team.pk]), headers=HTMX)
    body = response.content.decode()
    if key == "fase":
        assert body.count("<tr><td>") == members
    else:
        assert body.count('<article class="lkt-phase"') == 3 and "Tegn i red" in body


def karis_arshjul_with_meetings(cast: Cast) -> tuple[CarePlanVersion, dict[str, dt.date]]:
    """The plan in force planned the oppstartsmøte 14 days into the period and the evaluation a
    week before its end; the team has set the real meetings on other days."""
    today = timezone.localdate()
    start, end = today - dt.timedelta(days=10), today + dt.timedelta(days=170)
    version = version_for(
        cast.team,
        cast.coordinator,
        status=CarePlanVersion.Status.IN_FORCE,
        period_start=start,
        period_end=end,
    )
    days = {
        "kickoff_planned": start + dt.timedelta(days=14),
        "kickoff_real": today + dt.timedelta(days=9),
        "evaluation_planned": end - dt.timedelta(days=7),
        "evaluation_real": end - dt.timedelta(days=12),
    }
    AnnualActivity.objects.create(
        version=version,
        kind=AnnualActivity.Kind.KICKOFF,
        title="Oppstartsmøte",
        recurrence="once",
        first_on=days["kickoff_planned"],
    )
    AnnualActivity.objects.create(
        version=version,
        kind=AnnualActivity.Kind.EVALUATION,
        title="Evalueringsmøte",
        recurrence="once",
        first_on=days["evaluation_planned"],
    )
    for kind, day, status in (
        (Meeting.Kind.STARTUP, days["kickoff_real"], Meeting.Status.PLANNED),
        (Meeting.Kind.EVALUATION, days["evaluation_real"], Meeting.Status.PROPOSED),
    ):
        Meeting.objects.create(
            team=cast.team,
            kind=kind,
            status=status,
            starts_at=dt.datetime.combine(day, dt.time(10), tzinfo=OSLO),
            created_by=cast.coordinator,
        )
    return version, days


def test_the_arshjul_shows_the_real_meetings_on_their_days(cast: Cast) -> None:
    version, days = karis_arshjul_with_meetings(cast)
    body = (
        client_for(cast.coordinator)
        .get(reverse("careplans:annual", args=[version.pk]))
        .content.decode()
    )
    rows = body[body.index('id="arshjul-list-heading"') :]
    kickoff = rows[rows.index("Oppstartsmøte") : rows.index("</tr>", rows.index("Oppstartsmøte"))]
    assert date_format(days["kickoff_real"], "j.n.Y") in kickoff
    assert "møtet er avtalt" in kickoff and "/moter/" in kickoff
    assert f"planlagt til {date_format(days['kickoff_planned'], 'j.n.Y')}" in kickoff
    strip = body.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert f"{days['kickoff_real'].day}. Oppstartsmøte (møtet er avtalt)" in strip
    assert f"{days['evaluation_real'].day}. Evalueringsmøte (møtet er avtalt)" in strip
    assert f"{days['kickoff_planned'].day}. Oppstartsmøte<" not in strip


def test_a_relative_reads_the_arshjul_without_the_teams_meetings(cast: Cast) -> None:
    version, days = karis_arshjul_with_meetings(cast)
    RelativeLink.objects.filter(relative=cast.relative).update(may_see_plan=True)
    body = (
        client_for(cast.relative)
        .get(reverse("careplans:annual", args=[version.pk]))
        .content.decode()
    )
    assert "møtet er avtalt" not in body
    assert "/moter/" not in body
    assert date_format(days["kickoff_planned"], "j.n.Y") in body
