"""The patient's own plan as a PDF (issue 8), printable from the portal: "Planen min", "Teamet
mitt" and "Hva gjør jeg hvis …" in plain language (klarspråk), from the same reads as the
portal's plan page (``portal_get``), so the paper never shows more than the screen.

The patient and the relatives she lets see the plan get it; the download is audited as an
export on top of the portal's own view record, so her access log says who took a copy.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from actors.access import Action, require_user
from coordination.meetings.selectors import portal_meetings_seen
from lkt.core import audit
from lkt.core.http import HtmxHttpRequest
from lkt.core.pdf import pdf_response, render_pdf
from lkt.workspace.portal_selectors import portal_get

TEMPLATE = "portal/plan_pdf.html"


@login_required
@require_GET
def portal_plan_pdf(request: HtmxHttpRequest, patient_pk: int) -> HttpResponse:
    page = portal_get(request.user, patient_pk, Action.VIEW_PLAN, meetings_for=portal_meetings_seen)
    user = require_user(request.user)
    content = render_pdf(
        TEMPLATE,
        {
            "page": page,
            "patient": page.patient,
            "generated_by": user,
            "generated_at": timezone.localtime(),
        },
    )
    audit.record(
        user=user, patient=page.patient, action=audit.EXPORT, obj=page.version or page.patient
    )
    return pdf_response(content, "planen-min.pdf")
