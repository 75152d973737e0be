"""Password login: the answer to a login that django-axes refused, who may use a password,
and the local admins' TOTP devices.

Lock-out (settings: ``AXES_LOCKOUT_CALLABLE``):
The login page has already been rendered with the lock-out message (``actors.forms.LoginForm``),
so the answer is that page, with 429 and ``Retry-After`` (the cool-off): the same bytes for a
real and an unknown username, and for a right and a wrong password while locked, so neither
the account nor the password can be learnt from it. A refusal outside a login page (a caller of
``authenticate`` without a form) gets the message alone.
"""

from __future__ import annotations

import base64
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django_otp.plugins.otp_totp.models import TOTPDevice

from actors.forms import LoginForm
from lkt.core.compiled_query import CompiledQuery


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    response = original_response
    if response is None:
        message = str(LoginForm.error_messages["locked"]) % {"minutes": seconds // 60}
        response = HttpResponse(message, content_type="text/plain; charset=utf-8")
    response.status_code = 429
    response["Retry-After"] = str(seconds)
    return response


def is_local_admin(user: Any) -> bool:
    """A local account for the Django admin (which asks for a TOTP code too, lkt.urls)."""
    return bool(user.is_staff or user.is_superuser)


# The session's user, read on every request: compiled once, as its session (lkt.core.sessions).
_USER = CompiledQuery(lambda pk: get_user_model()._default_manager.filter(pk=pk), "pk")


class _SessionUser(ModelBackend):
    """ModelBackend's ``get_user``, by the compiled read."""

    def get_user(self, user_id: int) -> Any:
        user = _USER.first(pk=user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class PasswordBackend(_SessionUser):
    """Django's password check, for everyone while ``LKT_PASSWORD_LOGIN`` is on (the demo, a
    kommune without ID-porten and HelseID yet), and afterwards for local admin accounts only:
    patients, relatives and staff then log in through their provider. A session a password
    opened for anyone else ends too (``get_user`` asks the same)."""

    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and (
            settings.LKT_PASSWORD_LOGIN or is_local_admin(user)
        )


class IdentityBackend(_SessionUser):
    """The backend of a session opened through ID-porten or HelseID (actors.identity.views):
    it checks no password (``authenticate`` finds no one), it only reads the session's user."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        return None


def admin_totp_enrol(user: Any, *, reset: bool = False) -> TOTPDevice:
    """The local admin's TOTP device (django-otp), made confirmed: the operator hands its key
    to the admin, who adds it to an authenticator app; the admin then asks for its codes.
    With ``reset`` the old devices go (a lost phone), otherwise an existing one is kept."""
    if not is_local_admin(user):
        raise ValueError("TOTP is for local admin accounts (is_staff or is_superuser) only")
    with transaction.atomic():
        devices = TOTPDevice.objects.filter(user=user)
        if reset:
            devices.delete()
        device = devices.first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Autentiseringsapp", confirmed=True)
    return device


def totp_secret(device: TOTPDevice) -> str:
    """The key as authenticator apps take it when typed in (base32)."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")
