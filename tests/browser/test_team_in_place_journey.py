"""The coordinator completes a team in place: adds the missing fastlege on the team page, and
the warning goes away and the new actor appears on the aktørkart without leaving the page."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from actors.models import Role
from tests.browser.conftest import PageLog, assert_accessible
from tests.browser.lazy import reveal
from tests.browser.test_coordinator_journey import goto, log_in
from tests.factories import PASSWORD, StaffFactory

pytestmark = pytest.mark.browser


def test_coordinator_adds_a_fastlege_in_place(
    transactional_db, cast, page: Page, page_log: PageLog
):
    fastlege = StaffFactory.create(
        username="frida", first_name="Frida", last_name="Legevik", organisation=cast.kommune
    )
    log_in(page, "cecilie", PASSWORD)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(urlsplit(request.url).path))
    goto(page, f"/aktorfellesskap/{cast.team.pk}/")
    members = reveal(page.locator("#medlemmer"))
    # Issue 17: the members came in one batch with the sections around them, not on their own.
    expect(page.locator("#samtykker").get_by_text("Henter …")).to_have_count(0)
    assert f"/aktorfellesskap/{cast.team.pk}/seksjoner/" in requested
    assert not [path for path in requested if path.endswith(("/medlemmer/", "/samtykker/"))]
    expect(members.get_by_text("Fastlege", exact=True)).to_be_visible()  # in the warning

    page.get_by_role("link", name="Legg til medlem").click()
    panel = page.locator("#member-panel")
    expect(panel.get_by_role("heading", name="Legg til medlem")).to_be_visible()
    assert_accessible(page)
    panel.get_by_label("Ansatt med tilgang til LKT").select_option(str(fastlege.pk))
    panel.get_by_label("Rolle").select_option(Role.GP.value)
    panel.get_by_label("Nærhet til pasienten").select_option("monthly")
    with page.expect_request(lambda r: urlsplit(r.url).path.endswith("/aktorkart/")):
        panel.get_by_role("button", name="Legg til").click()

    expect(page.locator("#lkt-messages")).to_contain_text("Medlemmet er lagt til")
    expect(members.get_by_role("cell", name="Frida Legevik", exact=True)).to_be_visible()
    expect(members.locator(".ds-alert[data-color=warning] li", has_text="Fastlege")).to_have_count(
        0
    )
    expect(reveal(page.locator("#aktorkart"))).to_contain_text("Frida Legevik")
    assert page.url.endswith(f"/aktorfellesskap/{cast.team.pk}/")  # no reload, no navigation
    assert_accessible(page)
    page_log.assert_clean()
