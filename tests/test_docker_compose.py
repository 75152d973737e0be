"""docker-compose.yml and the Dockerfile describe a deployment the settings can run."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
COMPOSE_FILE = REPO / "docker-compose.yml"
APP_SERVICES = ("web", "worker", "beat")
TRUTHY = {"true", "1", "yes", "on", "y", "t"}


def load_compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


def services() -> dict[str, Any]:
    return load_compose()["services"]


def command_of(service: dict[str, Any]) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else str(command)


def environment_of(service: dict[str, Any]) -> dict[str, str]:
    """A service's environment as a dict, whether written as a mapping or as KEY=VALUE items."""
    environment = service.get("environment") or {}
    if isinstance(environment, list):
        pairs = (item.split("=", 1) for item in environment)
        return {pair[0]: (pair[1] if len(pair) > 1 else "") for pair in pairs}
    return {key: "" if value is None else str(value) for key, value in environment.items()}


def test_the_compose_file_has_web_worker_beat_db_and_redis() -> None:
    assert {"web", "worker", "beat", "db", "redis"} <= set(services())


def test_web_serves_the_wsgi_app_with_gunicorn_after_migrating() -> None:
    command = command_of(services()["web"])

    assert "gunicorn lkt.wsgi" in command
    assert "manage.py migrate --noinput" in command
    assert command.index("migrate") < command.index("gunicorn")


@pytest.mark.parametrize("role", ["worker", "beat"])
def test_worker_and_beat_run_celery_for_the_lkt_app(role: str) -> None:
    assert f"celery -A lkt {role}" in command_of(services()[role])


def test_the_database_is_postgresql_16_and_the_broker_is_redis_7() -> None:
    assert services()["db"]["image"].startswith("postgres:16")
    assert services()["redis"]["image"].startswith("redis:7")


@pytest.mark.parametrize("name", ["db", "redis", "web", "worker", "beat"])
def test_every_service_has_a_healthcheck(name: str) -> None:
    healthcheck = services()[name].get("healthcheck") or {}

    assert healthcheck.get("test")
    assert not healthcheck.get("disable", False)


def healthcheck_of(name: str) -> str:
    test = services()[name]["healthcheck"]["test"]
    return " ".join(test) if isinstance(test, list) else test


def test_the_web_healthcheck_asks_the_health_endpoint_for_the_web_alone() -> None:
    text = healthcheck_of("web")

    assert "http://localhost:8000/helse/" in text
    # The full check fails when beat or the workers stop; the web must not go down with them.
    assert "full" not in text


def test_the_worker_healthcheck_pings_its_own_worker() -> None:
    text = healthcheck_of("worker")

    assert "celery -A lkt inspect ping" in text
    # $$ is compose's escape: the shell in the container expands $HOSTNAME, the worker's name.
    assert "--destination celery@$$HOSTNAME" in text


def test_the_beat_healthcheck_asks_for_its_heartbeat() -> None:
    assert services()["beat"]["healthcheck"]["test"] == [
        "CMD",
        *("python", "manage.py", "health", "beat"),
    ]


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_get_database_redis_and_secret_key_with_debug_off(name: str) -> None:
    environment = environment_of(services()[name])

    assert environment["DATABASE_URL"].startswith("postgres://")
    assert "@db:5432/" in environment["DATABASE_URL"]
    assert environment["REDIS_URL"].startswith("redis://redis:6379")
    assert environment["SECRET_KEY"].startswith("${SECRET_KEY")
    assert environment["DEBUG"] == "false"
    assert environment["LKT_SYNTHETIC_IDS"] == "false"


def test_debug_is_turned_on_nowhere_in_the_compose_file() -> None:
    for name, service in services().items():
        debug = environment_of(service).get("DEBUG", "false")
        assert debug.strip().lower() not in TRUTHY, name
    assert not re.search(r"DEBUG\s*[:=]\s*['\"]?(true|1|yes|on)\b", COMPOSE_FILE.read_text(), re.I)


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_wait_for_a_healthy_db_and_redis(name: str) -> None:
    depends_on = services()[name]["depends_on"]

    assert isinstance(depends_on, dict), "a list form cannot carry a condition"
    for dependency in ("db", "redis"):
        assert depends_on[dependency]["condition"] == "service_healthy"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_build_from_the_dockerfile_in_the_repository(name: str) -> None:
    build = services()[name]["build"]
    context = build if isinstance(build, str) else build.get("context", ".")
    dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")

    assert (REPO / context / dockerfile).resolve() == (REPO / "Dockerfile").resolve()
    assert (REPO / "Dockerfile").is_file()


def test_the_database_keeps_its_data_in_a_named_volume() -> None:
    compose = load_compose()
    volume_names = set(compose.get("volumes") or {})
    mounts = services()["db"]["volumes"]

    assert any(str(mount).split(":")[0] in volume_names for mount in mounts)


def test_every_app_environment_variable_is_one_the_settings_read() -> None:
    settings_source = (REPO / "lkt" / "settings.py").read_text(encoding="utf-8")
    names = {name for role in APP_SERVICES for name in environment_of(services()[role])}

    def read(name: str) -> bool:
        # Each identity provider's variables are read as prefix + name (OIDC_IDPORTEN_ISSUER).
        for prefix in ("OIDC_IDPORTEN_", "OIDC_HELSEID_"):
            if name.startswith(prefix) and f'"{name.removeprefix(prefix)}"' in settings_source:
                return True
        return f'"{name}"' in settings_source

    unread = sorted(name for name in names if not read(name))
    assert not unread, f"settings.py never reads {unread}"


def test_the_dockerfile_builds_a_slim_non_root_image_with_weasyprint_libraries() -> None:
    dockerfile = (REPO / "Dockerfile").read_text(encoding="utf-8")

    assert re.search(r"^FROM python:3\.11-slim\b", dockerfile, re.M)
    for package in (
        "libpango-1.0-0",
        "libpangoft2-1.0-0",
        "libharfbuzz0b",
        "libharfbuzz-subset0",
        "fonts-dejavu-core",
    ):
        assert package in dockerfile
    assert "pip install ." in dockerfile
    assert "collectstatic --noinput" in dockerfile
    users = re.findall(r"^USER\s+(\S+)", dockerfile, re.M)
    assert users, "the image must switch to an unprivileged user"
    assert users[-1] not in {"root", "0"}


def test_the_docker_build_context_leaves_out_local_state_and_secrets() -> None:
    ignored = (REPO / ".dockerignore").read_text(encoding="utf-8").split()

    for entry in (".git", ".venv", ".env", "node_modules/", "var/"):
        assert entry in ignored


def test_web_and_worker_share_a_volume_for_the_documents() -> None:
    """Uploaded documents (issue 19) outlive a container and are seen by web and worker alike,
    at the folder the settings store them in."""
    for role in ("web", "worker"):
        service = services()[role]
        assert "media:/app/var/media" in service["volumes"]
        assert environment_of(service)["LKT_MEDIA_ROOT"] == "/app/var/media"
    assert "media" in load_compose()["volumes"]
