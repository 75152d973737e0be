"""A NUL character (\\x00) in what a request sends is refused with 400 before any view reads it
(issue 13): PostgreSQL cannot store or compare text with NUL, so it was a 500 wherever a raw
parameter reached a query."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from coordination.models import NeedReport
from tests.conftest import Cast, client_for

pytestmark = pytest.mark.django_db

REFUSED = "Forespørselen inneholder et nulltegn (NUL)"


def _need_report(cast: Cast, **changes: str) -> dict[str, object]:
    return {
        "kommune": cast.kommune.pk,
        "patient_name": "Kari Nordvik",
        "need": "Trenger hjelp til å samordne",
        "relation": NeedReport.Relation.RELATIVE,
        "patient_knows": "yes",
        "patient_agrees": "yes",
        **changes,
    }


def test_a_search_with_nul_is_a_norwegian_400_page(cast: Cast):
    response = client_for(cast.coordinator).get("/pasienter/sok/?q=a%00b")
    assert response.status_code == 400
    body = response.content.decode()
    assert "<h1" in body and "Ugyldig forespørsel" in body
    assert REFUSED in body


def test_nul_in_a_query_parameter_name_is_refused_too(cast: Cast):
    response = client_for(cast.coordinator).get("/pasienter/sok/?q%00=Kari")
    assert response.status_code == 400


def test_the_api_answers_nul_in_the_query_with_json(cast: Cast):
    response = client_for(cast.coordinator).get("/api/v1/pasienter/?q=a%00b")
    assert response.status_code == 400
    assert REFUSED in response.json()["detail"]


def test_nul_in_the_path_is_refused(cast: Cast):
    response = client_for(cast.coordinator).get("/pasienter/sok%00/")
    assert response.status_code == 400


def test_a_form_post_with_nul_is_refused_and_saves_nothing(cast: Cast):
    client = client_for(cast.relative)
    url = reverse("coordination:need-report-create")
    assert client.post(url, _need_report(cast)).status_code == 302  # the same form without NUL
    response = client.post(url, _need_report(cast, need="Trenger\x00hjelp"))
    assert response.status_code == 400
    assert REFUSED in response.content.decode()
    assert NeedReport.objects.count() == 1


def test_a_json_body_with_nul_is_refused_with_json(cast: Cast):
    body = {"name": "Siv", "national_id": "12345678901", "note": ["ok", {"deep": "a\u0000b"}]}
    response = client_for(cast.coordinator).post(
        reverse("api:patient-list"), json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400
    assert REFUSED in response.json()["detail"]


def test_an_escaped_backslash_before_u0000_is_text_not_nul(cast: Cast):
    """``"\\\\u0000"`` in JSON is a backslash and five characters: the API judges it."""
    response = client_for(cast.coordinator).post(
        reverse("api:patient-list"),
        '{"name": "Siv \\\\u0000", "national_id": "12345678901"}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "national_id" in response.json()


def test_malformed_json_is_left_to_the_api_which_answers_400(cast: Cast):
    response = client_for(cast.coordinator).post(
        reverse("api:patient-list"), '{"name": "\\u0000', content_type="application/json"
    )
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]


def test_nul_in_a_cookie_is_refused_before_the_session_is_read(cast: Cast):
    client = client_for(cast.coordinator)
    client.cookies["sessionid"] = "abcdefgh\x00ijklmnop"
    response = client.get(reverse("workspace:team-list"))
    assert response.status_code == 400


def test_json_too_deep_to_look_into_is_left_to_the_parser_which_answers_400(cast: Cast):
    body = '{"a": ' * 100_000 + '"\\u0000"' + "}" * 100_000
    response = client_for(cast.coordinator).post(
        reverse("api:patient-list"), body, content_type="application/json"
    )
    assert response.status_code == 400
