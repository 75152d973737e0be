"""Writing the audit trail. Called from ``actors.access.authorize`` and from list selectors only."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils import timezone

from lkt.core.compiled_query import CompiledInsert
from lkt.models import AccessLog

if TYPE_CHECKING:
    from django.db.models import Model

    from actors.models import Patient, User

VIEW = AccessLog.Action.VIEW
# The reason on a leader's read of a plan she approves: the patient's access log names it so.
LEADER_PLAN_REASON = "Leder: godkjenning av plan for samarbeid (bare struktur, ikke klinisk tekst)"
CHANGE = AccessLog.Action.CHANGE
EXPORT = AccessLog.Action.EXPORT
BREAK_GLASS = AccessLog.Action.BREAK_GLASS


def _object_type(obj: Model) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


def record(
    *, user: User | None, patient: Patient, action: str, obj: Model, reason: str = ""
) -> None:
    """One row; ``user`` None for a change the system made itself (the daily sweep), which
    then says why in ``reason``."""
    _ROW.insert(
        user=user.pk if user else None,
        patient=patient.pk,
        action=action,
        object_type=_object_type(obj),
        object_id=str(obj.pk or ""),
        reason=reason,
        at=timezone.now(),
    )


# Every page and section writes one (issue 17: compiled once, lkt.core.compiled_query).
_ROW = CompiledInsert(AccessLog)


def record_list(
    *, user: User, objects: Iterable[tuple[Patient, Model]], action: str = VIEW
) -> None:
    """One row per patient shown on a list page, written in a single query."""
    AccessLog.objects.bulk_create(
        AccessLog(
            user=user,
            patient=patient,
            action=action,
            object_type=_object_type(obj),
            object_id=str(obj.pk),
        )
        for patient, obj in objects
    )
