from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LktConfig(AppConfig):
    name = "lkt"
    verbose_name = _("LKT")
