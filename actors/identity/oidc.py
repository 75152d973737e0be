"""The OpenID Connect clients for ID-porten (patients and relatives) and HelseID (staff).

Authlib does the protocol: the authorization code flow with PKCE (S256), ``state`` and
``nonce`` kept in the session, ``private_key_jwt`` client authentication at the token endpoint
(``PrivateKeyJWT``, audience the issuer, as both providers ask), and the ID token checked
against the provider's JWKS (signature, ``iss``, ``aud``, ``exp``, ``nonce``). What LKT decides on
top (the assurance level, who the person is to LKT) is ``actors.identity.linking``. Every way the flow
can fail becomes one ``identity.Refusal``, so the person gets a plain message and the login
event says why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from joserfc.errors import ClaimError, ExpiredTokenError, JoseError
from joserfc.jwk import ECKey, KeyParameters, RSAKey

from actors.identity.linking import Identity, LoginRefused, Refusal, Side

# Each provider logs in one side: a citizen account is never reached through HelseID, nor a
# staff account through ID-porten (they see different things).
SIDES = {"idporten": Side.CITIZEN, "helseid": Side.STAFF}
LABELS = {"idporten": "ID-porten", "helseid": "HelseID"}
# The provider's answers must come quickly: a hung provider must not hang the web workers.
TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class ProviderConfig:
    """One provider as ``settings.LKT_OIDC_PROVIDERS`` configures it."""

    name: str
    issuer: str
    client_id: str
    private_key: str
    key_id: str
    scopes: str
    acr_values: str
    acr_claim: str
    accepted_acr: tuple[str, ...]
    pid_claim: str
    hpr_claim: str

    @property
    def side(self) -> Side:
        return SIDES[self.name]

    @property
    def label(self) -> str:
        return LABELS[self.name]


def provider_config(name: str) -> ProviderConfig | None:
    raw: dict[str, Any] | None = settings.LKT_OIDC_PROVIDERS.get(name)
    if raw is None or name not in SIDES:
        return None
    return ProviderConfig(name=name, **{**raw, "accepted_acr": tuple(raw["accepted_acr"])})


def configured() -> list[ProviderConfig]:
    """The providers LKT offers on its login page, ID-porten first."""
    return [c for name in SIDES if (c := provider_config(name)) is not None]


def _private_key(config: ProviderConfig) -> RSAKey | ECKey:
    """The client's private key from its file: a JWK (as HelseID selvbetjening gives it) or a
    PEM; its ``kid`` goes in the assertion's header so the provider finds the public half."""
    text = Path(config.private_key).read_text()
    data: str | dict[str, Any] = json.loads(text) if text.lstrip().startswith("{") else text
    parameters: KeyParameters | None = {"kid": config.key_id} if config.key_id else None
    try:
        return RSAKey.import_key(data, parameters)
    except (ValueError, JoseError):
        return ECKey.import_key(data, parameters)


# One Authlib client per provider, made again when its settings change (the test suite points
# them at its own provider): it caches the provider's metadata and keys.
_clients: dict[str, tuple[ProviderConfig, DjangoOAuth2App]] = {}


def client(config: ProviderConfig) -> DjangoOAuth2App:
    cached = _clients.get(config.name)
    if cached is not None and cached[0] == config:
        return cached[1]
    key = _private_key(config)
    alg = "RS256" if isinstance(key, RSAKey) else "ES256"
    headers = {"kid": key.kid} if key.kid else None
    app: DjangoOAuth2App = OAuth().register(
        config.name,
        client_id=config.client_id,
        client_secret=key,
        server_metadata_url=f"{config.issuer}/.well-known/openid-configuration",
        client_kwargs={
            "scope": config.scopes,
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": PrivateKeyJWT(config.issuer, headers=headers, alg=alg),
            "default_timeout": TIMEOUT_SECONDS,
        },
    )
    _clients[config.name] = (config, app)
    return app


def begin(request: HttpRequest, config: ProviderConfig) -> HttpResponse:
    """Send the browser to the provider; ``state``, ``nonce`` and the PKCE verifier wait in the
    session for the callback."""
    redirect_uri = request.build_absolute_uri(reverse("oidc-callback", args=[config.name]))
    params = {"ui_locales": "nb"}
    if config.acr_values:
        params["acr_values"] = config.acr_values
    try:
        response: HttpResponse = client(config).authorize_redirect(request, redirect_uri, **params)
    except _FLOW_ERRORS as error:
        raise LoginRefused(_refusal(error)) from error
    return response


@dataclass(frozen=True)
class SignedIn:
    identity: Identity
    id_token: str
    sid: str


# Everything the flow can raise for a broken, tampered or refused answer, or a provider that
# cannot be reached: each becomes a Refusal (``_refusal``), never a 500.
_FLOW_ERRORS = (OAuthError, JoseError, requests.RequestException, ValueError)


def _claims_options(config: ProviderConfig) -> dict[str, dict[str, Any]]:
    # Authlib's defaults check the issuer only; the audience must be LKT's own client.
    return {
        "iss": {"essential": True, "value": config.issuer},
        "aud": {"essential": True, "value": config.client_id},
    }


def finish(request: HttpRequest, config: ProviderConfig) -> SignedIn:
    """The provider's answer at the callback, as an identity; raises ``LoginRefused``."""
    try:
        token = client(config).authorize_access_token(
            request, claims_options=_claims_options(config)
        )
    except _FLOW_ERRORS as error:
        raise LoginRefused(_refusal(error)) from error
    claims = token.get("userinfo")
    if not claims:
        raise LoginRefused(Refusal.INVALID)
    return SignedIn(
        identity=identity_from_claims(config, dict(claims)),
        id_token=token["id_token"],
        sid=str(claims.get("sid") or ""),
    )


def check_id_token(config: ProviderConfig, token: dict[str, Any], nonce: str) -> dict[str, Any]:
    """Authlib's check of an ID token exactly as the callback makes it, for a token that came
    another way (the tests hand it one the provider made for another service)."""
    try:
        claims = client(config).parse_id_token(
            token, nonce=nonce, claims_options=_claims_options(config)
        )
    except _FLOW_ERRORS as error:
        raise LoginRefused(_refusal(error)) from error
    return dict(claims)


def _refusal(error: Exception) -> Refusal:
    if isinstance(error, MismatchingStateError):
        return Refusal.STATE
    if isinstance(error, OAuthError):
        return _oauth_refusal(error)
    if isinstance(error, ClaimError) and not isinstance(error, ExpiredTokenError):
        return _claim_refusal(error.claim)
    if isinstance(error, JoseError):
        return Refusal.INVALID
    if isinstance(error, requests.RequestException):
        return Refusal.UNAVAILABLE
    return Refusal.PROVIDER


def _oauth_refusal(error: OAuthError) -> Refusal:
    match error.error:
        case "access_denied":
            return Refusal.CANCELLED
        case "invalid_grant":
            # The code was used before, has expired, or was not made for this login (PKCE).
            return Refusal.CODE
        case "login_required" | "interaction_required":
            return Refusal.CANCELLED
    return Refusal.PROVIDER


def _claim_refusal(claim: str) -> Refusal:
    match claim:
        case "nonce":
            return Refusal.NONCE
        case "aud" | "azp":
            return Refusal.AUDIENCE
    return Refusal.INVALID


def identity_from_claims(config: ProviderConfig, claims: dict[str, Any]) -> Identity:
    """The person the provider vouches for, from ID token claims Authlib has checked."""

    def text(name: str) -> str:
        value = claims.get(name) if name else None
        return value.strip() if isinstance(value, str) else ""

    return Identity(
        provider=config.name,
        side=config.side,
        national_id=text(config.pid_claim),
        hpr_number=text(config.hpr_claim) if config.side == Side.STAFF else "",
        acr=text(config.acr_claim),
        given_name=text("given_name"),
        family_name=text("family_name"),
    )


def end_session_url(
    config: ProviderConfig, *, id_token: str, post_logout_redirect_uri: str
) -> str | None:
    """The provider's end_session address for RP-initiated logout, or None when the provider
    cannot be reached (the local session is ended all the same)."""
    try:
        result = client(config).create_logout_url(
            post_logout_redirect_uri=post_logout_redirect_uri, id_token_hint=id_token
        )
    except (requests.RequestException, RuntimeError, ValueError):
        return None
    return str(result["url"])
