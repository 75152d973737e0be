"""The OpenAPI description of the JSON API (drf-spectacular): the answers every endpoint may
give besides its own, and the hooks that keep the schema true to what the API returns.

Errors have one of two shapes, as ``lkt.core.api.exception_handler`` makes them: ``{"detail": …}``
(not logged in or not allowed, not found, a lost race, a rate limit, a request refused whole)
or field errors ``{"field": ["…"], "non_field_errors": ["…"]}`` (400).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

_DETAIL = inline_serializer("Detail", fields={"detail": serializers.CharField()})


def _field_errors() -> OpenApiResponse:
    """Field errors, or ``detail`` when the request as a whole is refused (a NUL character,
    lkt.core.middleware, answers before any field is read)."""
    return OpenApiResponse(
        response={
            "type": "object",
            "additionalProperties": {
                "anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}]
            },
        },
        description=(
            "Feil i det som ble sendt, per felt (non_field_errors for hele skjemaet), eller "
            "detail når hele forespørselen avvises."
        ),
    )


BAD_REQUEST = _field_errors()
# Session authentication: DRF answers 403, not 401, to a request without a login.
FORBIDDEN = OpenApiResponse(_DETAIL, description="Ikke innlogget, eller rollen får ikke dette.")
NOT_FOUND = OpenApiResponse(
    _DETAIL, description="Finnes ikke, eller brukeren får ikke vite at det finnes."
)
CONFLICT = OpenApiResponse(
    _DETAIL, description="Noen lagret det samme i samme øyeblikk (en unik nøkkel sa nei)."
)
TOO_MANY = OpenApiResponse(
    _DETAIL, description="For mange forespørsler: vent så mange sekunder som Retry-After sier."
)


def reads(ok: Any, *, not_found: bool = False) -> dict[int, Any]:
    """The answers of a read: the data, 403, 429, and 404 for one object."""
    answers: dict[int, Any] = {200: ok, 403: FORBIDDEN, 429: TOO_MANY}
    if not_found:
        answers[404] = NOT_FOUND
    return answers


def writes(created: Any, *, not_found: bool = False) -> dict[int, Any]:
    """The answers of a write: created, 400, 403, 409, 429, and 404 under another object."""
    answers: dict[int, Any] = {
        201: created,
        400: BAD_REQUEST,
        403: FORBIDDEN,
        409: CONFLICT,
        429: TOO_MANY,
    }
    if not_found:
        answers[404] = NOT_FOUND
    return answers


def only_json_api(endpoints: list[tuple[Any, ...]], **kwargs: Any) -> list[tuple[Any, ...]]:
    """The JSON API under /api/v1/ only: the FHIR routes have their own schema
    (lkt.fhir_openapi), the schema views none."""
    return [e for e in endpoints if e[0].startswith("/api/v1/")]
