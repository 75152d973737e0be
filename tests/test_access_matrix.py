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

from actors.models import CommunicationLine, Role
from careplans.models import Challenge
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
    htmx: bool = False  # team sections answer htmx; a plain request is sent to the page


def statuses(default: int, **overrides: int) -> dict[str, int]:
    return {role: overrides.get(role, default) for role in ROLES}


def kari_team(cast: Cast) -> list[Any]:
    return [cast.team.pk]


def tor_membership(cast: Cast) -> list[Any]:
    return [cast.team.pk, cast.team.members.get(user=cast.member).pk]


def kari_consent(cast: Cast) -> list[Any]:
    return [cast.team.pk, cast.team.patient.consents.first().pk]  # type: ignore[union-attr]


def kari_line(cast: Cast) -> list[Any]:
    """An open communication line Tor → Cecilie in Kari's team."""
    members = cast.team.members
    line = CommunicationLine.objects.create(
        team=cast.team,
        from_member=members.get(user=cast.member),
        to_member=members.get(user=cast.coordinator),
        channel=CommunicationLine.Channel.PHONE,
        frequency=CommunicationLine.Frequency.WEEKLY,
        created_by=cast.coordinator,
    )
    return [cast.team.pk, line.pk]


def tor_perspective(cast: Cast) -> list[Any]:
    """Tor's perspective on one of Kari's challenges."""
    challenge = Challenge.objects.create(patient=cast.team.patient, text="Jeg sover dårlig")
    return [cast.team.pk, challenge.pk, cast.team.members.get(user=cast.member).pk]


def kari_patient(cast: Cast) -> list[Any]:
    return [cast.team.patient.pk]


# Seeing Kari's Min gode dag: herself, Per (allowed to see her goals), staff in her team.
GOALS_VIEW = statuses(404, anonymous=302, patient=200, relative=200, member=200, coordinator=200)
# Seeing Kari's team: herself, her allowed relative, and staff in her team.
TEAM_VIEW = statuses(404, anonymous=302, patient=200, relative=200, member=200, coordinator=200)
# Changing Kari's team: only the coordinator; those who may see her get 403.
TEAM_MANAGE = statuses(404, anonymous=302, patient=403, relative=403, member=403)
LOGGED_IN_ONLY = statuses(200, anonymous=302)
STAFF_ONLY = statuses(403, anonymous=302, member=200, outsider=200, coordinator=200, leader=200)
API_LOGGED_IN = statuses(200, anonymous=403)
ADMIN_ONLY = statuses(302)  # nobody in the cast is an administrator: on to the admin login
# Kari's clinical sections: herself and staff in her team; her relative sees the team, not these.
CLINICAL_SECTION = statuses(
    404, anonymous=302, patient=200, relative=403, member=200, coordinator=200
)
# Editing the network (lines, perspectives, scenarios): active members with consent. An empty
# form comes back with its messages (200); Kari and her relative see the team but get 403.
NETWORK_EDIT = statuses(404, anonymous=302, patient=403, relative=403, member=200, coordinator=200)

MATRIX: dict[str, Row] = {
    "home": Row("get", statuses(302)),
    "login": Row("get", statuses(302, anonymous=200)),
    "logout": Row("post", statuses(302)),
    "set_language": Row("post", statuses(302), data=lambda cast: {"language": "en"}),
    "health": Row("get", statuses(200)),
    "actors:team-list": Row("get", STAFF_ONLY),
    "actors:team-detail": Row("get", TEAM_VIEW, args=kari_team),
    "actors:team-medlemmer": Row("get", TEAM_VIEW, args=kari_team, htmx=True),
    "actors:team-aktorkart": Row("get", TEAM_VIEW, args=kari_team, htmx=True),
    "actors:team-min-gode-dag": Row("get", TEAM_VIEW, args=kari_team, htmx=True),
    # Min gode dag: Kari, Per (she lets him see her goals) and staff in her team read it.
    "careplans:good-day": Row("get", GOALS_VIEW, args=kari_patient),
    "careplans:good-day-history": Row("get", GOALS_VIEW, args=kari_patient),
    "careplans:good-day-diff": Row("get", GOALS_VIEW, args=kari_patient),
    # Kari writes; the coordinator may write the first version with her; an empty form comes
    # back with its messages (200). Per may read but not write, Tor is no co-writer: 403.
    "careplans:good-day-save": Row(
        "post", {**GOALS_VIEW, "relative": 403, "member": 403}, args=kari_patient
    ),
    "actors:member-add": Row("get", {**TEAM_MANAGE, "coordinator": 200}, args=kari_team),
    "actors:member-edit": Row("get", {**TEAM_MANAGE, "coordinator": 200}, args=tor_membership),
    "actors:member-end": Row("get", {**TEAM_MANAGE, "coordinator": 200}, args=tor_membership),
    "actors:team-activate": Row("get", {**TEAM_MANAGE, "coordinator": 200}, args=kari_team),
    "actors:consent-record": Row("get", {**TEAM_MANAGE, "coordinator": 200}, args=kari_team),
    "actors:consent-withdraw": Row("post", {**TEAM_MANAGE, "coordinator": 302}, args=kari_consent),
    # The patient decides about her relatives herself.
    "actors:relative-create": Row(
        "get", {**TEAM_MANAGE, "coordinator": 200, "patient": 200}, args=kari_team
    ),
    "actors:patient-search": Row("get", LOGGED_IN_ONLY, query="q=Kari"),
    "actors:patient-register": Row("get", STAFF_ONLY),
    "actors:incomplete-teams": Row("get", statuses(403, anonymous=302, leader=200)),
    "actors:team-kommunikasjon": Row("get", CLINICAL_SECTION, args=kari_team, htmx=True),
    "actors:team-perspektiver": Row("get", CLINICAL_SECTION, args=kari_team, htmx=True),
    "actors:team-scenarier": Row("get", CLINICAL_SECTION, args=kari_team, htmx=True),
    "actors:communication-line-add": Row("post", NETWORK_EDIT, args=kari_team),
    "actors:communication-line-end": Row(
        "post", {**NETWORK_EDIT, "member": 302, "coordinator": 302}, args=kari_line
    ),
    # Tor writes his own perspective; the coordinator writes only for actors without login.
    "actors:perspective-save": Row(
        "post", {**NETWORK_EDIT, "coordinator": 403}, args=tor_perspective
    ),
    "actors:scenario-add": Row("post", NETWORK_EDIT, args=kari_team),
    "actors:scenario-prepare": Row(
        "post", NETWORK_EDIT, args=lambda cast: [cast.team.pk, "turning_18"]
    ),
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
    if row.htmx:
        kwargs["headers"] = {"HX-Request": "true"}
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
