from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    name = "coordination"
    verbose_name = _("Gjennomføring")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from actors import signals
        from careplans.signals import phase_changed, real_meetings_wanted
        from coordination.meetings import selectors as meeting_selectors
        from coordination.phase import alerts as phase_alerts
        from coordination.referral import menu, services

        user_logged_in.connect(menu.on_login, dispatch_uid="coordination.referral.menu.on_login")
        # actors sits below coordination: it announces a coordinator's change, we act on it.
        signals.coordinator_leaving.connect(
            services.on_coordinator_leaving, dispatch_uid="coordination.coordinator_leaving"
        )
        signals.coordinator_stepped_down.connect(
            services.on_coordinator_stepped_down,
            dispatch_uid="coordination.coordinator_stepped_down",
        )
        # careplans sits below coordination too: a phase change is alerted from here, and the
        # årshjul gets the team's real meetings from here.
        phase_changed.connect(
            phase_alerts.on_phase_changed, dispatch_uid="coordination.phase_changed"
        )
        real_meetings_wanted.connect(
            meeting_selectors.on_real_meetings_wanted, dispatch_uid="coordination.real_meetings"
        )
