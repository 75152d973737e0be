"""Every kind of representative (issue 14) × the pages where representing matters, with the
status each must get. The cast's relatives (Per, Lise) are in tests/test_access_matrix.py;
these are the kinds the cast does not have: a parent with foreldreansvar of a child, the same
parent once the child has turned 16, a verge and a fullmakt of an adult, a parent by relation
alone, and a relative with limited access of a patient without a login."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from actors.models import Consent, Patient, RelativeLink, Representation, Role, Team, User
from careplans.annual.rules import add_months
from careplans.models import CarePlan
from coordination.referral.turning_16 import turning_16_sweep
from tests.careplans.helpers import ready_draft
from tests.conftest import Cast, client_for
from tests.factories import (
    ConsentFactory,
    MemberFactory,
    PatientFactory,
    RelativeLinkFactory,
    RepresentationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

FULL = {"may_see_team": True, "may_see_goals": True, "may_see_plan": True}
PAGES = ("plan", "approve", "portal-overview", "portal-plan", "portal-consent", "access-log")


@dataclass
class Kind:
    age: int
    relation: str
    access: dict[str, bool]
    basis: str | None
    expected: dict[str, int]
    patient_login: bool = True
    turned_16: bool = False


KINDS = {
    # Acts for the child: reads the plan and approves it, consents, reads the access log.
    "parent with foreldreansvar": Kind(
        12,
        "parent",
        FULL,
        "foreldreansvar",
        dict(zip(PAGES, (200, 302, 200, 200, 200, 200), strict=True)),
    ),
    # The sweep on the 16th birthday: her parents' authority and access end.
    "parent once the child is 16": Kind(
        16,
        "parent",
        FULL,
        "foreldreansvar",
        dict(zip(PAGES, (404, 404, 404, 404, 404, 404), strict=True)),
        turned_16=True,
    ),
    # Approves on the adult's behalf and reads the plan; consent is the adult's own.
    "verge of an adult": Kind(
        40,
        "guardian",
        FULL,
        "verge",
        dict(zip(PAGES, (200, 302, 200, 200, 403, 403), strict=True)),
    ),
    "fullmakt of an adult": Kind(
        40,
        "friend",
        FULL,
        "fullmakt",
        dict(zip(PAGES, (200, 302, 200, 200, 403, 403), strict=True)),
    ),
    # Sees what the patient let him see, but represents no one: no consent, no approval.
    "parent by relation alone": Kind(
        12,
        "parent",
        FULL,
        None,
        dict(zip(PAGES, (200, 302, 200, 200, 403, 403), strict=True)),
    ),
    # The failure of the issue: the patient has no login and let him see the team only.
    "limited relative of a patient without login": Kind(
        16,
        "parent",
        {"may_see_team": True},
        None,
        dict(zip(PAGES, (404, 404, 200, 404, 403, 403), strict=True)),
        patient_login=False,
    ),
}


def _world(cast: Cast, kind: Kind) -> tuple[User, Patient, Team]:
    # ``turned_16``: born 16 years ago today, so the sweep below runs on the birthday.
    born = add_months(timezone.localdate(), -12 * kind.age)
    user = UserFactory(kind=User.Kind.PATIENT) if kind.patient_login else None
    patient = PatientFactory.create(birth_date=born, user=user)
    team = Team.objects.create(
        patient=patient,
        created_by=cast.coordinator,
        established_on=timezone.localdate(),
        status=Team.Status.ACTIVE,
    )
    MemberFactory(team=team, user=cast.coordinator, role=Role.COORDINATOR)
    for scope in (Consent.Scope.TEAM_SHARING, Consent.Scope.RELATIVES):
        ConsentFactory(patient=patient, recorded_by=cast.coordinator, scope=scope)
    relative = UserFactory(kind=User.Kind.RELATIVE)
    link = RelativeLinkFactory(
        patient=patient, relative=relative, relation=kind.relation, **kind.access
    )
    if kind.basis:
        RepresentationFactory(
            relative_link=link,
            basis=kind.basis,
            scope="Helse" if kind.basis == Representation.Basis.GUARDIANSHIP else "",
            recorded_by=cast.coordinator,
            valid_from=timezone.localdate() - dt.timedelta(days=30),
        )
    ready_draft(cast.coordinator, team)
    if kind.turned_16:
        turning_16_sweep(timezone.localdate())
    return relative, patient, team


def _request(client: Any, page: str, patient: Patient, team: Team) -> int:
    if page == "plan":
        return client.get(reverse("careplans:plan", args=[team.pk])).status_code
    if page == "approve":
        base = CarePlan.objects.get(team=team).version
        url = reverse("careplans:plan-approve", args=[team.pk, 1])
        return client.post(url, {"base_version": base}).status_code
    name = {"access-log": "portal-access-log"}.get(page, page)
    return client.get(reverse(f"workspace:{name}", args=[patient.pk])).status_code


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_of_representative_gets_what_its_basis_gives(cast: Cast, kind: str, page: str):
    relative, patient, team = _world(cast, KINDS[kind])
    status = _request(client_for(relative), page, patient, team)
    assert status == KINDS[kind].expected[page], f"{kind} {page}: {status}"


@pytest.mark.parametrize("kind", [k for k, v in KINDS.items() if v.expected["approve"] == 302])
def test_only_a_representative_in_effect_has_approved_after_posting(cast: Cast, kind: str):
    relative, patient, team = _world(cast, KINDS[kind])
    _request(client_for(relative), "approve", patient, team)
    approved = CarePlan.objects.get(team=team).versions.get().approvals.filter(approver=relative)
    assert approved.exists() == (KINDS[kind].basis is not None)
    if approved.exists():
        assert approved.get().capacity == "representative"
    assert RelativeLink.objects.filter(relative=relative).exists()
