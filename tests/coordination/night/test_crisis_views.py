"""The crisis pages through HTTP: lookup by fødselsnummer, reason or break-glass, the card
(phone-first, printable, nothing else of the plan), the team page link, the patient's log."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from actors.access import CRISIS_CARD
from actors.models import Team
from actors.services import consent_withdraw
from careplans.models import Phase, PhasePlanEntry
from coordination.night.crisis_services import (
    card_token,
    card_token_grant,
    crisis_card_open,
    crisis_step_get,
)
from lkt.models import AccessLog
from tests.conftest import Cast, client_for
from tests.coordination.crisis_helpers import (
    GOAL_TEXT,
    GOOD_DAY_TEXT,
    GREEN_SIGNS,
    MINUTES_TEXT,
    OUTSIDE_MEMBER,
    RED_ACTIONS,
    RED_SIGNS,
    WISHES,
    YELLOW_SIGNS,
    card_url,
    consent_to_crisis_sharing,
    crisis_plan,
    lookup_url,
)
from tests.factories import PatientFactory, StaffFactory, TeamFactory

pytestmark = pytest.mark.django_db

LOOKUP = reverse("coordination:crisis-lookup")
NO_PLAN = "Ingen kriseplan i LKT for dette fødselsnummeret"


def test_a_night_user_lands_on_the_lookup_and_sees_only_it_in_the_menu(cast: Cast):
    client = client_for(cast.night)
    response = client.get(reverse("home"))
    assert response["Location"] == LOOKUP
    page = client.get(LOOKUP).content.decode()
    assert "autofocus" in page and 'inputmode="numeric"' in page
    assert reverse("workspace:team-list") not in page
    assert reverse("actors:patient-register") not in page
    assert LOOKUP in page


def test_other_staff_keep_their_menu_and_may_not_look_up(cast: Cast):
    client = client_for(cast.member)
    assert (
        reverse("workspace:team-list")
        in client.get(reverse("workspace:team-list")).content.decode()
    )
    assert client.get(LOOKUP).status_code == 403


def test_the_lookup_sends_the_night_user_on_to_the_reason_step(cast: Cast):
    response = client_for(cast.night).post(LOOKUP, {"national_id": cast.team.patient.national_id})
    assert response.status_code == 302
    assert response["Location"].startswith("/")
    assert "krise/" in response["Location"]


def test_the_lookup_says_the_same_for_an_unknown_number_and_a_patient_without_team(cast: Cast):
    client = client_for(cast.night)
    without_team = PatientFactory()
    pages = []
    for national_id in [without_team.national_id, "01010112345"]:
        response = client.post(LOOKUP, {"national_id": national_id})
        if response.status_code == 200 and "ikke et gyldig" in response.content.decode():
            continue  # an invalid checksum is refused before the lookup
        assert response.status_code == 200
        pages.append(response.content.decode())
    assert pages
    assert all(NO_PLAN in page for page in pages)
    assert str(without_team.name) not in pages[0]


def test_an_invalid_number_comes_back_with_its_message(cast: Cast):
    response = client_for(cast.night).post(LOOKUP, {"national_id": "1234"})
    assert response.status_code == 200
    assert "11 siffer" in response.content.decode()
    assert 'value="1234"' in response.content.decode()


def test_with_consent_a_reason_opens_the_card_and_is_logged(cast: Cast):
    crisis_plan(cast)
    consent_to_crisis_sharing(cast)
    client = client_for(cast.night)
    step = client.get(lookup_url(cast)).content.decode()
    assert "har samtykket" in step and "§ 7" not in step

    empty = client.post(lookup_url(cast), {"reason": ""})
    assert empty.status_code == 200
    assert "Skriv hvorfor" in empty.content.decode()

    response = client.post(lookup_url(cast), {"reason": "Pasienten på legevakt nå"})
    assert response.status_code == 302
    card = client.get(response["Location"])
    assert card.status_code == 200
    assert RED_ACTIONS in card.content.decode()
    [row] = AccessLog.objects.filter(object_type=CRISIS_CARD)
    assert (row.action, row.reason) == (AccessLog.Action.VIEW, "Pasienten på legevakt nå")
    # A reload (or print) within the quarter hour needs no new reason and writes no new row.
    assert client.get(response["Location"]).status_code == 200
    assert AccessLog.objects.filter(object_type=CRISIS_CARD).count() == 1


def test_without_consent_the_page_offers_only_break_glass_under_paragraph_7(cast: Cast):
    crisis_plan(cast)
    client = client_for(cast.night)
    page = client.get(lookup_url(cast)).content.decode()
    assert "ikke samtykket" in page and "helsepersonelloven § 7" in page
    assert 'name="emergency"' in page

    unconfirmed = client.post(lookup_url(cast), {"reason": "Akutt suicidal"})
    assert unconfirmed.status_code == 200
    assert "Akutt suicidal" in unconfirmed.content.decode()
    assert not AccessLog.objects.filter(object_type=CRISIS_CARD).exists()

    response = client.post(lookup_url(cast), {"reason": "Akutt suicidal", "emergency": "on"})
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    [row] = AccessLog.objects.filter(object_type=CRISIS_CARD)
    assert row.action == AccessLog.Action.BREAK_GLASS
    assert (row.user, row.patient, row.reason) == (cast.night, cast.team.patient, "Akutt suicidal")


def test_the_card_shows_red_and_yellow_whom_to_call_and_the_wishes_and_nothing_else(cast: Cast):
    crisis_plan(cast)
    page = client_for(cast.night).get(card_url(cast)).content.decode()
    for text in [cast.team.patient.name, RED_SIGNS, RED_ACTIONS, YELLOW_SIGNS, WISHES]:
        assert text in page
    # The numbers typed in the plan's text are tap-to-call, as typed.
    assert (
        'AMK <a class="ds-link" href="tel:113">113</a>, Tor (primærkontakt) '
        '<a class="ds-link" href="tel:+4798765432">987 65 432</a>'
    ) in page
    assert 'href="tel:+4798765432"' in page  # Tor, the night contact: called first
    assert 'href="tel:+4791234567"' in page  # Cecilie, for the morning
    assert "Hva pasienten har bedt om i en krise" in page
    assert page.index(RED_SIGNS) < page.index(YELLOW_SIGNS)
    for absent in [GOOD_DAY_TEXT, GOAL_TEXT, MINUTES_TEXT, GREEN_SIGNS, OUTSIDE_MEMBER]:
        assert absent not in page, absent
    assert "Min gode dag" not in page


def test_the_card_is_made_for_a_phone_and_for_paper_without_script(cast: Cast):
    crisis_plan(cast)
    page = client_for(cast.night).get(card_url(cast)).content.decode()
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in page
    assert "css/lkt.css" in page
    assert "<script" not in page and "hx-" not in page
    assert 'lang="' in page and "<h1" in page
    from django.contrib.staticfiles import finders

    css = open(finders.find("css/lkt.css"), encoding="utf-8").read()  # noqa: SIM115
    print_section = css[css.index("--- issue 7: crisis card ---") :]
    assert "@media print" in print_section and ".lkt-crisis-card__nav" in print_section


def test_the_card_speaks_the_users_language_and_escapes_what_the_team_wrote(cast: Cast):
    crisis_plan(cast)
    entry = PhasePlanEntry.objects.get(phase=Phase.RED)
    entry.patient_wishes = "Ring <b>Lise</b> & ikke politi"
    entry.save(update_fields=["patient_wishes"])
    client = client_for(cast.night)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(card_url(cast)).content.decode()
    assert '<html lang="en"' in page
    assert "What the patient has asked for in a crisis" in page
    assert f"Crisis plan for {cast.team.patient.name}" in page
    assert "Ring &lt;b&gt;Lise&lt;/b&gt; &amp; ikke politi" in page
    assert "<b>Lise</b>" not in page


def test_the_card_link_is_someone_elses_to_everyone_but_its_user(cast: Cast):
    crisis_plan(cast)
    assert client_for(cast.outsider).get(card_url(cast)).status_code == 404
    assert client_for(cast.member).get(card_url(cast)).status_code == 404
    assert client_for(cast.outsider).get(lookup_url(cast)).status_code == 404


def test_team_staff_open_the_card_from_the_phase_plan_section(cast: Cast):
    crisis_plan(cast)
    url = reverse("coordination:crisis-card-team", args=[cast.team.pk])
    section = client_for(cast.member).get(
        reverse("workspace:team-faseplan", args=[cast.team.pk]), headers={"HX-Request": "true"}
    )
    assert url in section.content.decode()
    assert "Kriseplan (kort)" in section.content.decode()
    response = client_for(cast.member).get(url)
    assert response.status_code == 200
    assert RED_ACTIONS in response.content.decode()
    assert client_for(cast.night).get(url).status_code == 404
    assert client_for(cast.patient).get(url).status_code == 404


def test_kari_sees_the_break_glass_clearly_in_her_access_log(cast: Cast):
    crisis_plan(cast)
    client = client_for(cast.night)
    client.post(lookup_url(cast), {"reason": "Funnet forvirret på gata", "emergency": "on"})
    page = client_for(cast.patient).get(
        reverse("workspace:portal-access-log", args=[cast.team.patient.pk])
    )
    text = page.content.decode()
    assert "Nødtilgang (helsepersonelloven § 7)" in text
    assert "Funnet forvirret på gata" in text
    assert "Legevakten i Fjordvik" in text
    assert "kriseplanen din" in text


def _crisis_actions(cast: Cast) -> list[str]:
    rows = AccessLog.objects.filter(patient=cast.team.patient, object_type=CRISIS_CARD)
    return list(rows.order_by("at", "pk").values_list("action", flat=True))


def test_a_card_opened_with_consent_asks_for_break_glass_once_the_consent_is_withdrawn(
    cast: Cast,
):
    crisis_plan(cast)
    consent = consent_to_crisis_sharing(cast)
    client = client_for(cast.night)
    card = client.post(lookup_url(cast), {"reason": "Pasienten på legevakt nå"})["Location"]
    assert RED_ACTIONS in client.get(card).content.decode()

    consent_withdraw(actor=cast.coordinator, consent=consent)

    # The same link, well within its quarter hour: the withdrawal counts at once.
    refused = client.get(card)
    assert refused.status_code == 302
    assert RED_ACTIONS not in refused.content.decode()
    step = client.get(refused["Location"]).content.decode()
    assert "ikke samtykket" in step and "helsepersonelloven § 7" in step
    assert RED_ACTIONS not in step
    assert _crisis_actions(cast) == [AccessLog.Action.VIEW]

    opened = client.post(refused["Location"], {"reason": "Akutt forverring", "emergency": "on"})
    assert RED_ACTIONS in client.get(opened["Location"]).content.decode()
    assert _crisis_actions(cast) == [AccessLog.Action.VIEW, AccessLog.Action.BREAK_GLASS]
    # The old link still asks: it names the consented opening, which no longer holds.
    assert client.get(card).status_code == 302


def test_a_break_glass_card_stays_open_under_its_link_whatever_the_consent(cast: Cast):
    crisis_plan(cast)
    client = client_for(cast.night)
    opened = client.post(lookup_url(cast), {"reason": "Akutt suicidal", "emergency": "on"})
    consent_withdraw(actor=cast.coordinator, consent=consent_to_crisis_sharing(cast))
    assert RED_ACTIONS in client.get(opened["Location"]).content.decode()
    assert _crisis_actions(cast) == [AccessLog.Action.BREAK_GLASS]


def test_the_card_link_stops_at_once_when_the_team_is_closed(cast: Cast):
    crisis_plan(cast)
    consent_to_crisis_sharing(cast)
    url = card_url(cast)
    Team.objects.filter(pk=cast.team.pk).update(
        status=Team.Status.CLOSED, closed_on=timezone.localdate()
    )
    assert client_for(cast.night).get(url).status_code == 404


def test_the_card_link_stops_at_once_when_the_night_user_leaves_the_legevakt(cast: Cast):
    crisis_plan(cast)
    consent_to_crisis_sharing(cast)
    url = card_url(cast)
    client = client_for(cast.night)
    assert client.get(url).status_code == 200
    cast.night.organisation = cast.kommune
    cast.night.save(update_fields=["organisation"])
    assert client.get(url).status_code == 404


def test_a_card_link_names_an_opening_of_its_own_user_only(cast: Cast):
    crisis_plan(cast)
    consent_to_crisis_sharing(cast)
    other_night = StaffFactory(organisation=cast.night.organisation)
    step = crisis_step_get(other_night, patient_pk=cast.team.patient.pk)
    theirs = crisis_card_open(actor=other_night, step=step, reason="Her nå", emergency=False)
    grant = card_token_grant(other_night, theirs)
    # A link signed for Nils naming someone else's opening opens nothing.
    forged = reverse("coordination:crisis-card", args=[card_token(cast.night, grant)])
    assert client_for(cast.night).get(forged).status_code == 404


def test_the_lookup_refuses_a_national_id_in_full_width_digits(cast: Cast):
    """Before issue 13 the lookup read full-width digits as a fødselsnummer, so a duplicate
    registered with them opened its own card instead of Kari's."""
    kari = cast.team.patient
    full_width = kari.national_id.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    duplicate = PatientFactory(name="Kari Nordvik", national_id=full_width)
    TeamFactory(patient=duplicate, created_by=cast.coordinator)
    response = client_for(cast.night).post(LOOKUP, {"national_id": full_width})
    assert response.status_code == 200
    assert "Fødselsnummeret må ha 11 siffer." in response.content.decode()
