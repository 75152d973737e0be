"""The environment decides: no Redis means the embedded demo with eager Celery; with Redis the
tasks go through the real broker."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings

from lkt.celery import app

PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps([s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL, "
    "s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND']]))"
)


def _settings_with(
    env: dict[str, str],
    probe: str = PROBE,
    *,
    unset: Callable[[str], bool] = lambda name: name in {"REDIS_URL", "DATABASE_URL"},
) -> Any:
    """What ``probe`` prints of LKT's settings made from ``env``, over this process's
    environment without the variables ``unset`` names."""
    base = {k: v for k, v in os.environ.items() if not unset(k)}
    result = subprocess.run(  # noqa: S603 – our own settings module
        [sys.executable, "-c", probe],
        cwd=settings.BASE_DIR,
        env={**base, "DJANGO_SETTINGS_MODULE": "lkt.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_without_an_environment_the_demo_runs_on_sqlite_with_eager_tasks():
    eager, broker, engine, cache = _settings_with({})
    assert eager is True
    assert broker == "memory://"
    assert engine == "django.db.backends.sqlite3"
    assert cache.endswith("LocMemCache")


def test_with_redis_tasks_go_through_the_broker():
    eager, broker, engine, cache = _settings_with(
        {"REDIS_URL": "redis://127.0.0.1:6379/0", "DATABASE_URL": "postgres://u@h:5432/d"}
    )
    assert eager is False
    assert broker == "redis://127.0.0.1:6379/0"
    assert engine == "django.db.backends.postgresql"
    assert cache.endswith("RedisCache")


KEPT = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.DATABASES['default']['CONN_MAX_AGE'])"
)


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("postgres://u@h:5432/d", 60),
        ("postgres://u@h:5432/d?conn_max_age=0", 0),
        ("postgres://u@h:5432/d?conn_max_age=600", 600),
        ("sqlite:///demo.sqlite3", 0),
    ],
)
def test_postgresql_connections_are_kept_for_a_minute_unless_the_url_says(url, kept):
    assert _settings_with({"DATABASE_URL": url}, KEPT) == kept


def test_the_celery_app_reaches_the_real_broker_in_the_test_run():
    assert settings.REDIS_URL, "make test runs against real Redis"
    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1)
        assert connection.connected


LOGIN_PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps([s.LKT_PASSWORD_LOGIN, s.LKT_OIDC_PROVIDERS]))"
)


def _login_settings(env: dict[str, str]) -> list[Any]:
    return list(
        _settings_with(
            env, LOGIN_PROBE, unset=lambda name: name.startswith(("OIDC_", "LKT_PASSWORD"))
        )
    )


IDPORTEN = {
    "OIDC_IDPORTEN_ISSUER": "https://idporten.no/",
    "OIDC_IDPORTEN_CLIENT_ID": "lkt-kommune",
    "OIDC_IDPORTEN_PRIVATE_KEY": "/run/secrets/idporten.jwk",
}


def test_without_a_provider_everyone_logs_in_with_a_password():
    password_login, providers = _login_settings({})
    assert password_login is True
    assert providers == {}


def test_once_a_provider_is_configured_passwords_are_for_local_admins_only():
    password_login, providers = _login_settings(IDPORTEN)
    assert password_login is False
    assert set(providers) == {"idporten"}
    idporten = providers["idporten"]
    assert idporten["issuer"] == "https://idporten.no"
    assert idporten["accepted_acr"] == ["idporten-loa-substantial", "idporten-loa-high"]
    assert idporten["acr_values"] == "idporten-loa-substantial"
    assert idporten["pid_claim"] == "pid"


def test_the_environment_can_keep_passwords_on_and_change_the_accepted_levels():
    password_login, providers = _login_settings(
        {
            **IDPORTEN,
            "LKT_PASSWORD_LOGIN": "true",
            "OIDC_IDPORTEN_ACCEPTED_ACR": "idporten-loa-high",
            "OIDC_HELSEID_ISSUER": "https://helseid-sts.nhn.no",
            "OIDC_HELSEID_CLIENT_ID": "lkt-helseid",
            "OIDC_HELSEID_PRIVATE_KEY": "/run/secrets/helseid.jwk",
            "OIDC_HELSEID_HPR_CLAIM": "helseid://claims/hpr/hpr_number",
        }
    )
    assert password_login is True
    assert providers["idporten"]["accepted_acr"] == ["idporten-loa-high"]
    assert providers["helseid"]["acr_claim"] == "helseid://claims/identity/assurance_level"
    assert providers["helseid"]["accepted_acr"] == ["substantial", "high"]


def test_an_empty_provider_variable_means_its_default():
    # docker-compose.yml passes every name, empty when the deployment does not set it.
    _password_login, providers = _login_settings(
        {**IDPORTEN, "OIDC_IDPORTEN_ACCEPTED_ACR": "", "OIDC_IDPORTEN_SCOPES": " "}
    )
    assert providers["idporten"]["accepted_acr"] == [
        "idporten-loa-substantial",
        "idporten-loa-high",
    ]
    assert providers["idporten"]["scopes"] == "openid profile"
