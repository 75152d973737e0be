"""An OpenAPI 3 description of the FHIR routes, made from the route table (lkt.fhir.routes),
served at /api/schema/fhir/ and fuzzed by schemathesis (tests/test_fuzz.py).

It describes the HTTP contract (parameters, statuses, media type, the outline of each
resource: its ``resourceType`` and ``id``); the full FHIR structure of every body is checked by
``fhir.resources`` itself, which builds it.
"""

from __future__ import annotations

from typing import Any

from lkt.core.operation_outcome import FHIR_JSON
from lkt.fhir import FHIR_VERSION
from lkt.fhir.routes import ROUTES, Param
from lkt.fhir.search import MAX_COUNT, MAX_OFFSET

# What a valid value of each parameter type looks like (the search answers 400 to the rest).
_DATE = (
    r"^(eq|ne|gt|ge|lt|le|sa|eb)?[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|1[0-9]|2[0-8])"
    r"(T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?(Z|\+0[0-9]:00)?)?)?)?$"
)
_PATTERNS = {
    "reference": r"^(Patient/)?[1-9][0-9]{0,9}$",
    "token": r"^([a-z:.0-9]+\|)?[0-9]{1,11}$",
    "date": _DATE,
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _body(name: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {FHIR_JSON: {"schema": _ref(name)}}}


def _resource(resource_type: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["resourceType", "id"],
        "properties": {
            "resourceType": {"type": "string", "enum": [resource_type]},
            "id": {"type": "string", "pattern": r"^[A-Za-z0-9\-.]{1,64}$"},
            "meta": {"type": "object"},
        },
    }


def _bundle(resource_type: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["resourceType", "type", "total"],
        "properties": {
            "resourceType": {"type": "string", "enum": ["Bundle"]},
            "type": {"type": "string", "enum": ["searchset"]},
            "total": {"type": "integer", "minimum": 0},
            "link": {"type": "array", "items": {"type": "object"}},
            "entry": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "required": ["fullUrl", "resource"],
                    "properties": {"resource": _ref(resource_type)},
                },
            },
        },
    }


_OUTCOME = {
    "type": "object",
    "required": ["resourceType", "issue"],
    "properties": {
        "resourceType": {"type": "string", "enum": ["OperationOutcome"]},
        "issue": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["severity", "code"],
                "properties": {
                    "severity": {"type": "string", "enum": ["error"]},
                    "code": {"type": "string"},
                    "diagnostics": {"type": "string"},
                },
            },
        },
    },
}


def _errors(*statuses: int) -> dict[str, Any]:
    texts = {
        400: "Søket kan ikke kjøres (ukjent parameter eller verdi).",
        401: "Ikke innlogget og uten gyldig bearer-token.",
        403: "Rollen eller klienten får ikke lese dette.",
        404: "Finnes ikke, eller leseren får ikke vite at det finnes.",
        406: "LKT svarer bare med FHIR JSON.",
        429: "For mange forespørsler: vent så mange sekunder som Retry-After sier.",
    }
    return {str(s): _body("OperationOutcome", texts[s]) for s in statuses}


def _query(param: Param) -> dict[str, Any]:
    return {
        "name": param.name,
        "in": "query",
        "required": False,
        "description": param.documentation,
        "schema": {"type": "string", "pattern": _PATTERNS[param.type]},
    }


_PAGING = [
    {
        "name": "_count",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 0, "maximum": MAX_COUNT},
    },
    {
        "name": "_offset",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET},
    },
]
_SECURITY: list[dict[str, list[str]]] = [{"bearer": []}, {"session": []}]


def fhir_openapi() -> dict[str, Any]:
    paths: dict[str, Any] = {
        "/fhir/R4/metadata": {
            "get": {
                "operationId": "metadata",
                "summary": "CapabilityStatement",
                "security": [{}],
                "responses": {
                    "200": _body("CapabilityStatement", "Hva LKT tilbyr."),
                    **_errors(406, 429),
                },
            }
        }
    }
    schemas: dict[str, Any] = {
        "OperationOutcome": _OUTCOME,
        "CapabilityStatement": {
            "type": "object",
            "required": ["resourceType", "fhirVersion", "rest"],
            "properties": {
                "resourceType": {"type": "string", "enum": ["CapabilityStatement"]},
                "fhirVersion": {"type": "string", "enum": [FHIR_VERSION]},
                "rest": {"type": "array", "minItems": 1},
            },
        },
    }
    for route in ROUTES:
        schemas[route.type] = _resource(route.type)
        schemas[f"{route.type}Bundle"] = _bundle(route.type)
        paths[f"/fhir/R4/{route.type}"] = {
            "get": {
                "operationId": f"{route.slug}_search",
                "summary": f"Søk i {route.type}",
                "description": route.documentation,
                "security": _SECURITY,
                "parameters": [_query(p) for p in route.params] + _PAGING,
                "responses": {
                    "200": _body(f"{route.type}Bundle", "Treffene leseren får se."),
                    **_errors(400, 401, 403, 406, 429),
                },
            }
        }
        paths[f"/fhir/R4/{route.type}/{{id}}"] = {
            "get": {
                "operationId": f"{route.slug}_read",
                "summary": f"Les {route.type}",
                "description": route.documentation,
                "security": _SECURITY,
                "parameters": [
                    {
                        "name": "id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "pattern": r"^[A-Za-z0-9\-.]{1,64}$"},
                    }
                ],
                "responses": {
                    "200": _body(route.type, route.type),
                    **_errors(401, 403, 404, 406, 429),
                },
            }
        }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "LKT FHIR R4",
            "version": FHIR_VERSION,
            "description": (
                "Lesing og søk i FHIR R4 med samme tilgangsregler som sidene. Identifikatorer "
                "etter HL7 Norge (no-basis)."
            ),
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
                "session": {"type": "apiKey", "in": "cookie", "name": "sessionid"},
            },
        },
    }
