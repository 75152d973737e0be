"""The answer to a login that django-axes refused (settings: ``AXES_LOCKOUT_CALLABLE``).

The login page has already been rendered with the lock-out message (``actors.forms.LoginForm``),
so the answer is that page, with 429 and ``Retry-After`` (the cool-off): the same bytes for a
real and an unknown username, and for a right and a wrong password while locked, so neither
the account nor the password can be learnt from it. A refusal outside a login page (a caller of
``authenticate`` without a form) gets the message alone.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from actors.forms import LoginForm


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
