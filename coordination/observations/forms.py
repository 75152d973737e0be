"""Forms for observations: the team's, the patient's (in plain words), and the coordinator's
answer."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from careplans.models import Phase
from coordination.models import Observation
from coordination.observations.services import Decision
from lkt.core.forms import StyledFormMixin

_TEXT_MAX = 2000


class ObservationForm(StyledFormMixin, forms.Form):
    """For staff on the team page."""

    text = forms.CharField(
        label=_("Hva har endret seg?"),
        help_text=_("Skriv det du har sett eller hørt, og når. Hele teamet kan lese det."),
        max_length=_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Skriv hva som har endret seg."),
            "max_length": _("Skriv kortere: høyst %(limit_value)d tegn (nå %(show_value)d)."),
        },
    )
    proposed_phase = forms.ChoiceField(
        label=_("Foreslå ny fase"),
        help_text=_("Koordinatoren bekrefter eller avviser forslaget."),
        choices=[("", _("Ingen forslag")), *Phase.choices],
        required=False,
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": _("Velg grønn, gul eller rød fase, eller ingen forslag."),
        },
    )


class PortalObservationForm(ObservationForm):
    """For the patient in the portal: the same, in plain language."""

    text = forms.CharField(
        label=_("Hva har endret seg?"),
        help_text=_("Skriv med dine egne ord. Koordinatoren din leser det og svarer deg her."),
        max_length=_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Skriv noen ord om hva som har endret seg."),
            "max_length": _("Skriv kortere: høyst %(limit_value)d tegn (nå %(show_value)d)."),
        },
    )
    proposed_phase = forms.ChoiceField(
        label=_("Trenger du mer hjelp nå?"),
        choices=[
            ("", _("Jeg vil bare si fra")),
            (Phase.GREEN, _("Det går bedre nå (grønn)")),
            (Phase.YELLOW, _("Det går dårligere, jeg trenger mer hjelp (gul)")),
            (Phase.RED, _("Det er en krise, jeg trenger hjelp nå (rød)")),
        ],
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Velg ett av svarene.")},
    )


class ObservationDecideForm(StyledFormMixin, forms.Form):
    """The coordinator's answer; the decision comes from the button pressed."""

    decision = forms.ChoiceField(
        label=_("Hva vil du gjøre?"),
        choices=[
            (Decision.CONFIRM, _("Bekreft ny fase")),
            (Decision.REJECT, _("Avvis forslaget")),
            (Decision.NOTE, _("Merk som lest")),
        ],
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Velg hva du vil gjøre med observasjonen."),
            "invalid_choice": _("Velg hva du vil gjøre med observasjonen."),
        },
    )
    note = forms.CharField(
        label=_("Merknad"),
        help_text=_("Må fylles ut når du avviser et forslag. Den som meldte, ser merknaden."),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "max_length": _("Skriv kortere: høyst %(limit_value)d tegn (nå %(show_value)d).")
        },
    )

    def __init__(self, *args: Any, observation: Observation, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"observation-{observation.pk}-%s")
        super().__init__(*args, **kwargs)
        self.observation = observation
