"""Forms for plan periods and the evaluation, with clear Norwegian messages. The services check
the rules again (overlap, status, optimistic lock) and their messages land on these forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coordination.evaluation.services import CORRECTION_TEXT, GOAL_TEXT, SUMMARY_TEXT
from coordination.models import GoalEvaluation
from lkt.core.forms import DateField, DateInput, DateTimeField, StyledFormMixin


def _too_long() -> str:
    return str(_("Teksten er for lang: %(show_value)s tegn, høyst %(limit_value)s."))


class PlanPeriodForm(StyledFormMixin, forms.Form):
    starts_on = DateField(
        label=_("Fra"),
        widget=DateInput,
        error_messages={
            "required": _("Skriv når planperioden starter."),
            "invalid": _("Skriv en gyldig dato, for eksempel 01.03.2027."),
        },
    )
    ends_on = DateField(
        label=_("Til"),
        help_text=_("LKT foreslår et evalueringsmøte en uke før perioden slutter."),
        widget=DateInput,
        error_messages={
            "required": _("Skriv når planperioden slutter."),
            "invalid": _("Skriv en gyldig dato, for eksempel 31.08.2027."),
        },
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end <= start:
            self.add_error("ends_on", _("Planperioden må slutte etter at den starter."))
        return data


class GoalEvaluationForm(StyledFormMixin, forms.Form):
    result = forms.ChoiceField(
        label=_("Er målet nådd?"),
        choices=GoalEvaluation.Result.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Velg om målet er nådd, delvis nådd eller ikke nådd.")},
    )
    patient_words = forms.CharField(
        label=_("Med pasientens egne ord"),
        help_text=_("Hva sier pasienten selv om målet? Skriv det slik pasienten sier det."),
        max_length=GOAL_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _(
                "Skriv hva pasienten selv sier om målet. Evalueringen skjer med pasientens ord."
            ),
            "max_length": _too_long(),
        },
    )
    team_words = forms.CharField(
        label=_("Teamets vurdering"),
        required=False,
        max_length=GOAL_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _too_long()},
    )
    next_step = forms.CharField(
        label=_("Nytt mål eller videre plan"),
        required=False,
        max_length=GOAL_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _too_long()},
    )


class SummaryForm(StyledFormMixin, forms.Form):
    summary = forms.CharField(
        label=_("Oppsummering, skrevet sammen med pasienten"),
        help_text=_("Hva har gått bra, hva har ikke gått som planlagt, og hva gjør vi nå?"),
        required=False,
        max_length=SUMMARY_TEXT,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"max_length": _too_long()},
    )
    base_version = forms.IntegerField(
        label=_("Versjonen du startet fra"), min_value=0, widget=forms.HiddenInput
    )


class CorrectionForm(StyledFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Rettelse"),
        help_text=_("Skriv hva som er feil eller mangler i oppsummeringen."),
        max_length=CORRECTION_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Skriv hva som bør rettes."), "max_length": _too_long()},
    )


class CloseForm(StyledFormMixin, forms.Form):
    early = forms.BooleanField(
        label=_("Avslutt før fristen for rettelser er ute (alle har lest)"), required=False
    )


class MeetingConfirmForm(StyledFormMixin, forms.Form):
    starts_at = DateTimeField(
        label=_("Tidspunkt"),
        help_text=_("La stå som foreslått, eller velg et annet tidspunkt."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"],
        error_messages={
            "required": _("Velg tidspunktet for møtet."),
            "invalid": _("Skriv dato og klokkeslett, for eksempel 12.03.2027 10:00."),
        },
    )
