"""Forms for meetings: planning, the patient's wishes, the minutes, decisions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from actors.forms import MemberChoiceField, MemberMultipleChoiceField
from actors.models import Member, RelativeLink
from actors.staff_eligibility import member_queryset_for_labels
from coordination.models import AgendaItem, Meeting, MeetingPreferences, StandingItem
from coordination.models.meetings import MINUTES_TEXT, NOTES_TEXT
from lkt.core.forms import DateTimeField, StyledFormMixin


class RelativeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} ({obj.get_relation_display().lower()})"


class MeetingForm(StyledFormMixin, forms.Form):
    """Plan a meeting, or change a planned one (``creating=False`` leaves out the agenda,
    which is then kept on the meeting page)."""

    kind = forms.ChoiceField(label=_("Type møte"), choices=Meeting.Kind.choices)
    starts_at = DateTimeField(
        label=_("Tidspunkt"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={
            "required": _("Velg når møtet er."),
            "invalid": _("Skriv dato og klokkeslett, for eksempel 2026-03-14 10:00."),
        },
    )
    duration_minutes = forms.IntegerField(
        label=_("Varighet (minutter)"),
        min_value=5,
        max_value=480,
        initial=60,
        error_messages={
            "required": _("Skriv hvor lenge møtet varer."),
            "invalid": _("Skriv et helt antall minutter."),
            "min_value": _("Et møte varer minst 5 minutter."),
            "max_value": _("Et møte varer høyst 8 timer (480 minutter)."),
        },
    )
    place = forms.CharField(label=_("Sted"), max_length=200, required=False)
    video_url = forms.URLField(
        label=_("Lenke til videomøte"),
        max_length=500,
        required=False,
        assume_scheme="https",
        error_messages={"invalid": _("Skriv en hel lenke, som begynner med https://.")},
    )
    leader = MemberChoiceField(
        label=_("Møteleder"),
        queryset=Member.objects.none(),
        error_messages={"required": _("Velg en møteleder.")},
    )
    referent = MemberChoiceField(
        label=_("Referent"),
        help_text=_("Den som skriver referatet."),
        queryset=Member.objects.none(),
        error_messages={"required": _("Velg en referent.")},
    )
    invited = MemberMultipleChoiceField(
        label=_("Inviterte aktører"),
        help_text=_("Møteleder og referent blir alltid invitert."),
        queryset=Member.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    patient_invited = forms.BooleanField(
        label=_("Pasienten er invitert"), required=False, initial=True
    )
    relatives = RelativeChoiceField(
        label=_("Inviterte pårørende"),
        queryset=RelativeLink.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    standing_items = forms.MultipleChoiceField(
        label=_("Faste saker på dagsorden"),
        help_text=_("Tilbys i hvert møte. Fjern haken for saker som ikke passer denne gangen."),
        choices=StandingItem.choices,
        required=False,
        initial=StandingItem.values,
        widget=forms.CheckboxSelectMultiple,
    )
    extra_items = forms.CharField(
        label=_("Andre saker"),
        help_text=_("Én sak per linje."),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args: Any,
        members: list[Member],
        relatives: list[RelativeLink],
        creating: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        active = member_queryset_for_labels(
            Member.objects.filter(pk__in=[m.pk for m in members if m.left_on is None])
        ).order_by("role", "pk")
        for name in ("leader", "referent", "invited"):
            field = self.fields[name]
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = active
        field = self.fields["relatives"]
        if isinstance(field, forms.ModelChoiceField):
            field.queryset = RelativeLink.objects.filter(
                pk__in=[link.pk for link in relatives if link.is_active and link.may_communicate]
            ).select_related("relative")
        if not creating:
            del self.fields["standing_items"]
            del self.fields["extra_items"]

    def clean_extra_items(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["extra_items"].splitlines()]
        too_long = [line for line in lines if len(line) > 200]
        if too_long:
            raise forms.ValidationError(_("En sak kan være høyst 200 tegn lang."))
        return [line for line in lines if line]

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["invited"] = list(data.get("invited") or [])
        data["relatives"] = list(data.get("relatives") or [])
        return data


class MeetingPreferencesForm(StyledFormMixin, forms.Form):
    max_participants = forms.IntegerField(
        label=_("Høyst så mange i møtene"),
        help_text=_(
            "Alle teller med: du selv, pårørende og fagfolk. La stå tomt hvis det er greit."
        ),
        min_value=2,
        max_value=30,
        required=False,
        error_messages={
            "invalid": _("Skriv et tall."),
            "min_value": _("Skriv minst 2, eller la feltet stå tomt."),
            "max_value": _("Skriv høyst 30, eller la feltet stå tomt."),
        },
    )
    without_relatives = forms.BooleanField(label=_("Ikke pårørende i møtene nå"), required=False)
    wishes = forms.CharField(
        label=_("Andre ønsker for møtene"),
        help_text=_("For eksempel tid på dagen, sted, eller hvem du vil ha med."),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    @classmethod
    def for_preferences(
        cls, preferences: MeetingPreferences | None, data: Any = None, **kwargs: Any
    ) -> MeetingPreferencesForm:
        initial = (
            {
                "max_participants": preferences.max_participants,
                "without_relatives": preferences.without_relatives,
                "wishes": preferences.wishes,
            }
            if preferences
            else {}
        )
        return cls(data, initial=initial, **kwargs)


class MinutesForm(StyledFormMixin, forms.Form):
    """The overall minutes and one text per agenda item, with the version read (the lock)."""

    base_version = forms.IntegerField(
        label=_("Versjonen du startet fra"), min_value=0, widget=forms.HiddenInput
    )
    minutes = forms.CharField(
        label=_("Referat"),
        help_text=_("Det som ble sagt utenom sakene, og hvem som var til stede."),
        max_length=MINUTES_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args: Any, items: list[AgendaItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"item_{item.pk}"] = forms.CharField(
                label=item.title,
                max_length=NOTES_TEXT,
                required=False,
                initial=item.notes,
                widget=forms.Textarea(attrs={"rows": 3, "class": "ds-input"}),
            )

    @classmethod
    def for_meeting(
        cls, meeting: Meeting, items: list[AgendaItem], data: Any = None
    ) -> MinutesForm:
        return cls(
            data,
            items=items,
            initial={"base_version": meeting.minutes_version, "minutes": meeting.minutes},
            auto_id="minutes-%s",
        )

    def item_fields(self) -> list[tuple[AgendaItem, forms.BoundField]]:
        return [(item, self[f"item_{item.pk}"]) for item in self.items]

    def service_kwargs(self) -> dict[str, Any]:
        return {
            "minutes": self.cleaned_data["minutes"],
            "base_version": self.cleaned_data["base_version"],
            "notes": {item.pk: self.cleaned_data[f"item_{item.pk}"] for item in self.items},
        }


class AgendaItemForm(StyledFormMixin, forms.Form):
    title = forms.CharField(
        label=_("Ny sak"),
        max_length=200,
        error_messages={"required": _("Skriv hva saken gjelder.")},
    )


class DecisionForm(StyledFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Beslutning"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Skriv hva som ble besluttet.")},
    )
    # Choices from the items already read for the page, so the form costs no query.
    agenda_item = forms.TypedChoiceField(
        label=_("Sak"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, items: list[AgendaItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = {item.pk: item for item in items}
        field = self.fields["agenda_item"]
        if isinstance(field, forms.ChoiceField):
            field.choices = [("", _("Møtet som helhet"))] + [
                (item.pk, item.title) for item in items
            ]

    def clean_agenda_item(self) -> AgendaItem | None:
        pk = self.cleaned_data.get("agenda_item")
        return self.items.get(pk) if pk is not None else None
