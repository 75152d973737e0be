"""The form of one actor's perspective on one challenge."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from actors.models import Perspective
from lkt.core.forms import StyledFormMixin

_IMPORTANCE_MESSAGE = _("Viktighet må være et tall fra 1 til 5.")


class PerspectiveForm(StyledFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Slik ser jeg det"),
        max_length=Perspective._meta.get_field("text").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": _("Skriv kort hvordan du ser utfordringen."),
            "max_length": _("Teksten kan være høyst %(limit_value)d tegn (nå %(show_value)d)."),
        },
    )
    importance = forms.IntegerField(
        label=_("Hvor viktig er dette (1–5)?"),
        help_text=_("1 = lite viktig, 5 = svært viktig"),
        min_value=1,
        max_value=5,
        error_messages={
            "required": _IMPORTANCE_MESSAGE,
            "invalid": _IMPORTANCE_MESSAGE,
            "min_value": _IMPORTANCE_MESSAGE,
            "max_value": _IMPORTANCE_MESSAGE,
        },
    )
