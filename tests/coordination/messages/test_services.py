"""Messages between the actors of a team (issue 19): who may start and write in a thread, who
is told and how, read marks, a message made a task or an agenda item, and files with them."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from actors.models import RelativeLink
from coordination.messages.services import (
    message_post,
    message_to_agenda,
    message_to_task,
    thread_mark_read,
    thread_start,
)
from coordination.models import (
    Delivery,
    Document,
    Meeting,
    Message,
    Notification,
    NotificationPreference,
    Thread,
    ThreadRead,
)
from lkt.models import AccessLog
from tests.conftest import Cast
from tests.coordination.tiltak.test_services import goal_for, tor
from tests.files import EXE, upload

pytestmark = pytest.mark.django_db
STAFF = Thread.Audience.STAFF
WITH_PATIENT = Thread.Audience.WITH_PATIENT


def start(cast: Cast, actor=None, audience=WITH_PATIENT, **kwargs) -> Thread:
    kwargs.setdefault("subject", "Søknad om bolig")
    kwargs.setdefault("body", "Jeg har sendt søknaden. Hva trenger dere fra meg?")
    return thread_start(actor=actor or cast.member, team=cast.team, audience=audience, **kwargs)


def test_a_member_starts_a_thread_with_the_patient_and_it_is_audited_as_a_change(cast: Cast):
    thread = start(cast)

    assert thread.with_patient and thread.messages.count() == 1
    assert thread.last_message_at == thread.messages.get().created_at
    assert AccessLog.objects.filter(
        user=cast.member, patient=cast.team.patient, action=AccessLog.Action.CHANGE
    ).exists()


def test_the_patient_and_per_always_write_with_the_patient_in_the_thread(cast: Cast):
    by_kari = start(cast, actor=cast.patient, audience=STAFF)
    by_per = start(cast, actor=cast.relative, audience=STAFF)

    assert by_kari.with_patient and by_per.with_patient


@pytest.mark.parametrize(
    "role", ["outsider", "leader", "night", "excluded_relative", "other_patient"]
)
def test_those_who_do_not_know_kari_cannot_start_a_thread(cast: Cast, role: str):
    with pytest.raises(Http404):
        start(cast, actor=cast.user(role))
    assert not Thread.objects.exists()


def test_a_relative_with_goals_only_may_not_write_to_the_team(cast: Cast):
    RelativeLink.objects.filter(relative=cast.relative).update(
        may_see_team=False, may_communicate=False
    )
    with pytest.raises(Http404):
        start(cast, actor=cast.relative)


def test_kari_and_per_cannot_read_or_write_in_a_staff_thread(cast: Cast):
    thread = start(cast, audience=STAFF)

    for who in (cast.patient, cast.relative):
        with pytest.raises(Http404):
            message_post(actor=who, thread=thread, body="Hei")
    assert thread.messages.count() == 1


def test_a_message_of_1_mb_is_refused_and_nothing_is_saved(cast: Cast):
    thread = start(cast)

    with pytest.raises(ValidationError) as error:
        message_post(actor=cast.coordinator, thread=thread, body="x" * 1_000_000)

    assert "for lang: 1 000 000 tegn" in str(error.value)
    assert thread.messages.count() == 1


def test_an_empty_message_and_subject_are_refused(cast: Cast):
    with pytest.raises(ValidationError) as error:
        start(cast, subject=" ", body=" ")
    assert set(error.value.message_dict) == {"subject", "body"}
    assert not Thread.objects.exists()


def test_a_thread_with_a_renamed_program_saves_nothing(cast: Cast):
    with pytest.raises(ValidationError, match="Filtypen er ikke tillatt"):
        start(cast, upload=upload("epikrise.pdf", EXE))

    assert not Thread.objects.exists() and not Message.objects.exists()
    assert not Document.objects.exists()


def test_a_message_with_a_pdf_keeps_it_for_those_who_read_the_thread(cast: Cast):
    thread = start(cast, upload=upload("Epikrise.pdf"))

    document = Document.objects.get()
    assert document.message == thread.messages.get()
    assert document.for_patient and document.content_type == Document.Kind.PDF
    assert document.name == "Epikrise.pdf"
    # The file's name in storage is LKT's own, not the uploader's.
    stored_name = document.file.name or ""
    assert "Epikrise" not in stored_name and stored_name.startswith("team-")
    with document.file.open("rb") as stored:
        assert stored.read().startswith(b"%PDF-")


def test_readers_are_told_without_the_patients_name_and_as_they_chose(cast: Cast):
    cast.coordinator.email = "cecilie@example.no"
    cast.coordinator.save()
    cast.patient.email = "kari@example.no"
    cast.patient.save()
    cast.relative.email = "per@example.no"
    cast.relative.save()
    NotificationPreference.objects.create(
        user=cast.relative, email=NotificationPreference.Email.OFF
    )

    start(cast, subject="Kari Nordvik sin bolig", body="Kari Nordvik har fått svar")

    told = set(
        Notification.objects.filter(kind=Notification.Kind.MESSAGE).values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"cecilie", "kari", "per"}  # not Tor, who wrote it
    emails = Delivery.objects.filter(channel=Delivery.Channel.EMAIL)
    assert set(emails.values_list("recipient__username", flat=True)) == {"cecilie", "kari"}
    for delivery in emails:
        assert "Kari" not in delivery.body and "Nordvik" not in delivery.body
        assert "bolig" not in delivery.body and "/meldinger/" in delivery.body


def test_a_staff_thread_tells_only_the_staff(cast: Cast):
    start(cast, audience=STAFF)

    assert list(
        Notification.objects.filter(kind=Notification.Kind.MESSAGE).values_list(
            "recipient__username", flat=True
        )
    ) == ["cecilie"]


def test_one_notification_per_stretch_of_unread_messages(cast: Cast):
    thread = start(cast, audience=STAFF)
    message_post(actor=cast.member, thread=thread, body="Og én ting til")
    assert Notification.objects.filter(recipient=cast.coordinator).count() == 1

    thread_mark_read(user=cast.coordinator, thread=thread)
    message_post(actor=cast.member, thread=thread, body="Og enda en")

    assert Notification.objects.filter(recipient=cast.coordinator).count() == 2


def test_marking_read_twice_keeps_one_mark(cast: Cast):
    thread = start(cast, audience=STAFF)
    thread_mark_read(user=cast.coordinator, thread=thread)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5), tick=False):
        thread_mark_read(user=cast.coordinator, thread=thread)
        now = timezone.now()

    mark = ThreadRead.objects.get(thread=thread, user=cast.coordinator)
    assert mark.last_read_at == now


def test_a_closed_team_keeps_its_threads_read_only(cast: Cast):
    thread = start(cast)
    cast.team.status = "closed"
    cast.team.closed_on = timezone.localdate()
    cast.team.save()

    with pytest.raises(ValidationError, match="avsluttet"):
        message_post(actor=cast.patient, thread=thread, body="Hei igjen")


def test_cecilie_turns_a_message_into_a_task_in_one_step(cast: Cast):
    thread = start(cast, actor=cast.patient)
    message = thread.messages.get()

    task = message_to_task(
        actor=cast.coordinator,
        message=message,
        goal=goal_for(cast),
        owner=tor(cast),
        due_on=timezone.localdate() + dt.timedelta(days=7),
    )

    message.refresh_from_db()
    assert message.task == task and task.title == "Søknad om bolig"
    assert task.description.startswith("Jeg har sendt søknaden")
    with pytest.raises(ValidationError, match="allerede"):
        message_to_task(
            actor=cast.coordinator,
            message=message,
            goal=goal_for(cast),
            owner=tor(cast),
            due_on=timezone.localdate() + dt.timedelta(days=7),
        )


def test_kari_cannot_turn_a_message_into_a_task(cast: Cast):
    message = start(cast).messages.get()
    with pytest.raises(PermissionDenied):
        message_to_task(
            actor=cast.patient,
            message=message,
            goal=goal_for(cast),
            owner=tor(cast),
            due_on=timezone.localdate() + dt.timedelta(days=7),
        )


def test_cecilie_puts_a_message_on_the_next_meetings_agenda(cast: Cast):
    message = start(cast).messages.get()
    with pytest.raises(ValidationError, match="ikke noe planlagt møte"):
        message_to_agenda(actor=cast.coordinator, message=message)
    later, sooner = (
        Meeting.objects.create(
            team=cast.team,
            kind=Meeting.Kind.RESPONSIBILITY_GROUP,
            starts_at=timezone.now() + dt.timedelta(days=days),
            created_by=cast.coordinator,
        )
        for days in (14, 7)
    )

    item = message_to_agenda(actor=cast.coordinator, message=message)

    assert item.meeting == sooner and item.title == "Søknad om bolig"
    message.refresh_from_db()
    assert message.agenda_item == item
    with pytest.raises(PermissionDenied):
        message_to_agenda(
            actor=cast.member,
            message=Message.objects.create(thread=message.thread, author=cast.member, body="x"),
        )


def test_the_team_writes_to_the_koordinerende_enhet_which_reads_and_answers(
    cast: Cast, unit_staff, other_unit_staff
):
    from coordination.messages.selectors import thread_get, thread_list_for_unit
    from coordination.models import NeedReport

    NeedReport.objects.create(
        kommune=cast.kommune,
        patient_name="Kari Nordvik",
        need="Samordning",
        reported_by=cast.relative,
        relation=NeedReport.Relation.RELATIVE,
        patient_knows=True,
        patient_agrees=True,
        team=cast.team,
    )
    t = start(cast, actor=cast.coordinator, audience=Thread.Audience.UNIT, subject="Ny koordinator")

    # Una at Fjordvik's unit is told and reads it; Otto at Havbu's is not and may not.
    assert Notification.objects.filter(recipient=unit_staff, kind="message").exists()
    assert not Notification.objects.filter(recipient=other_unit_staff).exists()
    assert [x.subject for x in thread_list_for_unit(unit_staff).threads] == ["Ny koordinator"]
    assert thread_list_for_unit(other_unit_staff).threads == []
    assert thread_get(unit_staff, t.pk).as_unit
    with pytest.raises(Http404):
        thread_get(other_unit_staff, t.pk)
    message_post(actor=unit_staff, thread=t, body="Vi ser på det i morgen.")
    with pytest.raises(Http404):
        message_post(actor=other_unit_staff, thread=t, body="Hei")
    # Kari and Per do not read what the team asks the unit; Tor in the team does.
    for who in (cast.patient, cast.relative):
        with pytest.raises(Http404):
            thread_get(who, t.pk)
    assert thread_get(cast.member, t.pk).is_staff
    # Una reads nothing else of the team: not its staff-only threads.
    with pytest.raises(Http404):
        thread_get(unit_staff, start(cast, audience=STAFF).pk)


def _reported_to_fjordvik(cast: Cast) -> None:
    """The need report about Kari went to Fjordvik's koordinerende enhet: it is responsible."""
    from coordination.models import NeedReport

    NeedReport.objects.create(
        kommune=cast.kommune,
        patient_name="Kari Nordvik",
        need="Samordning",
        reported_by=cast.relative,
        relation=NeedReport.Relation.RELATIVE,
        patient_knows=True,
        patient_agrees=True,
        team=cast.team,
    )


def test_the_koordinerende_enhet_writes_to_the_team_and_the_team_answers(
    cast: Cast, unit_staff, other_unit_staff
):
    from coordination.messages.selectors import thread_get
    from coordination.messages.services import unit_thread_start

    _reported_to_fjordvik(cast)
    thread = unit_thread_start(
        actor=unit_staff, team=cast.team, subject="Evaluering", body="Når evaluerer dere planen?"
    )

    assert thread.for_unit and thread.created_by == unit_staff
    # Cecilie and Tor in the team are told and read it; Kari and Per do not.
    assert Notification.objects.filter(recipient=cast.coordinator, kind="message").exists()
    message_post(actor=cast.coordinator, thread=thread, body="I mars.")
    assert thread_get(unit_staff, thread.pk).as_unit
    for who in (cast.patient, cast.relative):
        with pytest.raises(Http404):
            thread_get(who, thread.pk)
    assert AccessLog.objects.filter(
        user=unit_staff, action=AccessLog.Action.CHANGE, reason__startswith="Koordinerende enhet"
    ).exists()
    # Otto at another kommune's unit, and the coordinator, may not start one this way.
    with pytest.raises(Http404):
        unit_thread_start(actor=other_unit_staff, team=cast.team, subject="x", body="y")
    with pytest.raises(PermissionDenied):
        unit_thread_start(actor=cast.coordinator, team=cast.team, subject="x", body="y")


def test_the_unit_writes_to_the_team_only_while_kari_consents_to_sharing_in_it(
    cast: Cast, unit_staff
):
    from actors.models import Consent
    from coordination.messages.services import unit_thread_start

    _reported_to_fjordvik(cast)
    Consent.objects.filter(patient=cast.team.patient, scope=Consent.Scope.TEAM_SHARING).update(
        withdrawn_at=timezone.now()
    )

    with pytest.raises(ValidationError, match="ikke samtykket til deling"):
        unit_thread_start(actor=unit_staff, team=cast.team, subject="Evaluering", body="Hei")
    assert not Thread.objects.exists()
