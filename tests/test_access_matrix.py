"""Every URL of the project × every role, with the status each must get.

The matrix must list every named URL: a new view without a row fails
``test_every_url_is_in_the_matrix``, so the matrix grows with every view.
404 means "you may not know this exists", 403 "you may see it but not do this".
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from actors.models import Role
from tests.conftest import Cast, client_for

ROLES = [
    "anonymous",
    "patient",
    "other_patient",
    "relative",
    "excluded_relative",
    "member",
    "outsider",
    "coordinator",
    "leader",
]


@dataclass
class Row:
    method: str
    expected: dict[str, int]
    args: Callable[[Cast], list[Any]] = field(default=lambda cast: [])
    query: str = ""
    data: Callable[[Cast], dict[str, Any]] = field(default=lambda cast: {})
    content_type: str | None = None


def statuses(default: int, **overrides: int) -> dict[str, int]:
    return {role: overrides.get(role, default) for role in ROLES}


def kari_team(cast: Cast) -> list[Any]:
    return [cast.team.pk]


def tor_membership(cast: Cast) -> list[Any]:
    return [cast.team.pk, cast.team.members.get(user=cast.member).pk]


def kari_consent(cast: Cast) -> list[Any]:
    return [cast.team.pk, cast.team.patient.consents.first().pk]  # type: ignore[union-attr]


# Seeing Kari's team: herself, her allowed relative, and staff in her team.
TEAM_VIEW = statuses(404, anonymous=302, patient=200, relative=200, member=200, coordinator=200)
# Changing Kari's team: only the coordinator; those who may see her get 403.
TEAM_MANAGE = statuses(404, anonymous=302, patient=403, relative=403, member=403)
LOGGED_IN_ONLY = statuses(200, anonymous=302)
STAFF_ONLY = statuses(403, anonymous=302, member=200, outsider=200, coordinator=200, leader=200)
API_LOGGED_IN = statuses(200, anonymous=403)
ADMIN_ONLY = statuses(302)  # nobody in the cast is an administrator: on to the admin login

MATRIX: dict[str, Row] = {
    "home": Row("get", statuses(302)),
    "login": Row("get", statuses(302, anonymous=200)),
    "logout": Row("post", statuses(302)),
    "set_language": Row("post", statuses(302), data=lambda cast: {"language": "en"}),
    "health": Row("get", statuses(200)),
    "actors:team-list": Row("get", STAFF_ONLY),
    "actors:team-detail": Row("get", TEAM_VIEW, args=kari_team),
    "actors:member-add": Row("get", {**TEAM_MANAGE, "coordinator": 200}, args=kari_team),
    "actors:member-end": Row("post", {**TEAM_MANAGE, "coordinator": 302}, args=tor_membership),
    "actors:consent-record": Row("get", {**TEAM_MANAGE, "coordinator": 200}, args=kari_team),
    "actors:consent-withdraw": Row("post", {**TEAM_MANAGE, "coordinator": 302}, args=kari_consent),
    # The patient decides about her relatives herself.
    "actors:relative-create": Row(
        "get", {**TEAM_MANAGE, "coordinator": 200, "patient": 200}, args=kari_team
    ),
    "actors:patient-search": Row("get", LOGGED_IN_ONLY, query="q=Kari"),
    "actors:patient-register": Row("get", STAFF_ONLY),
    "actors:relative-home": Row(
        "get", statuses(403, anonymous=302, relative=200, excluded_relative=200)
    ),
    "api:organisation-list": Row("get", API_LOGGED_IN),
    "api:patient-list": Row("get", API_LOGGED_IN, query="q=Kari"),
    "api:team-list": Row(
        "get", statuses(403, member=200, outsider=200, coordinator=200, leader=200)
    ),
    "api:team-detail": Row("get", {**TEAM_VIEW, "anonymous": 403}, args=kari_team),
    "api:member-create": Row(
        "post",
        {**TEAM_MANAGE, "anonymous": 403, "coordinator": 201},
        args=kari_team,
        data=lambda cast: {"external_name": "Nabo Nils", "role": Role.OTHER.value},
        content_type="application/json",
    ),
}

# The admin has many URLs; they all sit behind the admin login, so a sample of them is walked.
ADMIN_NAMESPACE = "admin"
ADMIN_SAMPLE = [
    "admin:index",
    "admin:actors_organisation_changelist",
    "admin:actors_user_changelist",
]


def _url_names(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from _url_names(pattern.url_patterns, namespace)
        elif isinstance(pattern, URLPattern):
            yield f"{prefix}{pattern.name}" if pattern.name else f"{prefix}<unnamed {pattern}>"


def test_every_url_is_in_the_matrix():
    names = set(_url_names(get_resolver().url_patterns))
    unlisted = sorted(
        n for n in names if n not in MATRIX and not n.startswith(f"{ADMIN_NAMESPACE}:")
    )
    assert unlisted == [], f"add these URLs to the access matrix: {unlisted}"
    assert set(MATRIX) <= names, f"matrix lists URLs that no longer exist: {set(MATRIX) - names}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_access(cast: Cast, name: str, role: str):
    row = MATRIX[name]
    url = reverse(name, args=row.args(cast))
    if row.query:
        url = f"{url}?{row.query}"
    client = client_for(cast.user(role))
    kwargs: dict[str, Any] = {"data": row.data(cast)} if row.method == "post" else {}
    if row.content_type:
        kwargs["content_type"] = row.content_type
    response = getattr(client, row.method)(url, **kwargs)
    assert response.status_code == row.expected[role], (
        f"{role} {row.method.upper()} {url}: {response.status_code}, expected {row.expected[role]}"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ADMIN_SAMPLE)
def test_admin_is_for_administrators_only(cast: Cast, name: str, role: str):
    response = client_for(cast.user(role)).get(reverse(name))
    assert response.status_code == ADMIN_ONLY[role]
    assert "/admin/login/" in response["Location"]
