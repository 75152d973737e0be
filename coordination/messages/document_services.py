"""Writes for documents: a file attached to the team, one of its meetings or a message.

The file is checked in full (``coordination.messages.document_checks``) before anything is written, so a
refused file leaves nothing behind. Storing writes the file through the storage API first and
the row after it, inside the caller's transaction; if the row cannot be saved the file is
removed again. Callers store the file as their last write, so nothing after it can roll the
row back and leave the file alone in storage.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from actors.access import Action, authorize
from actors.models import Team, User
from careplans.models import CarePlanVersion
from coordination.messages.document_checks import CheckedFile, check_file
from coordination.models import Document, Meeting, Message


def document_check(upload: UploadedFile) -> CheckedFile:
    """The upload's checked facts, or a ValidationError on the field ``file``."""
    try:
        return check_file(
            upload,
            name=upload.name or "",
            size=upload.size or 0,
            max_bytes=settings.LKT_DOCUMENT_MAX_BYTES,
        )
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error


def store(
    *,
    actor: User,
    team: Team,
    upload: UploadedFile,
    checked: CheckedFile,
    title: str = "",
    meeting: Meeting | None = None,
    message: Message | None = None,
    plan_version: CarePlanVersion | None = None,
    for_patient: bool = False,
) -> Document:
    """Write a checked file and its row; the caller has authorized the actor."""
    document = Document(
        team=team,
        meeting=meeting,
        message=message,
        plan_version=plan_version,
        key=secrets.token_hex(16),
        name=checked.name,
        title=title.strip(),
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        for_patient=for_patient,
        uploaded_by=actor,
    )
    upload.seek(0)
    document.file.save(document.key, upload, save=False)
    try:
        with transaction.atomic():
            document.full_clean()
            document.save()
    except BaseException:
        if document.file.name:
            document.file.storage.delete(document.file.name)
        raise
    return document


@transaction.atomic
def document_upload(
    *,
    actor: User,
    team: Team,
    upload: UploadedFile | None,
    title: str = "",
    meeting: Meeting | None = None,
    for_plan: bool = False,
    for_patient: bool = False,
) -> Document:
    """A member of the team attaches a file to the team, its plan for samarbeid or one of its
    meetings, marked for the patient or not. A file for the plan goes with the draft being
    written, or with the version in force when there is no draft, and stays with that version
    (``Document.plan_version``)."""
    # The policy refuses a closed team too (``actors.access.refuse_closed_team``).
    authorize(actor, Action.UPLOAD_DOCUMENT, team.patient, obj=team)
    if meeting is not None and meeting.team_id != team.pk:
        raise ValidationError({"meeting": _("Møtet hører til et annet team.")})
    plan_version = None
    if for_plan:
        if meeting is not None:
            raise ValidationError(
                {"for_plan": _("Et dokument hører til planen eller til et møte, ikke begge.")}
            )
        plan_version = plan_version_for_documents(team)
        if plan_version is None:
            raise ValidationError({"for_plan": _("Teamet har ingen plan for samarbeid ennå.")})
    if upload is None:
        raise ValidationError({"file": _("Velg en fil å laste opp.")})
    checked = document_check(upload)
    return store(
        actor=actor,
        team=team,
        upload=upload,
        checked=checked,
        title=title,
        meeting=meeting,
        plan_version=plan_version,
        for_patient=for_patient,
    )


def plan_version_for_documents(team: Team) -> CarePlanVersion | None:
    """The version of the team's plan a new document goes with: the draft, else the one in
    force (one query)."""
    versions = CarePlanVersion.objects.filter(
        plan__team=team,
        status__in=[CarePlanVersion.Status.DRAFT, CarePlanVersion.Status.IN_FORCE],
    )
    return versions.order_by("-number").first()
