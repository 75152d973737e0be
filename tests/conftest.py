"""The named cast every test can use. Everyone is invented.

Kari Nordvik is the patient. Her team (aktørfellesskap) is led by the coordinator Cecilie; the
team member Tor is a nurse in the same team. Kari has consented to sharing in the team and to
informing relatives.
- ``coordinator`` (Cecilie): leads Kari's team, sees everything the team shares.
- ``member`` (Tor): active nurse in Kari's team, sees her team and clinical content.
- ``outsider`` (Nina): a nurse in another kommune, in no team of Kari's: sees nothing of her.
- ``patient`` (Kari): sees her own team.
- ``other_patient`` (Ola): a patient with his own team; sees nothing of Kari's.
- ``relative`` (Per, Kari's father): Kari allows him to see the team and her goals, and to
  be invited to meetings; he is not her representative (she is an adult).
- ``excluded_relative`` (Lise, Kari's sister): Kari has excluded her; she sees nothing.
- ``leader`` (Leif): leads the kommune's health service; sees aggregates, never Kari's data.
- ``night`` (Nils): a doctor at Legevakten i Fjordvik, in no team: sees no team, only the
  crisis card of a patient he looks up by fødselsnummer (with a reason; break-glass without
  Kari's consent to crisis sharing, which she has not given in the cast).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import pytest
import time_machine
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.test import Client as DjangoClient
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from actors.models import Consent, Level, Organisation, Role, Team, User
from tests.celery_processes import private_queue
from tests.clock import INSTANT
from tests.factories import (
    ConsentFactory,
    MemberFactory,
    OrganisationFactory,
    PatientFactory,
    RelativeLinkFactory,
    StaffFactory,
    TeamFactory,
    UserFactory,
)
from tests.oidc_provider.provider import RunningProvider, running_provider


def pytest_configure(config: pytest.Config) -> None:
    """Under pytest-xdist (``make test``) each worker gets a Redis database of its own, the
    base one plus 1 + its number: the rate limits, the unread badge's cache, beat's heartbeat
    and Celery's broker would otherwise be shared by tests running at the same moment.
    pytest-django gives each worker its own PostgreSQL database (test_<name>_gw0, ...)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw") or not settings.REDIS_URL:
        return
    url = urlsplit(settings.REDIS_URL)
    base = int(url.path.strip("/") or 0)
    own = urlunsplit(url._replace(path=f"/{base + 1 + int(worker[2:])}"))
    settings.REDIS_URL = own
    settings.CACHES["default"]["LOCATION"] = own
    settings.CELERY_BROKER_URL = settings.CELERY_RESULT_BACKEND = own
    from lkt.celery import app

    app.conf.update(broker_url=own, result_backend=own)


@pytest.fixture(autouse=True)
def _frozen_clock(request: pytest.FixtureRequest):
    """The clock stands at the suite's instant (tests/clock.py), or at the instant a module or
    test asks for with ``pytest.mark.instant``, before any other fixture makes a row."""
    marker = request.node.get_closest_marker("instant")
    with time_machine.travel(marker.args[0] if marker else INSTANT, tick=False):
        yield


@pytest.fixture(autouse=True)
def _plain_http_and_static(settings, tmp_path_factory: pytest.TempPathFactory):
    """Tests talk plain HTTP to the test client and need no collected static files; a fast
    password hasher keeps the cast's logins from dominating the run time. Uploaded documents
    go to the run's own temporary folder, never the developer's var/media."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path_factory.getbasetemp() / "documents")},
        },
    }


def _clear_rate_limits() -> None:
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        # Only the throttles' keys: the same Redis database is Celery's broker.
        client = backend._cache.get_client(write=True)
        keys = list(client.scan_iter(match=backend.make_key("throttle_*")))
        if keys:
            client.delete(*keys)
    else:
        backend.clear()


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Every test starts and ends with no requests counted by the rate limits (lkt.core.throttling):
    they count in Redis, which outlives a test run, whose users reuse the primary keys of the
    last one. The login lock-out counts in the database (django-axes' AccessAttempt), rolled
    back with each test."""
    _clear_rate_limits()
    yield
    _clear_rate_limits()


class Client(DjangoClient):
    """Django's test client, whose ``login()`` hands ``authenticate`` a request as the login
    page does: django-axes keys its lock-out on the name and the address and refuses to judge
    an attempt without one. ``force_login`` needs nothing (it authenticates nobody)."""

    def login(self, **credentials: object) -> bool:
        credentials.setdefault("request", RequestFactory().post(settings.LOGIN_URL))
        return super().login(**credentials)


@pytest.fixture
def client() -> Client:
    return Client()


@pytest.fixture(autouse=True)
def _no_kept_sections():
    """Every test starts with no team-page section kept (lkt.workspace.section_cache): the
    frozen clock would keep one from an earlier test's instant fresh in this one."""
    caches["sections"].clear()
    yield


@pytest.fixture(autouse=True)
def _norwegian_by_default():
    """Every test starts in bokmål: a request in English leaves English active in the thread
    (LocaleMiddleware does not reset it), which would leak into the next test's services."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _eager_celery():
    """Tasks run in the test's own process and transaction; the end-to-end tests that start a
    real worker switch this off."""
    from lkt.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def worker_queue() -> Iterator[str]:
    """A queue of the test's own on the real Redis, where its tasks really go, for a worker
    the test starts (``tests.celery_processes``); emptied and forgotten afterwards."""
    with private_queue() as queue:
        yield queue


@pytest.fixture(scope="session")
def oidc_provider_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningProvider]:
    """The real OpenID Provider (node-oidc-provider, tests/oidc_provider/), once per session."""
    with running_provider(tmp_path_factory.mktemp("oidc")) as provider:
        yield provider


@pytest.fixture
def oidc_provider(oidc_provider_process: RunningProvider, settings) -> RunningProvider:
    """LKT pointed at the test provider (ID-porten and HelseID), whose clock is set to the
    test's frozen one: the code's expiry and the ID token's times agree with LKT's."""
    oidc_provider_process.set_clock()
    settings.LKT_OIDC_PROVIDERS = oidc_provider_process.settings()
    return oidc_provider_process


@dataclass
class Cast:
    kommune: Organisation
    other_kommune: Organisation
    coordinator: User
    member: User
    outsider: User
    patient: User
    other_patient: User
    relative: User
    excluded_relative: User
    leader: User
    night: User
    team: Team
    other_team: Team

    def user(self, role: str) -> User | None:
        return None if role == "anonymous" else getattr(self, role)


@pytest.fixture
def cast(db) -> Cast:
    kommune = OrganisationFactory(name="Fjordvik kommune", kind=Organisation.Kind.KOMMUNE)
    other_kommune = OrganisationFactory(name="Havbu kommune", kind=Organisation.Kind.KOMMUNE)
    coordinator = StaffFactory(username="cecilie", first_name="Cecilie", organisation=kommune)
    member = StaffFactory(username="tor", first_name="Tor", organisation=kommune)
    outsider = StaffFactory(username="nina", first_name="Nina", organisation=other_kommune)
    leader = StaffFactory(username="leif", first_name="Leif", organisation=kommune, is_leader=True)
    legevakt = OrganisationFactory(name="Legevakten i Fjordvik", kind=Organisation.Kind.LEGEVAKT)
    night = StaffFactory(username="nils-legevakt", first_name="Nils", organisation=legevakt)
    kari_user = UserFactory(username="kari", first_name="Kari", kind=User.Kind.PATIENT)
    ola_user = UserFactory(username="ola", first_name="Ola", kind=User.Kind.PATIENT)
    per = UserFactory(username="per", first_name="Per", kind=User.Kind.RELATIVE)
    lise = UserFactory(username="lise", first_name="Lise", kind=User.Kind.RELATIVE)

    kari = PatientFactory(name="Kari Nordvik", user=kari_user)
    team = TeamFactory(patient=kari, created_by=coordinator, status=Team.Status.ACTIVE)
    MemberFactory(team=team, user=coordinator, role=Role.COORDINATOR)
    MemberFactory(team=team, user=member, role=Role.NURSE)
    ConsentFactory(patient=kari, recorded_by=coordinator, scope=Consent.Scope.TEAM_SHARING)
    ConsentFactory(patient=kari, recorded_by=coordinator, scope=Consent.Scope.RELATIVES)
    RelativeLinkFactory(
        patient=kari,
        relative=per,
        may_see_team=True,
        may_see_goals=True,
        may_communicate=True,
        created_by=kari_user,
    )
    RelativeLinkFactory(
        patient=kari, relative=lise, excluded=True, may_see_team=False, created_by=kari_user
    )

    ola = PatientFactory(name="Ola Havbu", user=ola_user)
    other_coordinator = StaffFactory(organisation=other_kommune)
    other_team = TeamFactory(patient=ola, created_by=other_coordinator)
    MemberFactory(team=other_team, user=other_coordinator, role=Role.COORDINATOR)
    ConsentFactory(patient=ola, recorded_by=other_coordinator)
    return Cast(
        kommune=kommune,
        other_kommune=other_kommune,
        coordinator=coordinator,
        member=member,
        outsider=outsider,
        patient=kari_user,
        other_patient=ola_user,
        relative=per,
        excluded_relative=lise,
        leader=leader,
        night=night,
        team=team,
        other_team=other_team,
    )


def admin_client_for(user: User) -> Client:
    """A local admin logged in with password *and* TOTP code, as the admin asks (lkt.urls):
    the session names the TOTP device the code was checked against, as django-otp's login
    leaves it."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="Telefon", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# The team page and each of its sections read in a transaction that lets their reads by key keep
# their plans (lkt.core.keyed_plans); inside the test's transaction that is 4 statements more: a
# savepoint, SET LOCAL plan_cache_mode, the setting back and the release. In production it is
# one (SET LOCAL; BEGIN and COMMIT are no queries Django counts).
KEYED_PLANS = 4
# A block that reads nothing (a section kept for its viewer) sends no setting: inside the test's
# transaction its savepoint and the release are left; in production nothing at all.
KEYED_PLANS_UNUSED = 2


def team_section_html(client: Client, team_pk: int, key: str) -> str:
    """A section of the team page as its htmx partial: where a lazy section's content is
    rendered (issue 17; the first response holds only its placeholder)."""
    url = reverse(f"workspace:team-{key}", args=[team_pk])
    response = client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def spesialist() -> Organisation:
    return OrganisationFactory(
        name="Vestfjord DPS", kind=Organisation.Kind.DPS, level=Level.SPESIALIST
    )
