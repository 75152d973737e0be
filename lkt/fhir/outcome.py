"""FHIR answers: JSON rendered from ``fhir.resources`` models, searchsets as Bundles, and
every error an OperationOutcome with the status it goes with (never a 5xx for bad input)."""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.bundle import Bundle, BundleEntry, BundleEntrySearch, BundleLink
from fhir.resources.R4B.resource import Resource
from rest_framework import status
from rest_framework.exceptions import NotAuthenticated, ValidationError
from rest_framework.renderers import BaseRenderer
from rest_framework.response import Response

from lkt.core.api import exception_handler
from lkt.core.operation_outcome import FHIR_JSON, outcome
from lkt.fhir.search import SearchError


class FhirJsonRenderer(BaseRenderer):
    media_type = FHIR_JSON
    format = "json"
    charset = "utf-8"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        if isinstance(data, Resource):
            return data.model_dump_json().encode()
        # Only DRF's own answers before a view runs (none today) could be anything else.
        return outcome(500, "exception", "Ukjent svar.").model_dump_json().encode()


class PlainJsonRenderer(FhirJsonRenderer):
    """The same for a client that asks for application/json."""

    media_type = "application/json"


# The issue type (http://hl7.org/fhir/issue-type) for each error status.
_ISSUE_CODES = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    406: "not-supported",
    409: "conflict",
    415: "not-supported",
    429: "throttled",
}


def _text(data: Any) -> str:
    if isinstance(data, dict):
        return " ".join(_text(v) for v in data.values())
    if isinstance(data, list):
        return " ".join(_text(v) for v in data)
    return str(data)


def fhir_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """LKT's API answers (lkt.core.api: Norwegian messages, 409, 429 with Retry-After) as
    OperationOutcomes."""
    if isinstance(exc, SearchError):
        exc = ValidationError({"search": [str(exc)]})
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, NotAuthenticated) and response.status_code == status.HTTP_403_FORBIDDEN:
        # No bearer scheme told DRF how to ask for a login: say it is one, as FHIR clients expect.
        response.status_code = status.HTTP_401_UNAUTHORIZED
        response["WWW-Authenticate"] = 'Bearer realm="fhir"'
    code = _ISSUE_CODES.get(response.status_code, "processing")
    response.data = outcome(response.status_code, code, _text(response.data))
    return response


def searchset(
    resources: list[Resource], *, base: str, total: int, self_url: str, next_url: str | None
) -> Bundle:
    links = [BundleLink(relation="self", url=self_url)]
    if next_url:
        links.append(BundleLink(relation="next", url=next_url))
    return Bundle(
        type="searchset",
        total=total,
        link=links,
        entry=[
            BundleEntry(
                fullUrl=f"{base}{resource.get_resource_type()}/{resource.id}",
                resource=resource,
                search=BundleEntrySearch(mode="match"),
            )
            for resource in resources
        ]
        or None,
    )
