"""Writes for messages (issue 19): start a thread, write in it, mark it read, and turn a message
into a task (tiltak) or an item on the agenda of the team's next meeting in one step.

Who may read and write a thread is the access policy's (``actors.access.reads_thread``): every
function authorizes through ``authorize_thread``, which writes the audit row. A message with a
file is checked whole (text and file) before anything is written; the file is stored last.

The readers are told through ``coordination.notifications.notify``, honouring each one's choice of e-mail
and SMS. The e-mail says only that there is a message, with a link: never the patient's name,
the subject or the text, which are read in LKT after login. One notification covers a stretch
of unread messages: a reader who has not opened the thread since the last one is not told again.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from actors.access import (
    Action,
    authorize_thread,
    authorize_unit_thread,
    reads_thread,
    standing,
)
from actors.models import Member, RelativeLink, Team, User
from careplans.models import Goal
from coordination.meetings import services as meeting_services
from coordination.messages import document_services
from coordination.models import (
    AgendaItem,
    Meeting,
    Message,
    Notification,
    Task,
    Thread,
    ThreadRead,
)
from coordination.models.messages import MESSAGE_TEXT, SUBJECT_TEXT
from coordination.notifications.notify import notify, shorten
from coordination.referral import selectors
from coordination.tiltak import services as task_services

Audience = Thread.Audience


def thread_url(thread: Thread, user: User) -> str:
    """Where a reader opens the thread: the same page for all (it is phone-first for the
    patient and relatives)."""
    return reverse("coordination:thread-detail", args=[thread.pk])


def _check_body(body: str) -> str:
    text = body.strip()
    if not text:
        raise ValidationError({"body": _("Skriv en melding.")})
    if len(text) > MESSAGE_TEXT:
        raise ValidationError(
            {
                "body": _(
                    "Meldingen er for lang: %(n)s tegn. Den kan ha høyst %(max)s tegn; del den "
                    "opp, eller legg ved teksten som et dokument."
                )
                % {"n": f"{len(text):,}".replace(",", " "), "max": "10 000"}
            }
        )
    if "\x00" in text:
        raise ValidationError({"body": _("Meldingen inneholder tegn som ikke kan lagres.")})
    return text


def unit_reads(user: User, thread: Thread) -> bool:
    """Whether the user reads the thread as the koordinerende enhet responsible for its team
    (``actors.access.reads_thread``); two queries, only for a thread addressed to the unit."""
    return (
        thread.for_unit
        and user.kind == User.Kind.STAFF
        and selectors.is_unit_staff_for_team(user, thread.team)
    )


def _candidates(team: Team, thread: Thread) -> list[User]:
    """Who might read the thread: the team's active staff, and for a thread with the patient
    the patient and her relatives with a login. The policy then decides for each."""
    users = [
        m.user
        for m in Member.objects.active()
        .filter(team=team, user__isnull=False)
        .select_related("user")
        .order_by("pk")
        if m.user is not None
    ]
    if thread.with_patient:
        patient = team.patient
        if patient.user_id and patient.user is not None:
            users.append(patient.user)
        users += [
            link.relative
            for link in RelativeLink.objects.active()
            .filter(patient=patient, may_communicate=True, relative__isnull=False)
            .select_related("relative")
            if link.relative is not None
        ]
    if thread.for_unit:
        users += selectors.unit_staff_for_team(team)
    return list({u.pk: u for u in users}.values())


def _notify_readers(thread: Thread, message: Message, actor: User) -> None:
    team = thread.team
    reads = dict(ThreadRead.objects.filter(thread=thread).values_list("user_id", "last_read_at"))
    unit = {u.pk for u in selectors.unit_staff_for_team(team)} if thread.for_unit else set()
    for user in _candidates(team, thread):
        if user.pk == actor.pk or not reads_thread(
            standing(user, team.patient),
            with_patient=thread.with_patient,
            unit_reads=user.pk in unit,
        ):
            continue
        since = reads.get(user.pk)
        notify(
            recipient=user,
            kind=Notification.Kind.MESSAGE,
            team=team,
            # One notification per stretch of unread messages (see the module's docstring).
            occurrence=f"thread:{thread.pk}:since:{since.isoformat() if since else 'start'}",
            message=_("Du har en ny melding i LKT. Logg inn for å lese den."),
            url=thread_url(thread, user),
        )


def _write(*, actor: User, thread: Thread, body: str, upload: UploadedFile | None) -> Message:
    """The message and its file, checked before either is written; the file last."""
    text = _check_body(body)
    checked = document_services.document_check(upload) if upload is not None else None
    message = Message(thread=thread, author=actor, body=text)
    message.full_clean()
    message.save()
    thread.last_message_at = message.created_at
    Thread.objects.filter(pk=thread.pk).update(last_message_at=message.created_at)
    _mark(thread, actor, message.created_at)
    _notify_readers(thread, message, actor)
    if upload is not None and checked is not None:
        document_services.store(
            actor=actor,
            team=thread.team,
            upload=upload,
            checked=checked,
            message=message,
            for_patient=thread.with_patient,
        )
    return message


@transaction.atomic
def thread_start(
    *,
    actor: User,
    team: Team,
    subject: str,
    audience: str,
    body: str,
    upload: UploadedFile | None = None,
) -> Thread:
    """Start a thread with its first message. The patient and her relatives always write with
    the patient in it; staff choose whether she and her relatives read it, or address it to
    the koordinerende enhet responsible for the team."""
    if actor.kind != User.Kind.STAFF:
        audience = Audience.WITH_PATIENT
    if audience not in Audience.values:
        raise ValidationError({"audience": _("Velg hvem som kan lese samtalen.")})
    thread = Thread(team=team, subject=subject.strip(), audience=audience, created_by=actor)
    authorize_thread(
        actor, Action.POST_MESSAGE, team.patient, with_patient=thread.with_patient, obj=team
    )
    return _first_message(actor=actor, thread=thread, body=body, upload=upload)


@transaction.atomic
def unit_thread_start(
    *, actor: User, team: Team, subject: str, body: str, upload: UploadedFile | None = None
) -> Thread:
    """The koordinerende enhet responsible for the team starts a thread to it: the other
    direction of the team's thread to the unit, with the same audience (the team's staff and
    the unit). The policy decides (``actors.access.authorize_unit_thread``): only the unit
    responsible for the team, and only while the patient's consent to sharing in the team
    stands."""
    authorize_unit_thread(actor, team, responsible=selectors.is_unit_staff_for_team(actor, team))
    thread = Thread(team=team, subject=subject.strip(), audience=Audience.UNIT, created_by=actor)
    return _first_message(actor=actor, thread=thread, body=body, upload=upload)


def _first_message(
    *, actor: User, thread: Thread, body: str, upload: UploadedFile | None
) -> Thread:
    """The thread with its first message, checked whole before anything is written."""
    errors: dict[str, str] = {}
    if not thread.subject:
        errors["subject"] = _("Skriv hva samtalen gjelder.")
    elif len(thread.subject) > SUBJECT_TEXT:
        errors["subject"] = _("Emnet kan ha høyst %(n)s tegn.") % {"n": SUBJECT_TEXT}
    try:
        _check_body(body)
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    if upload is not None:
        document_services.document_check(upload)
    thread.full_clean()
    thread.save()
    _write(actor=actor, thread=thread, body=body, upload=upload)
    return thread


@transaction.atomic
def message_post(
    *, actor: User, thread: Thread, body: str, upload: UploadedFile | None = None
) -> Message:
    """Write in a thread the actor reads."""
    team = thread.team
    authorize_thread(
        actor,
        Action.POST_MESSAGE,
        team.patient,
        with_patient=thread.with_patient,
        obj=thread,
        unit_reads=unit_reads(actor, thread),
    )
    Thread.objects.select_for_update().filter(pk=thread.pk).first()
    return _write(actor=actor, thread=thread, body=body, upload=upload)


def _mark(thread: Thread, user: User, at: dt.datetime) -> None:
    ThreadRead.objects.bulk_create(
        [ThreadRead(thread=thread, user=user, last_read_at=at)],
        update_conflicts=True,
        unique_fields=["thread", "user"],
        update_fields=["last_read_at"],
    )


def thread_mark_read(*, user: User, thread: Thread) -> None:
    """The user has read the thread up to now (one statement; the read itself was audited by
    the selector that showed it)."""
    _mark(thread, user, timezone.now())


def _staff_message(actor: User, message: Message, action: Action) -> Thread:
    thread = message.thread
    authorize_thread(
        actor, action, thread.team.patient, with_patient=thread.with_patient, obj=message
    )
    return thread


@transaction.atomic
def message_to_task(
    *,
    actor: User,
    message: Message,
    goal: Goal | None,
    owner: Member | None,
    due_on: dt.date | None,
    title: str = "",
    description: str = "",
) -> Task:
    """Make the message a task of the team (``task_services.task_create`` decides who may and
    what a task needs), and remember which message it came from."""
    thread = _staff_message(actor, message, Action.EDIT_NETWORK)
    locked = Message.objects.select_for_update().get(pk=message.pk)
    if locked.task_id is not None:
        raise ValidationError(_("Meldingen er allerede gjort til et tiltak."))
    task = task_services.task_create(
        actor=actor,
        team=thread.team,
        goal=goal,
        title=title or shorten(thread.subject, 200),
        owner=owner,
        due_on=due_on,
        description=description or shorten(message.body, 2000),
    )
    locked.task = task
    locked.save(update_fields=["task"])
    return task


def next_meeting(team: Team) -> Meeting | None:
    """The team's next planned meeting, where a message's matter goes on the agenda."""
    return (
        Meeting.objects.filter(
            team=team, status=Meeting.Status.PLANNED, starts_at__gte=timezone.now()
        )
        .order_by("starts_at", "pk")
        .first()
    )


@transaction.atomic
def message_to_agenda(*, actor: User, message: Message) -> AgendaItem:
    """Put the message's matter on the agenda of the team's next planned meeting
    (``meeting_services.agenda_item_add`` decides who may: the coordinator)."""
    thread = _staff_message(actor, message, Action.MANAGE_TEAM)
    locked = Message.objects.select_for_update().get(pk=message.pk)
    if locked.agenda_item_id is not None:
        raise ValidationError(_("Meldingen står allerede på dagsordenen til et møte."))
    meeting = next_meeting(thread.team)
    if meeting is None:
        raise ValidationError(
            _("Teamet har ikke noe planlagt møte. Planlegg et møte først, så kan saken settes opp.")
        )
    item = meeting_services.agenda_item_add(
        actor=actor, meeting=meeting, title=shorten(thread.subject, 200)
    )
    locked.agenda_item = item
    locked.save(update_fields=["agenda_item"])
    return item
