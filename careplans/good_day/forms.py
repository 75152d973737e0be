"""The Min gode dag form: the texts, and challenges and goals as formsets with a few empty rows,
so it works without JavaScript on a phone. Limits come from the models' max_length."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from actors.validators import is_ascii_digits
from careplans.good_day.services import MAX_CHALLENGES, MAX_GOALS, ChallengeInput, GoalInput
from careplans.models import LONG_TEXT, MEDIUM_TEXT, SHORT_TEXT, TOO_LONG, GoodDayVersion
from lkt.core.forms import DateField, DateInput, StyledFormMixin

if TYPE_CHECKING:
    from django.http import QueryDict
    from django.utils.functional import _StrOrPromise as StrOrPromise

    from careplans.good_day.selectors import GoodDayPage

EXTRA_ROWS = 2


def _text(label: StrOrPromise, limit: int, help_text: StrOrPromise = "", rows: int = 4) -> Any:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=limit,
        strip=False,  # the patient's own line breaks are part of the text
        error_messages={"max_length": TOO_LONG},
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class GoodDayForm(StyledFormMixin, forms.Form):
    base_version = forms.IntegerField(
        label=_("Versjonen du startet fra"), min_value=0, widget=forms.HiddenInput
    )
    good_day = _text(
        _("Min gode dag"),
        LONG_TEXT,
        _("Hvordan er en god dag for deg? Hva gjør du, og hvem er du sammen med?"),
        rows=6,
    )
    what_matters = _text(
        _("Hva er viktig for deg?"), MEDIUM_TEXT, _("Det som betyr mest for deg nå.")
    )
    own_resources = _text(
        _("Egne ressurser"),
        MEDIUM_TEXT,
        _("Hva er du god til? Hva hjelper deg når det er tungt?"),
    )
    network_resources = _text(
        _("Familie og nettverk"),
        MEDIUM_TEXT,
        _("Hvem i familien, blant venner eller naboer kan hjelpe deg?"),
    )
    life_arena = _text(
        _("Livsarena"),
        MEDIUM_TEXT,
        _("Hvor lever du livet ditt: hjemme, på skole eller jobb, i fritiden?"),
    )
    written_with = forms.CharField(
        label=_("Skrevet sammen med"),
        help_text=_("Hvis noen hjalp deg å skrive, kan du skrive navnet her."),
        required=False,
        max_length=200,
        error_messages={"max_length": TOO_LONG},
    )
    co_writers = forms.TypedMultipleChoiceField(
        label=_("Hvem i teamet kan skrive sammen med deg neste gang?"),
        help_text=_("De andre i teamet kan bare lese."),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_draft = forms.BooleanField(
        label=_("Dette er et utkast. Jeg er ikke ferdig ennå."), required=False
    )

    def __init__(self, *args: Any, page: GoodDayPage, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = page.viewer.kind == page.viewer.Kind.STAFF
        # Staff who write stay co-writers (careplans.good_day.services): they choose only the others.
        others = [u for u in page.team_staff if not (staff and u.pk == page.viewer.pk)]
        if others:
            self.fields["co_writers"].choices = [(u.pk, str(u)) for u in others]  # type: ignore[attr-defined]
            if staff:
                self.fields["co_writers"].label = _("Hvem andre i teamet kan skrive med pasienten?")
                self.fields["co_writers"].help_text = _(
                    "Du som skriver nå, kan skrive videre med pasienten til pasienten sier noe "
                    "annet. De andre i teamet kan bare lese."
                )
        else:
            del self.fields["co_writers"]
        if staff:
            self.fields["written_with"].required = True
            field = self.fields["written_with"]
            field.help_text = _(
                "Du skriver med pasienten. Skriv hvem, for eksempel pasientens navn."
            )
            field.error_messages["required"] = _(
                "Skriv hvem du skrev sammen med, for eksempel pasientens navn."
            )


class ChallengeForm(StyledFormMixin, forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("Utfordring"),
        required=False,
        max_length=SHORT_TEXT,
        error_messages={"max_length": TOO_LONG},
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    remove = forms.BooleanField(label=_("Fjern denne utfordringen"), required=False)


class GoalForm(StyledFormMixin, forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("Mål"),
        required=False,
        max_length=SHORT_TEXT,
        error_messages={"max_length": TOO_LONG},
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # Plain text with a list to pick from: the service checks that the choice still exists, so
    # a challenge removed by someone else meanwhile gets a clear message, not "invalid choice".
    challenge = forms.CharField(label=_("Hvilken utfordring gjelder målet?"), required=False)
    wish = forms.CharField(
        label=_("Eller: hvilket ønske gjelder målet?"),
        required=False,
        max_length=SHORT_TEXT,
        error_messages={"max_length": TOO_LONG},
    )
    parent = forms.CharField(label=_("Er dette et delmål? Velg hovedmålet"), required=False)
    target_date = DateField(
        label=_("Når vil du nå målet?"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": _("Skriv en dato, for eksempel 31.12.2026.")},
    )
    remove = forms.BooleanField(label=_("Fjern dette målet"), required=False)

    def __init__(
        self,
        *args: Any,
        challenge_choices: list[tuple[str, str]],
        parent_choices: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        own = f"g{self['id'].value()}" if self["id"].value() else ""
        self.fields["challenge"].widget = forms.Select(
            choices=[("", _("Ingen (målet gjelder et ønske)")), *challenge_choices],
            attrs={"class": "ds-input"},
        )
        self.fields["parent"].widget = forms.Select(
            choices=[
                ("", _("Nei, dette er et hovedmål")),
                *(c for c in parent_choices if c[0] != own),
            ],
            attrs={"class": "ds-input"},
        )


ChallengeFormSet = forms.formset_factory(
    ChallengeForm, extra=EXTRA_ROWS, max_num=MAX_CHALLENGES * 2, absolute_max=MAX_CHALLENGES * 2
)
GoalFormSet = forms.formset_factory(
    GoalForm, extra=EXTRA_ROWS, max_num=MAX_GOALS * 2, absolute_max=MAX_GOALS * 2
)


@dataclass(frozen=True)
class ErrorLink:
    """One line of the error summary, linking to the field it is about."""

    anchor: str
    text: str


def _new_refs(ids: list[Any], letter: str) -> list[str]:
    """A ref per row: ``c12`` for an existing row, ``newc1``, ``newc2``… for the empty ones, so
    a goal can point at a challenge written in the same save."""
    refs, count = [], 0
    for value in ids:
        if value not in (None, ""):
            refs.append(f"{letter}{value}")
        else:
            count += 1
            refs.append(f"new{letter}{count}")
    return refs


class GoodDayEditor:
    """The whole edit form: the texts, the challenges and the goals, validated together."""

    def __init__(self, page: GoodDayPage, data: QueryDict | None = None) -> None:
        self.page = page
        current: GoodDayVersion | None = page.current
        self.form = GoodDayForm(
            data,
            page=page,
            initial={
                "base_version": page.base_version,
                **({name: getattr(current, name) for name in _TEXTS} if current else {}),
                # "Skrevet sammen med" and "utkast" describe one save: they start empty.
                "co_writers": page.co_writer_ids,
            },
        )
        self.challenges = ChallengeFormSet(
            data,
            prefix="challenges",
            initial=[{"id": c.id, "text": c.text} for c in page.challenges],
        )
        self.challenge_refs = _new_refs([f["id"].value() for f in self.challenges.forms], "c")
        choices: list[tuple[str, str]] = []
        for number, (ref, form) in enumerate(
            zip(self.challenge_refs, self.challenges.forms, strict=True), start=1
        ):
            text = (form["text"].value() or "").strip()
            if ref.startswith("new"):
                choices.append((ref, str(_("Ny utfordring (rad %(n)d)") % {"n": number})))
            elif text:
                choices.append((ref, text))
        goals = [g for g in (current.goals if current else [])]
        self.goals = GoalFormSet(
            data,
            prefix="goals",
            initial=[
                {
                    "id": g["id"],
                    "text": g["text"],
                    "challenge": f"c{g['challenge_id']}" if g.get("challenge_id") else "",
                    "wish": g.get("wish", ""),
                    "parent": f"g{g['parent_id']}" if g.get("parent_id") else "",
                    "target_date": g.get("target_date") or None,
                }
                for g in goals
            ],
            form_kwargs={
                "challenge_choices": choices,
                "parent_choices": [
                    (f"g{g['id']}", g["text"]) for g in goals if not g.get("parent_id")
                ],
            },
        )
        self.goal_refs = _new_refs([f["id"].value() for f in self.goals.forms], "g")

    def is_valid(self) -> bool:
        # Evaluate all three, so every error shows at once.
        return all([self.form.is_valid(), self.challenges.is_valid(), self.goals.is_valid()])

    def service_kwargs(self) -> dict[str, Any]:
        data = self.form.cleaned_data
        staff = {u.pk: u for u in self.page.team_staff}
        if "co_writers" in self.form.fields:
            co_writers = [staff[pk] for pk in data["co_writers"] if pk in staff]
        else:  # a relative writes, but keeps the co-writers the patient chose
            co_writers = list(self.page.current.co_writers.all()) if self.page.current else []
        return {
            "base_version": data["base_version"],
            **{name: data[name] for name in _TEXTS},
            "written_with": data["written_with"],
            "co_writers": co_writers,
            "is_draft": data["is_draft"],
            "challenges": [
                ChallengeInput(
                    text=f.cleaned_data.get("text") or "",
                    id=f.cleaned_data.get("id"),
                    ref=ref,
                    remove=bool(f.cleaned_data.get("remove")),
                )
                for f, ref in zip(self.challenges.forms, self.challenge_refs, strict=True)
            ],
            "goals": [
                GoalInput(
                    text=f.cleaned_data.get("text") or "",
                    id=f.cleaned_data.get("id"),
                    ref=ref,
                    challenge=f.cleaned_data.get("challenge") or "",
                    wish=f.cleaned_data.get("wish") or "",
                    parent=f.cleaned_data.get("parent") or "",
                    target_date=f.cleaned_data.get("target_date"),
                    remove=bool(f.cleaned_data.get("remove")),
                )
                for f, ref in zip(self.goals.forms, self.goal_refs, strict=True)
            ],
        }

    def add_service_errors(self, error: ValidationError) -> None:
        """Put the service's messages on the field and row they name, else on top."""
        if not hasattr(error, "error_dict"):
            self.form.add_error(None, error.messages)
            return
        for key, messages in error.message_dict.items():
            parts = key.split(".")
            formsets: dict[str, forms.BaseFormSet[Any]] = {
                "challenges": self.challenges,
                "goals": self.goals,
            }
            if len(parts) == 3 and parts[0] in formsets and is_ascii_digits(parts[1]):
                forms_ = formsets[parts[0]].forms
                index, name = int(parts[1]), parts[2]
                if index < len(forms_) and name in forms_[index].fields:
                    forms_[index].add_error(name, messages)
                    continue
            self.form.add_error(key if key in self.form.fields else None, messages)

    @property
    def chooses_co_writers(self) -> bool:
        return "co_writers" in self.form.fields

    @property
    def has_errors(self) -> bool:
        return self.form.is_bound and any(True for _ in self.error_links())

    def error_links(self) -> Iterator[ErrorLink]:
        """Every message of the three parts, for the one error summary at the top."""
        if not self.form.is_bound:
            return
        for message in self.form.non_field_errors():
            yield ErrorLink("good-day-form", str(message))
        for field in self.form:
            for message in field.errors:
                yield ErrorLink(field.id_for_label, f"{field.label}: {message}")
        for formset, row_label in (
            (self.challenges, _("Utfordring %(n)d")),
            (self.goals, _("Mål %(n)d")),
        ):
            for message in formset.non_form_errors():
                yield ErrorLink("good-day-form", str(message))
            for number, row in enumerate(formset.forms, start=1):
                prefix = row_label % {"n": number}
                for message in row.non_field_errors():
                    yield ErrorLink(row["text"].id_for_label, f"{prefix}: {message}")
                for field in row:
                    for message in field.errors:
                        yield ErrorLink(
                            field.id_for_label, f"{prefix}, {str(field.label).lower()}: {message}"
                        )


_TEXTS = ("good_day", "what_matters", "own_resources", "network_resources", "life_arena")
