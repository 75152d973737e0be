from __future__ import annotations

from django.urls import path

from actors import views

app_name = "actors"

urlpatterns = [
    path("aktorfellesskap/", views.team_list, name="team-list"),
    path("aktorfellesskap/<int:pk>/", views.team_detail, name="team-detail"),
    path("aktorfellesskap/<int:pk>/medlemmer/ny/", views.member_add, name="member-add"),
    path(
        "aktorfellesskap/<int:pk>/medlemmer/<int:member_pk>/avslutt/",
        views.member_end,
        name="member-end",
    ),
    path("aktorfellesskap/<int:pk>/samtykke/ny/", views.consent_record, name="consent-record"),
    path(
        "aktorfellesskap/<int:pk>/samtykke/<int:consent_pk>/trekk-tilbake/",
        views.consent_withdraw,
        name="consent-withdraw",
    ),
    path(
        "aktorfellesskap/<int:pk>/parorende/ny/",
        views.relative_link_create,
        name="relative-create",
    ),
    path("pasienter/sok/", views.patient_search, name="patient-search"),
    path("pasienter/ny/", views.patient_register, name="patient-register"),
    path("parorende/", views.relative_home, name="relative-home"),
]
