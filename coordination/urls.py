from __future__ import annotations

from django.urls import path

from coordination import views

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
    path("varsler/", views.notification_list, name="notification-list"),
]
