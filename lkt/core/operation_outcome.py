"""FHIR's OperationOutcome, the one error shape of the FHIR API. It sits in the shared ground
because the middleware's refusals (a NUL character, a lost race) answer FHIR clients in it before
any FHIR view runs."""

from __future__ import annotations

from django.http import HttpResponse
from fhir.resources.R4B.operationoutcome import OperationOutcome, OperationOutcomeIssue

FHIR_JSON = "application/fhir+json"


def outcome(status_code: int, code: str, text: str) -> OperationOutcome:
    return OperationOutcome(
        issue=[OperationOutcomeIssue(severity="error", code=code, diagnostics=text)]
    )


def outcome_response(status_code: int, code: str, text: str) -> HttpResponse:
    """An OperationOutcome answered outside DRF (lkt.core.middleware's refusals)."""
    body = outcome(status_code, code, text).model_dump_json()
    return HttpResponse(body, status=status_code, content_type=f"{FHIR_JSON}; charset=utf-8")
