"""The Celery app: reminders and phase-change alerts run here (issue E)."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lkt.settings")

app = Celery("lkt")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
