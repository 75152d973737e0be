"""Machine clients' OAuth 2 bearer tokens (HelseID's client-credentials tokens in production):
a JWT signed by the issuer, whose keys LKT reads from the issuer's JWKS, with the issuer, the
audience (LKT's FHIR API) and the time checked, from a client registered in LKT
(``actors.MachineClient``: its organisation decides the teams it reads, actors.access). The
scopes it may use are those both the token and LKT's registration give it.

The JWKS is read from ``LKT_FHIR_JWKS_URL`` or, without it, the issuer's discovery document,
kept in the cache for JWKS_CACHE_SECONDS and read again when a token names a key LKT does not
have (the issuer rotated its keys), at most once a minute. When the issuer cannot be reached the token cannot be
checked: 401, never a 5xx.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import extract_compact
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from actors.models import MachineClient, User
from actors.validators import ALL_READS_SCOPE
from lkt.core.throttling import CACHE_DOWN

log = logging.getLogger("lkt.security")

JWKS_CACHE_SECONDS = 600
REFETCH_SECONDS = 60
FETCH_TIMEOUT_SECONDS = 3
# Asymmetric signatures only: a shared secret (HS256) would let anyone holding it mint tokens.
ALGORITHMS = ("RS256", "PS256", "ES256")
# A few seconds of leeway for clocks that differ between issuer and LKT.
LEEWAY_SECONDS = 30
_MAX_TOKEN = 16_000


@dataclass(frozen=True)
class ClientToken:
    """What ``request.auth`` holds for a machine client: the client and its scopes."""

    client: MachineClient
    scopes: frozenset[str]

    def may_read(self, resource_type: str) -> bool:
        return bool({ALL_READS_SCOPE, f"system/{resource_type}.read"} & self.scopes)


def _fetch_json(url: str) -> Any:
    if not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        raise AuthenticationFailed("Utstederens nøkler må hentes over https.")
    with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT_SECONDS) as response:  # noqa: S310
        return json.loads(response.read(1_000_000))


def _jwks_url() -> str:
    if settings.LKT_FHIR_JWKS_URL:
        return str(settings.LKT_FHIR_JWKS_URL)
    discovery = _fetch_json(
        settings.LKT_FHIR_TOKEN_ISSUER.rstrip("/") + "/.well-known/openid-configuration"
    )
    return str(discovery["jwks_uri"])


def _cache_key() -> str:
    return f"fhir-jwks:{settings.LKT_FHIR_TOKEN_ISSUER}"


def forget_issuer_keys() -> None:
    """Drop the cached JWKS of the configured issuer (a new issuer, or a test's own)."""
    with contextlib.suppress(*CACHE_DOWN):
        cache.delete_many([_cache_key(), f"{_cache_key()}:refetched"])


def _key_set(*, fresh: bool = False) -> KeySet:
    data = None
    if not fresh:
        try:
            data = cache.get(_cache_key())
        except CACHE_DOWN:
            data = None
    if data is None:
        try:
            data = _fetch_json(_jwks_url())
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("The token issuer's JWKS could not be read: %s", exc)
            raise AuthenticationFailed(
                "Tokenet kan ikke kontrolleres nå (utstederens nøkler svarer ikke)."
            ) from exc
        with contextlib.suppress(*CACHE_DOWN):
            cache.set(_cache_key(), data, JWKS_CACHE_SECONDS)
    try:
        return KeySet.import_key_set(data)
    except (JoseError, ValueError, KeyError, TypeError) as exc:
        raise AuthenticationFailed("Utstederens nøkler kan ikke leses.") from exc


def _key_id(value: str) -> str:
    try:
        return str(extract_compact(value.encode()).protected.get("kid", ""))
    except (JoseError, ValueError) as exc:
        raise AuthenticationFailed("Tokenet er ikke gyldig.") from exc


def _may_refetch() -> bool:
    """At most one fresh read of the JWKS a minute: a stream of tokens naming unknown keys
    must not become a stream of requests to the issuer."""
    try:
        return bool(cache.add(f"{_cache_key()}:refetched", True, REFETCH_SECONDS))
    except CACHE_DOWN:
        return True


def _decode(value: str) -> jwt.Token:
    kid = _key_id(value)
    keys = _key_set()
    if kid and kid not in {key.kid for key in keys.keys} and _may_refetch():
        # A key LKT has not seen: the issuer may have rotated its keys; read the JWKS again.
        keys = _key_set(fresh=True)
    try:
        return jwt.decode(value, keys, algorithms=ALGORITHMS)
    except (JoseError, ValueError) as exc:
        raise AuthenticationFailed("Tokenet er ikke gyldig.") from exc


def validate_access_token(value: str) -> dict[str, Any]:
    """The token's claims, once its signature, issuer, audience and time hold."""
    if not settings.LKT_FHIR_TOKEN_ISSUER:
        raise AuthenticationFailed("Denne LKT tar ikke imot bearer-token.")
    if len(value) > _MAX_TOKEN:
        raise AuthenticationFailed("Tokenet er ikke gyldig.")
    token = _decode(value)
    registry = jwt.JWTClaimsRegistry(
        now=int(time.time()),
        leeway=LEEWAY_SECONDS,
        iss={"essential": True, "value": settings.LKT_FHIR_TOKEN_ISSUER},
        aud={"essential": True, "value": settings.LKT_FHIR_TOKEN_AUDIENCE},
        exp={"essential": True},
    )
    try:
        registry.validate(token.claims)
    except JoseError as exc:
        raise AuthenticationFailed(f"Tokenet er ikke gyldig: {exc.description}") from exc
    return dict(token.claims)


def _scopes(claims: dict[str, Any]) -> set[str]:
    scope = claims.get("scope", "")
    if isinstance(scope, list):
        return {str(s) for s in scope}
    return set(str(scope).split())


class BearerTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer <JWT>`` from a registered machine client."""

    def authenticate(self, request: Request) -> tuple[User, ClientToken] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != b"bearer":
            return None
        if len(header) != 2:
            raise AuthenticationFailed("Authorization-headeren skal være «Bearer <token>».")
        try:
            value = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise AuthenticationFailed("Tokenet er ikke gyldig.") from exc
        claims = validate_access_token(value)
        client_id = str(claims.get("client_id") or claims.get("sub") or "")
        client = (
            MachineClient.objects.select_related("user", "organisation")
            .filter(client_id=client_id)
            .first()
        )
        if client is None or not client.user.is_active:
            log.warning("A valid token from client %r, which LKT has not registered", client_id)
            raise AuthenticationFailed("Klienten er ikke registrert i LKT.")
        scopes = frozenset(_scopes(claims) & client.scope_set)
        return client.user, ClientToken(client=client, scopes=scopes)

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="fhir"'
