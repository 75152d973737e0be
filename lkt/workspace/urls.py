"""The pages that span the domains: the team page and its sections, one's teams, and the
patient's and relative's Min side."""

from __future__ import annotations

from django.urls import path

from actors.relatives import views as relative_views
from lkt.workspace import portal_pdf, portal_views, team_views
from lkt.workspace.team_page import SECTIONS

app_name = "workspace"

urlpatterns = [
    *(
        path(
            f"aktorfellesskap/<int:pk>/{section.key}/",
            team_views.team_section,
            {"key": section.key},
            name=f"team-{section.key}",
        )
        for section in SECTIONS
    ),
    # A batch of the sections, its URL joined by lkt.workspace.team_page.runs.
    path("aktorfellesskap/<int:pk>/seksjoner/", team_views.team_sections, name="team-sections"),
    path("aktorfellesskap/", team_views.team_list, name="team-list"),
    path("aktorfellesskap/<int:pk>/", team_views.team_detail, name="team-detail"),
    path("min-side/", portal_views.portal_home, name="portal-home"),
    path("min-side/<int:patient_pk>/", portal_views.portal_overview, name="portal-overview"),
    path("min-side/<int:patient_pk>/teamet/", portal_views.portal_team, name="portal-team"),
    path("min-side/<int:patient_pk>/planen/", portal_views.portal_plan, name="portal-plan"),
    path("min-side/<int:patient_pk>/samtykke/", portal_views.portal_consent, name="portal-consent"),
    path(
        "min-side/<int:patient_pk>/planen.pdf", portal_pdf.portal_plan_pdf, name="portal-plan-pdf"
    ),
    path(
        "min-side/<int:patient_pk>/innsyn/",
        portal_views.portal_access_log,
        name="portal-access-log",
    ),
    path(
        "min-side/<int:patient_pk>/parorende/",
        relative_views.portal_relatives,
        name="portal-relatives",
    ),
    path(
        "min-side/<int:patient_pk>/parorende/ny/",
        relative_views.portal_relative_add,
        name="portal-relative-add",
    ),
    path(
        "min-side/<int:patient_pk>/parorende/<int:link_pk>/",
        relative_views.portal_relative_update,
        name="portal-relative-update",
    ),
    path(
        "min-side/<int:patient_pk>/parorende/<int:link_pk>/avslutt/",
        relative_views.portal_relative_end,
        name="portal-relative-end",
    ),
]
