"""HTTP for the leaders' indicators: the page (HTML with SVG charts), the CSV, the PDF made by a
Celery job with its progress page and download, and the caseload limit.

Only leaders (403 for everyone else), and only for organisations in
``actors.access.leader_organisations`` (404 for any other: the leader need not know it exists).
Leaders see aggregates only; every export (CSV, PDF download) is recorded in ExportLog.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from actors.access import is_leader, leader_organisations, require_user
from actors.forms import submit
from actors.models import Organisation, User
from coordination.models import ReportJob
from coordination.reports import report_jobs
from coordination.reports.charts import chart_blocks
from coordination.reports.forms import (
    CaseloadLimitForm,
    IndicatorFilterForm,
    default_period,
)
from coordination.reports.indicators import CSV_HEADER, SUPPRESS_BELOW, csv_rows, indicator_report
from coordination.reports.services import caseload_limit_set
from lkt.core.csv_export import csv_response
from lkt.core.http import HtmxHttpRequest, parameter_int
from lkt.core.pdf import pdf_response
from lkt.models import ExportLog

PAGE = "coordination/indicators.html"
JOB = "coordination/report_job.html"


def _leader(request: HtmxHttpRequest) -> tuple[User, QuerySet[Organisation]]:
    user = require_user(request.user)
    if not is_leader(user):
        raise PermissionDenied
    return user, leader_organisations(user)


def _filter_form(
    data: QueryDict, user: User, organisations: QuerySet[Organisation]
) -> IndicatorFilterForm:
    """The choices, bound to the request's or to the defaults (the leader's own organisation,
    the last 12 months). An organisation id outside the leader's is 404, not a form error."""
    pk = parameter_int(data.get("organisation"))
    if pk is not None and not organisations.filter(pk=pk).exists():
        raise Http404
    start, end = default_period()
    defaults = {
        "organisation": str(user.organisation_id),
        "start": f"{start:%Y-%m}",
        "end": f"{end:%Y-%m}",
    }
    # A field left out of the query takes its default; one sent empty is an error to show.
    data = data.copy()
    for key, value in defaults.items():
        data.setdefault(key, value)
    return IndicatorFilterForm(data, organisations=organisations)


def _page(
    request: HtmxHttpRequest,
    form: IndicatorFilterForm,
    organisations: QuerySet[Organisation],
    *,
    limit_form: CaseloadLimitForm | None = None,
) -> HttpResponse:
    context: dict[str, Any] = {"form": form, "suppress_below": SUPPRESS_BELOW}
    if form.is_valid():
        data = form.cleaned_data
        report = indicator_report(data["organisation"], data["start"], data["end"])
        context |= {
            "report": report,
            "blocks": chart_blocks(report),
            "query": urlencode(
                {
                    "organisation": data["organisation"].pk,
                    "start": f"{data['start']:%Y-%m}",
                    "end": f"{data['end']:%Y-%m}",
                }
            ),
        }
        limit_form = limit_form or CaseloadLimitForm(
            initial={
                "organisation": data["organisation"].pk,
                "limit": data["organisation"].caseload_limit,
            },
            organisations=organisations,
        )
    context["limit_form"] = limit_form
    return render(request, PAGE, context)


@login_required
@require_GET
def indicators(request: HtmxHttpRequest) -> HttpResponse:
    user, organisations = _leader(request)
    return _page(request, _filter_form(request.GET, user, organisations), organisations)


@login_required
@require_GET
def indicators_csv(request: HtmxHttpRequest) -> HttpResponse:
    user, organisations = _leader(request)
    form = _filter_form(request.GET, user, organisations)
    if not form.is_valid():
        return HttpResponse(
            " ".join(str(e) for errors in form.errors.values() for e in errors),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    data = form.cleaned_data
    report = indicator_report(data["organisation"], data["start"], data["end"])
    report_jobs.export_record(
        actor=user,
        kind=ExportLog.Kind.INDICATORS_CSV,
        organisation=data["organisation"],
        start=report.start,
        end=report.end,
    )
    return csv_response(
        f"indikatorer-{report.start:%Y-%m}-{report.end:%Y-%m}.csv", CSV_HEADER, csv_rows(report)
    )


@login_required
@require_POST
def indicators_pdf(request: HtmxHttpRequest) -> HttpResponse:
    user, organisations = _leader(request)
    form = _filter_form(request.POST, user, organisations)
    job = submit(
        form,
        lambda data: report_jobs.report_job_create(
            actor=user, organisation=data["organisation"], start=data["start"], end=data["end"]
        ),
    )
    if job is None:
        return _page(request, form, organisations)
    return redirect("coordination:report-job", pk=job.pk)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def report_job(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    user, _organisations = _leader(request)
    job = report_jobs.report_job_get(user, pk)
    template = JOB + ("#job-status" if request.htmx else "")
    return render(
        request,
        template,
        {
            "job": job,
            "waiting": job.status in (ReportJob.Status.PENDING, ReportJob.Status.RUNNING),
        },
    )


@login_required
@require_GET
def report_job_download(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    user, _organisations = _leader(request)
    job = report_jobs.report_job_download(actor=user, pk=pk)
    return pdf_response(bytes(job.content or b""), job.filename)


@login_required
@require_POST
def caseload_limit(request: HtmxHttpRequest) -> HttpResponse:
    user, organisations = _leader(request)
    pk = parameter_int(request.POST.get("organisation"))
    if pk is not None and not organisations.filter(pk=pk).exists():
        raise Http404
    form = CaseloadLimitForm(request.POST, organisations=organisations)
    saved = submit(
        form,
        lambda data: caseload_limit_set(
            actor=user, organisation=data["organisation"], limit=data["limit"]
        ),
    )
    if saved is None:
        query = QueryDict(mutable=True)
        if pk is not None:
            query["organisation"] = str(pk)
        filter_form = _filter_form(query, user, organisations)
        return _page(request, filter_form, organisations, limit_form=form)
    messages.success(
        request,
        _("Grensen for %(organisation)s er nå %(limit)s team per koordinator.")
        % {"organisation": saved.name, "limit": saved.caseload_limit},
    )
    return redirect(f"{reverse('coordination:indicators')}?{urlencode({'organisation': saved.pk})}")
