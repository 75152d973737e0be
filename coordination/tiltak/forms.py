"""Forms for tasks (tiltak): every task names the goal of Min gode dag it serves."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from actors.forms import MemberChoiceField
from actors.models import Member
from actors.staff_eligibility import member_queryset_for_labels
from careplans.models import Goal
from coordination.models import Task
from lkt.core.forms import DateField, StyledFormMixin


class GoalChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.text)


def current_goals(patient_id: int) -> QuerySet[Goal]:
    """The patient's goals that are not retired, in her own order."""
    return Goal.objects.filter(patient_id=patient_id, retired_at__isnull=True).order_by(
        "position", "pk"
    )


class TaskForm(StyledFormMixin, forms.Form):
    goal = GoalChoiceField(
        label=_("Mål i Min gode dag"),
        help_text=_("Hvilket av pasientens mål skal tiltaket hjelpe med?"),
        queryset=Goal.objects.none(),
        error_messages={"required": _("Velg hvilket av pasientens mål tiltaket skal hjelpe med.")},
    )
    title = forms.CharField(
        label=_("Tiltak"),
        max_length=200,
        error_messages={"required": _("Skriv hva tiltaket er.")},
    )
    description = forms.CharField(
        label=_("Beskrivelse"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    owner = MemberChoiceField(
        label=_("Ansvarlig"),
        queryset=Member.objects.none(),
        error_messages={"required": _("Velg hvem som er ansvarlig for tiltaket.")},
    )
    due_on = DateField(
        label=_("Frist"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Velg en frist."),
            "invalid": _("Skriv en dato, for eksempel 2026-03-14."),
        },
    )

    def __init__(self, *args: Any, patient_id: int, members: list[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        goal = self.fields["goal"]
        if isinstance(goal, forms.ModelChoiceField):
            goal.queryset = current_goals(patient_id)
        owner = self.fields["owner"]
        if isinstance(owner, forms.ModelChoiceField):
            owner.queryset = member_queryset_for_labels(
                Member.objects.filter(pk__in=[m.pk for m in members if m.left_on is None])
            ).order_by("role", "pk")


class TaskStatusForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Task.Status.choices)
