"""HTTP for a person's own notification settings and calendar feed (logged in; each person
edits only their own: the views act on ``request.user`` and take no user id)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from actors.access import require_user
from actors.forms import submit
from coordination.notifications import preference_services
from coordination.notifications.calendar_feed import feed_of
from coordination.notifications.notify import preference_for
from coordination.notifications.preference_forms import NotificationPreferenceForm
from lkt.core.forms import unique_violation_as_validation_error
from lkt.core.http import HtmxHttpRequest

PAGE = "coordination/preferences.html"


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request: HtmxHttpRequest) -> HttpResponse:
    user = require_user(request.user)
    if request.method == "POST":
        form = NotificationPreferenceForm(request.POST)
        saved = submit(
            form,
            lambda data: preference_services.notification_preference_save(actor=user, **data),
        )
        if saved is not None:
            messages.success(request, _("Innstillingene er lagret."))
            return redirect("coordination:notification-preferences")
    else:
        preference = preference_for(user)
        form = NotificationPreferenceForm(
            initial={"email": preference.email, "sms_urgent": preference.sms_urgent}
        )
    feed = feed_of(user)
    feed_url = (
        request.build_absolute_uri(reverse("coordination:calendar-feed", args=[feed.token]))
        if feed
        else ""
    )
    # Invalid input comes back with status 200 and what the person chose (house rule).
    return render(
        request,
        PAGE,
        {"form": form, "has_phone": bool(user.phone), "feed": feed, "feed_url": feed_url},
    )


CALENDAR_ACTIONS = {
    "create": (
        preference_services.calendar_feed_create,
        gettext_lazy("Kalenderadressen er laget."),
    ),
    "regenerate": (
        preference_services.calendar_feed_regenerate,
        gettext_lazy("Du har fått en ny kalenderadresse. Den gamle virker ikke lenger."),
    ),
    "revoke": (
        preference_services.calendar_feed_revoke,
        gettext_lazy("Kalenderadressen er slettet og virker ikke lenger."),
    ),
}


@login_required
@require_POST
def calendar_feed_manage(request: HtmxHttpRequest) -> HttpResponse:
    user = require_user(request.user)
    action = CALENDAR_ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, _("Ukjent valg for kalenderen."))
    else:
        service, message = action
        try:
            with unique_violation_as_validation_error():
                service(actor=user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, message)
    return redirect(reverse("coordination:notification-preferences") + "#kalender")
