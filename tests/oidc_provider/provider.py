"""Start the test OpenID Provider, point LKT at it, and log in through it as a browser would.

Two issuers on two free ports of 127.0.0.1: ``idporten`` (acr ``idporten-loa-*``, ``pid``) and
``helseid`` (HelseID's claim names: ``helseid://claims/identity/pid``, the assurance level and
the HPR number). Each has LKT's client (``private_key_jwt`` with a key made for the session,
PKCE required) and ``idporten`` one more client, another service, for the tests of a code or
a token that was not made for LKT. The test users are ``ACCOUNTS``; a test picks one by its
button on the provider's login page.

Node runs from the installed ``node_modules`` and downloads nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from joserfc import jwt
from joserfc.jwk import RSAKey

from actors.validators import ALL_READS_SCOPE, FHIR_READ_TYPES, synthetic_national_id

HERE = Path(__file__).resolve().parent
SERVER = HERE / "server.js"
# Test users' birth dates lie before any the factories make (from 1950), so their
# fødselsnumre never meet a factory patient's.
KARI_PID = synthetic_national_id(dt.date(1931, 3, 14), 0)
STRANGER_PID = synthetic_national_id(dt.date(1932, 6, 1), 0)
SISTER_PID = synthetic_national_id(dt.date(1933, 9, 2), 0)
NURSE_PID = synthetic_national_id(dt.date(1934, 2, 3), 0)
INVITED_PID = synthetic_national_id(dt.date(1935, 4, 5), 0)
NEWCOMER_PID = synthetic_national_id(dt.date(1936, 7, 8), 0)
OLAV_PID = synthetic_national_id(dt.date(1937, 10, 11), 0)
NURSE_HPR = "9144889"
INVITED_HPR = "9155990"
NEWCOMER_HPR = "9166001"

LKT_IDPORTEN = "lkt-idporten"
LKT_HELSEID = "lkt-helseid"
OTHER_SERVICE = "annen-tjeneste"
OTHER_SERVICE_CALLBACK = "http://testserver/annen-tjeneste/callback"

HELSEID_PID = "helseid://claims/identity/pid"
HELSEID_ASSURANCE = "helseid://claims/identity/assurance_level"
HELSEID_HPR = "helseid://claims/hpr/hpr_number"


@dataclass(frozen=True)
class Account:
    id: str
    label: str
    acr: str
    claims: dict[str, str]


def _citizen(id: str, label: str, pid: str, acr: str = "idporten-loa-high") -> Account:
    return Account(id, label, acr, {"pid": pid})


def _staff(
    id: str, label: str, pid: str, hpr: str, given: str, family: str, level: str = "high"
) -> Account:
    return Account(
        id,
        label,
        level,
        {
            HELSEID_PID: pid,
            HELSEID_HPR: hpr,
            HELSEID_ASSURANCE: level,
            "given_name": given,
            "family_name": family,
            "name": f"{given} {family}",
        },
    )


ACCOUNTS = {
    "idporten": [
        _citizen("kari", "Kari (BankID, høyt nivå)", KARI_PID),
        _citizen("kari-minid", "Kari (MinID, betydelig)", KARI_PID, "idporten-loa-substantial"),
        _citizen("kari-lavt", "Kari (lavt nivå)", KARI_PID, "idporten-loa-low"),
        _citizen("fremmed", "En fremmed", STRANGER_PID),
        _citizen("soster", "Søsteren", SISTER_PID),
        _citizen("olav", "Olav (BankID, høyt nivå)", OLAV_PID),
    ],
    "helseid": [
        _staff("sykepleier", "Sykepleier med konto", NURSE_PID, NURSE_HPR, "Siri", "Sykepleier"),
        _staff("invitert", "Invitert ansatt", INVITED_PID, INVITED_HPR, "Ingvild", "Invitert"),
        _staff("ny", "Ukjent ansatt", NEWCOMER_PID, NEWCOMER_HPR, "Nils", "Nykommer"),
        _staff(
            "sykepleier-lavt",
            "Sykepleier, lavt nivå",
            NURSE_PID,
            NURSE_HPR,
            "Siri",
            "Sykepleier",
            level="low",
        ),
    ],
}
ACR_VALUES = {
    "idporten": ["idporten-loa-low", "idporten-loa-substantial", "idporten-loa-high"],
    "helseid": ["low", "substantial", "high"],
}
SCOPES = {
    "idporten": ["openid", "profile"],
    "helseid": [
        "openid",
        "profile",
        "helseid://scopes/identity/pid",
        "helseid://scopes/identity/assurance_level",
        "helseid://scopes/hpr/hpr_number",
    ],
}
CLAIMS = {
    "idporten": {"openid": ["sub", "pid"], "profile": ["name", "given_name", "family_name"]},
    "helseid": {
        "openid": ["sub"],
        "profile": ["name", "given_name", "family_name"],
        "helseid://scopes/identity/pid": [HELSEID_PID],
        "helseid://scopes/identity/assurance_level": [HELSEID_ASSURANCE],
        "helseid://scopes/hpr/hpr_number": [HELSEID_HPR],
    },
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# Machine clients at the HelseID-like issuer (client credentials, private_key_jwt, as HelseID's):
# an EPJ that reads LKT's FHIR API, and the resources the issuer serves: LKT's FHIR API (its
# audience and SMART system scopes) and another API, for tokens not made for LKT.
EPJ_CLIENT = "dips-fjordvik"
FHIR_AUDIENCE = "urn:lkt:fhir"  # a resource indicator is an absolute URI (RFC 8707)
OTHER_AUDIENCE = "urn:annet:api"
FHIR_SCOPES = [ALL_READS_SCOPE, *(f"system/{t}.read" for t in FHIR_READ_TYPES)]


def _machine_client(client_id: str, key: RSAKey) -> dict[str, Any]:
    """The resource's scopes are the resource server's (``resources`` of the issuer): client
    metadata may list only the issuer's OpenID scopes."""
    return {
        "client_id": client_id,
        "token_endpoint_auth_method": "private_key_jwt",
        "token_endpoint_auth_signing_alg": "RS256",
        "jwks": {"keys": [key.as_dict(private=False)]},
        "grant_types": ["client_credentials"],
        "response_types": [],
        "redirect_uris": [],
    }


def _client(client_id: str, key: RSAKey, redirect: str, logout: str = "") -> dict[str, Any]:
    return {
        "client_id": client_id,
        "token_endpoint_auth_method": "private_key_jwt",
        "token_endpoint_auth_signing_alg": "RS256",
        "jwks": {"keys": [key.as_dict(private=False)]},
        "grant_types": ["authorization_code"],
        "response_types": ["code"],
        "redirect_uris": [redirect],
        "post_logout_redirect_uris": [logout] if logout else [],
    }


@dataclass
class RunningProvider:
    """The running provider: its issuers, the key files LKT signs with, and its clock."""

    ports: dict[str, int]
    key_files: dict[str, Path]
    other_service_key: RSAKey
    epj_key: RSAKey | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def client_credentials_token(
        self, scope: str, *, client_id: str = EPJ_CLIENT, resource: str = FHIR_AUDIENCE
    ) -> str:
        """An access token (a JWT) from the HelseID-like issuer's token endpoint, for the EPJ,
        authenticated as HelseID wants it: a client assertion signed with the client's key."""
        assert self.epj_key is not None
        endpoint = f"{self.issuer('helseid')}/token"
        now = int(time.time())
        assertion = jwt.encode(
            {"alg": "RS256", "kid": self.epj_key.kid},
            {
                "iss": client_id,
                "sub": client_id,
                "aud": endpoint,
                "jti": secrets.token_hex(16),
                "iat": now,
                "exp": now + 60,
            },
            self.epj_key,
        )
        answer = requests.post(
            endpoint,
            data={
                "grant_type": "client_credentials",
                "scope": scope,
                "resource": resource,
                "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion": assertion,
            },
            timeout=5,
        )
        if not answer.ok:
            raise RuntimeError(f"the provider refused the token: {answer.text}")
        return str(answer.json()["access_token"])

    def issuer(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def settings(self, **overrides: dict[str, Any]) -> dict[str, dict[str, Any]]:
        """``LKT_OIDC_PROVIDERS`` for LKT's two clients, as lkt/settings.py builds it."""
        providers: dict[str, dict[str, Any]] = {
            "idporten": {
                "issuer": self.issuer("idporten"),
                "client_id": LKT_IDPORTEN,
                "private_key": str(self.key_files["idporten"]),
                "key_id": "",
                "scopes": " ".join(SCOPES["idporten"]),
                "acr_values": "idporten-loa-substantial",
                "acr_claim": "acr",
                "accepted_acr": ["idporten-loa-substantial", "idporten-loa-high"],
                "pid_claim": "pid",
                "hpr_claim": HELSEID_HPR,
            },
            "helseid": {
                "issuer": self.issuer("helseid"),
                "client_id": LKT_HELSEID,
                "private_key": str(self.key_files["helseid"]),
                "key_id": "",
                "scopes": " ".join(SCOPES["helseid"]),
                "acr_values": "",
                "acr_claim": HELSEID_ASSURANCE,
                "accepted_acr": ["substantial", "high"],
                "pid_claim": HELSEID_PID,
                "hpr_claim": HELSEID_HPR,
            },
        }
        for name, changes in overrides.items():
            providers[name] = {**providers[name], **changes}
        return providers

    def set_clock(self, epoch_seconds: float | None = None) -> None:
        """The provider's clock to the suite's (frozen) time, or to ``epoch_seconds``."""
        now = time.time() if epoch_seconds is None else epoch_seconds
        for name in self.ports:
            requests.post(
                f"{self.issuer(name)}/__test__/clock", json={"now": int(now * 1000)}, timeout=5
            ).raise_for_status()

    def register_frontchannel_logout(self, name: str, client_id: str, uri: str) -> None:
        """The service's front-channel logout URI at the provider (Samarbeidsportalen's field)."""
        requests.post(
            f"{self.issuer(name)}/__test__/frontchannel",
            json={"client_id": client_id, "uri": uri},
            timeout=5,
        ).raise_for_status()


def _wait_until_ready(provider: RunningProvider, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    pending = set(provider.ports)
    while pending:
        if process.poll() is not None:
            output = process.stdout.read().decode() if process.stdout else ""
            raise RuntimeError(f"the test OpenID Provider stopped: {output}")
        if time.monotonic() > deadline:
            raise RuntimeError("the test OpenID Provider did not answer within 30 s")
        for name in list(pending):
            url = f"{provider.issuer(name)}/.well-known/openid-configuration"
            try:
                if requests.get(url, timeout=1).ok:
                    pending.discard(name)
            except requests.RequestException:
                time.sleep(0.1)


@contextmanager
def running_provider(workdir: Path) -> Iterator[RunningProvider]:
    node = shutil.which("node")
    if node is None or not (HERE / "node_modules" / "oidc-provider").is_dir():
        raise RuntimeError(
            "The test OpenID Provider needs Node.js and its packages: run `make test` "
            "(it runs `npm ci` in tests/oidc_provider/)."
        )
    keys = {name: RSAKey.generate_key(2048, parameters={"kid": f"{name}-lkt"}) for name in SCOPES}
    other_key = RSAKey.generate_key(2048, parameters={"kid": "annen-tjeneste"})
    epj_key = RSAKey.generate_key(2048, parameters={"kid": EPJ_CLIENT})
    key_files = {}
    for name, key in keys.items():
        path = workdir / f"{name}-client.pem"
        path.write_bytes(key.as_pem(private=True))
        key_files[name] = path
    ports = {name: _free_port() for name in SCOPES}
    issuers = []
    for name, client_id in (("idporten", LKT_IDPORTEN), ("helseid", LKT_HELSEID)):
        clients = [
            _client(
                client_id,
                keys[name],
                f"http://testserver/konto/oidc/{name}/callback/",
                "http://testserver/konto/logg-inn/",
            )
        ]
        resources: list[dict[str, Any]] = []
        if name == "idporten":
            clients.append(_client(OTHER_SERVICE, other_key, OTHER_SERVICE_CALLBACK))
        else:
            clients.append(_machine_client(EPJ_CLIENT, epj_key))
            resources = [
                {"audience": FHIR_AUDIENCE, "scopes": FHIR_SCOPES},
                {"audience": OTHER_AUDIENCE, "scopes": FHIR_SCOPES},
            ]
        issuers.append(
            {
                "resource": resources[0] if resources else None,
                "resources": resources,
                "name": name,
                "port": ports[name],
                "scopes": SCOPES[name],
                "claims": CLAIMS[name],
                "acr_values": ACR_VALUES[name],
                "clients": clients,
                "accounts": [
                    {"id": a.id, "label": a.label, "acr": a.acr, "claims": a.claims}
                    for a in ACCOUNTS[name]
                ],
            }
        )
    config = workdir / "provider.json"
    config.write_text(json.dumps({"issuers": issuers}))
    process = subprocess.Popen(  # noqa: S603 – our own script, no shell
        [node, str(SERVER), str(config)],
        cwd=HERE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    provider = RunningProvider(
        ports=ports, key_files=key_files, other_service_key=other_key, epj_key=epj_key
    )
    provider.process = process
    try:
        _wait_until_ready(provider, process)
        yield provider
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()


class ProviderBrowser:
    """What a browser does at the provider, with requests: follows its redirects, picks a test
    user on its login page, and stops at the redirect back to the service (``testserver``)."""

    def __init__(self) -> None:
        self.session = requests.Session()

    def _follow(self, url: str) -> str:
        for _hop in range(10):
            if urlsplit(url).hostname == "testserver":
                return url
            response = self.session.get(url, allow_redirects=False, timeout=10)
            if response.status_code not in (302, 303):
                return url
            url = urljoin(url, response.headers["Location"])
        raise AssertionError(f"too many redirects at the provider: {url}")

    def authenticate(self, authorize_url: str, account: str | None) -> str:
        """Log in as ``account`` (None: cancel) at the provider; returns the URL the provider
        sends the browser back to (the service's callback with code and state, or an error)."""
        page = self._follow(authorize_url)
        if urlsplit(page).hostname == "testserver":
            return page  # an SSO session: no login page
        action = "login" if account else "abort"
        response = self.session.post(
            f"{page}/{action}", data={"account": account or ""}, allow_redirects=False, timeout=10
        )
        assert response.status_code in (302, 303), response.text
        return self._follow(urljoin(page, response.headers["Location"]))

    def end_session(self, end_session_url: str) -> str:
        """Confirm logout at the provider; returns where it sends the browser."""
        response = self.session.get(end_session_url, allow_redirects=False, timeout=10)
        assert response.status_code == 200, response.text
        form = response.text
        action = form.split('action="', 1)[1].split('"', 1)[0]
        xsrf = form.split('name="xsrf" value="', 1)[1].split('"', 1)[0]
        confirmed = self.session.post(
            urljoin(end_session_url, action),
            data={"xsrf": xsrf, "logout": "yes"},
            allow_redirects=False,
            timeout=10,
        )
        assert confirmed.status_code in (302, 303), confirmed.text
        return urljoin(end_session_url, confirmed.headers["Location"])


def callback_path(url: str) -> str:
    """The callback as the Django test client asks for it (path and query)."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def log_in(client: Any, provider: str, account: str | None, browser: ProviderBrowser | None = None):
    """The whole login: LKT sends the browser to the provider, the test user logs in there,
    and the provider sends it back to LKT's callback; returns LKT's answer to the callback."""
    from django.urls import reverse

    start = client.get(reverse("oidc-login", args=[provider]))
    assert start.status_code == 302, start.content
    back = (browser or ProviderBrowser()).authenticate(start["Location"], account)
    return client.get(callback_path(back))
