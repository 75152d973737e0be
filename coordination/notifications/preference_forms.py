"""The form for a person's own notification settings, with plain Norwegian help."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from coordination.models import NotificationPreference


class NotificationPreferenceForm(forms.Form):
    email = forms.ChoiceField(
        label=_("Varsler på e-post"),
        choices=NotificationPreference.Email.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Alle varsler ligger alltid under Varsler i LKT. Her velger du om du også vil ha "
            "dem på e-post. Varsel om ny gul eller rød fase sendes med en gang, også når du "
            "har valgt én e-post om dagen."
        ),
        error_messages={"required": _("Velg hvordan du vil få varsler på e-post.")},
    )
    sms_urgent = forms.BooleanField(
        label=_("SMS når et pasientforløp går over i gul eller rød fase"),
        required=False,
        help_text=_("SMS sendes bare ved ny gul eller rød fase, aldri ellers."),
    )
