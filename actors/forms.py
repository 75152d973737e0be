"""Forms: validation of user input with clear Norwegian messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from actors.models import (
    PRIVATE_PRACTICE_HELP,
    Closeness,
    Consent,
    Member,
    NetworkLevel,
    Organisation,
    Role,
    User,
)
from actors.staff_eligibility import member_label, staff_label, team_eligible
from actors.validators import validate_national_id
from lkt.core import phones
from lkt.core.forms import (
    DateField,
    DateInput,
    StyledFormMixin,
    unique_violation_as_validation_error,
)

T = TypeVar("T")


class LoginForm(StyledFormMixin, AuthenticationForm):
    """Django's login form; django-axes counts the failures and refuses a locked-out attempt
    before the password is checked (settings: AXES_*). A refusal then says so, in words that
    fit a real and an unknown username alike: the lock-out is keyed on the name *and* the
    address, and unknown names are counted like real ones, so it tells nothing about accounts.
    """

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _(
            "For mange mislykkede innlogginger med dette brukernavnet herfra. Vent "
            "%(minutes)s minutter og prøv igjen."
        ),
    }

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except ValidationError:
            if getattr(self.request, "axes_locked_out", False):
                minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
                raise ValidationError(
                    self.error_messages["locked"], code="locked", params={"minutes": minutes}
                ) from None
            raise


class PatientRegisterForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Navn"), max_length=200)
    national_id = forms.CharField(
        label=_("Fødselsnummer eller D-nummer"),
        help_text=_("11 siffer"),
        max_length=13,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_national_id(self) -> str:
        value = self.cleaned_data["national_id"].replace(" ", "")
        validate_national_id(value)
        return value


class StaffChoiceField(forms.ModelChoiceField):
    """Staff as every picker shows them: name – profession – organisation(s), and whether
    they have ever logged in (actors.staff_eligibility)."""

    def label_from_instance(self, obj: Any) -> str:
        return staff_label(obj)


class MemberChoiceField(forms.ModelChoiceField):
    """A member of the team as pickers show them (``member_label``)."""

    def label_from_instance(self, obj: Any) -> str:
        return member_label(obj)


class MemberMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return member_label(obj)


# The roles the members' forms offer: the coordinator is proposed, approved by the line
# leader and registered by the koordinerende enhet instead (actors.services says why).
BY_HAND_ROLES = [(value, label) for value, label in Role.choices if value != Role.COORDINATOR]
COORDINATOR_HELP = _("Koordinatoren foreslås under «Koordinator og mandat».")


class MemberAddForm(StyledFormMixin, forms.Form):
    user = StaffChoiceField(
        label=_("Ansatt med tilgang til LKT"),
        help_text=_(
            "Bare ansatte som arbeider med pasienter. Ledere, administratorer og legevakt "
            "vises bare når de også har en klinisk rolle."
        ),
        queryset=User.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Velg en ansatt fra listen.")},
    )
    external_name = forms.CharField(
        label=_("Eller: navn på ekstern kontakt"),
        required=False,
        max_length=Member._meta.get_field("external_name").max_length,
    )
    external_phone = forms.CharField(
        label=_("Telefon"),
        required=False,
        # As typed ("0046 70 123 45 67"); stored in E.164, which fits the model's length.
        max_length=phones.TYPED_MAX_LENGTH,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    external_email = forms.EmailField(
        label=_("E-post"),
        required=False,
        max_length=Member._meta.get_field("external_email").max_length,
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisasjon"), queryset=Organisation.objects.all(), required=False
    )
    role = forms.ChoiceField(label=_("Rolle"), choices=BY_HAND_ROLES, help_text=COORDINATOR_HELP)
    level = forms.ChoiceField(
        label=_("Nivå i aktørkartet"),
        help_text=format_lazy(
            "{} {}",
            _("Tomt: hentes fra organisasjonen, ellers privat nettverk."),
            PRIVATE_PRACTICE_HELP,
        ),
        choices=[("", "–"), *NetworkLevel.choices],
        required=False,
    )
    closeness = forms.ChoiceField(
        label=_("Nærhet til pasienten"), choices=Closeness.choices, initial=Closeness.MONTHLY
    )
    involvement = forms.ChoiceField(
        label=_("Deltakelse"), choices=Member.Involvement.choices, initial=Member.Involvement.CORE
    )
    joined_on = DateField(label=_("Med fra"), required=False, widget=DateInput)
    expected_leave_on = DateField(label=_("Forventet slutt"), required=False, widget=DateInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].error_messages["invalid_choice"] = _(
            "Ukjent rolle: velg en rolle fra listen."
        )
        field = self.fields["user"]
        if isinstance(field, forms.ModelChoiceField):
            field.queryset = team_eligible()


class MemberEditForm(StyledFormMixin, forms.Form):
    role = forms.ChoiceField(label=_("Rolle"), choices=Role.choices)
    organisation = forms.ModelChoiceField(
        label=_("Organisasjon"), queryset=Organisation.objects.all(), required=False
    )
    level = forms.ChoiceField(
        label=_("Nivå i aktørkartet"), choices=NetworkLevel.choices, help_text=PRIVATE_PRACTICE_HELP
    )
    closeness = forms.ChoiceField(label=_("Nærhet til pasienten"), choices=Closeness.choices)
    involvement = forms.ChoiceField(label=_("Deltakelse"), choices=Member.Involvement.choices)
    expected_leave_on = DateField(label=_("Forventet slutt"), required=False, widget=DateInput)
    external_phone = forms.CharField(
        label=_("Telefon (ekstern kontakt)"),
        required=False,
        # As typed ("0046 70 123 45 67"); stored in E.164, which fits the model's length.
        max_length=phones.TYPED_MAX_LENGTH,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    external_email = forms.EmailField(
        label=_("E-post (ekstern kontakt)"),
        required=False,
        max_length=Member._meta.get_field("external_email").max_length,
    )

    @classmethod
    def for_member(cls, member: Member, data: Any = None) -> MemberEditForm:
        form = cls(
            data,
            initial={
                "role": member.role,
                "organisation": member.organisation_id,
                "level": member.level,
                "closeness": member.closeness,
                "involvement": member.involvement,
                "expected_leave_on": member.expected_leave_on,
                "external_phone": member.external_phone,
                "external_email": member.external_email,
            },
        )
        if member.role != Role.COORDINATOR:
            role = form.fields["role"]
            assert isinstance(role, forms.ChoiceField)  # noqa: S101 – narrows the type
            role.choices = BY_HAND_ROLES
            role.help_text = COORDINATOR_HELP
            role.error_messages["invalid_choice"] = _("Ukjent rolle: velg en rolle fra listen.")
        if member.user_id:  # a user's contact details live on their account
            del form.fields["external_phone"], form.fields["external_email"]
        return form


class MemberEndForm(StyledFormMixin, forms.Form):
    left_on = DateField(label=_("Sluttdato"), widget=DateInput)
    reason = forms.CharField(
        label=_("Hvorfor slutter personen?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TeamActivateForm(StyledFormMixin, forms.Form):
    missing_roles_reason = forms.CharField(
        label=_("Hvorfor mangler obligatoriske roller?"),
        help_text=_("Bare nødvendig når en obligatorisk rolle mangler."),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TeamCloseForm(StyledFormMixin, forms.Form):
    """The confirmation step of closing a team: why, and that the closer knows what follows."""

    reason = forms.CharField(
        label=_("Hvorfor avsluttes aktørfellesskapet?"),
        help_text=_("For eksempel: målene er nådd, pasienten har flyttet, eller ønsker det ikke."),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Skriv kort hvorfor aktørfellesskapet avsluttes.")},
    )
    confirm = forms.BooleanField(
        label=_(
            "Jeg forstår at planen, samtalene og dokumentene da bare kan leses, og at "
            "aktørfellesskapet ikke kan åpnes igjen."
        ),
        error_messages={"required": _("Bekreft at du vil avslutte aktørfellesskapet.")},
    )


class ConsentForm(StyledFormMixin, forms.Form):
    scope = forms.ChoiceField(label=_("Samtykke til"), choices=Consent.Scope.choices)
    method = forms.ChoiceField(label=_("Form"), choices=Consent.Method.choices)
    given_by = forms.ChoiceField(
        label=_("Gitt av"), choices=Consent.GivenBy.choices, initial=Consent.GivenBy.PATIENT
    )
    note = forms.CharField(
        label=_("Merknad"),
        required=False,
        max_length=Consent._meta.get_field("note").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def submit(form: forms.Form, service: Callable[[dict[str, Any]], T]) -> T | None:
    """Validate the form and call the service with its data; a ValidationError from the
    service lands on the form, so the user sees it where they typed, and so does a unique key
    refusing the save because someone saved the same at the same moment (never a 500). The
    service's result when saved, else None. An unbound form (a GET) is never valid, so views
    may call this for every request."""
    if not form.is_valid():
        return None
    try:
        with unique_violation_as_validation_error():
            return service(form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return None


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field it names, else on top."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
