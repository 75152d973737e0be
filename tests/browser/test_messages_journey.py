"""Issue 19 in chromium: Tor writes to Kari's team with a PDF, Kari reads it on her phone and
answers, and Cecilie makes her answer a task in one step; Kari's sister with "goals only" sees
no thread. axe checks every page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from actors.models import RelativeLink
from coordination.models import Document, Message, Thread
from tests.browser.conftest import PageLog, assert_accessible
from tests.browser.lazy import reveal
from tests.browser.test_coordinator_journey import log_in
from tests.browser.test_portal_journey import PHONE, assert_fits_the_phone
from tests.coordination.tiltak.test_services import goal_for
from tests.factories import PASSWORD
from tests.files import pdf_bytes

pytestmark = pytest.mark.browser


@contextmanager
def logged_in(
    browser: Browser,
    live_server: LiveServer,
    page_log: PageLog,
    username: str,
    *,
    phone: bool = False,
) -> Iterator[Page]:
    """A browser of the user's own (their own cookies), logged in, whose console errors and
    failed requests go to the test's ``page_log`` like the first page's."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="nb-NO",
        viewport=PHONE if phone else None,
        accept_downloads=True,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("console", page_log.on_console)
    page.on("pageerror", page_log.on_page_error)
    page.on("response", page_log.on_response)
    try:
        log_in(page, username, PASSWORD)
        yield page
    finally:
        context.close()


def test_a_member_writes_with_a_pdf_kari_answers_on_her_phone_and_it_becomes_a_task(
    transactional_db, cast, browser, live_server, page, page_log
):
    goal_for(cast, "Få en egen leilighet")
    team_url = f"/aktorfellesskap/{cast.team.pk}/"

    # Tor starts a thread with Kari in it, with the discharge summary attached.
    log_in(page, "tor", PASSWORD)
    page.goto(team_url)
    section = reveal(page.locator("section#meldinger"))
    expect(section.get_by_role("heading", name="Meldinger")).to_be_visible()
    assert_accessible(page)
    section.get_by_role("link", name="Ny samtale").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ny samtale")
    assert_accessible(page)
    page.get_by_label("Emne").fill("Epikrise fra DPS")
    page.get_by_label("Hvem kan lese samtalen").select_option("with_patient")
    page.get_by_label("Melding").fill("Hei Kari, her er epikrisen fra DPS. Si fra om noe er feil.")
    page.get_by_label("Legg ved en fil").set_input_files(
        {"name": "Epikrise DPS.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
    )
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Epikrise fra DPS")
    expect(page.get_by_role("status")).to_contain_text("Samtalen er startet")
    expect(page.get_by_role("link", name="Epikrise DPS.pdf")).to_be_visible()
    assert_accessible(page)
    thread = Thread.objects.get()
    assert thread.with_patient and Document.objects.get().message is not None

    # Kari, on her phone, finds the unread message on Min side, opens the PDF and answers.
    with logged_in(browser, live_server, page_log, "kari", phone=True) as kari:
        expect(kari).to_have_url(re.compile(r"/min-side/$"))
        kari.get_by_role("link", name="Meldinger med teamet").click()
        expect(kari.get_by_role("heading", level=1)).to_have_text("Meldinger med teamet")
        expect(kari.get_by_text("1 ulest")).to_be_visible()
        assert_fits_the_phone(kari)
        assert_accessible(kari)
        kari.get_by_role("link", name="Epikrise fra DPS").click()
        expect(kari.get_by_text("her er epikrisen fra DPS")).to_be_visible()
        assert_fits_the_phone(kari)
        assert_accessible(kari)
        with kari.expect_download() as download:
            kari.get_by_role("link", name="Epikrise DPS.pdf").click()
        assert download.value.suggested_filename == "Epikrise DPS.pdf"
        with open(download.value.path(), "rb") as pdf:
            assert pdf.read().startswith(b"%PDF-")
        kari.get_by_label("Melding").fill("Takk! Adressen min er feil, jeg har flyttet.")
        kari.get_by_role("button", name="Send").click()
        expect(kari.get_by_role("status")).to_contain_text("Meldingen er sendt")
        expect(kari.get_by_text("Adressen min er feil")).to_be_visible()
        assert_fits_the_phone(kari)
        assert_accessible(kari)
    answer = Message.objects.get(author=cast.patient)

    # Cecilie opens the thread from the team page and makes Kari's answer a task.
    with logged_in(browser, live_server, page_log, "cecilie") as cecilie:
        cecilie.goto(team_url)
        reveal(cecilie.locator("section#meldinger")).get_by_role(
            "link", name="Epikrise fra DPS"
        ).click()
        expect(cecilie.get_by_text("Den siste meldingen er lest av")).to_be_visible()
        assert_accessible(cecilie)
        cecilie.locator(f"#melding-{answer.pk}").get_by_role("link", name="Gjør til tiltak").click()
        expect(cecilie.get_by_role("heading", level=1)).to_have_text("Gjør meldingen til et tiltak")
        assert_accessible(cecilie)
        cecilie.get_by_label("Tiltak", exact=True).fill("Rette Karis adresse hos DPS")
        cecilie.get_by_label("Mål i Min gode dag").select_option(label="Få en egen leilighet")
        cecilie.get_by_label("Ansvarlig").select_option(index=1)
        cecilie.get_by_label("Frist").fill("2099-01-15")
        cecilie.get_by_role("button", name="Lagre tiltaket").click()
        expect(cecilie.get_by_role("status")).to_contain_text("Rette Karis adresse hos DPS")
        expect(cecilie.locator(f"#melding-{answer.pk}")).to_contain_text("Gjort til tiltak")
        assert_accessible(cecilie)
    answer.refresh_from_db()
    assert answer.task is not None and answer.task.title == "Rette Karis adresse hos DPS"
    page_log.assert_clean()


def test_a_relative_with_goals_only_sees_no_thread(transactional_db, cast, page, page_log):
    from coordination.messages.services import thread_start

    thread_start(
        actor=cast.member,
        team=cast.team,
        subject="Tilbud om bolig",
        audience="with_patient",
        body="Kommunen har et tilbud.",
    )
    RelativeLink.objects.filter(relative=cast.relative).update(
        may_see_team=False, may_see_goals=True, may_see_plan=False, may_communicate=False
    )

    log_in(page, "per", PASSWORD)
    page.goto(f"/min-side/{cast.team.patient.pk}/")
    expect(page.get_by_role("heading", name="Min gode dag")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Meldinger"))).to_have_count(0)
    expect(page.get_by_text("Tilbud om bolig")).to_have_count(0)
    assert_accessible(page)
    page_log.assert_clean()
    # Asked for directly, the threads are refused (he knows Kari's portal), and the thread is
    # not there to him at all.
    threads = page.request.get(f"/min-side/{cast.team.patient.pk}/meldinger/")
    assert threads.status == 403 and "Tilbud om bolig" not in threads.text()
    thread = page.request.get(f"/meldinger/{Thread.objects.get().pk}/")
    assert thread.status == 404 and "Tilbud om bolig" not in thread.text()
