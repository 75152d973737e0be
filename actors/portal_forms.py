"""Forms of the patient portal: plain words, one choice at a time."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from actors.models import Consent, RelativeLink
from lkt.forms import StyledFormMixin

# The consent scopes in plain words, as the patient reads them.
SCOPE_WORDS = {
    Consent.Scope.TEAM_SHARING: _("Teamet ditt kan dele opplysninger om deg med hverandre"),
    Consent.Scope.RELATIVES: _("Pårørende du velger, kan få vite om deg"),
    Consent.Scope.CRISIS_PLAN: _("Legevakt og AMK kan se kriseplanen din"),
}


class ConsentDecisionForm(StyledFormMixin, forms.Form):
    """Give or withdraw one consent."""

    GIVE = "give"
    WITHDRAW = "withdraw"

    scope = forms.ChoiceField(
        label=_("Samtykke"),
        choices=Consent.Scope.choices,
        error_messages={"invalid_choice": _("Ukjent samtykke. Velg et samtykke fra listen.")},
    )
    decision = forms.ChoiceField(
        label=_("Valg"),
        choices=[(GIVE, _("Gi samtykke")), (WITHDRAW, _("Trekk tilbake"))],
        error_messages={"invalid_choice": _("Velg om du vil gi eller trekke tilbake samtykket.")},
    )


class RelativeAccessForm(StyledFormMixin, forms.Form):
    """What one relative may see, or that they are shut out."""

    may_see_team = forms.BooleanField(
        label=_("Kan se hvem som er i teamet mitt, og hvordan de når dem"), required=False
    )
    may_see_goals = forms.BooleanField(
        label=_("Kan se Min gode dag og målene mine"), required=False
    )
    may_edit_goals = forms.BooleanField(label=_("Kan skrive i Min gode dag"), required=False)
    may_see_plan = forms.BooleanField(
        label=_("Kan se planen min og hva vi gjør hvis det blir vanskelig"), required=False
    )
    excluded = forms.BooleanField(
        label=_("Skal ikke få vite noe om meg"),
        help_text=_("Da ser personen ingenting, uansett hva som er krysset av over."),
        required=False,
    )

    @classmethod
    def for_link(cls, link: RelativeLink, data: object = None) -> RelativeAccessForm:
        return cls(
            data,
            prefix=f"rel{link.pk}",
            initial={
                "may_see_team": link.may_see_team,
                "may_see_goals": link.may_see_goals,
                "may_edit_goals": link.may_edit_goals,
                "may_see_plan": link.may_see_plan,
                "excluded": link.excluded,
            },
        )
