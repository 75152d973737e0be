"""The patient's own count of good days (``GoodDayRating``): "Hvor mange gode dager har du hatt
den siste uka?", 0–7, answered in the portal or together with the coordinator on the team page.

It is a result indicator: leaders follow the counts over time, never the patient's words. One
answer a day; a second the same day replaces the first (the model's unique constraint).
Only the patient herself or staff who may write goals (``Action.EDIT_GOALS``) record it; a
relative never does, even one allowed to edit Min gode dag: the count is the patient's own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from actors.access import Action, Standing, allows, check, require_user
from actors.models import Patient, User
from actors.selectors import portal_patient
from careplans.models import GOOD_DAYS_MAX, GoodDayRating
from lkt.core import audit

if TYPE_CHECKING:
    from actors.access import AnyUser

# The team page shows the last twelve answers: about a quarter of a year when given weekly.
SECTION_ANSWERS = 12
# The portal lists the last answers "uke for uke"; eight weeks fit on a phone screen.
PORTAL_ANSWERS = 8


def may_record(standing: Standing) -> bool:
    """The patient herself, or staff allowed to write goals; never a relative (see above)."""
    return allows(standing, Action.EDIT_GOALS) and standing.relative is None


@transaction.atomic
def good_day_rating_record(
    *, actor: User, patient: Patient, rated_on: dt.date, good_days: int
) -> GoodDayRating:
    """Record the count for a day, replacing an earlier answer the same day."""
    if not may_record(check(actor, Action.EDIT_GOALS, patient)):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if not 0 <= good_days <= GOOD_DAYS_MAX:
        errors["good_days"] = _("Velg et tall fra 0 til 7.")
    if rated_on > timezone.localdate():
        errors["rated_on"] = _("Datoen kan ikke være fram i tid.")
    if errors:
        raise ValidationError(errors)
    rating, _created = GoodDayRating.objects.update_or_create(
        patient=patient,
        rated_on=rated_on,
        defaults={"good_days": good_days, "recorded_by": actor},
    )
    audit.record(user=actor, patient=patient, action=audit.CHANGE, obj=rating)
    return rating


def good_day_ratings(patient: Patient, limit: int) -> list[GoodDayRating]:
    """The newest answers, newest first, with who recorded them: one query."""
    return list(newest_ratings(patient.pk, limit))


def newest_ratings(patient: int, limit: int) -> QuerySet[GoodDayRating]:
    """``good_day_ratings`` as a queryset (the team page's section compiles it once)."""
    return (
        GoodDayRating.objects.filter(patient_id=patient)
        .select_related("recorded_by")
        .order_by("-rated_on", "-pk")[:limit]
    )


@dataclass(frozen=True)
class Sparkline:
    """The last answers as a small line chart (oldest to the left); the table beside it has the
    same numbers for those who do not see the chart."""

    points: str  # the polyline's "x,y x,y ..."
    dots: list[tuple[int, int, GoodDayRating]]
    width: int
    height: int

    @property
    def description(self) -> str:
        """The chart's <desc>: what it shows and where the numbers are."""
        answers = len(self.dots)
        return ngettext(
            "Linje over det siste svaret, fra 0 til 7 gode dager. Tallene står i tabellen under.",
            "Linje over de siste %(answers)s svarene, eldst til venstre, fra 0 til 7 gode dager. "
            "Tallene står i tabellen under.",
            answers,
        ) % {"answers": answers}


# Pixels per answer and for the 0–7 scale: small enough to sit beside the table on a laptop.
_STEP = 24
_SCALE = 6
_PAD = 4


def sparkline(newest_first: list[GoodDayRating]) -> Sparkline | None:
    if len(newest_first) < 2:
        return None
    oldest_first = list(reversed(newest_first))
    height = GOOD_DAYS_MAX * _SCALE + 2 * _PAD
    dots = [
        (_PAD + i * _STEP, _PAD + (GOOD_DAYS_MAX - r.good_days) * _SCALE, r)
        for i, r in enumerate(oldest_first)
    ]
    return Sparkline(
        points=" ".join(f"{x},{y}" for x, y, _r in dots),
        dots=dots,
        width=2 * _PAD + (len(dots) - 1) * _STEP,
        height=height,
    )


def good_day_ratings_for_portal(
    user: AnyUser, patient_pk: int
) -> tuple[Patient, list[GoodDayRating]]:
    """The patient's own last answers for her portal (404 for strangers, 403 for staff and
    relatives: the count is hers). Audited as a read."""
    patient, standing = portal_patient(user, patient_pk)
    if not standing.is_self:
        raise PermissionDenied
    audit.record(user=require_user(user), patient=patient, action=audit.VIEW, obj=patient)
    return patient, good_day_ratings(patient, PORTAL_ANSWERS)
