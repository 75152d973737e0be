"""Leif, the kommune's leader, in a real browser (issue 8): he opens the indicators from the
menu, narrows the period, downloads the CSV, orders the PDF report and downloads it when it is
made. Every page passes axe; nothing he gets names a patient.

Five complete teams in Fjordvik besides Kari's, so the kommune's cells are shown (fewer than 5
teams would be suppressed). Celery runs eagerly in tests, so the report is made before the
progress page first answers.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from coordination.reports.indicators import CSV_HEADER
from lkt.models import ExportLog
from tests.browser.conftest import PageLog, assert_accessible
from tests.browser.test_coordinator_journey import log_in
from tests.clock import month
from tests.conftest import Cast
from tests.coordination.reports.test_indicators import make_teams
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def _month(months_back: int) -> str:
    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 - months_back
    return f"{index // 12}-{index % 12 + 1:02d}"


def _download(page: Page, name: str) -> Path:
    with page.expect_download() as download:
        page.get_by_role("link", name=name).click()
    return Path(download.value.path())


def test_the_leader_reads_the_indicators_and_downloads_csv_and_pdf(
    transactional_db, cast: Cast, page: Page, page_log: PageLog
):
    make_teams(cast.kommune, 5, established=month(-24))
    kari = cast.team.patient.name
    log_in(page, cast.leader.username, PASSWORD)

    page.get_by_role("link", name="Indikatorer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Indikatorer")
    expect(page.get_by_role("img").first).to_be_visible()
    assert kari not in page.content()
    assert_accessible(page)

    # Six months instead of twelve.
    page.get_by_label("Fra måned").fill(_month(5))
    page.get_by_role("button", name="Vis indikatorene").click()
    expect(page.get_by_role("heading", level=2, name=cast.kommune.name)).to_be_visible()
    caption = page.locator("caption").first
    expect(caption.locator("xpath=..").locator("tbody tr")).to_have_count(6)
    assert_accessible(page)

    rows = list(
        csv.reader(
            io.StringIO(_download(page, "Last ned CSV").read_text("utf-8-sig")), delimiter=";"
        )
    )
    assert tuple(rows[0]) == CSV_HEADER
    assert {row[0] for row in rows[1:]} >= {cast.kommune.name}
    assert all(kari not in ";".join(row) for row in rows)

    page.get_by_role("button", name="Lag PDF").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Indikatorrapport (PDF)")
    expect(page.get_by_text("Rapporten er ferdig.")).to_be_visible()
    assert_accessible(page)
    pdf = PdfReader(_download(page, "Last ned PDF"))
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert cast.kommune.name in text
    assert "Team med alle fire obligatoriske roller" in text
    assert kari not in text

    assert sorted(ExportLog.objects.filter(user=cast.leader).values_list("kind", flat=True)) == [
        ExportLog.Kind.INDICATORS_CSV,
        ExportLog.Kind.INDICATORS_PDF,
    ]
    page_log.assert_clean()
