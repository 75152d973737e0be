from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    name = "coordination"
    verbose_name = _("Gjennomføring")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from coordination import menu

        user_logged_in.connect(menu.on_login, dispatch_uid="coordination.menu.on_login")
