"""Forms of the plan for samarbeid: the coordinator's draft and the approval. Limits come from
the model's max_length, so form, service and database agree."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from actors.models import Member, Team
from careplans.models import CORRECTION_TEXT, TOO_LONG, CarePlanVersion, PersonalApproval
from lkt.core.forms import DateField, DateInput, StyledFormMixin


def _text(name: str, help_text: Any = "", rows: int = 4) -> forms.CharField:
    field = CarePlanVersion._meta.get_field(name)
    if not isinstance(field, models.Field):  # pragma: no cover - only text fields are named
        raise TypeError(name)
    return forms.CharField(
        label=str(field.verbose_name).capitalize(),
        help_text=help_text,
        required=False,
        max_length=field.max_length,
        strip=False,
        error_messages={"max_length": TOO_LONG},
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _date(label: Any, required: bool = True) -> DateField:
    return DateField(
        label=label,
        required=required,
        widget=DateInput(),
        error_messages={
            "invalid": _("Skriv en dato, for eksempel 31.12.2026."),
            "required": _("Velg en dato."),
        },
    )


class PlanDraftForm(StyledFormMixin, forms.Form):
    base_version = forms.IntegerField(
        label=_("Versjonen du startet fra"), min_value=0, widget=forms.HiddenInput
    )
    roles_note = _text(
        "roles_note", _("Mangler noen roller, eller er det roller som ikke trengs nå? Hvorfor?")
    )
    communication = _text(
        "communication", _("Hvem snakker med hvem, hvordan og hvor ofte (se aktørkartet).")
    )
    information_sharing = _text(
        "information_sharing", _("Hva pasienten har sagt ja til at dere deler, og med hvem.")
    )
    preparedness = _text(
        "preparedness",
        _("Planlagte og uplanlagte endringer: hvem gjør hva hvis … (for eksempel overganger)."),
        rows=6,
    )
    documentation = _text(
        "documentation",
        _("Hva dokumenteres, av hvem og hvor. Planen er ikke en kopi av journalen."),
    )
    evaluation_plan = _text("evaluation_plan", _("Hva dere skal evaluere, når og hvordan."))
    period_start = _date(_("Planperioden starter"))
    period_end = _date(_("Planperioden slutter"))
    revision_on = _date(_("Revideres innen"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end <= start:
            self.add_error("period_end", _("Planperioden må slutte etter at den starter."))
        return data

    @classmethod
    def for_version(
        cls, version: CarePlanVersion, base_version: int, data: Any = None
    ) -> PlanDraftForm:
        initial = {
            name: getattr(version, name) for name in cls.base_fields if name != "base_version"
        }
        return cls(data, initial={**initial, "base_version": base_version})


class PlanApproveForm(forms.Form):
    base_version = forms.IntegerField(
        label=_("Versjonen du startet fra"), min_value=0, widget=forms.HiddenInput
    )


class PlanCorrectionForm(StyledFormMixin, forms.Form):
    """A member's correction to the draft, while the window for corrections is open."""

    text = forms.CharField(
        label=_("Ditt innspill til utkastet"),
        help_text=_("Hva mangler, eller hva bør rettes? Koordinatoren tar det inn i utkastet."),
        max_length=CORRECTION_TEXT,
        error_messages={"required": _("Skriv innspillet ditt."), "max_length": TOO_LONG},
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class WitnessChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} ({obj.get_role_display().lower()})"


class PersonalApprovalForm(StyledFormMixin, forms.Form):
    """The coordinator records the patient's approval given in person: when, how, who saw it."""

    base_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    given_on = _date(_("Dato pasienten godkjente"))
    how = forms.ChoiceField(
        label=_("Hvordan godkjente pasienten?"),
        choices=PersonalApproval.How.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Velg hvordan pasienten godkjente."),
            "invalid_choice": _("Velg hvordan pasienten godkjente."),
        },
    )
    witness_member = WitnessChoiceField(
        label=_("Vitne fra teamet"),
        queryset=Member.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Velg et medlem av teamet fra listen.")},
    )
    witness_name = forms.CharField(
        label=_("Eller: vitne som ikke er i teamet (navn og rolle)"),
        max_length=200,
        required=False,
    )

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["witness_member"]
        if isinstance(field, forms.ModelChoiceField):
            field.queryset = (
                Member.objects.active()
                .filter(team=team)
                .select_related("user")
                .order_by("role", "pk")
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("witness_member") and not (data.get("witness_name") or "").strip():
            self.add_error(
                "witness_name", _("Oppgi hvem som var vitne: et medlem av teamet eller et navn.")
            )
        return data
