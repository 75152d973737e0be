"""Health endpoint for the load balancer and docker-compose: database and Redis reachable."""

from __future__ import annotations

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:  # noqa: BLE001 – any failure means "not healthy"
        return False


def _redis_ok() -> bool | None:
    if not settings.REDIS_URL:
        return None  # the embedded demo runs without Redis
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2
        )
        return bool(client.ping())
    except redis.RedisError:
        return False


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database_ok(), "redis": _redis_ok()}
    healthy = all(v is not False for v in checks.values())
    return JsonResponse({"ok": healthy, **checks}, status=200 if healthy else 503)
