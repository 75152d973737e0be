"""Input of the good-day count: radio buttons 0–7 in the portal (today's answer), and a date
with the count on the team page (the coordinator records it together with the patient)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from careplans.models import GOOD_DAYS_MAX
from lkt.core.forms import DateField

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

QUESTION = _("Hvor mange gode dager har du hatt den siste uka?")
CHOICES = [(n, str(n)) for n in range(GOOD_DAYS_MAX + 1)]


def _good_days_field(label: StrOrPromise) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Velg hvor mange gode dager du har hatt."),
            "invalid_choice": _("Velg et tall fra 0 til 7."),
        },
    )


class GoodDayRatingForm(forms.Form):
    """The patient's answer for today, in the portal."""

    good_days = _good_days_field(QUESTION)


class TeamGoodDayRatingForm(forms.Form):
    """The answer recorded with the patient: the day it was given and the count."""

    rated_on = DateField(
        label=_("Dato"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Skriv datoen."),
            "invalid": _("Skriv datoen som dd.mm.åååå."),
        },
    )
    good_days = _good_days_field(_("Gode dager den siste uka (pasientens svar)"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("initial", {"rated_on": timezone.localdate()})
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
