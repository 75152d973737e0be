"""A real OpenID Provider for the tests: node-oidc-provider (``server.js`` beside this file,
installed by ``make test`` from ``package-lock.json``), started once per test session on
127.0.0.1 with an ID-porten-like and a HelseID-like issuer (``provider.py``)."""
