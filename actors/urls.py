from __future__ import annotations

from django.urls import path

from actors import (
    invitation_views,
    member_views,
    network_views,
    portal_pdf,
    portal_views,
    relative_views,
    views,
)
from actors.team_page import SECTIONS
from careplans import good_day_rating_views

app_name = "actors"

urlpatterns = [
    *(
        path(
            f"aktorfellesskap/<int:pk>/{section.key}/",
            views.team_section,
            {"key": section.key},
            name=f"team-{section.key}",
        )
        for section in SECTIONS
    ),
    path("aktorfellesskap/", views.team_list, name="team-list"),
    path("aktorfellesskap/<int:pk>/", views.team_detail, name="team-detail"),
    path("aktorfellesskap/<int:pk>/aktiver/", member_views.team_activate, name="team-activate"),
    path("aktorfellesskap/<int:pk>/avslutt/", member_views.team_close, name="team-close"),
    path("aktorfellesskap/<int:pk>/medlemmer/ny/", member_views.member_add, name="member-add"),
    path(
        "aktorfellesskap/<int:pk>/medlemmer/<int:member_pk>/endre/",
        member_views.member_edit,
        name="member-edit",
    ),
    path(
        "aktorfellesskap/<int:pk>/medlemmer/<int:member_pk>/avslutt/",
        member_views.member_end,
        name="member-end",
    ),
    path("aktorfellesskap/<int:pk>/samtykke/ny/", views.consent_record, name="consent-record"),
    path(
        "aktorfellesskap/<int:pk>/samtykke/<int:consent_pk>/trekk-tilbake/",
        views.consent_withdraw,
        name="consent-withdraw",
    ),
    # Relatives and representation on the team page (actors.relative_views).
    path(
        "aktorfellesskap/<int:pk>/parorende/ny/",
        relative_views.relative_create,
        name="relative-create",
    ),
    path(
        "aktorfellesskap/<int:pk>/parorende/<int:link_pk>/endre/",
        relative_views.relative_edit,
        name="relative-edit",
    ),
    path(
        "aktorfellesskap/<int:pk>/parorende/<int:link_pk>/avslutt/",
        relative_views.relative_end,
        name="relative-end",
    ),
    path(
        "aktorfellesskap/<int:pk>/representasjon/ny/",
        relative_views.representation_add,
        name="representation-add",
    ),
    path(
        "aktorfellesskap/<int:pk>/representasjon/<int:representation_pk>/avslutt/",
        relative_views.representation_end,
        name="representation-end",
    ),
    # Element B on the team page: communication lines, perspectives, scenarios.
    path(
        "aktorfellesskap/<int:pk>/kommunikasjon/ny/",
        network_views.communication_line_add,
        name="communication-line-add",
    ),
    path(
        "aktorfellesskap/<int:pk>/kommunikasjon/<int:line_pk>/avslutt/",
        network_views.communication_line_end,
        name="communication-line-end",
    ),
    path(
        "aktorfellesskap/<int:pk>/perspektiver/<int:challenge_pk>/<int:member_pk>/",
        network_views.perspective_save,
        name="perspective-save",
    ),
    path("aktorfellesskap/<int:pk>/scenarier/ny/", network_views.scenario_add, name="scenario-add"),
    path(
        "aktorfellesskap/<int:pk>/scenarier/<slug:key>/",
        network_views.scenario_prepare,
        name="scenario-prepare",
    ),
    path("pasienter/sok/", views.patient_search, name="patient-search"),
    path("pasienter/ny/", views.patient_register, name="patient-register"),
    path("parorende/", views.relative_home, name="relative-home"),
    path("leder/ufullstendige-team/", views.incomplete_teams, name="incomplete-teams"),
    # Staff invitations by leaders and coordinators (actors.invitation_views).
    path("ansatte/invitasjoner/", invitation_views.staff_invitations, name="staff-invitations"),
    path(
        "ansatte/invitasjoner/<int:pk>/trekk-tilbake/",
        invitation_views.staff_invitation_revoke,
        name="staff-invitation-revoke",
    ),
    # The patient and relative portal ("Min side").
    path("min-side/", portal_views.portal_home, name="portal-home"),
    path("min-side/<int:patient_pk>/", portal_views.portal_overview, name="portal-overview"),
    # --- issue 8: portal (plan PDF, good days) ---
    path(
        "min-side/<int:patient_pk>/planen.pdf", portal_pdf.portal_plan_pdf, name="portal-plan-pdf"
    ),
    path(
        "min-side/<int:patient_pk>/gode-dager/",
        good_day_rating_views.portal_good_days,
        name="portal-good-days",
    ),
    path(
        "aktorfellesskap/<int:pk>/gode-dager/ny/",
        good_day_rating_views.team_good_days_record,
        name="team-good-days-record",
    ),
    path("min-side/<int:patient_pk>/teamet/", portal_views.portal_team, name="portal-team"),
    path("min-side/<int:patient_pk>/planen/", portal_views.portal_plan, name="portal-plan"),
    path("min-side/<int:patient_pk>/samtykke/", portal_views.portal_consent, name="portal-consent"),
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
    path(
        "min-side/<int:patient_pk>/innsyn/",
        portal_views.portal_access_log,
        name="portal-access-log",
    ),
]
