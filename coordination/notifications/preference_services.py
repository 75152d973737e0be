"""Writes for a person's own notification settings and calendar feed. Each person edits only
their own (the views pass ``request.user``); nothing about a patient is touched, so no audit."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from actors.models import User
from coordination.models import CalendarFeed, NotificationPreference

Email = NotificationPreference.Email


@transaction.atomic
def notification_preference_save(
    *, actor: User, email: str, sms_urgent: bool
) -> NotificationPreference:
    if email not in Email.values:
        raise ValidationError({"email": _("Velg hvordan du vil få varsler på e-post.")})
    if sms_urgent and not actor.phone:
        raise ValidationError(
            {
                "sms_urgent": _(
                    "Vi har ikke telefonnummeret ditt, så vi kan ikke sende SMS. "
                    "Be en administrator legge det inn, eller la feltet stå tomt."
                )
            }
        )
    preference, _created = NotificationPreference.objects.update_or_create(
        user=actor, defaults={"email": email, "sms_urgent": sms_urgent}
    )
    return preference


def _token() -> str:
    # 256 bits from the OS's CSPRNG: the token is the only key to the feed.
    return secrets.token_urlsafe(32)


@transaction.atomic
def calendar_feed_create(*, actor: User) -> CalendarFeed:
    """A feed for the actor, or the one they already have (a double click makes one)."""
    feed, _created = CalendarFeed.objects.get_or_create(user=actor, defaults={"token": _token()})
    return feed


@transaction.atomic
def calendar_feed_regenerate(*, actor: User) -> CalendarFeed:
    """A new address: the old one stops working at once (e.g. it was shared by mistake)."""
    CalendarFeed.objects.filter(user=actor).delete()
    return CalendarFeed.objects.create(user=actor, token=_token())


@transaction.atomic
def calendar_feed_revoke(*, actor: User) -> int:
    deleted, _rows = CalendarFeed.objects.filter(user=actor).delete()
    return deleted
