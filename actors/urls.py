from __future__ import annotations

from django.urls import path

from actors import member_views, views
from actors.invitations import views as invitation_views
from actors.network import views as network_views
from actors.relatives import views as relative_views

app_name = "actors"

urlpatterns = [
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
    # Relatives and representation on the team page (actors.relatives.views).
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
    # Staff invitations by leaders and coordinators (actors.invitations.views).
    path("ansatte/invitasjoner/", invitation_views.staff_invitations, name="staff-invitations"),
    path(
        "ansatte/invitasjoner/<int:pk>/trekk-tilbake/",
        invitation_views.staff_invitation_revoke,
        name="staff-invitation-revoke",
    ),
    # The patient and relative portal ("Min side").
    # --- issue 8: portal (plan PDF, good days) ---
]
