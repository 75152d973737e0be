"""Schemathesis over the JSON API's OpenAPI schema (drf-spectacular) and the FHIR routes'
description (lkt.fhir.openapi), as every role of the cast, through Django's WSGI app (no
server): every answer is below 500 and conforms to its schema (status, media type, headers,
body). Each generated request is sent once as each role, and once as an EPJ with a bearer
token from the suite's OpenID Provider (HelseID-like, client credentials); the examples per
operation are
bounded (FUZZ_EXAMPLES) so the two runs fit in a minute.

The data is valid and invalid alike (schemathesis' positive and negative modes). Whether the
API must accept what the schema allows is not checked: a search may rightly refuse a date the
pattern lets through (30 February), and the policy refuses most roles anyway.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from fhir.resources.R4B import get_fhir_model_class
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from actors import services
from lkt.fhir.auth import forget_issuer_keys
from lkt.fhir.openapi import fhir_openapi
from tests.conftest import Cast, client_for
from tests.factories import UserFactory
from tests.lkt.fhir_helpers import karis_record
from tests.oidc_provider.provider import EPJ_CLIENT, FHIR_AUDIENCE, RunningProvider
from tests.test_access_matrix import ROLES

pytestmark = pytest.mark.fuzz

FUZZ_EXAMPLES = 5
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# What the runs answered, per status: the README's fuzz counts (pytest -s prints them).
ANSWERS: Counter[str] = Counter()


def _api_schema() -> dict[str, Any]:
    raw = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(raw))


def _configured(schema: Any) -> Any:
    schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
    # Hypothesis' fuzzing, bounded by FUZZ_EXAMPLES; the coverage phase's exhaustive boundary
    # cases (about ten times as many requests) would not fit the suite's minute.
    schema.config.phases.update(phases=["examples", "fuzzing"])
    return schema


API = _configured(schemathesis.openapi.from_dict(_api_schema()))
FHIR = _configured(schemathesis.openapi.from_dict(fhir_openapi()))

FUZZ_SETTINGS = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def unthrottled(settings):
    """The rate limits are not what is fuzzed: thousands of requests in a minute would trip
    them (tests/lkt/core/test_throttling.py tests them)."""
    rates = dict.fromkeys(("user", "anon", "national_id_lookup"), "1000000/hour")
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}


@dataclass
class Identity:
    cookies: dict[str, str]
    headers: dict[str, str]


@pytest.fixture
def identities(
    cast: Cast, unthrottled, settings, oidc_provider: RunningProvider
) -> dict[str, Identity]:
    """Each role's session, with a CSRF token the requests also send as the header (so the
    API's writes are reached rather than refused for CSRF), and an EPJ of Fjordvik kommune
    with a bearer token for every read."""
    karis_record(cast)
    token = _get_new_csrf_string()
    found = {}
    for role in ROLES:
        cookies = {"csrftoken": token}
        user = cast.user(role)
        if user is not None:
            cookies["sessionid"] = client_for(user).cookies["sessionid"].value
        found[role] = Identity(cookies, {"X-CSRFToken": token})
    settings.LKT_FHIR_TOKEN_ISSUER = oidc_provider.issuer("helseid")
    settings.LKT_FHIR_TOKEN_AUDIENCE = FHIR_AUDIENCE
    forget_issuer_keys()
    services.machine_client_register(
        actor=UserFactory(is_superuser=True),
        name="DIPS Fjordvik",
        client_id=EPJ_CLIENT,
        organisation=cast.kommune,
        scopes="system/*.read",
    )
    bearer = f"Bearer {oidc_provider.client_credentials_token('system/*.read')}"
    found["epj"] = Identity({}, {"Authorization": bearer})
    return found


@pytest.fixture
def app(unthrottled) -> Iterator[WSGIHandler]:
    """Django's WSGI app made now, so its middleware reads the test's settings (plain HTTP).
    As Django's test client does, the app keeps the test's database connection open between
    requests (the test runs in one transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _every_role(
    case: Any, app: WSGIHandler, identities: dict[str, Identity], *, fhir: bool
) -> None:
    # Schemathesis makes up an Authorization header for the bearer scheme: sent once as it is
    # (a forged or broken token must be a 401), then left out so each identity is itself.
    generated = dict(case.headers or {})
    _send(case, app, Identity({}, {}), fhir=fhir)
    case.headers = {k: v for k, v in generated.items() if k.lower() != "authorization"}
    for identity in identities.values():
        _send(case, app, identity, fhir=fhir)
    case.headers = generated


def _send(case: Any, app: WSGIHandler, identity: Identity, *, fhir: bool) -> None:
    response = case.call(app=app, cookies=identity.cookies, headers=identity.headers)
    ANSWERS[f"{'fhir' if fhir else 'api'} {response.status_code}"] += 1
    case.validate_response(response, checks=CHECKS)
    if fhir and response.status_code < 500:
        # The full FHIR structure of every body, as fhir.resources reads it.
        body = response.json()
        get_fhir_model_class(body["resourceType"]).model_validate(body)


@pytest.mark.django_db
@API.parametrize()
@FUZZ_SETTINGS
def test_the_json_api_as_every_role(case, app, identities):
    _every_role(case, app, identities, fhir=False)


@pytest.mark.django_db
@FHIR.parametrize()
@FUZZ_SETTINGS
def test_the_fhir_routes_as_every_role(case, app, identities):
    _every_role(case, app, identities, fhir=True)


def test_fuzz_counts():
    """Runs last in the module: prints what the runs answered (pytest -s)."""
    print("\nfuzz answers:", dict(sorted(ANSWERS.items())), "total", sum(ANSWERS.values()))
