"""The team page's sections kept for their viewer while the team is unchanged
(lkt.workspace.section_cache): a repeat costs the access read and the audit row, a change shows
at once, and no viewer is served another's HTML or token."""

from __future__ import annotations

import re
from typing import Any

import pytest
import time_machine
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from actors.selectors import team_get
from lkt.core import csrf
from lkt.workspace import section_cache
from lkt.workspace.team_page import SECTIONS_BY_KEY, render_sections
from tests.conftest import KEYED_PLANS_UNUSED, client_for
from tests.factories import TaskFactory

pytestmark = pytest.mark.django_db


HTMX = {"HX-Request": "true"}


def _partial(client: Client, cast, key: str) -> str:
    response = client.get(reverse(f"workspace:team-{key}", args=[cast.team.pk]), headers=HTMX)
    assert response.status_code == 200
    return response.content.decode()


# A repeat: 1 session, 2 user, 3 the access read, 4 the audit row, and the section's keyed block
# with nothing to read (no transaction of its own in production).
REPEAT_QUERIES = 4 + KEYED_PLANS_UNUSED


def _no_setting(queries: CaptureQueriesContext) -> bool:
    return not any("plan_cache_mode" in q["sql"] for q in queries.captured_queries)


def test_a_repeat_costs_the_access_read_and_the_audit_row_alone(cast, django_assert_num_queries):
    client = client_for(cast.coordinator)
    first = _partial(client, cast, "tiltak")
    with django_assert_num_queries(REPEAT_QUERIES) as queries:
        again = _partial(client, cast, "tiltak")
    assert again == first
    assert _no_setting(queries)


def test_a_change_shows_on_the_next_request(cast):
    client = client_for(cast.coordinator)
    assert "Ringe Kari hver fredag" not in _partial(client, cast, "tiltak")
    TaskFactory(team=cast.team, title="Ringe Kari hver fredag")
    assert "Ringe Kari hver fredag" in _partial(client, cast, "tiltak")


def test_each_repeat_is_audited_and_access_decided_again(cast):
    client = client_for(cast.coordinator)
    _partial(client, cast, "tiltak")
    with CaptureQueriesContext(connection) as queries:
        _partial(client, cast, "tiltak")
    assert sum(q["sql"].startswith('INSERT INTO "lkt_accesslog"') for q in queries) == 1
    cast.team.members.filter(user=cast.coordinator).update(left_on=timezone.localdate())
    response = client.get(reverse("workspace:team-tiltak", args=[cast.team.pk]), headers=HTMX)
    assert response.status_code in (403, 404)


def test_another_session_of_the_same_viewer_gets_a_token_of_its_own_that_works(cast):
    """The kept HTML carries no token: each response puts in its own, valid for its session."""
    first = Client(enforce_csrf_checks=True)
    first.force_login(cast.coordinator)
    second = Client(enforce_csrf_checks=True)
    second.force_login(cast.coordinator)
    html = {}
    for name, client in (("first", first), ("second", second)):
        html[name] = _partial(client, cast, "samtykker")
    tokens = {
        name: re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        for name, page in html.items()
    }
    assert tokens["first"] and tokens["second"]
    assert csrf.PLACEHOLDER not in html["second"]
    # The second session's token is accepted for its own cookie: it posts past the CSRF check.
    consent = cast.team.patient.consents.first()
    url = reverse("actors:consent-withdraw", args=[cast.team.pk, consent.pk])
    response = second.post(url, {"csrfmiddlewaretoken": tokens["second"][0]})
    assert response.status_code != 403


def _render_counter():
    calls = []

    def render() -> str:
        calls.append(1)
        return f"<p>{len(calls)}</p>"

    return calls, render


def test_the_key_is_the_section_the_team_revision_the_viewer_and_the_language(cast):
    request = RequestFactory().get("/")
    request.user = cast.coordinator
    calls, render = _render_counter()
    page = team_get(cast.coordinator, cast.team.pk)
    section_cache.kept(request, page, "tiltak", render)
    section_cache.kept(request, page, "tiltak", render)
    assert len(calls) == 1
    section_cache.kept(request, page, "moter", render)
    assert len(calls) == 2
    section_cache.kept(request, team_get(cast.member, cast.team.pk), "tiltak", render)
    assert len(calls) == 3
    with translation.override("en"):
        section_cache.kept(request, page, "tiltak", render)
    assert len(calls) == 4
    TaskFactory(team=cast.team, title="Ringe")
    section_cache.kept(request, team_get(cast.coordinator, cast.team.pk), "tiltak", render)
    assert len(calls) == 5


def test_an_entry_lasts_a_minute_so_the_clock_alone_changes_it_soon(cast):
    request = RequestFactory().get("/")
    request.user = cast.coordinator
    calls, render = _render_counter()
    page = team_get(cast.coordinator, cast.team.pk)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        section_cache.kept(request, page, "moter", render)
        clock.shift(section_cache.FRESH_FOR - 1)
        section_cache.kept(request, page, "moter", render)
        assert len(calls) == 1
        clock.shift(2)
        section_cache.kept(request, page, "moter", render)
    assert len(calls) == 2


def _without_token(html: str) -> str:
    """The response's HTML with its masked CSRF tokens (64 letters and digits, new each time)."""
    return re.sub(r"\b[A-Za-z0-9]{64}\b", "TOKEN", html)


def _request_with(cast, *texts: str) -> Any:
    request: Any = RequestFactory().get("/")  # with what the middleware adds
    request.user = cast.coordinator
    request.htmx = True
    request._messages = CookieStorage(request)
    for text in texts:
        messages.success(request, text)
    return request


def test_a_section_that_shows_a_message_is_rendered_afresh_and_not_kept(cast):
    """The message after a change belongs to that response alone."""
    page = team_get(cast.coordinator, cast.team.pk)
    fase = SECTIONS_BY_KEY["fase"]
    assert "Fasen er lagret" in fase.render(_request_with(cast, "Fasen er lagret"), page)
    assert "Fasen er lagret" not in fase.render(_request_with(cast), page)


def test_the_page_is_kept_whole_and_rendered_afresh_for_a_message(cast):
    """A form posted without JavaScript lands on the page with its message in an eager
    section: that response renders the page afresh, the next is kept again."""
    page = team_get(cast.coordinator, cast.team.pk)
    url = reverse("workspace:team-detail", args=[cast.team.pk])
    kept = render_sections(_request_with(cast), page, url)
    with_message = render_sections(_request_with(cast, "Fasen er lagret"), page, url)
    assert "Fasen er lagret" in with_message
    assert render_sections(_request_with(cast), page, url) == kept
    assert "Fasen er lagret" not in kept


def test_a_repeat_of_the_page_costs_its_access_read_and_audit_row(cast, django_assert_num_queries):
    client = client_for(cast.coordinator)
    url = reverse("workspace:team-detail", args=[cast.team.pk])
    first = client.get(url).content.decode()
    with django_assert_num_queries(REPEAT_QUERIES) as queries:
        again = client.get(url).content.decode()
    assert _no_setting(queries)
    assert 'id="fase-heading"' in again and _without_token(again) == _without_token(first)
