from __future__ import annotations

import datetime as dt
import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from lkt.workspace.team_page import SECTIONS, Placed, runs
from tests.conftest import KEYED_PLANS, client_for

# 1 session, 2 user, 3 team with patient and the viewer's standing (one read for access), 4 audit
# row; the eager sections: "min-gode-dag" 5 (its newest version), "samarbeidsplan" 6 (version
# in force and newest), "fase" 7 (phase changes); and the transaction of keyed plans. Not the
# consents: the viewer's standing says whether sharing is consented to (the page's warning).
FIRST_RESPONSE_QUERIES = 7 + KEYED_PLANS

pytestmark = pytest.mark.django_db


def test_coordinator_sees_team_members_grouped_by_level(cast):
    response = client_for(cast.coordinator).get(
        reverse("workspace:team-medlemmer", args=[cast.team.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="medlemmer-heading">Medlemmer</h2>' in body
    assert "Kommune" in body
    assert "Tor Testesen" in body


def test_home_warns_about_a_member_leaving_without_a_plan(cast):
    tor = cast.team.members.get(user=cast.member)
    tor.expected_leave_on = timezone.localdate() + dt.timedelta(days=30)
    tor.save()
    body = client_for(cast.coordinator).get(reverse("workspace:team-list")).content.decode()
    assert "1 overgang uten plan" in body
    assert f'href="/aktorfellesskap/{cast.team.pk}/#scenarier"' in body


def test_team_page_renders_only_the_eager_sections_and_links_the_others(cast):
    """Issue 17: the first response carries the eager sections; every other one is a
    placeholder with its heading, a link to its own URL and a reload from it, in a batch that
    loads when it comes into view, the one place its content is rendered."""
    client = client_for(cast.coordinator)
    page_url = reverse("workspace:team-detail", args=[cast.team.pk])
    body = client.get(page_url).content.decode()
    eager = [s for s in SECTIONS if s.eager]
    assert [s.key for s in eager] == ["min-gode-dag", "samarbeidsplan", "fase"]
    assert 'id="min-gode-dag-heading">' in body
    assert 'id="fase-heading">Fase</h2>' in body
    assert 'id="samarbeidsplan-heading">' in body
    for section in SECTIONS:  # its URL joined from the page's, as reverse makes it
        url = reverse(f"workspace:team-{section.key}", args=[cast.team.pk])
        assert f'hx-get="{url}" hx-trigger="{section.key}-changed from:body"' in body
    lazy = [s for s in SECTIONS if not s.eager]
    for section in lazy:
        assert f'href="{reverse(f"workspace:team-{section.key}", args=[cast.team.pk])}"' in body
    assert body.count("data-lazy-section") == len(lazy)
    assert body.count("Henter …") == len(lazy)
    # A lazy section's own content (the meetings' "Kommende møter") is not in the first response.
    assert "Kommende møter" not in body
    # The runs of lazy sections between the eager ones, each one batch that loads them all.
    batch = reverse("workspace:team-sections", args=[cast.team.pk])
    assert batch == f"{page_url}seksjoner/"
    assert _batches(body) == [[s.key for s in lazy]]
    assert body.count('hx-trigger="intersect once"') == 1


def _batches(body: str) -> list[list[str]]:
    """The keys of each batch on the page, from its wrapper's URL."""
    urls = re.findall(r'class="lkt-lazy-batch" hx-get="([^"]+)" hx-trigger="intersect once"', body)
    return [parse_qs(urlsplit(html.unescape(url)).query)["s"] for url in urls]


def _batch(client, cast, keys, **headers):
    url = reverse("workspace:team-sections", args=[cast.team.pk])
    return client.get(url, {"s": keys}, headers={"HX-Request": "true"} | headers)


def test_a_batch_fills_each_placeholder_out_of_band_with_one_access_read_and_audit_row(cast):
    client = client_for(cast.coordinator)
    keys = [s.key for s in SECTIONS if not s.eager]
    with CaptureQueriesContext(connection) as queries:
        response = _batch(client, cast, list(reversed(keys)))
    assert response.status_code == 200
    body = response.content.decode()
    # In the page's order, whatever the query's, each into its own placeholder.
    swaps = re.findall(r'<div hx-swap-oob="innerHTML:#([a-z-]+)">', body)
    assert swaps == keys
    assert "Kommende møter" in body and 'id="moter-heading"' in body
    sql = [q["sql"] for q in queries.captured_queries]
    assert sum('FROM "actors_team"' in s and '"member_role"' in s for s in sql) == 1
    assert sum(s.startswith('INSERT INTO "lkt_accesslog"') for s in sql) == 1


def test_a_batch_reads_no_more_than_its_sections_partials_own_reads(cast):
    """Issue 17: a batch costs the access read, the audit row and each section's own reads,
    once: never more than the partials' own reads together (the members and consents the
    page reads once serve every section that shows them)."""
    client = client_for(cast.coordinator)
    client.get(reverse("workspace:team-list"))  # the session read, warmed up
    keys = [s.key for s in SECTIONS if not s.eager]
    own = 0
    for key in keys:
        url = reverse(f"workspace:team-{key}", args=[cast.team.pk])
        with CaptureQueriesContext(connection) as queries:
            client.get(url, headers={"HX-Request": "true"})
        own += len(queries) - PARTIAL_BASE_QUERIES
    with CaptureQueriesContext(connection) as queries:
        assert _batch(client, cast, keys).status_code == 200
    assert len(queries) <= PARTIAL_BASE_QUERIES + own
    assert len(queries) < PARTIAL_BASE_QUERIES * len(keys)


def test_a_batch_is_refused_whole_when_one_of_its_sections_is_not_the_viewers(cast):
    """Per the relative sees the team, not its clinical sections: a batch with one of them is
    refused as that section alone is; the batches of his own page load."""
    client = client_for(cast.relative)
    assert _batch(client, cast, ["medlemmer", "moter"]).status_code == 403
    body = client.get(reverse("workspace:team-detail", args=[cast.team.pk])).content.decode()
    batches = _batches(body)
    assert batches and "moter" not in sum(batches, [])
    for keys in batches:
        response = _batch(client, cast, keys)
        assert response.status_code == 200
        assert "Kommende møter" not in response.content.decode()


def test_a_batch_of_no_or_unknown_sections_is_not_found_and_without_htmx_is_the_page(cast):
    client = client_for(cast.coordinator)
    assert _batch(client, cast, []).status_code == 404
    assert _batch(client, cast, ["moter", "ukjent"]).status_code == 404
    assert _batch(client_for(cast.outsider), cast, ["moter"]).status_code == 404
    url = reverse("workspace:team-sections", args=[cast.team.pk])
    response = client.get(url, {"s": "moter"})
    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:team-detail", args=[cast.team.pk])


def test_a_lazy_section_is_readable_on_its_own_page_without_javascript(cast):
    url = reverse("workspace:team-moter", args=[cast.team.pk])
    client = client_for(cast.coordinator)
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "<html" in body and 'id="moter-heading"' in body and "Kommende møter" in body
    assert reverse("workspace:team-detail", args=[cast.team.pk]) in body
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial and "Kommende møter" in partial


def test_team_page_first_response_queries(cast, django_assert_num_queries):
    """The eager sections' reads only (see tests/actors/test_query_counts.py for the list)."""
    client = client_for(cast.coordinator)
    client.get(reverse("workspace:team-list"))  # the session read, warmed up
    with django_assert_num_queries(FIRST_RESPONSE_QUERIES):
        client.get(reverse("workspace:team-detail", args=[cast.team.pk]))


# A partial: 1 session, 2 user, 3 team with patient and the viewer's standing (one read for
# access), 4 the audit row, the transaction of keyed plans (lkt.core.keyed_plans: the reads by
# key keep their plans); then the section's own reads ("min-gode-dag": 5 its newest version).
PARTIAL_BASE_QUERIES = 4 + KEYED_PLANS


def test_a_section_partial_costs_the_access_read_the_audit_row_and_its_own_reads(
    cast, django_assert_num_queries
):
    client = client_for(cast.coordinator)
    client.get(reverse("workspace:team-list"))  # the session read, warmed up
    url = reverse("workspace:team-min-gode-dag", args=[cast.team.pk])
    with django_assert_num_queries(PARTIAL_BASE_QUERIES + 1):
        client.get(url, headers={"HX-Request": "true"})


@pytest.mark.parametrize("key", [s.key for s in SECTIONS])
def test_every_section_reads_access_once_and_writes_one_audit_row(cast, key):
    """Issue 17: no section reads the team or the viewer's standing again (``team_get`` read
    both in one query) and each read of a section leaves its one row in the access log."""
    client = client_for(cast.coordinator)
    url = reverse(f"workspace:team-{key}", args=[cast.team.pk])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    assert sum('FROM "actors_team"' in s and '"member_role"' in s for s in sql) == 1
    assert sum(s.startswith('INSERT INTO "lkt_accesslog"') for s in sql) == 1
    # The standing is not read a second time on its own (``actors.access.standing``).
    assert not [s for s in sql if '"member_role"' in s and 'FROM "actors_patient"' in s]


def test_a_member_who_leaves_loses_the_section_on_her_next_request(cast):
    """Access is decided on every request: nothing of the decision outlives a membership."""
    client = client_for(cast.member)
    url = reverse("workspace:team-moter", args=[cast.team.pk])
    assert client.get(url, headers={"HX-Request": "true"}).status_code == 200
    cast.team.members.filter(user=cast.member).update(left_on=timezone.localdate())
    assert client.get(url, headers={"HX-Request": "true"}).status_code == 404


def test_each_run_of_lazy_sections_between_eager_ones_is_one_batch():
    by_key = {s.key: s for s in SECTIONS}
    order = ["fase", "moter", "tiltak", "samarbeidsplan", "natt"]
    placed = [
        Placed(by_key[key], mark_safe("<p></p>") if by_key[key].eager else None, f"/t/{key}/")
        for key in order
    ]
    got = [([p.section.key for p in run.placed], run.url) for run in runs(placed, "/t/")]
    assert got == [
        (["fase"], None),
        (["moter", "tiltak"], "/t/seksjoner/?s=moter&s=tiltak"),
        (["samarbeidsplan"], None),
        (["natt"], "/t/seksjoner/?s=natt"),
    ]
