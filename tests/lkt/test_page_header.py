"""Every page's header (templates/jinja2/lkt/page_header.html, rendered by base.html): the menu
for who is logged in, the unread count, the language switch, and the 400 page, which Django
renders without a request."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import bad_request

from tests.conftest import Cast, client_for

pytestmark = pytest.mark.django_db

STAFF = ("Mine aktørfellesskap", "Finn pasient", "Ny pasient", "Meld behov")
LEADER = ("Ufullstendige team", "Planer til godkjenning", "Inviter ansatte", "Indikatorer")
NIGHT = ("Kriseplan: finn pasient", "Registrer kontakt")
UNIT = ("Meldinger om behov", "Meldinger fra team")


def menu(client) -> str:
    body = client.get(reverse("coordination:notification-list")).content.decode()
    return body[body.index('<ul class="lkt-nav">') : body.index("</nav>")]


def test_staff_see_their_menu_and_log_out_by_name(cast: Cast) -> None:
    shown = menu(client_for(cast.coordinator))
    assert all(item in shown for item in STAFF)
    assert not any(item in shown for item in LEADER + NIGHT + UNIT + ("Min side",))
    assert "Logg ut Cecilie" in shown and 'name="csrfmiddlewaretoken"' in shown
    assert f'hx-get="{reverse("coordination:notification-badge")}?n=' in shown


def test_a_leader_sees_the_leaders_items_too(cast: Cast) -> None:
    shown = menu(client_for(cast.leader))
    assert all(item in shown for item in STAFF + LEADER)


def test_the_night_service_sees_only_the_crisis_lookup_and_no_unread_count(cast: Cast) -> None:
    client = client_for(cast.night)
    session = client.session
    session["night_service"] = True
    session.save()
    shown = menu(client)
    assert all(item in shown for item in NIGHT)
    assert not any(item in shown for item in STAFF + UNIT)
    assert "lkt-unread" not in shown


def test_staff_at_a_coordinating_unit_see_its_worklists(cast: Cast) -> None:
    client = client_for(cast.member)
    session = client.session
    session["coordinating_unit"] = True
    session.save()
    assert all(item in menu(client) for item in STAFF + UNIT)


@pytest.mark.parametrize(("role", "item"), [("patient", "Min side"), ("relative", "Som pårørende")])
def test_patients_and_relatives_see_their_own_page(cast: Cast, role: str, item: str) -> None:
    shown = menu(client_for(cast.user(role)))
    assert item in shown and "Meld behov" in shown
    assert not any(other in shown for other in STAFF[:3])


def test_english_is_one_switch_away_and_the_menu_follows(cast: Cast) -> None:
    client = client_for(cast.coordinator)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("coordination:notification-list")).content.decode()
    shown = body[body.index('<ul class="lkt-nav">') : body.index("</nav>")]
    assert "My care teams" in shown and "Log out Cecilie" in shown
    assert "Mine aktørfellesskap" not in shown
    assert 'value="nb" lang="nb">Norsk</button>' in body


def test_the_400_page_renders_without_a_request_and_without_a_menu() -> None:
    response = bad_request(RequestFactory().get("/"), Exception("bad"))
    body = response.content.decode()
    assert response.status_code == 400
    assert 'class="lkt-lang"' in body and "lkt-nav" not in body
