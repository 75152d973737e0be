"""Forms for crisis access: the fødselsnummer lookup and the reason for opening the card."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from actors.validators import is_ascii_digits, validate_national_id
from lkt.core.forms import StyledFormMixin

REASON_MAX = 300


class CrisisLookupForm(StyledFormMixin, forms.Form):
    national_id = forms.CharField(
        label=_("Fødselsnummer"),
        help_text=_("11 siffer, uten mellomrom."),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "inputmode": "numeric",
                "autocomplete": "off",
                "class": "lkt-crisis-input",
            }
        ),
        error_messages={"required": _("Skriv fødselsnummeret (11 siffer).")},
    )

    def clean_national_id(self) -> str:
        value = "".join(self.cleaned_data["national_id"].split())
        if not (is_ascii_digits(value) and len(value) == 11):
            raise ValidationError(_("Fødselsnummeret må ha 11 siffer."))
        try:
            validate_national_id(value)
        except ValidationError as error:
            raise ValidationError(_("Dette er ikke et gyldig fødselsnummer.")) from error
        return value


class CrisisReasonForm(StyledFormMixin, forms.Form):
    """Why the card is opened now; with break-glass also the § 7 confirmation."""

    reason = forms.CharField(
        label=_("Hvorfor åpner du kriseplanen?"),
        help_text=_("Kort, for eksempel «pasienten er på legevakten nå». Pasienten kan lese det."),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": _("Skriv hvorfor du åpner kriseplanen."),
            "max_length": _("Skriv kortere: høyst %(limit_value)d tegn (nå %(show_value)d)."),
        },
    )

    def __init__(self, *args: Any, break_glass: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if break_glass:
            self.fields["reason"].label = _(
                "Hvorfor er det nødvendig å se kriseplanen uten samtykke?"
            )
            self.fields["reason"].help_text = _(
                "Beskriv situasjonen: hvorfor hjelpen er påtrengende nødvendig nå "
                "(helsepersonelloven § 7). Pasienten og koordinatoren får se begrunnelsen."
            )
            self.fields["emergency"] = forms.BooleanField(
                label=_(
                    "Jeg bekrefter at dette er øyeblikkelig hjelp etter helsepersonelloven § 7, "
                    "og at tilgangen logges som nødtilgang."
                ),
                error_messages={"required": _("Bekreft at dette er øyeblikkelig hjelp.")},
            )

    def clean_reason(self) -> str:
        value = self.cleaned_data["reason"].strip()
        if not value:
            raise ValidationError(_("Skriv hvorfor du åpner kriseplanen."))
        return value
