"""The leader's choices on the indicator page: organisation and period, and the caseload limit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actors.models import Organisation
from coordination.reports.indicator_data import CASELOAD_LIMIT_MAX, CASELOAD_LIMIT_MIN
from coordination.reports.indicator_months import MAX_MONTHS
from lkt.core.forms import DateField

DEFAULT_MONTHS = 12


class MonthInput(forms.DateInput):
    input_type = "month"

    def format_value(self, value: Any) -> str | None:
        return value.strftime("%Y-%m") if isinstance(value, dt.date) else value


class MonthField(DateField):
    """A whole month, typed as ``2026-03`` (what ``<input type="month">`` sends)."""

    widget = MonthInput
    input_formats = ["%Y-%m"]
    default_error_messages = {"invalid": _("Skriv måneden som år og måned, for eksempel 2026-03.")}


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The last DEFAULT_MONTHS whole months, the current one included."""
    today = today or timezone.localdate()
    index = today.year * 12 + today.month - 1 - (DEFAULT_MONTHS - 1)
    return dt.date(index // 12, index % 12 + 1, 1), today.replace(day=1)


class IndicatorFilterForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label=_("Organisasjon"),
        empty_label=None,
        error_messages={"invalid_choice": _("Velg en av organisasjonene dine.")},
    )
    start = MonthField(label=_("Fra måned"))
    end = MonthField(label=_("Til og med måned"))

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 – narrows the type
        field.queryset = organisations

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            this_month = timezone.localdate().replace(day=1)
            months = (end.year - start.year) * 12 + end.month - start.month + 1
            if end > this_month:
                self.add_error("end", _("Perioden kan ikke slutte etter denne måneden."))
            elif months < 1:
                self.add_error(
                    "end", _("Til-måneden må være samme måned som fra-måneden eller senere.")
                )
            elif months > MAX_MONTHS:
                self.add_error(
                    "start",
                    _("Velg høyst %(max)s måneder.") % {"max": MAX_MONTHS},
                )
        return data


class CaseloadLimitForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label=_("Organisasjon"),
        empty_label=None,
        error_messages={"invalid_choice": _("Velg en av organisasjonene dine.")},
    )
    limit = forms.IntegerField(
        label=_("Maks antall team per koordinator"),
        min_value=CASELOAD_LIMIT_MIN,
        max_value=CASELOAD_LIMIT_MAX,
        help_text=_(
            "Fra 1 til 100. Gjelder også enhetene under, hvis de ikke har sin egen grense."
        ),
        error_messages={
            "required": _("Skriv en grense."),
            "invalid": _("Skriv et helt tall."),
            "min_value": _("Grensen må være minst %(limit_value)s."),
            "max_value": _("Grensen kan være høyst %(limit_value)s."),
        },
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 – narrows the type
        field.queryset = organisations
