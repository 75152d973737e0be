"""The form a leader or coordinator invites a staff member with."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from actors.models import Organisation, Profession
from lkt.core.forms import StyledFormMixin


class StaffInvitationForm(StyledFormMixin, forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Arbeidssted"),
        queryset=Organisation.objects.none(),
        error_messages={
            "required": _("Velg arbeidsstedet personen inviteres til."),
            "invalid_choice": _("Velg et arbeidssted fra listen."),
        },
    )
    name = forms.CharField(label=_("Navn"), max_length=200)
    national_id = forms.CharField(
        label=_("Fødselsnummer"),
        help_text=_("11 siffer. Oppgi fødselsnummer, HPR-nummer eller begge."),
        max_length=13,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    hpr_number = forms.CharField(
        label=_("HPR-nummer"),
        help_text=_("Fra Helsepersonellregisteret. HelseID bruker det ved første innlogging."),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    profession = forms.ChoiceField(
        label=_("Yrke"),
        choices=Profession.choices,
        error_messages={"invalid_choice": _("Velg et yrke fra listen.")},
    )

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        if isinstance(field, forms.ModelChoiceField):
            field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])
            if len(organisations) == 1:
                field.initial = organisations[0].pk

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            not (data.get("national_id") or "").strip()
            and not (data.get("hpr_number") or "").strip()
        ):
            self.add_error("national_id", _("Oppgi fødselsnummer, HPR-nummer eller begge."))
        return data
