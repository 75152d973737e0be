"""The OpenAPI schema of the JSON API and the docs page: every endpoint and its errors are
described, and the page loads nothing from outside and runs under the CSP as it is."""

from __future__ import annotations

import re

import pytest
import yaml
from django.urls import reverse

from lkt.core.middleware import POLICY

pytestmark = pytest.mark.django_db

# Every operation of the JSON API, with the answers it may give besides its own.
OPERATIONS = {
    ("/api/v1/organisasjoner/", "get"): {"200", "403", "429"},
    ("/api/v1/organisasjoner/", "post"): {"201", "400", "403", "409", "429"},
    ("/api/v1/pasienter/", "get"): {"200", "403", "429"},
    ("/api/v1/pasienter/", "post"): {"201", "400", "403", "409", "429"},
    ("/api/v1/aktorfellesskap/", "get"): {"200", "403", "429"},
    ("/api/v1/aktorfellesskap/{id}/", "get"): {"200", "403", "404", "429"},
    ("/api/v1/aktorfellesskap/{id}/medlemmer/", "post"): {
        "201",
        "400",
        "403",
        "404",
        "409",
        "429",
    },
    ("/api/v1/night-contacts/", "post"): {"201", "400", "403", "404", "409", "429"},
}


def _schema(client) -> dict:
    response = client.get(reverse("api-schema"))
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_the_schema_describes_every_endpoint_of_the_json_api_with_its_errors(client):
    schema = _schema(client)
    found = {
        (path, method): set(operation["responses"])
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    }
    assert found == OPERATIONS


def test_the_schema_names_no_fhir_route_and_no_schema_view(client):
    paths = _schema(client)["paths"]
    assert all(path.startswith("/api/v1/") for path in paths)


def test_a_patient_in_the_schema_need_not_carry_the_national_id(client):
    """A relative's rows have no fødselsnummer (the policy), so the schema may not ask for it."""
    patient = _schema(client)["components"]["schemas"]["Patient"]
    assert set(patient["required"]) == {"id", "name"}


@pytest.mark.parametrize("page", ["api-docs", "api-docs-fhir"])
def test_the_docs_page_loads_nothing_from_outside(client, page: str):
    response = client.get(reverse(page))
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources, "the page loads its script and styles"
    assert all(s.startswith("/") and not s.startswith("//") for s in sources), sources
    assert "<script>" not in html and "<style>" not in html
    script = client.get(reverse(page) + "?script=")
    assert script.status_code == 200
    assert b"validator.swagger.io" not in script.content
    assert b'"validatorUrl": null' in script.content


def test_the_docs_page_runs_under_the_project_csp_without_unsafe_inline(client):
    response = client.get(reverse("api-docs"))
    assert response["Content-Security-Policy"] == POLICY
    assert "unsafe-inline" not in POLICY


def test_an_api_address_that_names_nothing_is_a_json_404(client):
    """Found by the fuzzing: a team id that is no number got the HTML 404 page."""
    response = client.get("/api/v1/aktorfellesskap/null,null/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_the_fhir_description_has_a_read_and_a_search_for_every_type_metadata_serves(client):
    schema = client.get(reverse("api-schema-fhir")).json()
    statement = client.get("/fhir/R4/metadata").json()
    types = [r["type"] for r in statement["rest"][0]["resource"]]
    expected = {"/fhir/R4/metadata"}
    expected |= {f"/fhir/R4/{t}" for t in types} | {f"/fhir/R4/{t}/{{id}}" for t in types}
    assert set(schema["paths"]) == expected
    for t in types:
        responses = schema["paths"][f"/fhir/R4/{t}"]["get"]["responses"]
        assert set(responses) == {"200", "400", "401", "403", "406", "429"}


def test_the_team_list_is_described_as_a_list(client):
    """Found by the fuzzing: the schema said one row where the API answers a list."""
    ok = _schema(client)["paths"]["/api/v1/aktorfellesskap/"]["get"]["responses"]["200"]
    assert ok["content"]["application/json"]["schema"]["type"] == "array"
