"""The JSON API (actors.api) gives each role no more than the same role's pages show, and its
reads are audited as the pages' are.

For every role of the cast, every value the API returns about Kari's team (her name, her
fødselsnummer and birth date, the members' names, phones and e-mail, dates) must be on a page
that role may open: the team page (Kari and Per open it from their home pages), the portal,
the patient search and the list of teams.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from django.utils.dateformat import format as date_format

from lkt.models import AccessLog
from tests.conftest import Cast, client_for
from tests.private_circle import karis_private_circle

pytestmark = pytest.mark.django_db

ROLES = [
    "patient",
    "relative",
    "excluded_relative",
    "member",
    "coordinator",
    "outsider",
    "leader",
    "night",
    "other_patient",
]
# Codes whose label, not the code, is on the page.
CODES = {"status", "role", "level", "closeness", "involvement", "missing_roles"}
TOR_PHONE = "90011222"
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def karis_team_with_contacts(cast: Cast) -> dict[str, str]:
    """Tor's phone, and a støttekontakt with her own phone: what a page may link to."""
    cast.member.phone = TOR_PHONE
    cast.member.save()
    circle = karis_private_circle(cast)
    kari = cast.team.patient
    return {
        "name": kari.name,
        "national_id": kari.national_id,
        "birth_date": kari.birth_date.isoformat(),
        "member_phone": TOR_PHONE,
        "member_email": cast.member.email,
        "private_phone": circle.stottekontakt.external_phone,
        "private_name": circle.stottekontakt.display_name,
    }


# What each role may see of the values above, on its pages and so in the API.
EVERYTHING = {
    "name",
    "national_id",
    "birth_date",
    "member_phone",
    "member_email",
    "private_phone",
    "private_name",
}
SEES = {
    "coordinator": EVERYTHING,
    "member": EVERYTHING,
    "patient": EVERYTHING,  # her own fødselsnummer on her team page
    # Per sees who is in the team and whom to call, never who Kari is on paper.
    "relative": EVERYTHING - {"national_id", "birth_date"},
}


def api_reads(cast: Cast, client) -> list[Any]:
    """Every API read about Kari the role gets an answer to (200)."""
    kari = cast.team.patient
    reads = [
        reverse("api:team-detail", args=[cast.team.pk]),
        reverse("api:team-list"),
        reverse("api:patient-list") + "?q=Kari",
        reverse("api:patient-list") + f"?q={kari.national_id[:6]}",
    ]
    answers = [client.get(url) for url in reads]
    return [a.json() for a in answers if a.status_code == 200]


def page_reads(cast: Cast, client) -> str:
    """Every page about Kari the role gets (200), as one text."""
    kari = cast.team.patient
    reads = [
        reverse("workspace:team-detail", args=[cast.team.pk]),
        # Sections the team page loads when revealed (issue 17), each a page of its own too.
        reverse("workspace:team-medlemmer", args=[cast.team.pk]),
        reverse("workspace:team-koordinator", args=[cast.team.pk]),
        reverse("workspace:team-list"),
        reverse("workspace:portal-overview", args=[kari.pk]),
        reverse("workspace:portal-team", args=[kari.pk]),
        reverse("actors:patient-search") + "?q=Kari",
        reverse("actors:patient-search") + f"?q={kari.national_id[:6]}",
    ]
    answers = [client.get(url) for url in reads]
    return "\n".join(a.content.decode() for a in answers if a.status_code == 200)


def on_page(value: str, html: str) -> bool:
    """A value as a page prints it: an ISO date (YYYY-MM-DD) in the formats of the pages."""
    if not ISO_DATE.match(value):
        return value in html
    day = dt.date.fromisoformat(value)
    return any(date_format(day, f) in html for f in ("j.n.Y", "j. F Y"))


def leaves(data: Any, key: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(data, dict):
        for k, v in data.items():
            yield from leaves(v, k)
    elif isinstance(data, list):
        for item in data:
            yield from leaves(item, key)
    else:
        yield key, data


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_from_the_api_what_its_pages_show_and_no_more(cast: Cast, role: str):
    values = karis_team_with_contacts(cast)
    client = client_for(cast.user(role))
    api = json.dumps(api_reads(cast, client), ensure_ascii=False)
    html = page_reads(cast, client)
    expected = SEES.get(role, set())

    in_api = {name for name, value in values.items() if value in api}
    in_pages = {name for name, value in values.items() if on_page(value, html)}
    assert in_api == expected
    assert in_pages == expected
    # Every other text or date the API gives the role is on its pages too.
    for key, value in leaves(api_reads(cast, client)):
        if isinstance(value, str) and value and key not in CODES:
            assert on_page(value, html), (key, value)


def test_per_gets_the_patients_name_but_not_her_fødselsnummer_from_the_lists(cast: Cast):
    karis_team_with_contacts(cast)
    per = client_for(cast.relative)
    found = per.get(reverse("api:patient-list"), {"q": "Kari"}).json()
    assert [set(p) for p in found] == [{"id", "name"}]
    assert per.get(reverse("api:team-list")).status_code == 403
    team = per.get(reverse("api:team-detail", args=[cast.team.pk])).json()
    assert set(team["patient"]) == {"id", "name"}


def test_the_coordinator_gets_the_fødselsnummer_the_team_page_shows_her(cast: Cast):
    kari = cast.team.patient
    client = client_for(cast.coordinator)
    team = client.get(reverse("api:team-detail", args=[cast.team.pk])).json()
    assert team["patient"] == {
        "id": kari.pk,
        "name": kari.name,
        "national_id": kari.national_id,
        "birth_date": kari.birth_date.isoformat(),
    }
    page = client.get(reverse("workspace:team-detail", args=[cast.team.pk])).content.decode()
    assert f"Fødselsnummer {kari.national_id}" in page
    found = client.get(reverse("api:patient-list"), {"q": "Kari"}).json()
    assert [p["birth_date"] for p in found] == [kari.birth_date.isoformat()]


def test_members_are_read_as_the_team_page_lists_them(cast: Cast):
    karis_team_with_contacts(cast)
    team = client_for(cast.member).get(reverse("api:team-detail", args=[cast.team.pk])).json()
    tor = next(m for m in team["members"] if m["display_name"] == "Tor Testesen")
    assert tor["contact_phone"] == TOR_PHONE
    # Not the coordinator's member form: the user behind a member, raw fields, joining date.
    assert set(tor) == {
        "id",
        "display_name",
        "role",
        "organisation",
        "level",
        "closeness",
        "involvement",
        "expected_leave_on",
        "contact_phone",
        "contact_email",
    }


def _audit_rows(user) -> list[tuple[Any, ...]]:
    rows = AccessLog.objects.filter(user=user).order_by("pk")
    return list(rows.values_list("patient_id", "action", "object_type", "object_id", "reason"))


@pytest.mark.parametrize(
    ("page", "api", "query"),
    [
        ("workspace:team-detail", "api:team-detail", ""),
        ("workspace:team-list", "api:team-list", ""),
        ("actors:patient-search", "api:patient-list", "q=Kari"),
    ],
)
@pytest.mark.parametrize("role", ["coordinator", "member", "relative", "patient"])
def test_an_api_read_is_audited_as_the_page_read_is(
    cast: Cast, page: str, api: str, query: str, role: str
):
    user = cast.user(role)
    args = [cast.team.pk] if page == "workspace:team-detail" else []
    client = client_for(user)
    client.get(reverse(page, args=args) + f"?{query}")
    by_page = _audit_rows(user)
    client.get(reverse(api, args=args) + f"?{query}")
    by_api = _audit_rows(user)[len(by_page) :]
    assert by_api == by_page
