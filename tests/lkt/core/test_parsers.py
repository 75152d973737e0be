"""The API's JSON parser (lkt.core.parsers.JSONParser): what Python's json module reads but no field
should get is a 400 with a message, never a 500 (issue 13)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from actors.models import Member
from tests.conftest import Cast, client_for

pytestmark = pytest.mark.django_db


def _post(cast: Cast, body: str):
    return client_for(cast.coordinator).post(
        reverse("api:member-create", args=[cast.team.pk]), body, content_type="application/json"
    )


@pytest.mark.parametrize("field", ["user", "organisation"])
def test_a_number_beyond_a_float_is_a_400_not_an_overflow(cast: Cast, field: str):
    response = _post(cast, f'{{"external_name": "Nabo", "role": "annen", "{field}": 1e400}}')
    assert response.status_code == 400
    assert response.json() == {"detail": "Ugyldig JSON: tallet 1e400 er for stort."}
    assert not Member.objects.filter(external_name="Nabo").exists()


def test_json_nested_deeper_than_python_can_read_is_a_400(cast: Cast):
    response = _post(cast, '{"a": ' * 100_000 + "1" + "}" * 100_000)
    assert response.status_code == 400
    assert response.json() == {"detail": "Ugyldig JSON: nøstet for dypt."}


@pytest.mark.parametrize("body", ['{"external_name": ', "NaN", '{"role": Infinity}', "\xff"])
def test_malformed_json_is_a_400_that_says_so(cast: Cast, body: str):
    response = _post(cast, body)
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Ugyldig JSON: ")


def test_a_charset_that_is_no_text_encoding_is_a_400(cast: Cast):
    response = client_for(cast.coordinator).generic(
        "POST",
        reverse("api:member-create", args=[cast.team.pk]),
        b'{"external_name": "Nabo"}',
        content_type="application/json; charset=base64",
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "Ugyldig tegnsett: base64."}


def test_good_json_still_creates_the_member(cast: Cast):
    response = _post(cast, '{"external_name": "Nabo", "role": "annen", "external_phone": ""}')
    assert response.status_code == 201, response.json()
    assert Member.objects.filter(external_name="Nabo").exists()
