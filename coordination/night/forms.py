"""Forms for night contacts (issue 7): the one short contact form, the file upload, and the
coordinator's phase rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actors.validators import validate_national_id
from careplans.models import Phase
from coordination.models import NightContact, NightService
from coordination.night.importer import MAX_BYTES
from lkt.core.forms import DateTimeField, StyledFormMixin

_SHORTER = _("Skriv kortere: høyst %(limit_value)d tegn (nå %(show_value)d).")
RULE_PHASES = [(Phase.YELLOW, Phase.YELLOW.label), (Phase.RED, Phase.RED.label)]


def _now_local() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


class NightContactForm(StyledFormMixin, forms.Form):
    national_id = forms.CharField(
        label=_("Fødselsnummer"),
        help_text=_("11 siffer."),
        max_length=13,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": _("Skriv pasientens fødselsnummer (11 siffer).")},
    )
    service = forms.ChoiceField(
        label=_("Tjeneste"),
        choices=[("", _("Velg tjeneste")), *NightService.choices],
        error_messages={
            "required": _("Velg hvilken tjeneste pasienten var i kontakt med."),
            "invalid_choice": _("Velg hvilken tjeneste pasienten var i kontakt med."),
        },
    )
    occurred_at = DateTimeField(
        label=_("Tidspunkt"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={
            "required": _("Skriv når kontakten var."),
            "invalid": _("Skriv dato og klokkeslett, for eksempel 2026-03-14 02:30."),
        },
    )
    reason = forms.CharField(
        label=_("Kort årsak"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": _("Skriv en kort årsak til kontakten."),
            "max_length": _SHORTER,
        },
    )
    outcome = forms.ChoiceField(
        label=_("Utfall"),
        choices=NightContact.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Velg utfallet: sendt hjem, innlagt eller overført."),
            "invalid_choice": _("Velg utfallet: sendt hjem, innlagt eller overført."),
        },
    )
    suicide_risk = forms.BooleanField(
        label=_("Selvmordsfare vurdert som til stede"), required=False
    )

    def __init__(self, *args: Any, prefilled: bool = False, **kwargs: Any) -> None:
        """``prefilled``: the patient comes from the crisis card the user has open (the view
        names them), so the fødselsnummer is not asked for."""
        kwargs.setdefault("auto_id", "night-contact-%s")
        super().__init__(*args, **kwargs)
        self.fields["occurred_at"].initial = _now_local
        if prefilled:
            del self.fields["national_id"]

    def clean_national_id(self) -> str:
        value = "".join(self.cleaned_data["national_id"].split())
        validate_national_id(value)
        return value


class ContactImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=_("CSV-fil med kontakter"),
        help_text=_(
            "UTF-8, skilletegn ; eller , og overskriftene "
            "fodselsnummer;tjeneste;tidspunkt;arsak;utfall;selvmordsfare."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={
            "required": _("Velg en fil å importere."),
            "empty": _("Filen er tom."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "contact-import-%s")
        super().__init__(*args, **kwargs)

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("Filen er for stor (høyst 1 MB). Del den opp i flere filer.")
            )
        return upload


class PhaseRuleForm(StyledFormMixin, forms.Form):
    """One rule of the team: in use or not, its numbers (count rules) and the phase proposed."""

    active = forms.BooleanField(label=_("I bruk"), required=False)
    min_contacts = forms.IntegerField(
        label=_("Antall kontakter"),
        required=False,
        min_value=1,
        error_messages={"invalid": _("Skriv et helt tall."), "min_value": _("Skriv minst 1.")},
    )
    within_days = forms.IntegerField(
        label=_("Innen dager"),
        required=False,
        min_value=1,
        error_messages={"invalid": _("Skriv et helt tall."), "min_value": _("Skriv minst 1.")},
    )
    phase = forms.ChoiceField(
        label=_("Foreslå fase"),
        choices=RULE_PHASES,
        error_messages={
            "required": _("Velg gul eller rød fase."),
            "invalid_choice": _("En regel foreslår gul eller rød fase."),
        },
    )


class NewCountRuleForm(PhaseRuleForm):
    """A new count rule; left empty, nothing is added."""

    active = forms.BooleanField(label=_("I bruk"), required=False, initial=True)
    phase = forms.ChoiceField(
        label=_("Foreslå fase"),
        choices=[("", _("Ingen ny regel")), *RULE_PHASES],
        required=False,
        error_messages={"invalid_choice": _("En regel foreslår gul eller rød fase.")},
    )
