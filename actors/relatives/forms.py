"""Forms for relatives and representation: a relative named by name, fødselsnummer and phone
(never picked from a list of users), the access the patient gives, and a representation with
its basis. The patient's forms (Min side) speak to the patient; the coordinator's say they act
on the patient's behalf."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from actors.models import RelativeLink, Representation
from actors.validators import validate_national_id
from lkt.core import phones
from lkt.core.forms import DateField, DateInput, StyledFormMixin

# The access the patient gives, in the patient's words (Min side) and the coordinator's.
PORTAL_ACCESS_LABELS = {
    "may_see_team": _("Kan se hvem som er i teamet mitt, og hvordan de når dem"),
    "may_see_goals": _("Kan se Min gode dag og målene mine"),
    "may_edit_goals": _("Kan skrive i Min gode dag"),
    "may_see_plan": _("Kan se planen min og hva vi gjør hvis det blir vanskelig"),
    "may_communicate": _("Kan få meldinger og bli invitert til møter"),
}
TEAM_ACCESS_LABELS = {
    "may_see_team": _("Kan se hvem som er i teamet"),
    "may_see_goals": _("Kan se Min gode dag og mål"),
    "may_edit_goals": _("Kan skrive i Min gode dag"),
    "may_see_plan": _("Kan se planen og kriseplanen"),
    "may_communicate": _("Kan få meldinger og bli invitert til møter"),
}
ENDS_ON_HELP = _("Tom: tilgangen varer til den endres. Tilgangen stopper ved starten av dagen.")
PATIENT_AGREED_LABEL = _("Pasienten har sagt ja til at denne pårørende får tilgangen over")


class _AccessFields(StyledFormMixin, forms.Form):
    """The access checkboxes and the end date, labelled for the reader (``labels``)."""

    may_see_team = forms.BooleanField(required=False)
    may_see_goals = forms.BooleanField(required=False)
    may_edit_goals = forms.BooleanField(required=False)
    may_see_plan = forms.BooleanField(required=False)
    may_communicate = forms.BooleanField(required=False)
    ends_on = DateField(
        label=_("Tilgangen varer til"),
        help_text=ENDS_ON_HELP,
        required=False,
        widget=DateInput,
    )

    def __init__(self, *args: Any, labels: dict[str, Any], on_behalf: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name, label in labels.items():
            self.fields[name].label = label
        if on_behalf:
            self.fields["patient_agreed"] = forms.BooleanField(
                label=PATIENT_AGREED_LABEL,
                required=True,
                error_messages={"required": _("Bekreft at pasienten har sagt ja til dette.")},
            )


class RelativeAddForm(_AccessFields):
    """Name a relative: the patient on Min side, or the coordinator (``on_behalf``)."""

    name = forms.CharField(label=_("Navn"), max_length=200)
    national_id = forms.CharField(
        label=_("Fødselsnummer"),
        help_text=_("11 siffer. Den pårørende logger inn med det (BankID eller MinID)."),
        max_length=13,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Telefon"),
        max_length=phones.TYPED_MAX_LENGTH,
        required=False,
        help_text=_(
            "Et utenlandsk nummer skrives med + og landskode, for eksempel +46 70 123 45 67."
        ),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    relation = forms.ChoiceField(
        label=_("Relasjon"),
        choices=RelativeLink.Relation.choices,
        error_messages={"invalid_choice": _("Velg en relasjon fra listen.")},
    )
    field_order = ["name", "national_id", "phone", "relation"]

    def clean_national_id(self) -> str:
        value = self.cleaned_data["national_id"].replace(" ", "")
        validate_national_id(value)
        return value


class RelativeAccessForm(_AccessFields):
    """Change what one relative may see and until when, or shut them out."""

    excluded = forms.BooleanField(
        label=_("Skal ikke få vite noe om meg"),
        help_text=_("Da ser personen ingenting, uansett hva som er krysset av over."),
        required=False,
    )

    @classmethod
    def for_link(
        cls,
        link: RelativeLink,
        data: object = None,
        *,
        labels: dict[str, Any] = PORTAL_ACCESS_LABELS,
        on_behalf: bool = False,
    ) -> RelativeAccessForm:
        form = cls(
            data,
            prefix=f"rel{link.pk}",
            labels=labels,
            on_behalf=on_behalf,
            initial={
                "may_see_team": link.may_see_team,
                "may_see_goals": link.may_see_goals,
                "may_edit_goals": link.may_edit_goals,
                "may_see_plan": link.may_see_plan,
                "may_communicate": link.may_communicate,
                "ends_on": link.ends_on,
                "excluded": link.excluded,
            },
        )
        if on_behalf:
            form.fields["excluded"].label = _("Skal ikke få vite noe om pasienten")
        return form


class RelativeLinkChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} ({obj.get_relation_display().lower()})"


class RepresentationForm(StyledFormMixin, forms.Form):
    """The coordinator records who represents the patient, and on what basis."""

    relative_link = RelativeLinkChoiceField(
        label=_("Pårørende"),
        queryset=RelativeLink.objects.none(),
        help_text=_("Bare pårørende som kan se teamet, målene og planen, kan være representant."),
        error_messages={"invalid_choice": _("Velg en av pasientens pårørende fra listen.")},
    )
    basis = forms.ChoiceField(
        label=_("Grunnlag"),
        choices=Representation.Basis.choices,
        error_messages={"invalid_choice": _("Velg et grunnlag fra listen.")},
    )
    scope = forms.CharField(
        label=_("Vergemålets omfang"),
        help_text=_("For verge: hva vergemålet omfatter, slik det står i vedtaket."),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    valid_from = DateField(label=_("Gjelder fra"), required=False, widget=DateInput)
    valid_until = DateField(label=_("Gjelder til"), required=False, widget=DateInput)

    def __init__(self, *args: Any, links: list[RelativeLink], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["relative_link"]
        if isinstance(field, forms.ModelChoiceField):
            field.queryset = RelativeLink.objects.filter(
                pk__in=[link.pk for link in links]
            ).order_by("name", "pk")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("basis") == Representation.Basis.GUARDIANSHIP
            and not (data.get("scope") or "").strip()
        ):
            self.add_error("scope", _("Skriv hva vergemålet omfatter."))
        return data


class RepresentationEndForm(StyledFormMixin, forms.Form):
    ended_reason = forms.CharField(
        label=_("Hvorfor avsluttes representasjonen?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
