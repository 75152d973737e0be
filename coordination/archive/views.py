"""HTTP for the closed team's archive copy (issue 19, retention): the page the closing leads to,
and the PDF/A itself, streamed as an attachment and audited as an export
(``actors.access.record_archive_export``). Who gets which copy: ``actors.access.archive_copy_full``."""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from actors.access import archive_copy_full, record_archive_export, require_user
from coordination.archive.export import (
    archive_list_for,
    team_archive_get,
    team_archive_pdf,
    team_archive_team,
)
from lkt.core import audit
from lkt.core.http import HtmxHttpRequest
from lkt.core.pdf import PDF_CONTENT_TYPE


@login_required
@require_GET
def team_archive(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The closed team: when, by whom and why, and the archive copy to download."""
    team = team_archive_team(pk)
    full = archive_copy_full(request.user, team)
    audit.record(user=require_user(request.user), patient=team.patient, action=audit.VIEW, obj=team)
    return render(request, "coordination/team_archive.html", {"team": team, "full": full})


@login_required
@require_GET
def team_archive_download(request: HtmxHttpRequest, pk: int) -> FileResponse:
    team = team_archive_team(pk)
    full = archive_copy_full(request.user, team)
    user = require_user(request.user)
    content = team_archive_pdf(team_archive_get(team, full=full), generated_by=user)
    record_archive_export(user=user, team=team, full=full)
    response = FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=f"arkivkopi-aktorfellesskap-{team.pk}.pdf",
        content_type=PDF_CONTENT_TYPE,
    )
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def archive_list(request: HtmxHttpRequest) -> HttpResponse:
    """The closed teams whose archive copy the user takes, to come back to it."""
    listing = archive_list_for(request.user)
    return render(request, "coordination/archive_list.html", {"listing": listing})
