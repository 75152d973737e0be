"""Forms for the phase plan, the team's phase and the årshjul, with clear Norwegian messages.

Member fields choose among the team's members passed in (no query while rendering); the
services check the rules again with their own messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from actors.models import Member
from actors.network.forms import MemberChoiceField
from careplans.models import MEDIUM_TEXT, SHORT_TEXT, AnnualActivity, Phase
from lkt.core.forms import DateField, DateInput, StyledFormMixin

MONTHS = [
    (1, _("januar")),
    (2, _("februar")),
    (3, _("mars")),
    (4, _("april")),
    (5, _("mai")),
    (6, _("juni")),
    (7, _("juli")),
    (8, _("august")),
    (9, _("september")),
    (10, _("oktober")),
    (11, _("november")),
    (12, _("desember")),
]


class _MembersForm(StyledFormMixin, forms.Form):
    member_field = ""

    def __init__(self, *args: Any, members: Sequence[Member] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields[self.member_field]
        if isinstance(field, MemberChoiceField):
            field.set_members(members, str(_("Ingen valgt")))


class PhaseEntryForm(_MembersForm):
    member_field = "actor_member"

    signs = forms.CharField(
        label=_("Tegn på at pasienten er i denne fasen"),
        help_text=_("Bruk pasientens egne ord der det går."),
        max_length=MEDIUM_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Skriv tegnene på at pasienten er i denne fasen.")},
    )
    actions = forms.CharField(
        label=_("Hva gjør vi"),
        max_length=MEDIUM_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Skriv hva som skal gjøres i denne fasen.")},
    )
    actor_member = MemberChoiceField(label=_("Hvem handler"), required=False)
    call_office_hours = forms.CharField(
        label=_("Hvem ringes på dagtid"),
        help_text=_("Navn og telefonnummer."),
        max_length=SHORT_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    call_night = forms.CharField(
        label=_("Hvem ringes kveld og natt"),
        help_text=_(
            "For eksempel legevakt 116 117, AMK 113 og navngitte kontakter med telefonnummer."
        ),
        max_length=SHORT_TEXT,
        required=False,  # in red it is (``__init__``): that is when the crisis plan is needed
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    night_contact = MemberChoiceField(
        label=_("Navngitt kontakt kveld og natt"),
        help_text=_(
            "Får varsel med en gang teamet går over i denne fasen, med tiltakene og hvem som "
            "ringes kveld og natt."
        ),
        required=False,
    )
    patient_wishes = forms.CharField(
        label=_("Hva pasienten ønsker i en krise"),
        max_length=MEDIUM_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self, *args: Any, phase: str = "", members: Sequence[Member] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, members=members, **kwargs)
        field = self.fields["night_contact"]
        if isinstance(field, MemberChoiceField):
            field.set_members(members, str(_("Ingen valgt")))
        if phase == Phase.RED:
            # The same rule as careplans.phase.services, so the form marks the field required
            # instead of calling it optional and then refusing it.
            night = self.fields["call_night"]
            night.required = True
            night.error_messages["required"] = _(
                "I rød fase må planen si hvem som ringes kveld og natt, for eksempel "
                "legevakt 116 117, AMK 113 og en navngitt kontakt med telefonnummer."
            )


class PhaseChangeForm(StyledFormMixin, forms.Form):
    phase = forms.ChoiceField(
        label=_("Ny fase"),
        choices=[("", _("Velg fase")), *Phase.choices],
        error_messages={
            "required": _("Velg grønn, gul eller rød fase."),
            "invalid_choice": _("Velg grønn, gul eller rød fase."),
        },
    )
    reason = forms.CharField(
        label=_("Hvorfor endres fasen?"),
        max_length=MEDIUM_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": _("Skriv hvorfor fasen endres, så resten av teamet forstår det.")
        },
    )


class AnnualActivityForm(_MembersForm):
    member_field = "responsible"

    kind = forms.ChoiceField(
        label=_("Type"),
        choices=AnnualActivity.Kind.choices,
        initial=AnnualActivity.Kind.OTHER,
        error_messages={"invalid_choice": _("Velg en type aktivitet fra listen.")},
    )
    title = forms.CharField(
        label=_("Aktivitet"),
        max_length=200,
        error_messages={"required": _("Skriv hva aktiviteten er.")},
    )
    recurrence = forms.ChoiceField(
        label=_("Hvor ofte"),
        choices=AnnualActivity.Recurrence.choices,
        error_messages={
            "required": _("Velg hvor ofte aktiviteten skal skje."),
            "invalid_choice": _("Velg hvor ofte aktiviteten skal skje."),
        },
    )
    first_on = DateField(
        label=_("Dato (første gang)"),
        help_text=_("Må fylles ut når aktiviteten skjer én gang."),
        required=False,
        widget=DateInput,
        error_messages={"invalid": _("Skriv datoen som dd.mm.åååå.")},
    )
    interval_months = forms.IntegerField(
        label=_("Hvor mange måneder mellom hver gang"),
        help_text=_("Fra 1 til 24. Brukes når aktiviteten gjentas hver n-te måned."),
        required=False,
        error_messages={"invalid": _("Skriv et helt antall måneder.")},
    )
    month = forms.TypedChoiceField(
        label=_("Måned"),
        help_text=_("Brukes når aktiviteten skjer hvert år."),
        choices=[("", _("Velg måned")), *MONTHS],
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": _("Måneden må være fra 1 (januar) til 12 (desember).")},
    )
    responsible = MemberChoiceField(label=_("Ansvarlig"), required=False)
    mandatory = forms.BooleanField(label=_("Obligatorisk"), required=False, initial=True)


class AnnualDefaultsForm(StyledFormMixin, forms.Form):
    medicines = forms.IntegerField(
        label=_("Hvor mange faste legemidler bruker pasienten?"),
        help_text=_(
            "Fra 4 legemidler legges en årlig legemiddelgjennomgang inn som obligatorisk. "
            "La feltet stå tomt hvis du ikke vet."
        ),
        min_value=0,
        max_value=99,
        required=False,
        error_messages={
            "invalid": _("Skriv et helt tall."),
            "min_value": _("Antallet kan ikke være negativt."),
            "max_value": _("Skriv et tall under 100."),
        },
    )
