"""Rate limits (lkt.core.throttling, DRF's throttles counted in Redis): the API per user, and the
lookup of a patient by fødselsnummer per user, wherever it is done (the crisis lookup, the
night contact form and API). The clock is frozen; a test that needs time to pass travels."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from coordination.models import NightContact
from tests.conftest import Cast, client_for
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

API = reverse("api:organisation-list")
LOOKUP = reverse("coordination:crisis-lookup")
NIGHT_FORM = reverse("coordination:night-contact-create")
NIGHT_API = reverse("api:night-contact-create")
LOOKUPS_PER_HOUR = 30
REFUSED = "Du har slått opp mange fødselsnumre på kort tid"


@pytest.fixture
def low_api_rate(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "user": "3/minute",
        },
    }


def test_the_api_answers_429_in_norwegian_with_retry_after_past_the_users_rate(
    cast: Cast, low_api_rate
):
    client = client_for(cast.coordinator)
    assert [client.get(API).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(API)
    assert refused.status_code == 429
    assert refused.json()["detail"] == (
        "For mange forespørsler på kort tid. Prøv igjen om 60 sekunder."
    )
    assert refused["Retry-After"] == "60"
    # Another user has their own count; the same user again once the minute has passed.
    assert client_for(cast.member).get(API).status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=61), tick=False):
        assert client.get(API).status_code == 200


def test_the_api_speaks_english_to_an_english_user(cast: Cast, low_api_rate):
    client = client_for(cast.coordinator)
    for _ in range(3):
        client.get(API)
    refused = client.get(API, headers={"Accept-Language": "en"})
    assert refused.status_code == 429
    assert refused.json()["detail"] == "Too many requests in a short time. Try again in 60 seconds."


def test_the_production_rates_are_set_for_users_and_anonymous_callers(settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert {"user", "anon", "national_id_lookup"} <= set(rates)
    assert rates["national_id_lookup"] == f"{LOOKUPS_PER_HOUR}/hour"
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == 0, "X-Forwarded-For is not trusted"


def test_the_api_goes_on_when_the_cache_is_down(cast: Cast, settings, low_api_rate):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    client = client_for(cast.coordinator)
    assert [client.get(API).status_code for _ in range(5)] == [200] * 5


def _look_up(client, cast: Cast):
    return client.post(LOOKUP, {"national_id": cast.team.patient.national_id})


def test_the_crisis_lookup_refuses_past_its_hourly_rate_with_a_clear_message_and_a_log_line(
    cast: Cast, caplog
):
    client = client_for(cast.night)
    assert all(_look_up(client, cast).status_code == 302 for _ in range(LOOKUPS_PER_HOUR))
    with caplog.at_level(logging.WARNING, logger="lkt.security"):
        refused = _look_up(client, cast)
    assert refused.status_code == 429
    page = refused.content.decode()
    assert REFUSED in page and "Prøv igjen om 60 minutter" in page
    assert cast.team.patient.national_id in page, "what was typed is kept"
    assert 0 < int(refused["Retry-After"]) <= 3600
    [record] = [r for r in caplog.records if r.name == "lkt.security"]
    assert str(cast.night.pk) in record.getMessage() and LOOKUP in record.getMessage()

    # Another legevakt doctor has her own hour; Nils his again when it has passed.
    assert (
        _look_up(client_for(StaffFactory(organisation=cast.night.organisation)), cast).status_code
        == 302
    )
    with time_machine.travel(timezone.now() + dt.timedelta(hours=1, seconds=1), tick=False):
        assert _look_up(client, cast).status_code == 302


def test_an_invalid_number_is_not_counted_as_a_lookup(cast: Cast):
    client = client_for(cast.night)
    for _ in range(LOOKUPS_PER_HOUR + 5):
        client.post(LOOKUP, {"national_id": "1234"})
    assert _look_up(client, cast).status_code == 302


def test_the_crisis_lookup_goes_on_when_the_cache_is_down(cast: Cast, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    assert _look_up(client_for(cast.night), cast).status_code == 302


def _contact(cast: Cast, minutes_ago: int) -> dict[str, object]:
    moment = timezone.localtime() - dt.timedelta(hours=8, minutes=minutes_ago)
    return {
        "national_id": cast.team.patient.national_id,
        "service": "legevakt",
        "occurred_at": moment.strftime("%Y-%m-%d %H:%M"),
        "reason": "Uro",
        "outcome": "sent_home",
    }


def test_night_contacts_by_fodselsnummer_count_against_the_same_rate(cast: Cast):
    """Recording a contact finds the patient by fødselsnummer too (and says when there is
    none), so the form and the API share the lookup's budget."""
    client = client_for(cast.night)
    for _ in range(LOOKUPS_PER_HOUR - 1):
        _look_up(client, cast)
    assert client.post(NIGHT_FORM, _contact(cast, 0)).status_code == 302
    refused = client.post(NIGHT_FORM, _contact(cast, 1))
    assert refused.status_code == 200
    page = refused.content.decode()
    assert REFUSED in page and "Uro</textarea>" in page, "what was typed is kept"
    api = client.post(
        NIGHT_API,
        {**_contact(cast, 2), "occurred_at": timezone.now().isoformat()},
        content_type="application/json",
    )
    assert api.status_code == 429
    assert "For mange forespørsler" in api.json()["detail"]
    assert NightContact.objects.count() == 1


def test_registering_patients_counts_as_lookups_since_a_known_number_is_refused(cast: Cast):
    """ "Already registered" tells whether a fødselsnummer is in LKT, so registering shares the
    budget; past it nothing is saved and what was typed comes back."""
    from actors.models import Patient
    from actors.validators import synthetic_national_id

    client = client_for(cast.coordinator)
    url = reverse("actors:patient-register")
    for _ in range(LOOKUPS_PER_HOUR):
        client.post(url, {"name": "Finnes Fra Før", "national_id": cast.team.patient.national_id})
    new = synthetic_national_id(dt.date(1990, 5, 17), 7)
    refused = client.post(url, {"name": "Siv Fjelltun", "national_id": new})
    assert refused.status_code == 200
    page = refused.content.decode()
    assert REFUSED in page and 'value="Siv Fjelltun"' in page
    assert not Patient.objects.filter(national_id=new).exists()
