from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate, pre_migrate
from django.utils.translation import gettext_lazy as _

from lkt.workspace import team_revision


class LktConfig(AppConfig):
    name = "lkt"
    verbose_name = _("LKT")

    def ready(self) -> None:
        # The team revision's triggers name tables and columns a migration may change: off
        # before every migrate, on again once every app's tables are there (and per flush).
        pre_migrate.connect(_uninstall_team_revisions, sender=self)
        post_migrate.connect(_install_team_revisions, sender=self)


def _uninstall_team_revisions(using: str, **kwargs: Any) -> None:
    team_revision.uninstall(connections[using])


def _install_team_revisions(using: str, **kwargs: Any) -> None:
    team_revision.install(connections[using])
