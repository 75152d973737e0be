from __future__ import annotations

from django.urls import path

from careplans import views

app_name = "careplans"

urlpatterns = [
    path("min-gode-dag/<int:patient_pk>/", views.good_day_detail, name="good-day"),
    path("min-gode-dag/<int:patient_pk>/lagre/", views.good_day_save, name="good-day-save"),
    path(
        "min-gode-dag/<int:patient_pk>/historikk/",
        views.good_day_history,
        name="good-day-history",
    ),
    path("min-gode-dag/<int:patient_pk>/endringer/", views.good_day_diff, name="good-day-diff"),
]
