"""Forms for messages and documents: what the user typed and chose, with Norwegian messages.
The services check the rest (length, the file's content, who may)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coordination.models import Meeting, Thread
from coordination.models.messages import MESSAGE_TEXT, SUBJECT_TEXT
from lkt.core.dates import short_date
from lkt.core.forms import StyledFormMixin

FILE_HELP = _("PDF, PNG, JPEG, docx, xlsx eller odt, høyst 10 MB.")


def _file_field(label: Any) -> forms.FileField:
    # The name's length and an empty file are checked by the service with the rest of the
    # file (coordination.messages.document_checks), so every refusal reads the same.
    return forms.FileField(
        label=label,
        required=False,
        allow_empty_file=True,
        help_text=FILE_HELP,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.docx,.xlsx,.odt"}),
    )


class MessageForm(StyledFormMixin, forms.Form):
    body = forms.CharField(
        label=_("Melding"),
        # Longer text is refused by the service with how long it was; the form takes it so.
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": MESSAGE_TEXT}),
        error_messages={"required": _("Skriv en melding.")},
    )
    file = _file_field(_("Legg ved en fil"))


class ThreadForm(MessageForm):
    subject = forms.CharField(
        label=_("Emne"),
        max_length=SUBJECT_TEXT,
        error_messages={
            "required": _("Skriv hva samtalen gjelder."),
            "max_length": _("Emnet kan ha høyst %(limit_value)s tegn."),
        },
    )
    audience = forms.ChoiceField(
        label=_("Hvem kan lese samtalen"),
        choices=Thread.Audience.choices,
        initial=Thread.Audience.STAFF,
        error_messages={
            "required": _("Velg hvem som kan lese samtalen."),
            "invalid_choice": _("Velg hvem som kan lese samtalen."),
        },
    )
    field_order = ["subject", "audience", "body", "file"]

    def __init__(self, *args: Any, staff: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not staff:
            # The patient and her relatives write with the patient in the thread.
            del self.fields["audience"]


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_kind_display()} {short_date(timezone.localtime(obj.starts_at).date())}"


class DocumentForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Fil"),
        allow_empty_file=True,
        help_text=FILE_HELP,
        error_messages={"required": _("Velg en fil å laste opp.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.docx,.xlsx,.odt"}),
    )
    title = forms.CharField(label=_("Tittel"), max_length=200, required=False)
    meeting = MeetingChoiceField(
        label=_("Hører til møtet"),
        queryset=Meeting.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Velg et av teamets møter.")},
    )
    for_plan = forms.BooleanField(
        label=_("Hører til planen for samarbeid"),
        required=False,
        help_text=_("Dokumentet følger utkastet, eller den gjeldende planen, og blir med den."),
    )
    for_patient = forms.BooleanField(label=_("Pasienten kan se dokumentet"), required=False)

    def __init__(self, *args: Any, meetings: list[Meeting] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = [m.pk for m in meetings or []]
        self.fields["meeting"].queryset = Meeting.objects.filter(pk__in=ids).order_by(  # type: ignore[attr-defined]
            "-starts_at"
        )
