"""Messages between the actors of a team, and the documents attached to the team, a meeting or
a message (issue 19).

A thread belongs to one team and says who reads it (``Thread.Audience``): the staff of the team
only, or the staff with the patient and the relatives she allows to communicate
(``RelativeLink.may_communicate``). The one access policy decides who may read and write it
(``actors.access.reads_thread``); nothing here checks access.

Files are stored through Django's storage API (``STORAGES["documents"]``: a folder outside any
public URL, or S3-compatible storage configured by the environment) under a name LKT makes; the
name the uploader gave is kept, cleaned, only to offer it again on download.
"""

from __future__ import annotations

from django.core.files.storage import Storage, storages
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from actors.models import Team, User
from coordination.models.meetings import AgendaItem, Meeting
from coordination.models.tasks import Task

# A message is a note between colleagues and the patient, not a report: 10 000 characters is a
# long letter, and it keeps a pasted journal extract or a 1 MB paste out of the thread.
MESSAGE_TEXT = 10_000
SUBJECT_TEXT = 200


class Thread(models.Model):
    class Audience(models.TextChoices):
        STAFF = "staff", _("Bare ansatte i teamet")
        WITH_PATIENT = "with_patient", _("Teamet, pasienten og pårørende hun tillater")
        # The team's staff and the koordinerende enhet responsible for the team (the unit of the
        # kommune a need report went to, or of the team's creator): the team asks the unit.
        UNIT = "unit", _("Teamet og den koordinerende enheten")

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="threads")
    subject = models.CharField(_("emne"), max_length=SUBJECT_TEXT)
    audience = models.CharField(
        _("hvem kan lese"), max_length=16, choices=Audience.choices, default=Audience.STAFF
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # The newest message's time: the list sorts by it without reading every message.
    last_message_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("samtale")
        verbose_name_plural = _("samtaler")
        ordering = ["-last_message_at", "-pk"]
        indexes = [models.Index(fields=["team", "-last_message_at"], name="threads_by_team")]

    def __str__(self) -> str:
        return self.subject

    @property
    def with_patient(self) -> bool:
        return self.audience == self.Audience.WITH_PATIENT

    @property
    def for_unit(self) -> bool:
        return self.audience == self.Audience.UNIT


class Message(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.PROTECT, related_name="messages")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("melding"), max_length=MESSAGE_TEXT)
    created_at = models.DateTimeField(auto_now_add=True)
    # What the message became in one step: a task (tiltak) or an item on a meeting's agenda.
    task = models.OneToOneField(
        Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="from_message"
    )
    agenda_item = models.OneToOneField(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="from_message"
    )

    class Meta:
        verbose_name = _("melding")
        verbose_name_plural = _("meldinger")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["thread", "created_at"], name="messages_by_thread")]

    def __str__(self) -> str:
        return self.body[:50]


class ThreadRead(models.Model):
    """How far one person has read one thread: a message after ``last_read_at`` is unread."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    last_read_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["thread", "user"], name="one_read_mark_per_thread")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.thread_id} at {self.last_read_at:%Y-%m-%d %H:%M}"


def document_storage() -> Storage:
    """The documents' own storage (settings.STORAGES["documents"]), never the public one."""
    return storages["documents"]


def document_path(document: Document, filename: str) -> str:
    """A name LKT makes: the uploader's name never reaches the file system or the bucket."""
    return f"team-{document.team_id}/{document.key}"


class Document(models.Model):
    """A file attached to the team, its plan, one of its meetings or one of its messages."""

    class Kind(models.TextChoices):
        PDF = "application/pdf", "PDF"
        PNG = "image/png", "PNG"
        JPEG = "image/jpeg", "JPEG"
        DOCX = (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "Word (docx)",
        )
        XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel (xlsx)"
        ODT = "application/vnd.oasis.opendocument.text", "OpenDocument (odt)"

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="documents")
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    # A document of the plan for samarbeid belongs to the version it was attached to: an
    # approved version is never changed, so its documents stay with it; a new draft starts
    # without them.
    plan_version = models.ForeignKey(
        "careplans.CarePlanVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    # A random key, the file's name in storage.
    key = models.CharField(max_length=64, unique=True)
    file = models.FileField(storage=document_storage, upload_to=document_path, max_length=200)
    name = models.CharField(_("filnavn"), max_length=200)
    title = models.CharField(_("tittel"), max_length=200, blank=True)
    content_type = models.CharField(_("filtype"), max_length=100, choices=Kind.choices)
    size = models.PositiveIntegerField(_("størrelse (byte)"))
    sha256 = models.CharField(max_length=64)
    # The patient sees a document only when it is marked for her; a file attached to a message
    # in a thread she reads is for her by being posted there.
    for_patient = models.BooleanField(_("pasienten kan se dokumentet"), default=False)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dokument")
        verbose_name_plural = _("dokumenter")
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="document_not_empty"),
            # At most one of a meeting, a message and a plan version; none: the team's own.
            models.CheckConstraint(
                condition=Q(meeting__isnull=True, message__isnull=True)
                | Q(meeting__isnull=True, plan_version__isnull=True)
                | Q(message__isnull=True, plan_version__isnull=True),
                name="document_belongs_to_one_thing",
            ),
        ]

    def __str__(self) -> str:
        return self.name
