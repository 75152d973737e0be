"""A real OAuth 2 token issuer for the machine-client tests, on 127.0.0.1: an HTTP server in a
thread of the test process that serves its discovery document and its JWKS, as HelseID does,
and signs client-credentials access tokens (JWT, RS256) with its own test key.

The suite's OpenID Provider (node-oidc-provider, issue 14) had not landed on main when the FHIR
API was built; LKT reads this issuer exactly as it reads HelseID: discovery, then JWKS over
HTTP, then the token's signature, issuer, audience, time and scope.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey


@dataclass
class TokenIssuer:
    url: str
    keys: list[RSAKey] = field(default_factory=list)
    jwks_reads: int = 0

    def rotate(self) -> None:
        """A new signing key, published first in the JWKS (the old one is kept)."""
        self.keys.insert(0, RSAKey.generate_key(2048, parameters={"kid": f"k{len(self.keys) + 1}"}))

    def jwks(self) -> dict[str, Any]:
        return KeySet(self.keys).as_dict(private=False)

    def token(
        self,
        client_id: str,
        scope: str,
        *,
        audience: str = "lkt-fhir",
        issuer: str | None = None,
        lifetime: int = 300,
        key: RSAKey | None = None,
    ) -> str:
        now = int(time.time())
        claims = {
            "iss": issuer or self.url,
            "aud": audience,
            "sub": client_id,
            "client_id": client_id,
            "scope": scope,
            "iat": now,
            "exp": now + lifetime,
        }
        signing = key or self.keys[0]
        return jwt.encode({"alg": "RS256", "kid": signing.kid, "typ": "at+jwt"}, claims, signing)


def _handler(issuer: TokenIssuer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            if self.path == "/.well-known/openid-configuration":
                body: Any = {
                    "issuer": issuer.url,
                    "jwks_uri": f"{issuer.url}/jwks",
                    "token_endpoint": f"{issuer.url}/token",
                    "grant_types_supported": ["client_credentials"],
                }
            elif self.path == "/jwks":
                issuer.jwks_reads += 1
                body = issuer.jwks()
            else:
                self.send_error(404)
                return
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def running_issuer() -> Iterator[TokenIssuer]:
    issuer = TokenIssuer(url="")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(issuer))
    issuer.url = f"http://127.0.0.1:{server.server_address[1]}"
    issuer.rotate()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield issuer
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
