"""Logging in through ID-porten and HelseID, against the real test provider on 127.0.0.1
(tests/oidc_provider/): the first login links the account, later ones find it, and every bad
answer is refused with a Norwegian message, nothing created or changed, and a login event."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
import time_machine
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from django.urls import reverse
from django.utils import timezone

from actors.identity import oidc
from actors.identity.linking import LoginRefused, Refusal
from actors.models import Consent, IdentitySession, Patient, RelativeLink, User
from lkt.models import AccessLog, LoginEvent
from tests.conftest import Cast
from tests.factories import (
    ConsentFactory,
    PatientFactory,
    RelativeLinkFactory,
    RepresentationFactory,
    StaffFactory,
    UserFactory,
)
from tests.oidc_provider.provider import (
    KARI_PID,
    NEWCOMER_PID,
    NURSE_HPR,
    NURSE_PID,
    OTHER_SERVICE,
    OTHER_SERVICE_CALLBACK,
    SISTER_PID,
    STRANGER_PID,
    ProviderBrowser,
    RunningProvider,
    callback_path,
    log_in,
)
from tests.test_hostile_input import SMALL_CORPUS

pytestmark = pytest.mark.django_db


@pytest.fixture
def kari(db) -> Patient:
    """Kari, registered by a coordinator: she has never logged in."""
    return PatientFactory(name="Kari Nordmann", national_id=KARI_PID)


def staff(**fields) -> User:
    return StaffFactory(**fields)


def citizen(**fields) -> User:
    return UserFactory(**fields)


def _refused_with(response, refusal: Refusal, status: int) -> LoginEvent:
    """The answer is the refusal's page, and the login event says why."""
    from actors.identity.linking import MESSAGES

    assert response.status_code == status, response.content.decode()[:500]
    assert str(MESSAGES[refusal]) in response.content.decode()
    event = LoginEvent.objects.get()
    assert (event.outcome, event.reason, event.user) == (
        LoginEvent.Outcome.REFUSED,
        refusal.value,
        None,
    )
    return event


def _start(client, provider: str = "idporten") -> str:
    response = client.get(reverse("oidc-login", args=[provider]))
    assert response.status_code == 302
    return response["Location"]


def _with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()} | changes
    return urlunsplit(parts._replace(query=urlencode(query)))


def _logged_in_as(client) -> User | None:
    user = client.get(reverse("home")).wsgi_request.user
    return user if user.is_authenticated else None


# --- patients ---


def test_the_first_login_makes_the_patients_account_and_audits_the_link(
    client, oidc_provider, kari
):
    response = log_in(client, "idporten", "kari")

    assert response.status_code == 302
    kari.refresh_from_db()
    user = kari.user
    assert user is not None
    assert (user.kind, user.national_id, user.has_usable_password()) == (
        User.Kind.PATIENT,
        KARI_PID,
        False,
    )
    assert (user.first_name, user.last_name) == ("Kari", "Nordmann")
    event = LoginEvent.objects.get()
    assert (event.outcome, event.reason, event.user, event.national_id, event.acr) == (
        LoginEvent.Outcome.LINKED,
        "patient_created",
        user,
        KARI_PID,
        "idporten-loa-high",
    )
    link = AccessLog.objects.get(patient=kari, action=AccessLog.Action.CHANGE)
    assert link.user == user
    assert _logged_in_as(client) == user


def test_a_later_login_finds_the_same_account(client, oidc_provider, kari):
    log_in(client, "idporten", "kari")
    client.post(reverse("logout"))

    log_in(client, "idporten", "kari-minid")

    assert User.objects.filter(kind=User.Kind.PATIENT).count() == 1
    assert list(LoginEvent.objects.order_by("at", "pk").values_list("outcome", flat=True)) == [
        LoginEvent.Outcome.LINKED,
        LoginEvent.Outcome.SIGNED_IN,
    ]


def test_a_patient_who_had_a_password_account_is_linked_to_it(client, oidc_provider):
    account = citizen(username="kari", kind=User.Kind.PATIENT)
    PatientFactory(national_id=KARI_PID, user=account)

    log_in(client, "idporten", "kari")

    account.refresh_from_db()
    assert account.national_id == KARI_PID
    assert User.objects.filter(kind=User.Kind.PATIENT).count() == 1
    assert LoginEvent.objects.get().reason == "patient_linked"
    assert _logged_in_as(client) == account


def test_the_patient_lands_on_his_own_page_and_sees_his_team(client, oidc_provider, cast: Cast):
    kari = cast.team.patient
    kari.national_id = KARI_PID
    kari.save()

    response = log_in(client, "idporten", "kari")

    assert response["Location"] == reverse("home")
    assert client.get(reverse("home"))["Location"] == reverse("workspace:portal-home")
    portal = reverse("workspace:portal-team", args=[kari.pk])
    assert client.get(portal).status_code == 200


def test_a_patient_whose_consent_is_withdrawn_still_logs_in_to_see_his_own_data(
    client, oidc_provider, kari
):
    # The access policy: the patient sees his own data whatever he has consented to share
    # (pasientjournalloven § 18); only others lose access with the consent.
    ConsentFactory(patient=kari, recorded_by=StaffFactory())
    Consent.objects.filter(patient=kari).update(withdrawn_at=timezone.now())

    log_in(client, "idporten", "kari")

    assert _logged_in_as(client) is not None


def test_a_login_takes_the_person_back_to_the_page_they_asked_for(client, oidc_provider, kari):
    start = client.get(reverse("oidc-login", args=["idporten"]), {"next": "/min-side/team/"})
    back = ProviderBrowser().authenticate(start["Location"], "kari")
    assert client.get(callback_path(back))["Location"] == "/min-side/team/"


def test_a_next_address_on_another_site_is_ignored(client, oidc_provider, kari):
    start = client.get(
        reverse("oidc-login", args=["idporten"]), {"next": "https://angriper.example/"}
    )
    back = ProviderBrowser().authenticate(start["Location"], "kari")
    assert client.get(callback_path(back))["Location"] == reverse("home")


def test_the_login_request_asks_for_pkce_s256_and_the_assurance_level(client, oidc_provider):
    query = parse_qs(urlsplit(_start(client)).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["acr_values"] == ["idporten-loa-substantial"]
    assert {"state", "nonce", "code_challenge"} <= set(query)
    assert query["scope"] == ["openid profile"]


# --- refused: the person ---


def test_a_lower_assurance_level_is_refused_and_nothing_is_made(client, oidc_provider, kari):
    response = log_in(client, "idporten", "kari-lavt")

    event = _refused_with(response, Refusal.ASSURANCE, 403)
    assert (event.national_id, event.acr) == (KARI_PID, "idporten-loa-low")
    kari.refresh_from_db()
    assert kari.user is None
    assert not User.objects.exists()
    assert _logged_in_as(client) is None


def test_an_unknown_person_is_told_nothing_about_plans(client, oidc_provider, kari):
    response = log_in(client, "idporten", "fremmed")

    event = _refused_with(response, Refusal.UNKNOWN_CITIZEN, 403)
    assert event.national_id == STRANGER_PID
    text = response.content.decode().lower()
    assert "plan" not in text and "pasient" not in text
    assert not User.objects.exists()


def test_an_inactive_patient_account_is_refused(client, oidc_provider):
    account = citizen(kind=User.Kind.PATIENT, national_id=KARI_PID, is_active=False)
    PatientFactory(national_id=KARI_PID, user=account)

    _refused_with(log_in(client, "idporten", "kari"), Refusal.INACTIVE, 403)


def test_a_citizen_login_never_reaches_a_staff_account(client, oidc_provider):
    StaffFactory(national_id=KARI_PID)

    _refused_with(log_in(client, "idporten", "kari"), Refusal.UNKNOWN_CITIZEN, 403)


def test_cancelling_at_the_provider_is_a_plain_refusal(client, oidc_provider, kari):
    _refused_with(log_in(client, "idporten", None), Refusal.CANCELLED, 403)
    kari.refresh_from_db()
    assert kari.user is None


# --- relatives whose account exists (the first login of a relative is linked after the
# patient names them: tests/actors/test_identity_relatives.py) ---


@pytest.fixture
def sister(cast: Cast) -> RelativeLink:
    """Kari's sister, with an account from an earlier login, allowed to see Kari's team."""
    user = citizen(kind=User.Kind.RELATIVE, national_id=SISTER_PID)
    return RelativeLinkFactory(
        patient=cast.team.patient,
        relative=user,
        relation=RelativeLink.Relation.SIBLING,
        may_see_team=True,
        created_by=cast.patient,
    )


def test_a_relative_whose_patient_informs_relatives_logs_in(client, oidc_provider, sister):
    log_in(client, "idporten", "soster")
    assert _logged_in_as(client) == sister.relative


def test_a_relative_whose_patient_withdrew_the_consent_is_refused(
    client, oidc_provider, sister, cast: Cast
):
    Consent.objects.filter(patient=cast.team.patient, scope=Consent.Scope.RELATIVES).update(
        withdrawn_at=timezone.now()
    )

    _refused_with(log_in(client, "idporten", "soster"), Refusal.CONSENT_WITHDRAWN, 403)
    assert _logged_in_as(client) is None


def test_a_parent_of_a_child_under_16_logs_in_without_the_relatives_consent(
    client, oidc_provider, cast: Cast
):
    child = PatientFactory(birth_date=dt.date(timezone.localdate().year - 10, 1, 15))
    mother = citizen(kind=User.Kind.RELATIVE, national_id=SISTER_PID)
    # She acts for the child through her foreldreansvar, not by relation alone.
    RepresentationFactory(
        relative_link=RelativeLinkFactory(
            patient=child,
            relative=mother,
            relation=RelativeLink.Relation.PARENT,
            created_by=mother,
            may_see_team=True,
            may_see_goals=True,
            may_see_plan=True,
        )
    )

    log_in(client, "idporten", "soster")

    assert _logged_in_as(client) == mother


def test_a_parent_by_relation_alone_needs_the_relatives_consent_to_log_in(
    client, oidc_provider, cast: Cast
):
    child = PatientFactory(birth_date=dt.date(timezone.localdate().year - 10, 1, 15))
    mother = citizen(kind=User.Kind.RELATIVE, national_id=SISTER_PID)
    RelativeLinkFactory(
        patient=child, relative=mother, relation=RelativeLink.Relation.PARENT, created_by=mother
    )

    _refused_with(log_in(client, "idporten", "soster"), Refusal.CONSENT_WITHDRAWN, 403)


def test_an_excluded_relative_is_told_no_more_than_a_stranger(client, oidc_provider, sister):
    RelativeLink.objects.filter(pk=sister.pk).update(excluded=True)

    _refused_with(log_in(client, "idporten", "soster"), Refusal.UNKNOWN_CITIZEN, 403)


# --- refused: a broken or tampered answer ---


def test_a_tampered_state_is_refused_and_nothing_is_made(client, oidc_provider, kari):
    back = ProviderBrowser().authenticate(_start(client), "kari")

    response = client.get(callback_path(_with_query(back, state="forfalsket")))

    _refused_with(response, Refusal.STATE, 400)
    kari.refresh_from_db()
    assert kari.user is None


def test_a_callback_from_a_login_started_in_another_browser_is_refused(client, oidc_provider, kari):
    back = ProviderBrowser().authenticate(_start(client), "kari")
    stranger = type(client)()

    _refused_with(stranger.get(callback_path(back)), Refusal.STATE, 400)


def test_the_same_callback_twice_is_refused_the_second_time(client, oidc_provider, kari):
    back = ProviderBrowser().authenticate(_start(client), "kari")
    assert client.get(callback_path(back)).status_code == 302
    client.post(reverse("logout"))

    response = client.get(callback_path(back))

    assert response.status_code == 400
    assert LoginEvent.objects.filter(reason=Refusal.STATE.value).count() == 1


def test_a_used_code_in_a_new_login_is_refused_by_the_provider(client, oidc_provider, kari):
    first = ProviderBrowser().authenticate(_start(client), "kari")
    assert client.get(callback_path(first)).status_code == 302
    client.post(reverse("logout"))
    kari.refresh_from_db()
    account = kari.user

    # A new login's state, with the old code: the provider has seen that code.
    fresh_state = parse_qs(urlsplit(_start(client)).query)["state"][0]
    response = client.get(callback_path(_with_query(first, state=fresh_state)))

    assert response.status_code == 400
    assert LoginEvent.objects.filter(reason=Refusal.CODE.value).count() == 1
    kari.refresh_from_db()
    assert kari.user == account


def test_an_expired_code_is_refused(client, oidc_provider: RunningProvider, kari):
    back = ProviderBrowser().authenticate(_start(client), "kari")
    # The code lives 60 seconds at the provider; LKT comes back two minutes later.
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2), tick=False):
        oidc_provider.set_clock()
        response = client.get(callback_path(back))

    _refused_with(response, Refusal.CODE, 400)
    kari.refresh_from_db()
    assert kari.user is None


def test_a_wrong_nonce_is_refused(client, oidc_provider, kari):
    authorize = _start(client)
    state = parse_qs(urlsplit(authorize).query)["state"][0]
    session = client.session
    key = f"_state_idporten_{state}"
    session[key] = {**session[key], "data": {**session[key]["data"], "nonce": "en-annen"}}
    session.save()
    back = ProviderBrowser().authenticate(authorize, "kari")

    _refused_with(client.get(callback_path(back)), Refusal.NONCE, 400)
    kari.refresh_from_db()
    assert kari.user is None


def _other_service() -> OAuth2Session:
    """Another service registered at the same provider, with its own key."""
    return OAuth2Session(
        OTHER_SERVICE,
        None,
        scope="openid profile",
        redirect_uri=OTHER_SERVICE_CALLBACK,
        code_challenge_method="S256",
    )


def test_a_code_made_for_another_service_is_refused(client, oidc_provider, kari):
    issuer = oidc_provider.issuer("idporten")
    authorize, _state = _other_service().create_authorization_url(
        f"{issuer}/auth", code_verifier="v" * 48, nonce="n"
    )
    stolen = parse_qs(urlsplit(ProviderBrowser().authenticate(authorize, "kari")).query)["code"][0]
    state = parse_qs(urlsplit(_start(client)).query)["state"][0]

    response = client.get(
        reverse("oidc-callback", args=["idporten"]), {"code": stolen, "state": state}
    )

    _refused_with(response, Refusal.CODE, 400)


def test_an_id_token_for_another_audience_is_refused(oidc_provider):
    issuer = oidc_provider.issuer("idporten")
    session = OAuth2Session(
        OTHER_SERVICE,
        oidc_provider.other_service_key,
        scope="openid profile",
        redirect_uri=OTHER_SERVICE_CALLBACK,
        code_challenge_method="S256",
        token_endpoint_auth_method=PrivateKeyJWT(issuer),
    )
    verifier = "w" * 48
    authorize, _state = session.create_authorization_url(
        f"{issuer}/auth", code_verifier=verifier, nonce="n-1"
    )
    back = ProviderBrowser().authenticate(authorize, "kari")
    token = session.fetch_token(
        f"{issuer}/token", authorization_response=back, code_verifier=verifier
    )
    config = oidc.provider_config("idporten")
    assert config is not None

    with pytest.raises(LoginRefused) as refused:
        oidc.check_id_token(config, dict(token), nonce="n-1")

    assert refused.value.refusal == Refusal.AUDIENCE


def test_a_provider_that_cannot_be_reached_is_a_message_not_a_500(client, oidc_provider, settings):
    settings.LKT_OIDC_PROVIDERS = oidc_provider.settings(idporten={"issuer": "http://127.0.0.1:9"})

    response = client.get(reverse("oidc-login", args=["idporten"]))

    _refused_with(response, Refusal.UNAVAILABLE, 503)


# --- staff (HelseID) ---


def test_a_staff_member_is_found_by_fodselsnummer(client, oidc_provider):
    nurse = staff(national_id=NURSE_PID, hpr_number=NURSE_HPR)

    log_in(client, "helseid", "sykepleier")

    assert _logged_in_as(client) == nurse
    assert LoginEvent.objects.get().outcome == LoginEvent.Outcome.SIGNED_IN


def test_the_first_helseid_login_links_staff_by_hpr_number(client, oidc_provider):
    nurse = staff(hpr_number=NURSE_HPR)

    log_in(client, "helseid", "sykepleier")

    nurse.refresh_from_db()
    assert nurse.national_id == NURSE_PID
    event = LoginEvent.objects.get()
    assert (event.outcome, event.reason, event.hpr_number) == (
        LoginEvent.Outcome.LINKED,
        "staff_by_hpr",
        NURSE_HPR,
    )
    assert _logged_in_as(client) == nurse


def test_helseids_hpr_number_fills_the_staff_profile(client, oidc_provider):
    nurse = staff(national_id=NURSE_PID, hpr_number="")

    log_in(client, "helseid", "sykepleier")

    nurse.refresh_from_db()
    assert nurse.hpr_number == NURSE_HPR


def test_an_unknown_staff_member_is_told_to_ask_their_leader(client, oidc_provider):
    response = log_in(client, "helseid", "ny")

    event = _refused_with(response, Refusal.UNKNOWN_STAFF, 403)
    assert "lederen din" in response.content.decode()
    assert event.national_id == NEWCOMER_PID
    assert not User.objects.exists()


def test_staff_at_a_low_assurance_level_are_refused(client, oidc_provider):
    nurse = staff(national_id=NURSE_PID, hpr_number=NURSE_HPR)

    _refused_with(log_in(client, "helseid", "sykepleier-lavt"), Refusal.ASSURANCE, 403)
    assert _logged_in_as(client) is None
    nurse.refresh_from_db()
    assert nurse.last_login is None


def test_helseid_never_reaches_a_citizen_account(client, oidc_provider):
    patient_account = citizen(kind=User.Kind.PATIENT, national_id=NURSE_PID)
    PatientFactory(national_id=NURSE_PID, user=patient_account)

    _refused_with(log_in(client, "helseid", "sykepleier"), Refusal.UNKNOWN_STAFF, 403)


def test_the_helseid_request_asks_for_the_pid_and_hpr_scopes(client, oidc_provider):
    scopes = parse_qs(urlsplit(_start(client, "helseid")).query)["scope"][0].split()
    assert "helseid://scopes/hpr/hpr_number" in scopes
    assert "helseid://scopes/identity/pid" in scopes


# --- logout ---


def test_logout_ends_the_session_here_and_at_the_provider(client, oidc_provider, kari):
    browser = ProviderBrowser()
    log_in(client, "idporten", "kari", browser)
    id_token = client.session["oidc"]["id_token"]

    response = client.post(reverse("logout"))

    assert _logged_in_as(client) is None
    end_session = urlsplit(response["Location"])
    assert f"{end_session.scheme}://{end_session.netloc}" == oidc_provider.issuer("idporten")
    query = parse_qs(end_session.query)
    assert query["id_token_hint"] == [id_token]
    assert query["post_logout_redirect_uri"] == ["http://testserver/konto/logg-inn/"]
    assert browser.end_session(response["Location"]).startswith("http://testserver/konto/logg-inn/")
    # The provider's session has ended too: the next login asks who you are again.
    again = browser.authenticate(_start(client), "kari")
    assert client.get(callback_path(again)).status_code == 302
    assert not IdentitySession.objects.exclude(session_key=client.session.session_key).exists()


def test_a_password_login_logs_out_here_only(cast: Cast, client):
    client.force_login(cast.coordinator)
    assert client.post(reverse("logout"))["Location"] == reverse("login")


def test_front_channel_logout_ends_the_sessions_of_the_providers_session(
    client, oidc_provider, kari
):
    log_in(client, "idporten", "kari")
    sid = client.session["oidc"]["sid"]
    assert sid

    response = type(client)().get(
        reverse("oidc-frontchannel-logout", args=["idporten"]),
        {"iss": oidc_provider.issuer("idporten"), "sid": sid},
    )

    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert (
        f"frame-ancestors {oidc_provider.issuer('idporten')}" in response["Content-Security-Policy"]
    )
    assert _logged_in_as(client) is None
    assert not IdentitySession.objects.exists()


@pytest.mark.parametrize(
    ("iss", "sid"),
    [("http://127.0.0.1:1", "SID"), ("", "SID"), ("ISSUER", "")],
    ids=["another-issuer", "no-issuer", "no-sid"],
)
def test_front_channel_logout_from_anyone_else_ends_nothing(
    client, oidc_provider, kari, iss: str, sid: str
):
    log_in(client, "idporten", "kari")
    query = {
        "iss": oidc_provider.issuer("idporten") if iss == "ISSUER" else iss,
        "sid": client.session["oidc"]["sid"] if sid == "SID" else sid,
    }

    response = type(client)().get(reverse("oidc-frontchannel-logout", args=["idporten"]), query)

    assert response.status_code == 400
    assert _logged_in_as(client) is not None


def test_a_providers_session_older_than_any_session_here_is_forgotten(client, oidc_provider, kari):
    log_in(client, "idporten", "kari")
    client.post(reverse("logout"))
    log_in(client, "idporten", "kari")  # no logout: the row stays while the session may live
    with time_machine.travel(timezone.now() + dt.timedelta(hours=11), tick=False):
        oidc_provider.set_clock()
        log_in(type(client)(), "idporten", "kari")

    assert IdentitySession.objects.count() == 1


def test_the_login_page_offers_both_providers(client, oidc_provider):
    page = client.get(reverse("login")).content.decode()
    assert "Logg inn med ID-porten" in page
    assert "Logg inn med HelseID" in page
    assert reverse("oidc-login", args=["idporten"]) in page


@pytest.mark.parametrize("value", SMALL_CORPUS)
def test_hostile_values_at_the_callback_and_the_logout_get_no_server_error(
    oidc_provider, kari, value: str
):
    from tests.conftest import Client

    client = Client(raise_request_exception=False)
    state = parse_qs(urlsplit(_start(client)).query)["state"][0]
    answers = [
        client.get(reverse("oidc-callback", args=["idporten"]), {"code": value, "state": state}),
        client.get(reverse("oidc-callback", args=["idporten"]), {"code": "x", "state": value}),
        client.get(reverse("oidc-callback", args=["helseid"]), {"error": value}),
        client.get(reverse("oidc-login", args=["idporten"]), {"next": value}),
        client.get(
            reverse("oidc-frontchannel-logout", args=["idporten"]),
            {"iss": oidc_provider.issuer("idporten"), "sid": value},
        ),
    ]
    assert [a.status_code for a in answers if a.status_code >= 500] == []
    kari.refresh_from_db()
    assert kari.user is None
