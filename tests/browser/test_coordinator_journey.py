"""The coordinator's first minutes in a real browser: log in, see the teams, open Kari's team.

Also checks what only a browser shows: the stylesheets load under the Content-Security-Policy,
no CSP violation or script error reaches the console, axe-core finds nothing serious, and the
htmx patient search swaps results in without reloading the page.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible
from tests.browser.lazy import reveal
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

# Look at it after a run: /tmp/lkt-team.png on Linux.
TEAM_SCREENSHOT = Path(tempfile.gettempdir()) / "lkt-team.png"


def goto(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.ok, f"GET {path}: {response and response.status}"
    assert "default-src 'self'" in (response.header_value("content-security-policy") or "")


def assert_styled(page: Page) -> None:
    """All three stylesheets arrived and apply: theme tokens, Designsystemet, LKT layout."""
    hrefs = page.eval_on_selector_all(
        "link[rel=stylesheet]", "links => links.map(link => link.href)"
    )
    assert len(hrefs) == 3, hrefs
    for href in hrefs:
        response = page.request.get(href)
        assert response.status == 200, f"{href}: {response.status}"
        assert "text/css" in response.headers["content-type"], href
    styles = page.evaluate(
        """() => ({
            token: getComputedStyle(document.documentElement).getPropertyValue('--ds-size-4'),
            header: getComputedStyle(document.querySelector('.lkt-header__inner')).display,
            skip: getComputedStyle(document.querySelector('.ds-skip-link')).position,
        })"""
    )
    assert styles["token"].strip(), "theme.css did not load: --ds-size-4 is not defined"
    assert styles["header"] == "flex", "lkt.css did not load: the header is not a flex row"
    assert styles["skip"] != "static", "index.css did not load: the skip link is in the flow"


def log_in(page: Page, username: str, password: str) -> None:
    goto(page, "/konto/logg-inn/")
    page.get_by_label("Brukernavn").fill(username)
    page.get_by_label("Passord").fill(password)
    page.get_by_role("button", name="Logg inn").click()


def log_in_as(page: Page, username: str) -> None:
    """Another user in the same browser, in a session of her own. The page left behind must be
    done first: an htmx request it sends once the cookies are cleared (a reload after the last
    save) comes back with a CSRF cookie of its own, which can land over the login page's, and
    the login is refused as forged (seen once on a clean clone's run)."""
    page.wait_for_load_state("networkidle")
    page.goto("about:blank")
    page.context.clear_cookies()
    log_in(page, username, PASSWORD)


def test_coordinator_logs_in_and_opens_karis_team(transactional_db, cast, page, page_log):
    goto(page, "/konto/logg-inn/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Logg inn i LKT")
    assert_styled(page)
    assert_accessible(page)
    page_log.assert_clean()

    page.get_by_label("Brukernavn").fill("cecilie")
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()

    # The front door sends staff to their own home.
    expect(page).to_have_url(re.compile(r"/aktorfellesskap/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mine aktørfellesskap")
    row = page.get_by_role("row").filter(has_text="Kari Nordvik")
    expect(row).to_have_count(1)
    # Kari's team has a coordinator and a nurse: fastlege, kontaktlege and one more are missing.
    expect(row.locator(".ds-tag")).to_have_text(re.compile(r"Mangler \d+ roller"))
    expect(row).to_contain_text("Fastlege")  # the screen-reader list of the missing roles
    assert_styled(page)
    assert_accessible(page)
    page_log.assert_clean()

    row.get_by_role("link", name="Kari Nordvik").click()

    expect(page).to_have_url(re.compile(rf"/aktorfellesskap/{cast.team.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Aktørfellesskapet rundt Kari Nordvik"
    )
    members = reveal(page.locator("#medlemmer"))
    expect(page.get_by_role("heading", name="Aktørfellesskapet er ikke komplett")).to_be_visible()
    # Grouped by level: a heading per level, each with its own table of members.
    expect(members.get_by_role("heading", level=3, name="Kommune", exact=True)).to_be_visible()
    kommune_table = members.get_by_role("table", name="Kommune")
    expect(kommune_table.get_by_role("row")).to_have_count(3)  # header + Cecilie + Tor
    expect(kommune_table).to_contain_text("Koordinator og leder av aktørfellesskapet")
    expect(kommune_table).to_contain_text("Sykepleier")
    expect(kommune_table).to_contain_text(cast.member.get_full_name())
    assert_styled(page)
    assert_accessible(page)
    page_log.assert_clean()
    page.screenshot(path=TEAM_SCREENSHOT, full_page=True)
    # Login page, its POST's redirect target (the home page) and the team page: all had a CSP.
    assert len(page_log.documents) >= 3, page_log.documents


def test_failed_login_then_htmx_patient_search(transactional_db, cast, page, page_log):
    log_in(page, "cecilie", "feil-passord-feil-passord")

    expect(page).to_have_url(re.compile(r"/konto/logg-inn/$"))
    alert = page.locator("form").get_by_role("alert")
    expect(alert).to_contain_text("Vennligst oppgi korrekt brukernavn og passord")
    expect(page.get_by_label("Passord")).to_have_value("")
    assert_accessible(page)
    page_log.assert_clean()

    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page).to_have_url(re.compile(r"/aktorfellesskap/$"))

    page.get_by_role("link", name="Finn pasient").click()
    expect(page).to_have_url(re.compile(r"/pasienter/sok/$"))
    # htmx is deferred: typing before the page has loaded would reach no trigger (on a busy
    # machine the URL changes well before that).
    page.wait_for_load_state("load")
    # A full page load would drop this marker; an htmx swap keeps it.
    page.evaluate("() => { window.lktNoReload = true; }")
    with page.expect_response(
        lambda r: (
            "/pasienter/sok/?q=Kari" in r.url and r.request.headers.get("hx-request") == "true"
        )
    ):
        page.get_by_label("Navn eller fødselsnummer").fill("Kari")
    results = page.locator("#results")
    expect(results.get_by_role("link", name="Kari Nordvik")).to_be_visible()
    expect(results).not_to_contain_text("Ola Havbu")
    assert page.evaluate("() => window.lktNoReload") is True, "the search reloaded the page"
    expect(page).to_have_url(re.compile(r"/pasienter/sok/\?q=Kari$"))  # hx-push-url
    assert_accessible(page)
    page_log.assert_clean()
