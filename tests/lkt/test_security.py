"""Production settings pass Django's deployment checks; pages carry a strict CSP (the login
lock-out is tests/lkt/test_login_lockout.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

ROOT = Path(settings.BASE_DIR)


def test_check_deploy_is_clean_with_production_settings():
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "x" * 20 + "-production-like-secret-with-enough-entropy-0123456789",
        "ALLOWED_HOSTS": "lkt.example.no",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    # The browser tests' async escape hatch must never reach a deployment; check it is unset.
    for name in ("REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    result = subprocess.run(  # noqa: S603 – our own manage.py
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_development_key_is_refused_in_production():
    env = {**os.environ, "DEBUG": "false", "DATABASE_URL": "sqlite:///:memory:"}
    env.pop("SECRET_KEY", None)
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_inline_scripts(client):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    body = response.content.decode()
    assert "<script>" not in body
    assert "https://" not in body.split("<body")[0]  # nothing from a CDN


@pytest.mark.django_db
def test_forms_may_lead_on_to_the_identity_providers_and_nowhere_else(client, settings):
    # Logout posts a form whose answer goes on to the provider's end_session address.
    assert "form-action 'self';" in client.get(reverse("login"))["Content-Security-Policy"]
    settings.LKT_OIDC_PROVIDERS = {"idporten": {"issuer": "https://idporten.no"}}
    # The policy alone (the login page would need the whole configuration).
    policy = client.get(reverse("health"))["Content-Security-Policy"]
    assert "form-action 'self' https://idporten.no;" in policy
    settings.LKT_OIDC_PROVIDERS = {
        "idporten": {"issuer": "https://idporten.no"},
        "helseid": {"issuer": "https://helseid-sts.nhn.no/"},
    }
    policy = client.get(reverse("health"))["Content-Security-Policy"]
    assert "form-action 'self' https://helseid-sts.nhn.no https://idporten.no;" in policy
    assert "script-src 'self';" in policy


def test_htmx_requests_carry_the_csrf_token_from_the_page(cast):
    from tests.conftest import client_for

    client = client_for(cast.coordinator)
    client.handler.enforce_csrf_checks = True
    page = client.get(reverse("actors:member-add", args=[cast.team.pk]))
    token = page.context["csrf_token"]
    assert f'"X-CSRFToken": "{token}"' in page.content.decode()
    refused = client.post(
        reverse("actors:member-add", args=[cast.team.pk]), {"role": "annen"}, HTTP_HX_REQUEST="true"
    )
    assert refused.status_code == 403
    accepted = client.post(
        reverse("actors:member-add", args=[cast.team.pk]),
        {
            "role": "annen",
            "external_name": "Nabo Nils",
            "involvement": "core",
            "closeness": "weekly",
        },
        HTTP_HX_REQUEST="true",
        HTTP_X_CSRFTOKEN=str(token),
    )
    assert accepted.status_code == 200
    assert "medlemmer-changed" in json.loads(accepted["HX-Trigger"])


@pytest.mark.django_db
def test_health_reports_database_and_redis(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"ok": True, "database": True, "redis": bool(settings.REDIS_URL)}


@pytest.mark.django_db
def test_health_says_503_when_redis_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["redis"] is False
