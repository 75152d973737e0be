"""Forms of the patient portal: plain words, one choice at a time."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from actors.models import Consent
from lkt.core.forms import StyledFormMixin

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
