"""Forms of the relational coordination survey: the seven questions, and the coordinator's
deadline for a new round."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coordination.models import Dimension
from lkt.core.forms import DateField, DateInput, StyledFormMixin

# Each question in plain Norwegian (after Gittell's survey), with what its ends mean.
QUESTIONS: dict[Dimension, tuple[Any, Any, Any]] = {
    Dimension.FREQUENT: (
        _("Hvor ofte kommuniserer de andre i teamet med deg om pasienten?"),
        _("aldri"),
        _("hele tiden"),
    ),
    Dimension.TIMELY: (
        _("Får du beskjed fra de andre i teamet i tide, når noe skjer med pasienten?"),
        _("aldri"),
        _("alltid"),
    ),
    Dimension.ACCURATE: (
        _("Er beskjedene du får fra de andre i teamet om pasienten riktige og presise?"),
        _("aldri"),
        _("alltid"),
    ),
    Dimension.PROBLEM_SOLVING: (
        _(
            "Når noe går galt rundt pasienten, løser de andre i teamet problemet sammen med "
            "deg, i stedet for å lete etter noen å skylde på?"
        ),
        _("aldri"),
        _("alltid"),
    ),
    Dimension.SHARED_GOALS: (
        _("I hvor stor grad har de andre i teamet de samme målene for pasienten som deg?"),
        _("ikke i det hele tatt"),
        _("helt og fullt"),
    ),
    Dimension.SHARED_KNOWLEDGE: (
        _("Hvor mye vet de andre i teamet om det arbeidet du gjør for pasienten?"),
        _("ingenting"),
        _("alt"),
    ),
    Dimension.MUTUAL_RESPECT: (
        _("Hvor mye respekterer de andre i teamet det arbeidet du gjør for pasienten?"),
        _("ikke i det hele tatt"),
        _("helt og fullt"),
    ),
}


def _question(dimension: Dimension) -> forms.TypedChoiceField:
    question, low, high = QUESTIONS[dimension]
    return forms.TypedChoiceField(
        label=question,
        help_text=dimension.label,
        choices=[
            (1, _("1 = %(end)s") % {"end": low}),
            (2, "2"),
            (3, "3"),
            (4, "4"),
            (5, _("5 = %(end)s") % {"end": high}),
        ],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Velg et svar fra 1 til 5."),
            "invalid_choice": _("Velg et svar fra 1 til 5."),
        },
    )


class SurveyAnswerForm(StyledFormMixin, forms.Form):
    """The seven questions, each a fieldset of five radio buttons; all must be answered."""

    frequent = _question(Dimension.FREQUENT)
    timely = _question(Dimension.TIMELY)
    accurate = _question(Dimension.ACCURATE)
    problem_solving = _question(Dimension.PROBLEM_SOLVING)
    shared_goals = _question(Dimension.SHARED_GOALS)
    shared_knowledge = _question(Dimension.SHARED_KNOWLEDGE)
    mutual_respect = _question(Dimension.MUTUAL_RESPECT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "survey-%s")
        super().__init__(*args, **kwargs)

    def scores(self) -> dict[Dimension, int]:
        return {d: self.cleaned_data[d.value] for d in Dimension}


class SurveyRoundOpenForm(StyledFormMixin, forms.Form):
    closes_on = DateField(
        label=_("Svarfrist"),
        help_text=_(
            "Mellom 1 og 30 dager fram i tid. Medlemmene kan svare til og med denne dagen."
        ),
        widget=DateInput,
        error_messages={
            "required": _("Velg en svarfrist."),
            "invalid": _("Skriv en gyldig dato, for eksempel 01.03.2027."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "survey-round-%s")
        kwargs.setdefault("initial", {"closes_on": timezone.localdate() + dt.timedelta(days=14)})
        super().__init__(*args, **kwargs)
