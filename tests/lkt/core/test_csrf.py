"""One masked CSRF token per response (lkt.core.csrf): every form of a response carries the
same token, each response a new mask of the one secret, and the token is still the key a
forged post lacks."""

from __future__ import annotations

import re

from django.middleware import csrf as django_csrf
from django.middleware.csrf import rotate_token
from django.template import engines
from django.test import RequestFactory
from django.urls import reverse

from actors.selectors import team_get
from lkt.core import csrf
from lkt.workspace.team_page import batch_urls
from tests.conftest import client_for


def _unmask(token: str) -> str:
    """The secret a masked token carries (Django's own, untyped in its stubs)."""
    return str(django_csrf._unmask_cipher_token(token))  # type: ignore[attr-defined]


TOKENS = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


def _tokens(html: str) -> list[str]:
    return [a or b for a, b in TOKENS.findall(html)]


def test_every_form_of_a_response_carries_one_token_and_the_next_response_another_mask(cast):
    client = client_for(cast.coordinator)
    client.handler.enforce_csrf_checks = True
    page_url = reverse("workspace:team-detail", args=[cast.team.pk])
    (batch,) = batch_urls(team_get(cast.coordinator, cast.team.pk), page_url)
    # A batch renders each of its sections on its own; the page renders its frame and header
    # (Jinja2) and the body's htmx header besides.
    for url, headers in ((batch, {"HX-Request": "true"}), (page_url, {})):
        first = _tokens(client.get(url, headers=headers).content.decode())
        second = _tokens(client.get(url, headers=headers).content.decode())
        assert len(first) > 2 and len(set(first)) == 1, url
        assert set(first) != set(second)
        secret = client.cookies["csrftoken"].value
        assert _unmask(first[0]) == _unmask(second[0]) == secret
    add = reverse("actors:member-add", args=[cast.team.pk])
    member = {"role": "annen", "external_name": "Nabo Nils", "involvement": "core"}
    assert client.post(add, member | {"closeness": "weekly"}).status_code == 403
    posted = client.post(add, member | {"closeness": "weekly", "csrfmiddlewaretoken": first[0]})
    assert posted.status_code == 302


def test_the_token_follows_a_new_secret_and_is_made_only_when_asked_for():
    request = RequestFactory().get("/")
    engines["jinja2"].from_string("<p>Ingen skjema</p>").render({}, request)
    assert "CSRF_COOKIE" not in request.META  # no form, no cookie
    made = csrf.token(request)
    assert csrf.token(request) == made
    assert _unmask(made) == request.META["CSRF_COOKIE"]
    rotate_token(request)  # at login
    renewed = csrf.token(request)
    assert renewed != made
    assert _unmask(renewed) == request.META["CSRF_COOKIE"]
    shown = engines["jinja2"].from_string("{{ csrf_input }} {{ csrf_token }}").render({}, request)
    assert _tokens(shown) == [renewed] and shown.endswith(renewed)
