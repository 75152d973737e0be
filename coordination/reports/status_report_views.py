"""HTTP for the team's status report (issue 8): rendered directly, one team at a time (the
indicator reports over many teams go through Celery; one team renders well under a second)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from actors.access import require_user
from coordination.reports.status_report import (
    status_report_export_record,
    status_report_full,
    status_report_get,
    status_report_pdf,
    status_report_team,
)
from lkt.core.http import HtmxHttpRequest
from lkt.core.pdf import pdf_response


@login_required
@require_GET
def status_report_download(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The full report for staff with the clinical view, the structure for the team's leader;
    404 for everyone else. Audited as an export."""
    team = status_report_team(pk)
    full = status_report_full(request.user, team)
    user = require_user(request.user)
    content = status_report_pdf(status_report_get(team, full=full), generated_by=user)
    status_report_export_record(user=user, team=team, full=full)
    return pdf_response(content, f"statusrapport-aktorfellesskap-{team.pk}.pdf")
