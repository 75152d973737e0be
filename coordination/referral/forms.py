"""Forms from need to team and for the coordinator's role, with clear Norwegian messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from actors.forms import MemberChoiceField, StaffChoiceField
from actors.models import Member, Organisation, Role, User
from actors.staff_eligibility import (
    can_log_in,
    member_queryset_for_labels,
    team_eligible,
    team_role_condition,
)
from actors.validators import validate_national_id
from coordination.models import NeedReport
from lkt.core.forms import StyledFormMixin

YES_NO = [("yes", _("Ja")), ("no", _("Nei"))]


class YesNoField(forms.TypedChoiceField):
    """A required yes/no question asked as two radio buttons (no default: the person must
    answer)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            choices=YES_NO,
            coerce=lambda value: value == "yes",
            widget=forms.RadioSelect,
            error_messages={"required": _("Svar ja eller nei.")},
            **kwargs,
        )


# Where a reporter works says what they most likely are to the patient (the form's default).
_RELATION_BY_WORKPLACE: dict[str, str] = {
    Organisation.Kind.LEGEKONTOR: NeedReport.Relation.GP,
    Organisation.Kind.HJEMMETJENESTE: NeedReport.Relation.HOME_CARE,
    Organisation.Kind.HELSEFORETAK: NeedReport.Relation.HOSPITAL,
    Organisation.Kind.DPS: NeedReport.Relation.HOSPITAL,
    Organisation.Kind.SYKEHUSAVDELING: NeedReport.Relation.HOSPITAL,
}


def reporter_relation(user: User) -> str:
    """The answer "Hvem er du for pasienten?" starts with: the patient themself, a relative,
    or for staff what their workplace says (a legekontor: fastlege). The reporter can change
    it; it only spares the fastlege from reporting as "Jeg er pasienten"."""
    if user.kind == User.Kind.PATIENT:
        return NeedReport.Relation.SELF
    if user.kind == User.Kind.RELATIVE:
        return NeedReport.Relation.RELATIVE
    kind = user.organisation.kind if user.organisation else ""
    return _RELATION_BY_WORKPLACE.get(kind, NeedReport.Relation.OTHER_STAFF)


class NeedReportForm(StyledFormMixin, forms.Form):
    kommune = forms.ModelChoiceField(
        label=_("Kommune"),
        help_text=_("Meldingen går til den koordinerende enheten i kommunen der pasienten bor."),
        queryset=Organisation.objects.filter(kind=Organisation.Kind.KOMMUNE).order_by("name"),
        error_messages={"required": _("Velg kommunen der pasienten bor.")},
    )
    patient_name = forms.CharField(
        label=_("Pasientens navn"),
        max_length=200,
        error_messages={"required": _("Skriv navnet på den meldingen gjelder.")},
    )
    national_id = forms.CharField(
        label=_("Pasientens fødselsnummer"),
        help_text=_("11 siffer. Du kan la feltet stå tomt hvis du ikke vet det."),
        max_length=13,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    need = forms.CharField(
        label=_("Hva er behovet?"),
        help_text=_("Beskriv kort hva som er vanskelig nå, og hvilke tjenester som er involvert."),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Beskriv behovet.")},
    )
    relation = forms.ChoiceField(
        label=_("Hvem er du for pasienten?"), choices=NeedReport.Relation.choices
    )
    patient_knows = YesNoField(
        label=_("Vet pasienten om meldingen?"),
        help_text=_(
            "Hvis pasienten ikke vet om meldingen, tar den koordinerende enheten kontakt med "
            "pasienten først. Ingen tjenester settes i gang uten at pasienten er spurt."
        ),
    )
    patient_agrees = YesNoField(label=_("Er pasienten enig i at du melder behovet?"))

    def clean_national_id(self) -> str:
        value: str = self.cleaned_data["national_id"].replace(" ", "")
        if value:
            validate_national_id(value)
        return value


class NeedReportStatusForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Ny status"),
        choices=[
            (NeedReport.Status.ASSESSING.value, NeedReport.Status.ASSESSING.label),
            (NeedReport.Status.DECLINED.value, NeedReport.Status.DECLINED.label),
        ],
    )
    reason = forms.CharField(
        label=_("Begrunnelse"),
        help_text=_("Må fylles ut ved avslag. Den som meldte, ser begrunnelsen."),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class EstablishTeamForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Pasientens navn"), max_length=200)
    national_id = forms.CharField(
        label=_("Fødselsnummer eller D-nummer"),
        help_text=_("11 siffer. Må være kjent for å opprette aktørfellesskapet."),
        max_length=13,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": _("Fødselsnummer trengs for å registrere pasienten.")},
    )

    def clean_national_id(self) -> str:
        value: str = self.cleaned_data["national_id"].replace(" ", "")
        validate_national_id(value)
        return value


class AppointmentProposeForm(StyledFormMixin, forms.Form):
    candidate = StaffChoiceField(
        label=_("Foreslått koordinator"),
        help_text=_(
            "Koordinatoren leder teamet i LKT og må kunne logge inn. Står det «har aldri logget "
            "inn», sjekk at personen har fått tilgang før du foreslår hen."
        ),
        queryset=User.objects.none(),
        error_messages={
            "required": _("Velg hvem som foreslås som koordinator."),
            "invalid_choice": _("Velg en ansatt fra listen."),
        },
    )
    patient_wish = forms.CharField(
        label=_("Pasientens ønske"),
        help_text=_("Hvem ønsker pasienten som koordinator, og hvorfor?"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["candidate"]
        if isinstance(field, forms.ModelChoiceField):
            # Workplaces: a coordinator is staff with one (the line leader approves).
            field.queryset = team_eligible().filter(organisation__isnull=False)


class AppointmentDecideForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Din avgjørelse"),
        choices=[("approve", _("Godkjenn")), ("reject", _("Avvis"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Velg godkjenn eller avvis.")},
    )
    note = forms.CharField(
        label=_("Merknad"),
        help_text=_("Må fylles ut ved avvisning, og når personen har mange team fra før."),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MandateForm(StyledFormMixin, forms.Form):
    task_description = forms.CharField(
        label=_("Oppgavebeskrivelse"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Beskriv koordinatorens oppgaver i dette teamet.")},
    )
    authority = forms.CharField(
        label=_("Myndighet"),
        help_text=_("Hva kan koordinatoren bestemme, og når kan hen gripe inn?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Beskriv koordinatorens myndighet.")},
    )
    hours_per_month = forms.IntegerField(
        label=_("Avsatt tid (timer per måned)"),
        min_value=1,
        max_value=200,
        error_messages={
            "required": _("Oppgi hvor mange timer per måned som er satt av."),
            "invalid": _("Skriv et helt antall timer."),
            "min_value": _("Avsatt tid må være minst 1 time per måned."),
            "max_value": _("Avsatt tid kan ikke være mer enn 200 timer per måned."),
        },
    )
    deputy = MemberChoiceField(
        label=_("Stedfortreder"),
        help_text=_(
            "En ansatt i teamet som kan ta over som koordinator. Må være valgt før lederen kan "
            "godkjenne."
        ),
        queryset=Member.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Velg en ansatt i teamet fra listen.")},
    )

    def __init__(self, *args: Any, members: list[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["deputy"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 – narrows the type
        # Only staff who could take the coordinator's role: a deputy stands in for it.
        field.queryset = member_queryset_for_labels(
            Member.objects.filter(
                pk__in=[m.pk for m in members if m.left_on is None and m.role != Role.COORDINATOR],
                user__in=User.objects.filter(team_role_condition(), can_log_in()),
            )
        )
