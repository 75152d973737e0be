"""Issue 16, item 17: a message shows on the page the user is on, once. An htmx answer that is
swapped in carries the messages no template showed, out of band into the page's message area
(lkt.core.middleware.HtmxMessagesMiddleware); one that sends the browser on leaves them for the
page it goes to."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import Cast, client_for

HTMX = {"HX-Request": "true"}
OOB = '<div id="lkt-messages" class="lkt-messages" role="status" hx-swap-oob="innerHTML">'


def shown_on_the_next_page(client: Client) -> str:
    return client.get("/side/").content.decode()


@pytest.mark.urls("tests.lkt.core.htmx_messages_urls")
class TestTheMiddleware:
    def test_a_fragment_brings_its_message_out_of_band_and_it_is_gone_after(self, client):
        body = client.post("/fragment/", headers=HTMX).content.decode()
        assert body.startswith("<p>Skjemaet</p>")
        assert f'{OOB}<div class="ds-alert" data-color="success">Lagret.</div></div>' in body
        assert "Lagret." not in shown_on_the_next_page(client)

    def test_an_empty_answer_with_an_event_brings_it_too(self, client):
        response = client.post("/event/", headers=HTMX)
        assert "saved" in response["HX-Trigger"]
        assert "Lagret." in response.content.decode()
        assert "Lagret." not in shown_on_the_next_page(client)

    def test_a_message_the_fragment_showed_is_not_repeated_but_a_later_one_comes(self, client):
        body = client.post("/own/", headers=HTMX).content.decode()
        assert body.count("Lagret.") == 1 and "class='own'>Lagret." in body
        assert OOB in body and "Og en til." in body.split(OOB, 1)[1]
        assert "Lagret." not in shown_on_the_next_page(client)

    @pytest.mark.parametrize("url", ["/client-redirect/", "/json/", "/invalid/"])
    def test_an_answer_htmx_does_not_swap_leaves_the_message_for_the_next_page(self, client, url):
        assert "lkt-messages" not in client.post(url, headers=HTMX).content.decode()
        assert "Lagret." in shown_on_the_next_page(client)
        assert "Lagret." not in shown_on_the_next_page(client)  # once

    def test_a_plain_post_is_left_alone(self, client):
        assert "lkt-messages" not in client.post("/fragment/").content.decode()
        assert "Lagret." in shown_on_the_next_page(client)


@pytest.mark.django_db
def test_saved_meeting_wishes_do_not_greet_kari_again_on_her_next_page(cast: Cast):
    """The defect: the wishes saved with htmx said so in the form, and the same message waited
    in the session and showed again on whatever page she opened next."""
    client = client_for(cast.patient)
    url = reverse("coordination:portal-meetings", args=[cast.team.patient.pk])
    form = client.get(url).content.decode()
    assert 'hx-post="' + url in form
    answer = client.post(url, {"wishes": "Helst formiddag"}, headers=HTMX).content.decode()
    assert answer.count("Ønskene dine er lagret") == 1
    home = client.get(reverse("workspace:portal-home")).content.decode()
    assert "Ønskene dine er lagret" not in home


@pytest.mark.django_db
def test_an_annual_activity_marked_done_with_htmx_says_so_on_the_same_page(cast: Cast):
    from tests.lkt.workspace.portal.helpers import karis_plan_in_force

    version = karis_plan_in_force(cast)
    activity = version.annual_activities.get(kind="evaluation")
    client = client_for(cast.coordinator)
    answer = client.post(
        reverse("careplans:annual-activity-done", args=[version.pk, activity.pk]), headers=HTMX
    )
    body = answer.content.decode()
    assert OOB in body and "er merket som utført" in body
    team = client.get(reverse("workspace:team-detail", args=[cast.team.pk])).content.decode()
    assert "er merket som utført" not in team
