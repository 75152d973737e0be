"""«Merk som utført»: the team records that an occurrence of an årshjul activity is done, so
its next due date (and the reminders that read it) moves on to the next occurrence.

A plain form post (works without JavaScript; htmx gets an ``arshjul-changed`` event). The
coordinator or the activity's responsible member may do it, on the plan version in force.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import trigger_client_event

from actors.access import Action, require_user
from careplans.annual.schedule import annual_activity_mark_done
from careplans.models import AnnualActivity
from careplans.phase.selectors import version_for_action
from lkt.core.dates import short_date
from lkt.core.http import HtmxHttpRequest


@login_required
@require_POST
def annual_activity_done(
    request: HtmxHttpRequest, version_pk: int, activity_pk: int
) -> HttpResponse:
    version, _standing = version_for_action(request.user, version_pk, Action.VIEW_PLAN)
    activity = get_object_or_404(
        AnnualActivity.objects.select_related("responsible"), pk=activity_pk, version=version
    )
    activity.version = version
    try:
        done = annual_activity_mark_done(actor=require_user(request.user), activity=activity)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        if done.next_due_on:
            text = _("«%(title)s» er merket som utført. Neste gang er %(date)s.") % {
                "title": done.title,
                "date": short_date(done.next_due_on),
            }
        else:
            text = _("«%(title)s» er merket som utført.") % {"title": done.title}
        messages.success(request, text)
    if request.htmx:
        return trigger_client_event(HttpResponse(""), "arshjul-changed")
    return redirect(reverse("careplans:annual", args=[version.pk]))
