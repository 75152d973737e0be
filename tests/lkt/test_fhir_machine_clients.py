"""Machine clients (an EPJ) read FHIR with OAuth 2 bearer tokens: client-credentials tokens
from the suite's real OpenID Provider (node-oidc-provider's HelseID-like issuer on 127.0.0.1,
tests/oidc_provider/), and for what that provider cannot be made to do (rotate its keys, sign
with a stranger's key) a small real issuer of our own (tests/token_issuer.py). Signature
against the issuer's JWKS, issuer, audience, time and scope are checked, and the client reads
the teams where its organisation has an active core member while the patient's team-sharing
consent stands."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actors import services
from actors.models import Consent, MachineClient, Member, User
from lkt.fhir.auth import forget_issuer_keys
from lkt.models import AccessLog
from tests.conftest import Cast, client_for
from tests.factories import OrganisationFactory, UserFactory
from tests.lkt.fhir_helpers import KarisRecord, entries, fhir_get, karis_record, resource
from tests.oidc_provider.provider import (
    EPJ_CLIENT,
    FHIR_AUDIENCE,
    OTHER_AUDIENCE,
    RunningProvider,
)
from tests.token_issuer import TokenIssuer, running_issuer

pytestmark = pytest.mark.django_db
DIPS = EPJ_CLIENT


@pytest.fixture(scope="module")
def issuer() -> Iterator[TokenIssuer]:
    with running_issuer() as running:
        yield running


@pytest.fixture
def trusted(settings, issuer: TokenIssuer) -> TokenIssuer:
    settings.LKT_FHIR_TOKEN_ISSUER = issuer.url
    settings.LKT_FHIR_TOKEN_AUDIENCE = "lkt-fhir"
    settings.LKT_FHIR_JWKS_URL = ""
    forget_issuer_keys()
    return issuer


@pytest.fixture
def helseid(oidc_provider: RunningProvider, settings) -> RunningProvider:
    """LKT trusts the test provider's HelseID-like issuer, its keys found by discovery."""
    settings.LKT_FHIR_TOKEN_ISSUER = oidc_provider.issuer("helseid")
    settings.LKT_FHIR_TOKEN_AUDIENCE = FHIR_AUDIENCE
    settings.LKT_FHIR_JWKS_URL = ""
    # The provider's keys are new each session, on a port a past session may have had.
    forget_issuer_keys()
    return oidc_provider


def register(cast: Cast, organisation=None, scopes: str = "system/*.read") -> MachineClient:
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    return services.machine_client_register(
        actor=admin,
        name="DIPS Fjordvik",
        client_id=DIPS,
        organisation=organisation or cast.kommune,
        scopes=scopes,
    )


def bearer(token: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def record(cast: Cast) -> KarisRecord:
    return karis_record(cast)


def test_an_epj_of_an_organisation_in_the_team_reads_the_team_as_a_fhir_client(
    cast: Cast, helseid: RunningProvider, record: KarisRecord
):
    register(cast)
    client = bearer(helseid.client_credentials_token("system/*.read"))
    kari = cast.team.patient
    [patient] = entries(fhir_get(client, f"Patient?identifier={kari.national_id}"), "Patient")
    assert patient.identifier[0].value == kari.national_id
    plan = resource(fhir_get(client, f"CarePlan/{record.plan.pk}"), "CarePlan")
    assert plan.status == "active"
    team = resource(fhir_get(client, f"CareTeam/{cast.team.pk}"), "CareTeam")
    assert len(team.participant) == 3  # Cecilie, Tor and Frida, who has left
    assert [g.id for g in entries(fhir_get(client, f"Goal?patient={kari.pk}"), "Goal")] == [
        str(record.goal.pk)
    ]
    assert entries(fhir_get(client, f"Consent?patient={kari.pk}"), "Consent")
    assert entries(fhir_get(client, f"Task?patient={kari.pk}"), "Task")
    # Audited as the client's own user, like any reader: Kari sees it in her access log.
    reader = MachineClient.objects.get(client_id=DIPS).user
    assert AccessLog.objects.filter(user=reader, patient=kari).exists()
    log = client_for(cast.patient).get(reverse("workspace:portal-access-log", args=[kari.pk]))
    assert "DIPS Fjordvik" in log.content.decode()
    assert "Et journalsystem (EPJ) hos en i teamet ditt" in log.content.decode()  # its basis
    assert cast.kommune.name in log.content.decode()


def test_an_epj_token_without_the_team_in_scope_gets_403_operation_outcome(
    cast: Cast, helseid: RunningProvider, record: KarisRecord
):
    """Havbu kommune has no one in Kari's team: its EPJ is refused her plan (403, not 404:
    it is a registered system, told that LKT refuses), and finds nothing of hers."""
    register(cast, organisation=cast.other_kommune)
    client = bearer(helseid.client_credentials_token("system/*.read"))
    response = fhir_get(client, f"CarePlan/{record.plan.pk}")
    assert response.status_code == 403
    assert resource(response, "OperationOutcome").issue[0].code == "forbidden"
    assert fhir_get(client, f"CareTeam/{cast.team.pk}").status_code == 403
    assert entries(fhir_get(client, f"CarePlan?patient={cast.team.patient.pk}"), "CarePlan") == []
    # Ola's team, where Havbu's coordinator is a core member, is the client's.
    assert entries(fhir_get(client, f"CareTeam?patient={cast.other_team.patient.pk}"), "CareTeam")


def test_a_token_without_the_scope_for_the_type_gets_403(
    cast: Cast, helseid: RunningProvider, record: KarisRecord
):
    register(cast, scopes="system/CarePlan.read system/Goal.read")
    client = bearer(helseid.client_credentials_token("system/Goal.read"))
    assert fhir_get(client, f"Goal/{record.goal.pk}").status_code == 200
    # The registration grants CarePlan, the token does not ask for it: both must.
    response = fhir_get(client, f"CarePlan/{record.plan.pk}")
    assert response.status_code == 403
    assert "system/CarePlan.read" in resource(response, "OperationOutcome").issue[0].diagnostics
    # The token asks for Task, the registration does not grant it.
    client = bearer(helseid.client_credentials_token("system/Goal.read system/Task.read"))
    assert fhir_get(client, f"Task/{record.task.pk}").status_code == 403


def test_the_client_loses_the_team_when_consent_is_withdrawn_or_its_members_leave(
    cast: Cast, helseid: RunningProvider, record: KarisRecord
):
    register(cast)
    client = bearer(helseid.client_credentials_token("system/*.read"))
    assert fhir_get(client, f"CarePlan/{record.plan.pk}").status_code == 200
    Consent.objects.filter(scope=Consent.Scope.TEAM_SHARING).update(withdrawn_at=timezone.now())
    assert fhir_get(client, f"CarePlan/{record.plan.pk}").status_code == 403
    Consent.objects.filter(scope=Consent.Scope.TEAM_SHARING).update(withdrawn_at=None)
    Member.objects.filter(team=cast.team, organisation=cast.kommune).update(
        involvement=Member.Involvement.AS_NEEDED
    )
    assert fhir_get(client, f"CarePlan/{record.plan.pk}").status_code == 403


def test_an_epj_of_a_unit_below_the_organisation_is_not_the_organisations(
    cast: Cast, helseid: RunningProvider, record: KarisRecord
):
    """A client of the kommune reads its units' teams; a unit's client not the kommune's."""
    unit = OrganisationFactory(name="Fjordvik hjemmetjeneste", parent=cast.kommune)
    register(cast, organisation=unit)
    client = bearer(helseid.client_credentials_token("system/*.read"))
    assert fhir_get(client, f"CarePlan/{record.plan.pk}").status_code == 403


@pytest.mark.parametrize(
    "problem",
    ["wrong audience", "expired", "unregistered", "another issuer", "garbage"],
)
def test_a_bad_token_is_401_operation_outcome(
    cast: Cast, helseid: RunningProvider, issuer: TokenIssuer, record: KarisRecord, problem: str
):
    if problem != "unregistered":
        register(cast)
    if problem == "expired":
        # Issued by the provider an hour ago, for five minutes.
        helseid.set_clock(time.time() - 3600)
        try:
            token = helseid.client_credentials_token("system/*.read")
        finally:
            helseid.set_clock()
    else:
        token = {
            "wrong audience": lambda: helseid.client_credentials_token(
                "system/*.read", resource=OTHER_AUDIENCE
            ),
            "unregistered": lambda: helseid.client_credentials_token("system/*.read"),
            "another issuer": lambda: issuer.token(DIPS, "system/*.read", audience=FHIR_AUDIENCE),
            "garbage": lambda: "not.a.jwt",
        }[problem]()
    response = fhir_get(bearer(token), f"CarePlan/{record.plan.pk}")
    assert response.status_code == 401, problem
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert resource(response, "OperationOutcome").issue[0].code == "login"


def test_a_token_signed_with_a_key_not_in_the_issuers_jwks_is_401(
    cast: Cast, trusted: TokenIssuer, record: KarisRecord
):
    from joserfc.jwk import RSAKey

    register(cast)
    stranger = RSAKey.generate_key(2048, parameters={"kid": trusted.keys[0].kid})
    response = fhir_get(bearer(trusted.token(DIPS, "system/*.read", key=stranger)), "Goal")
    assert response.status_code == 401


def test_a_rotated_key_is_fetched_once_from_the_issuers_jwks(
    cast: Cast, trusted: TokenIssuer, record: KarisRecord
):
    from joserfc.jwk import RSAKey

    register(cast)
    assert fhir_get(bearer(trusted.token(DIPS, "system/*.read")), "Goal").status_code == 200
    reads = trusted.jwks_reads
    assert fhir_get(bearer(trusted.token(DIPS, "system/*.read")), "Goal").status_code == 200
    assert trusted.jwks_reads == reads  # the keys are kept in the cache
    trusted.rotate()
    try:
        assert fhir_get(bearer(trusted.token(DIPS, "system/*.read")), "Goal").status_code == 200
        assert trusted.jwks_reads == reads + 1
        # Tokens naming keys the issuer never had are refused without asking it each time.
        for kid in ("x1", "x2", "x3"):
            stranger = RSAKey.generate_key(2048, parameters={"kid": kid})
            token = trusted.token(DIPS, "system/*.read", key=stranger)
            assert fhir_get(bearer(token), "Goal").status_code == 401
        assert trusted.jwks_reads == reads + 1
    finally:
        trusted.keys.pop(0)


def test_without_a_configured_issuer_no_bearer_token_is_accepted(
    cast: Cast, settings, issuer: TokenIssuer, record: KarisRecord
):
    settings.LKT_FHIR_TOKEN_ISSUER = ""
    register(cast)
    response = fhir_get(bearer(issuer.token(DIPS, "system/*.read")), "Goal")
    assert response.status_code == 401


def test_a_machine_client_never_logs_in_on_the_pages(cast: Cast):
    client = register(cast)
    assert client.user.kind == User.Kind.SYSTEM
    assert not client.user.has_usable_password()


def test_registering_a_client_needs_an_administrator_and_known_scopes(cast: Cast):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        services.machine_client_register(
            actor=cast.coordinator,
            name="X",
            client_id="x",
            organisation=cast.kommune,
            scopes="system/*.read",
        )
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    with pytest.raises(ValidationError) as refused:
        services.machine_client_register(
            actor=admin, name="X", client_id="x", organisation=cast.kommune, scopes="system/*.write"
        )
    assert "system/*.write" in str(refused.value)
    assert not User.objects.filter(kind=User.Kind.SYSTEM).exists()
