"""Forms for the network sections of the team page, with clear Norwegian messages.

The actor fields choose among the team's members already read for the page, so rendering a form
costs no query; the services check the rules again (active, same team) with their own messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from actors.models import CommunicationLine, Member, Scenario
from actors.network.selectors import MANUAL_KINDS
from actors.network.services import WHAT_THEN_LIMIT
from lkt.core.forms import DateField, DateInput, StyledFormMixin


def member_label(member: Member) -> str:
    return f"{member.display_name} ({member.get_role_display()})"


class MemberChoiceField(forms.ChoiceField):
    """An actor of this team. Only active actors are offered; any actor of the team (also one
    who has left) is resolved to its ``Member`` so the service can say why it is refused, and an
    id from outside the team is refused here."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "error_messages",
            {
                "invalid_choice": _("Aktøren hører ikke til dette aktørfellesskapet."),
                "required": _("Velg en aktør."),
            },
        )
        super().__init__(**kwargs)
        self.members: dict[str, Member] = {}

    def set_members(self, members: Sequence[Member], empty_label: str) -> None:
        self.members = {str(m.pk): m for m in members}
        self.choices = [("", empty_label)] + [
            (str(m.pk), member_label(m)) for m in members if m.left_on is None
        ]

    def valid_value(self, value: Any) -> bool:
        return str(value) in self.members

    def clean(self, value: Any) -> Member | None:
        key = super().clean(value)
        return self.members.get(key) if key else None


class _MembersForm(StyledFormMixin, forms.Form):
    """A form with actor fields filled from the team's members."""

    member_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, members: Sequence[Member] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.member_fields:
            field = self.fields[name]
            if isinstance(field, MemberChoiceField):
                field.set_members(members, str(_("Velg aktør")))


class CommunicationLineForm(_MembersForm):
    member_fields = ("from_member", "to_member")

    from_member = MemberChoiceField(label=_("Fra"))
    to_member = MemberChoiceField(label=_("Til"))
    channel = forms.ChoiceField(
        label=_("Kanal"),
        choices=CommunicationLine.Channel.choices,
        error_messages={"invalid_choice": _("Velg en kanal fra listen.")},
    )
    frequency = forms.ChoiceField(
        label=_("Hvor ofte"),
        choices=CommunicationLine.Frequency.choices,
        error_messages={"invalid_choice": _("Velg hvor ofte fra listen.")},
    )
    note = forms.CharField(
        label=_("Merknad"),
        required=False,
        max_length=300,
        error_messages={"max_length": _("Merknaden kan være høyst %(limit_value)d tegn.")},
    )


class ScenarioAddForm(_MembersForm):
    member_fields = ("responsible",)

    kind = forms.ChoiceField(
        label=_("Hva slags overgang"),
        choices=[(kind.value, kind.label) for kind in MANUAL_KINDS],
        error_messages={"invalid_choice": _("Velg en type overgang fra listen.")},
    )
    expected_on = DateField(
        label=_("Når"),
        widget=DateInput,
        error_messages={
            "required": _("Skriv datoen for overgangen."),
            "invalid": _("Skriv en gyldig dato."),
        },
    )
    description = forms.CharField(
        label=_("Hva skal skje"),
        max_length=Scenario._meta.get_field("description").max_length,
        error_messages={
            "required": _("Beskriv kort hva som skal skje."),
            "max_length": _("Beskrivelsen kan være høyst %(limit_value)d tegn."),
        },
    )
    what_then = forms.CharField(
        label=_("Hva gjør vi da?"),
        required=False,
        max_length=WHAT_THEN_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Teksten kan være høyst %(limit_value)d tegn.")},
    )
    responsible = MemberChoiceField(label=_("Ansvarlig"), required=False)


class ScenarioPrepareForm(_MembersForm):
    member_fields = ("responsible",)

    what_then = forms.CharField(
        label=_("Hva gjør vi da?"),
        max_length=WHAT_THEN_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Skriv hva dere gjør når dette skjer."),
            "max_length": _("Teksten kan være høyst %(limit_value)d tegn."),
        },
    )
    responsible = MemberChoiceField(label=_("Ansvarlig"), required=False)
