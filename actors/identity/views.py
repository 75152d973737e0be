"""Login and logout through ID-porten and HelseID, and the login page that offers them.

HTTP only: the protocol is ``actors.identity.oidc`` (Authlib), who the person is ``actors.identity.linking``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET, require_POST

from actors.forms import LoginForm
from actors.identity import oidc
from actors.identity.linking import (
    PROTOCOL_REFUSALS,
    LoginRefused,
    Refusal,
    identity_session_close,
    identity_session_open,
    identity_sessions_end,
    login_refuse,
    login_sign_in,
)

# Where the browser goes after the login it started, kept in the session meanwhile.
NEXT_KEY = "oidc_next"
# What logout needs from the login: the provider, its ID token (id_token_hint) and sid.
SESSION_KEY = "oidc"


class LoginView(auth_views.LoginView):
    """The login page: a button per configured provider, and the password form while passwords
    are allowed (``LKT_PASSWORD_LOGIN``; afterwards only local admin accounts use it)."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["identity_providers"] = oidc.configured()
        context["password_login"] = settings.LKT_PASSWORD_LOGIN
        return context


def _config(provider: str) -> oidc.ProviderConfig:
    config = oidc.provider_config(provider)
    if config is None:
        raise Http404
    return config


def _refused(request: HttpRequest, provider: str, refused: LoginRefused) -> HttpResponse:
    login_refuse(provider=provider, refused=refused, ip_address=get_client_ip_address(request))
    status = 400 if refused.refusal in PROTOCOL_REFUSALS else 403
    if refused.refusal == Refusal.UNAVAILABLE:
        status = 503
    response = render(
        request,
        "registration/login_refused.html",
        {"message": refused.message, "providers": oidc.configured()},
        status=status,
    )
    if status == 503:
        response["Retry-After"] = "60"
    return response


@require_GET
@never_cache
def oidc_login(request: HttpRequest, provider: str) -> HttpResponse:
    config = _config(provider)
    next_url = request.GET.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        request.session[NEXT_KEY] = next_url
    else:
        request.session.pop(NEXT_KEY, None)
    try:
        return oidc.begin(request, config)
    except LoginRefused as refused:
        return _refused(request, provider, refused)


@require_GET
@never_cache
def oidc_callback(request: HttpRequest, provider: str) -> HttpResponse:
    config = _config(provider)
    try:
        signed_in = oidc.finish(request, config)
        user = login_sign_in(
            identity=signed_in.identity,
            accepted_acr=config.accepted_acr,
            ip_address=get_client_ip_address(request),
        )
    except LoginRefused as refused:
        return _refused(request, provider, refused)
    next_url = request.session.pop(NEXT_KEY, "") or settings.LOGIN_REDIRECT_URL
    auth.login(request, user, backend="lkt.login.IdentityBackend")
    request.session[SESSION_KEY] = {
        "provider": config.name,
        "id_token": signed_in.id_token,
        "sid": signed_in.sid,
    }
    # auth.login gave the session its new key; the middleware saves the data above.
    identity_session_open(
        issuer=config.issuer, sid=signed_in.sid, session_key=request.session.session_key or ""
    )
    return redirect(next_url)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """Ends the session here, then at the provider (RP-initiated logout with the ID token as
    ``id_token_hint``), which sends the browser back to the login page."""
    login = request.session.get(SESSION_KEY) or {}
    if request.session.session_key:
        identity_session_close(session_key=request.session.session_key)
    auth.logout(request)
    config = oidc.provider_config(login.get("provider", ""))
    if config is not None and login.get("id_token"):
        url = oidc.end_session_url(
            config,
            id_token=login["id_token"],
            post_logout_redirect_uri=request.build_absolute_uri(reverse("login")),
        )
        if url:
            return redirect(url)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@require_GET
@never_cache
@xframe_options_exempt
def frontchannel_logout(request: HttpRequest, provider: str) -> HttpResponse:
    """The provider ends its session (the person logged out at another service) and loads this
    in a hidden frame with its ``iss`` and the session's ``sid``: the Django sessions that
    login opened end. Cookies play no part, so it works where the browser keeps them from the
    frame."""
    config = _config(provider)
    iss, sid = request.GET.get("iss", ""), request.GET.get("sid", "")
    if iss.rstrip("/") != config.issuer or not sid:
        return HttpResponse(status=400)
    identity_sessions_end(issuer=config.issuer, sid=sid)
    response = HttpResponse("", content_type="text/plain; charset=utf-8")
    origin = urlsplit(config.issuer)
    # Framed by the provider only (the CSP middleware keeps a header a view sets).
    response["Content-Security-Policy"] = (
        f"default-src 'none'; frame-ancestors {origin.scheme}://{origin.netloc}"
    )
    return response
