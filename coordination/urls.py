from __future__ import annotations

from django.urls import path

from coordination.archive import views as archive_views
from coordination.evaluation import views as evaluation_views
from coordination.meetings import views as meeting_views
from coordination.messages import views as message_views
from coordination.night import crisis_views
from coordination.night import views as night_views
from coordination.notifications import calendar_views, inbox_views, preference_views
from coordination.observations import views as observation_views
from coordination.referral import views
from coordination.reports import status_report_views
from coordination.reports import views as indicator_views
from coordination.survey import views as survey_views
from coordination.tiltak import views as task_views

app_name = "coordination"

urlpatterns = [
    path("behov/ny/", views.need_report_create, name="need-report-create"),
    path("behov/mine/", views.need_report_mine, name="need-report-mine"),
    path("behov/arbeidsliste/", views.need_report_worklist, name="need-report-worklist"),
    path("behov/<int:pk>/", views.need_report_detail, name="need-report-detail"),
    path("behov/<int:pk>/status/", views.need_report_status, name="need-report-status"),
    path("behov/<int:pk>/opprett-team/", views.need_report_establish, name="need-report-establish"),
    path(
        "aktorfellesskap/<int:pk>/koordinator/foresla/",
        views.appointment_propose,
        name="appointment-propose",
    ),
    path(
        "aktorfellesskap/<int:pk>/koordinator/<int:appointment_pk>/registrer/",
        views.appointment_register,
        name="appointment-register",
    ),
    path("aktorfellesskap/<int:pk>/mandat/", views.mandate_edit, name="mandate-edit"),
    path("leder/godkjenning/", views.leader_approvals, name="leader-approvals"),
    path(
        "leder/koordinator/<int:appointment_pk>/",
        views.appointment_decide,
        name="appointment-decide",
    ),
    path("leder/mandat/<int:mandate_pk>/godkjenn/", views.mandate_approve, name="mandate-approve"),
    path("varsler/", inbox_views.notification_list, name="notification-list"),
    # --- element E: meetings and tasks ---
    path("aktorfellesskap/<int:pk>/moter/alle/", meeting_views.team_meetings, name="team-meetings"),
    path(
        "aktorfellesskap/<int:pk>/moter/nytt/", meeting_views.meeting_create, name="meeting-create"
    ),
    path(
        "aktorfellesskap/<int:pk>/moter/onsker/",
        meeting_views.meeting_preferences,
        name="meeting-preferences",
    ),
    path("moter/<int:pk>/", meeting_views.meeting_detail, name="meeting-detail"),
    path("moter/<int:pk>/endre/", meeting_views.meeting_edit, name="meeting-edit"),
    path("moter/<int:pk>/referat/", meeting_views.meeting_minutes, name="meeting-minutes"),
    path("moter/<int:pk>/gjennomfort/", meeting_views.meeting_held, name="meeting-held"),
    path("moter/<int:pk>/saker/ny/", meeting_views.agenda_item_add, name="agenda-item-add"),
    path(
        "moter/<int:pk>/saker/<int:item_pk>/fjern/",
        meeting_views.agenda_item_remove,
        name="agenda-item-remove",
    ),
    path("moter/<int:pk>/beslutninger/ny/", meeting_views.decision_add, name="decision-add"),
    path(
        "moter/<int:pk>/beslutninger/<int:decision_pk>/tiltak/",
        meeting_views.decision_task,
        name="decision-task",
    ),
    path("min-side/<int:patient_pk>/moter/", meeting_views.portal_meetings, name="portal-meetings"),
    path("aktorfellesskap/<int:pk>/tiltak/alle/", task_views.team_tasks, name="team-tasks"),
    path("aktorfellesskap/<int:pk>/tiltak/nytt/", task_views.task_create, name="task-create"),
    path("tiltak/<int:pk>/status/", task_views.task_update, name="task-update"),
    # --- element E: plan periods and evaluation ---
    path(
        "aktorfellesskap/<int:pk>/planperiode/ny/",
        evaluation_views.plan_period_create,
        name="plan-period-create",
    ),
    path(
        "planperiode/<int:period_pk>/evaluering/",
        evaluation_views.evaluation_detail,
        name="evaluation-detail",
    ),
    path(
        "planperiode/<int:period_pk>/evaluering/mal/<int:goal_pk>/",
        evaluation_views.goal_evaluation_edit,
        name="goal-evaluation-edit",
    ),
    path(
        "planperiode/<int:period_pk>/evaluering/oppsummering/",
        evaluation_views.evaluation_summary,
        name="evaluation-summary",
    ),
    path(
        "planperiode/<int:period_pk>/evaluering/send/",
        evaluation_views.evaluation_send,
        name="evaluation-send",
    ),
    path(
        "planperiode/<int:period_pk>/evaluering/rettelse/",
        evaluation_views.evaluation_correction,
        name="evaluation-correction",
    ),
    path(
        "planperiode/<int:period_pk>/evaluering/avslutt/",
        evaluation_views.evaluation_close,
        name="evaluation-close",
    ),
    path(
        "planperiode/<int:period_pk>/evaluering/mote/<int:meeting_pk>/bekreft/",
        evaluation_views.evaluation_meeting_confirm,
        name="evaluation-meeting-confirm",
    ),
    path(
        "min-side/<int:patient_pk>/evaluering/",
        evaluation_views.portal_evaluations,
        name="portal-evaluations",
    ),
    # --- element E: observations and phase alerts ---
    path(
        "aktorfellesskap/<int:pk>/observasjoner/ny/",
        observation_views.observation_create,
        name="observation-create",
    ),
    path(
        "aktorfellesskap/<int:pk>/observasjoner/<int:observation_pk>/",
        observation_views.observation_decide,
        name="observation-decide",
    ),
    path(
        "min-side/<int:patient_pk>/endringer/",
        observation_views.observation_portal,
        name="observation-portal",
    ),
    path(
        "varsler/<int:pk>/kvitter/",
        observation_views.notification_acknowledge,
        name="notification-acknowledge",
    ),
    # --- notifications: inbox, preferences, calendar ---
    # --- issue 7: night contacts ---
    path("natt/kontakt/ny/", night_views.night_contact_create, name="night-contact-create"),
    path("natt/import/", night_views.night_contact_import, name="night-contact-import"),
    path("natt/import/<int:pk>/", night_views.night_import_detail, name="night-import-detail"),
    path("aktorfellesskap/<int:pk>/natt/alle/", night_views.team_night, name="team-night"),
    path(
        "aktorfellesskap/<int:pk>/faseregler/",
        night_views.phase_rules_edit,
        name="phase-rules-edit",
    ),
    # --- issue 7: crisis card ---
    path("krise/", crisis_views.crisis_lookup, name="crisis-lookup"),
    path("krise/<str:token>/", crisis_views.crisis_access, name="crisis-access"),
    path("krise/kort/<str:token>/", crisis_views.crisis_card, name="crisis-card"),
    path(
        "aktorfellesskap/<int:pk>/kriseplan/",
        crisis_views.crisis_card_team,
        name="crisis-card-team",
    ),
    # --- issue 7: morning digest ---
    path(
        "varsler/merk-lest/",
        inbox_views.notification_mark_all_read,
        name="notification-mark-all-read",
    ),
    path("varsler/antall/", inbox_views.notification_badge, name="notification-badge"),
    path(
        "varsler/innstillinger/",
        preference_views.notification_preferences,
        name="notification-preferences",
    ),
    path(
        "varsler/innstillinger/kalender/",
        preference_views.calendar_feed_manage,
        name="calendar-feed-manage",
    ),
    path("kalender/<slug:token>.ics", calendar_views.calendar_feed_ics, name="calendar-feed"),
    # --- issue 8: status reports ---
    path(
        "aktorfellesskap/<int:pk>/statusrapport.pdf",
        status_report_views.status_report_download,
        name="status-report",
    ),
    # --- issue 19: the closed team's archive copy ---
    path("aktorfellesskap/avsluttet/", archive_views.archive_list, name="archive-list"),
    path("aktorfellesskap/<int:pk>/arkiv/", archive_views.team_archive, name="team-archive"),
    path(
        "aktorfellesskap/<int:pk>/arkivkopi.pdf",
        archive_views.team_archive_download,
        name="team-archive-pdf",
    ),
    # --- issue 8: indicators ---
    path("ledere/indikatorer/", indicator_views.indicators, name="indicators"),
    path("ledere/indikatorer.csv", indicator_views.indicators_csv, name="indicators-csv"),
    path("ledere/indikatorer/pdf/", indicator_views.indicators_pdf, name="indicators-pdf"),
    path(
        "ledere/indikatorer/saksmengde/",
        indicator_views.caseload_limit,
        name="caseload-limit",
    ),
    path("ledere/rapporter/<int:pk>/", indicator_views.report_job, name="report-job"),
    path(
        "ledere/rapporter/<int:pk>/last-ned/",
        indicator_views.report_job_download,
        name="report-job-download",
    ),
    # --- issue 8: survey ---
    path(
        "aktorfellesskap/<int:pk>/koordinering/svar/",
        survey_views.survey_answer,
        name="survey-answer",
    ),
    path(
        "aktorfellesskap/<int:pk>/koordinering/runde/",
        survey_views.survey_round_open,
        name="survey-round-open",
    ),
    path(
        "aktorfellesskap/<int:pk>/koordinering/runde/<int:round_pk>/lukk/",
        survey_views.survey_round_close,
        name="survey-round-close",
    ),
    # --- issue 19: messages and documents ---
    path(
        "aktorfellesskap/<int:pk>/meldinger/alle/", message_views.team_threads, name="team-threads"
    ),
    path(
        "aktorfellesskap/<int:pk>/meldinger/ny/",
        message_views.thread_create,
        name="thread-create",
    ),
    path("meldinger/<int:pk>/", message_views.thread_detail, name="thread-detail"),
    path("enhet/meldinger/", message_views.unit_threads, name="unit-threads"),
    path(
        "enhet/aktorfellesskap/<int:pk>/meldinger/ny/",
        message_views.unit_thread_create,
        name="unit-thread-create",
    ),
    path("meldinger/<int:pk>/svar/", message_views.message_post, name="message-post"),
    path("meldinger/melding/<int:pk>/tiltak/", message_views.message_task, name="message-task"),
    path(
        "meldinger/melding/<int:pk>/dagsorden/",
        message_views.message_agenda,
        name="message-agenda",
    ),
    path(
        "min-side/<int:patient_pk>/meldinger/",
        message_views.portal_threads,
        name="portal-threads",
    ),
    path(
        "aktorfellesskap/<int:pk>/dokumenter/",
        message_views.team_documents,
        name="team-documents",
    ),
    path("dokumenter/<int:pk>/", message_views.document_download, name="document-download"),
    path(
        "min-side/<int:patient_pk>/dokumenter/",
        message_views.portal_documents,
        name="portal-documents",
    ),
]
