from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    name = "coordination"
    verbose_name = _("Gjennomføring")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from actors import signals
        from coordination import menu, services

        user_logged_in.connect(menu.on_login, dispatch_uid="coordination.menu.on_login")
        # actors sits below coordination: it announces a coordinator's change, we act on it.
        signals.coordinator_leaving.connect(
            services.on_coordinator_leaving, dispatch_uid="coordination.coordinator_leaving"
        )
        signals.coordinator_stepped_down.connect(
            services.on_coordinator_stepped_down,
            dispatch_uid="coordination.coordinator_stepped_down",
        )
