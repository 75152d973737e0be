"""Rate limits, all through DRF's throttles (one mechanism, counted in the cache: Redis in
production): the API's per-user and per-address rates, and the lookup of a patient by
fødselsnummer, per user wherever it is done (the crisis lookup page, the night contact form and
API, registering a patient: each tells whether a number is in LKT). A legevakt night needs a handful of lookups; a script walking through numbers needs
thousands, so the lookup's rate (``national_id_lookup``, 30 an hour by default) is what stands
between a stolen or curious account and the list of who has a team in LKT.

The rates are read from ``REST_FRAMEWORK`` when a throttle is made, not when this module is
imported (DRF's own classes read them once), so settings from the environment and from a test
take effect. When the cache is down a request is let through and the failure logged: a night
lookup must never wait for Redis, and every card opened is in the audit log anyway.
"""

from __future__ import annotations

import logging
import math
from typing import Any

from django.http import HttpRequest
from django.utils.translation import ngettext
from redis.exceptions import RedisError
from rest_framework import throttling
from rest_framework.settings import api_settings

log = logging.getLogger("lkt.security")

# What a cache call may raise when Redis is down or unreachable (as coordination.notifications.unread).
CACHE_DOWN = (RedisError, OSError)


class _FromSettings:
    """The rate of ``scope`` as the settings say now, failing soft when the cache is down."""

    scope: str | None

    def get_rate(self) -> str | None:
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope or "")
        return None if rate is None else str(rate)

    def allow_request(self, request: Any, view: Any) -> bool:
        try:
            return bool(super().allow_request(request, view))  # type: ignore[misc]
        except CACHE_DOWN:
            log.warning("Cache unavailable; the %s rate limit lets a request through", self.scope)
            return True


class UserRateThrottle(_FromSettings, throttling.UserRateThrottle):
    """The API per logged-in user (``user``), per address for anyone else (``anon``)."""


class AnonRateThrottle(_FromSettings, throttling.AnonRateThrottle):
    pass


class NationalIdLookupThrottle(_FromSettings, throttling.SimpleRateThrottle):
    """Lookups of a patient by fødselsnummer, per user (``national_id_lookup``). A refusal is
    logged with the user and the page, so an account that walks through numbers is seen in
    the security log (``lkt.security``)."""

    scope = "national_id_lookup"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        user = request.user
        ident = user.pk if user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request: Any, view: Any) -> bool:
        if super().allow_request(request, view):
            return True
        log.warning(
            "Lookup by fødselsnummer refused at %s: user %s is over %s",
            request.path,
            getattr(request.user, "pk", None),
            self.rate,
        )
        return False


def national_id_lookup_refused(request: HttpRequest) -> int | None:
    """Count one lookup by fødselsnummer for the request's user (a page outside the API):
    None when allowed, else the seconds until the next one is (for ``Retry-After``)."""
    throttle = NationalIdLookupThrottle()
    if throttle.allow_request(request, None):
        return None
    return math.ceil(throttle.wait() or 1)


def lookup_refused_message(wait: int) -> str:
    minutes = max(1, math.ceil(wait / 60))
    return ngettext(
        "Du har slått opp mange fødselsnumre på kort tid. For å verne pasientene er det en "
        "grense per time. Prøv igjen om %(minutes)d minutt.",
        "Du har slått opp mange fødselsnumre på kort tid. For å verne pasientene er det en "
        "grense per time. Prøv igjen om %(minutes)d minutter.",
        minutes,
    ) % {"minutes": minutes}
