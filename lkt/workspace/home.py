"""Entry points shared by every kind of user: the front door sends each to their own home."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from actors.access import as_user, is_night_service
from actors.models import User
from actors.selectors import open_team_of_patient_user


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = as_user(request.user)
    if user is None:
        raise PermissionDenied
    if user.kind == User.Kind.PATIENT:
        team = open_team_of_patient_user(user)
        if team is None:
            return render(request, "lkt/no_team.html")
        # The patient's home is their portal: plain words, made for a phone.
        return redirect("workspace:portal-home")
    if user.kind == User.Kind.RELATIVE:
        return redirect("actors:relative-home")
    if is_night_service(user):
        # Legevakt and AMK see no team: their LKT is the crisis card lookup.
        return redirect("coordination:crisis-lookup")
    return redirect("workspace:team-list")
