from __future__ import annotations

from django.urls import path

from actors import api
from coordination.night import api as night_api

app_name = "api"

urlpatterns = [
    path("organisasjoner/", api.OrganisationListApi.as_view(), name="organisation-list"),
    path("pasienter/", api.PatientListApi.as_view(), name="patient-list"),
    path("aktorfellesskap/", api.TeamListApi.as_view(), name="team-list"),
    path("aktorfellesskap/<int:pk>/", api.TeamDetailApi.as_view(), name="team-detail"),
    path(
        "aktorfellesskap/<int:pk>/medlemmer/", api.MemberCreateApi.as_view(), name="member-create"
    ),
    # --- issue 7: night contacts ---
    path("night-contacts/", night_api.NightContactCreateApi.as_view(), name="night-contact-create"),
    # Last: whatever else is asked under /api/v1/ is the API's JSON 404.
    path("<path:rest>", api.UnknownApi.as_view(), name="unknown"),
]
