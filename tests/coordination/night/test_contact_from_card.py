"""A night contact registered from the crisis card (issue 16, item 9): the legevakt user's menu
links the contact form; the card offers "Registrer kontakt for denne pasienten", which opens the
form with the card's patient named, no fødselsnummer typed again; afterwards a clear message and
the way back to the card.

Nils (``cast.night``) opens Kari's card under his own link. The form names Kari only while that
card could be shown to him: Hanne, a nurse at the same legevakt, Tor in Kari's team, a link that
has expired, one that was forged, or a card opened by a consent that has since been withdrawn
all get the plain form and the same words, so nobody learns whether Kari is in LKT.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlencode

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from actors.models import Consent
from actors.services import consent_withdraw
from coordination.models import NightContact
from coordination.night.crisis_services import TOKEN_MAX_AGE
from tests import clock
from tests.conftest import Cast, client_for
from tests.coordination.crisis_helpers import card_token, consent_to_crisis_sharing, crisis_plan
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

RECORD = reverse("coordination:night-contact-create")
LOOKUP = reverse("coordination:crisis-lookup")
OFFER = "Registrer kontakt for denne pasienten"
REFUSED = "Lenken fra kriseplanen gjelder ikke lenger"
NATIONAL_ID_INPUT = 'name="national_id"'


def from_card(token: str) -> str:
    return RECORD + "?" + urlencode({"kort": token})


def contact_post(**overrides: str) -> dict[str, str]:
    at = timezone.localtime() - dt.timedelta(minutes=40)
    return {
        "service": "legevakt",
        "occurred_at": at.strftime("%Y-%m-%d %H:%M"),
        "reason": "Uro og angst",
        "outcome": "sent_home",
    } | overrides


def hanne(cast: Cast):
    """A nurse at the same legevakt as Nils: she may open any card herself, but not his link."""
    assert cast.night.organisation is not None
    return StaffFactory(username="hanne", first_name="Hanne", organisation=cast.night.organisation)


def _without_csrf(body: str) -> str:
    return re.sub(r'(name="csrfmiddlewaretoken" value=|"X-CSRFToken": )"[^"]+"', "", body)


# ---------------------------------------------------------------------------------------------
# The menu and the card


def test_the_night_users_menu_links_the_contact_form(cast: Cast):
    client = client_for(cast.night)
    lookup = client.get(reverse("home"), follow=True).content.decode()
    assert f'href="{RECORD}"' in lookup
    assert f'href="{LOOKUP}"' in lookup
    form = client.get(RECORD).content.decode()
    assert f'href="{RECORD}"' in form and f'href="{LOOKUP}"' in form
    assert reverse("workspace:team-list") not in form, "still no team menu for the legevakt"


def test_the_menu_is_there_from_the_first_page_after_login(cast: Cast):
    client = client_for(cast.night)  # force_login sends user_logged_in, as every login does
    page = client.get(RECORD).content.decode()
    assert "Kriseplan: finn pasient" in page and "Registrer kontakt</a>" in page


def test_other_staff_keep_their_menu_without_the_night_entries(cast: Cast):
    page = client_for(cast.member).get(reverse("workspace:team-list")).content.decode()
    assert f'href="{LOOKUP}"' not in page
    assert "Registrer kontakt</a></li>" not in page


def test_the_card_offers_to_register_a_contact_for_this_patient(cast: Cast):
    crisis_plan(cast)
    token = card_token(cast)
    page = client_for(cast.night).get(reverse("coordination:crisis-card", args=[token]))
    body = page.content.decode()
    assert OFFER in body
    assert f'href="{from_card(token)}"' in body.replace("&amp;", "&")


def test_the_teams_own_card_offers_no_link_under_a_night_token(cast: Cast):
    crisis_plan(cast)
    page = client_for(cast.member).get(
        reverse("coordination:crisis-card-team", args=[cast.team.pk])
    )
    assert OFFER not in page.content.decode()


# ---------------------------------------------------------------------------------------------
# The form with the patient filled in


def test_from_the_card_the_form_names_the_patient_and_asks_no_national_id(cast: Cast):
    crisis_plan(cast)
    token = card_token(cast)
    body = client_for(cast.night).get(from_card(token)).content.decode()
    kari = cast.team.patient
    assert kari.name in body
    assert f"født {kari.birth_date.day}.{kari.birth_date.month}.{kari.birth_date.year}" in body
    assert NATIONAL_ID_INPUT not in body
    assert kari.national_id not in body, "the number is neither shown nor sent back"
    assert reverse("coordination:crisis-card", args=[token]) in body
    assert "Tilbake til kriseplanen" in body
    assert REFUSED not in body


def test_a_contact_registered_from_the_card_is_for_its_patient_with_a_way_back(cast: Cast):
    crisis_plan(cast)
    token = card_token(cast)
    client = client_for(cast.night)

    response = client.post(from_card(token), contact_post())

    assert response.status_code == 302
    assert response["Location"] == from_card(token)
    contact = NightContact.objects.get()
    assert contact.patient == cast.team.patient
    assert contact.recorded_by == cast.night
    page = client.get(response["Location"]).content.decode()
    assert "Kontakten er registrert (Legevakt" in page
    assert "morgenoppsummeringen" in page
    assert f'href="{reverse("coordination:crisis-card", args=[token])}"' in page


def test_from_the_card_htmx_answers_a_fresh_prefilled_form_with_the_way_back(cast: Cast):
    crisis_plan(cast)
    token = card_token(cast)
    response = client_for(cast.night).post(
        from_card(token), contact_post(), headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert "Kontakten er registrert" in body
    assert "Tilbake til kriseplanen" in body
    assert cast.team.patient.name in body and NATIONAL_ID_INPUT not in body
    assert f'hx-post="{from_card(token)}"' in body.replace("&amp;", "&")
    assert NightContact.objects.filter(patient=cast.team.patient).count() == 1


def test_invalid_input_from_the_card_comes_back_with_messages_and_the_patient(cast: Cast):
    crisis_plan(cast)
    token = card_token(cast)
    response = client_for(cast.night).post(from_card(token), contact_post(reason=""))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Skriv en kort årsak" in body
    assert cast.team.patient.name in body
    assert not NightContact.objects.exists()


def test_a_card_opened_with_consent_prefills_until_the_consent_is_withdrawn(cast: Cast):
    crisis_plan(cast)
    consent = consent_to_crisis_sharing(cast)
    token = card_token(cast)
    client = client_for(cast.night)
    assert cast.team.patient.name in client.get(from_card(token)).content.decode()

    consent_withdraw(actor=cast.coordinator, consent=Consent.objects.get(pk=consent.pk))

    body = client.get(from_card(token)).content.decode()
    assert cast.team.patient.name not in body
    assert REFUSED in body and NATIONAL_ID_INPUT in body
    response = client.post(from_card(token), contact_post())
    assert response.status_code == 200
    assert "Skriv pasientens fødselsnummer" in response.content.decode()
    assert not NightContact.objects.exists()


# ---------------------------------------------------------------------------------------------
# No prefill and no leak for anyone else


def test_someone_elses_card_link_fills_in_nothing_and_says_what_a_forged_one_says(cast: Cast):
    crisis_plan(cast)
    token = card_token(cast)
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    kari = cast.team.patient
    for user in (hanne(cast), cast.member):
        client = client_for(user)
        # The language switch sends each page back to its own address: leave that out.
        pages = [
            client.get(from_card(t)).content.decode().replace(from_card(t), "LINK")
            for t in (token, forged)
        ]
        for body in pages:
            assert kari.name not in body and kari.national_id not in body
            assert str(kari.birth_date.year) not in body
            assert REFUSED in body and NATIONAL_ID_INPUT in body
            assert "Tilbake til kriseplanen" not in body
        assert _without_csrf(pages[0]) == _without_csrf(pages[1]), "nothing tells them apart"


def test_someone_elses_card_link_records_nothing_for_the_patient(cast: Cast):
    crisis_plan(cast)
    token = card_token(cast)
    response = client_for(hanne(cast)).post(from_card(token), contact_post())
    body = response.content.decode()
    assert response.status_code == 200
    assert "Skriv pasientens fødselsnummer" in body
    assert cast.team.patient.name not in body
    assert not NightContact.objects.exists()


def test_staff_outside_any_team_may_not_open_the_form_with_or_without_a_link(cast: Cast):
    crisis_plan(cast)
    token = card_token(cast)
    client = client_for(cast.outsider)
    assert client.get(from_card(token)).status_code == 403
    assert client.get(RECORD).status_code == 403


def test_an_expired_card_link_asks_for_the_number_and_keeps_what_was_typed(cast: Cast):
    crisis_plan(cast)
    token = card_token(cast)
    client = client_for(cast.night)
    later = timezone.now() + dt.timedelta(seconds=TOKEN_MAX_AGE + 60)
    with time_machine.travel(later, tick=False):
        response = client.post(from_card(token), contact_post(reason="Falt på isen"))
    body = response.content.decode()
    assert response.status_code == 200
    assert REFUSED in body
    assert "Falt på isen" in body
    assert cast.team.patient.name not in body
    assert not NightContact.objects.exists()


@pytest.mark.parametrize("junk", ["", "x" * 20_000, "١٢٣", "-1", "abc:def:ghi", "e30:1:2"])
def test_a_broken_card_link_answers_200_with_the_plain_form(cast: Cast, junk: str):
    response = client_for(cast.night).get(from_card(junk))
    assert response.status_code == 200
    assert NATIONAL_ID_INPUT in response.content.decode()


def test_a_card_link_with_nul_is_refused_as_bad_input(cast: Cast):
    assert client_for(cast.night).get(from_card("ab\x00cd")).status_code == 400


@pytest.mark.parametrize(
    ("now", "occurred", "says"),
    [
        # 10:00, about 23:10 last night: that morning's digest went at 07:30.
        ((0, 10, 0), (-1, 23, 10), "får et eget varsel om den nå"),
        # 03:00, about 02:10: the 07:30 digest will take it.
        ((0, 3, 0), (0, 2, 10), "får den i morgenoppsummeringen"),
    ],
    ids=["after-the-digest", "before-the-digest"],
)
def test_the_message_says_when_the_coordinator_hears_of_it(
    cast: Cast, now: tuple[int, int, int], occurred: tuple[int, int, int], says: str
):
    def at(day: int, hour: int, minute: int) -> dt.datetime:
        return clock.oslo(clock.days(day), hour, minute)

    with time_machine.travel(at(*now), tick=False):
        crisis_plan(cast)
        token = card_token(cast)
        response = client_for(cast.night).post(
            from_card(token),
            contact_post(occurred_at=at(*occurred).strftime("%Y-%m-%d %H:%M")),
            follow=True,
        )
    assert says in response.content.decode()
    assert NightContact.objects.count() == 1
