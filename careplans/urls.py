from __future__ import annotations

from django.urls import path

from careplans.annual import views as annual_views
from careplans.good_day import perspective_views, views
from careplans.good_day import rating_views as good_day_rating_views
from careplans.phase import views as phase_views
from careplans.plan import views as plan_views

app_name = "careplans"

urlpatterns = [
    path(
        "aktorfellesskap/<int:pk>/perspektiver/<int:challenge_pk>/<int:member_pk>/",
        perspective_views.perspective_save,
        name="perspective-save",
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
    path("min-gode-dag/<int:patient_pk>/", views.good_day_detail, name="good-day"),
    path("min-gode-dag/<int:patient_pk>/lagre/", views.good_day_save, name="good-day-save"),
    path(
        "min-gode-dag/<int:patient_pk>/historikk/",
        views.good_day_history,
        name="good-day-history",
    ),
    path("min-gode-dag/<int:patient_pk>/endringer/", views.good_day_diff, name="good-day-diff"),
    # Element D: the team's phase, and the phase plan and årshjul of a plan version.
    path("aktorfellesskap/<int:pk>/fase/endre/", phase_views.phase_change, name="phase-change"),
    path(
        "samarbeidsplan/versjon/<int:version_pk>/fase/<slug:phase>/",
        phase_views.phase_entry_edit,
        name="phase-entry-edit",
    ),
    path(
        "samarbeidsplan/versjon/<int:version_pk>/arshjul/",
        phase_views.annual_list,
        name="annual",
    ),
    path(
        "samarbeidsplan/versjon/<int:version_pk>/arshjul/ny/",
        phase_views.annual_activity_add,
        name="annual-activity-add",
    ),
    path(
        "samarbeidsplan/versjon/<int:version_pk>/arshjul/minimumspakke/",
        phase_views.annual_defaults,
        name="annual-defaults",
    ),
    path(
        "samarbeidsplan/versjon/<int:version_pk>/arshjul/<int:activity_pk>/endre/",
        phase_views.annual_activity_edit,
        name="annual-activity-edit",
    ),
    path(
        "samarbeidsplan/versjon/<int:version_pk>/arshjul/<int:activity_pk>/fjern/",
        phase_views.annual_activity_remove,
        name="annual-activity-remove",
    ),
    # Element E: an occurrence of an årshjul activity is done (the plan version in force).
    path(
        "samarbeidsplan/versjon/<int:version_pk>/arshjul/<int:activity_pk>/utfort/",
        annual_views.annual_activity_done,
        name="annual-activity-done",
    ),
    # Element D: the plan for samarbeid of a team, its drafts, approvals and versions.
    path("samarbeidsplan/<int:team_pk>/", plan_views.plan_detail, name="plan"),
    path(
        "samarbeidsplan/<int:team_pk>/nytt-utkast/",
        plan_views.plan_draft_create,
        name="plan-draft-create",
    ),
    path(
        "samarbeidsplan/<int:team_pk>/utkast/", plan_views.plan_draft_edit, name="plan-draft-edit"
    ),
    path(
        "samarbeidsplan/<int:team_pk>/versjon/<int:number>/godkjenn/",
        plan_views.plan_approve,
        name="plan-approve",
    ),
    path(
        "samarbeidsplan/<int:team_pk>/versjon/<int:number>/godkjent-personlig/",
        plan_views.plan_personal_approval,
        name="plan-personal-approval",
    ),
    path(
        "samarbeidsplan/<int:team_pk>/versjon/<int:number>/innspill/",
        plan_views.plan_correction_add,
        name="plan-correction-add",
    ),
    path(
        "samarbeidsplan/<int:team_pk>/versjon/<int:number>/lukk-innspill/",
        plan_views.plan_corrections_close,
        name="plan-corrections-close",
    ),
    path("samarbeidsplan/<int:team_pk>/endringer/", plan_views.plan_diff, name="plan-diff"),
    path(
        "leder/planer-til-godkjenning/",
        plan_views.plan_approvals_for_leader,
        name="plan-approvals-for-leader",
    ),
]
