"""Meetings: planning respects the patient's wishes, invitations are sent once per time, the
minutes never overwrite someone else's text, and a decision becomes a task in one step."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from actors.models import Role
from coordination.meetings import services
from coordination.models import (
    AgendaItem,
    Decision,
    Meeting,
    MeetingPreferences,
    Notification,
    StandingItem,
)
from tests.conftest import Cast
from tests.coordination.tiltak.test_services import cecilie, goal_for, tor
from tests.factories import MemberFactory, StaffFactory

pytestmark = pytest.mark.django_db

FROZEN = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
NEXT_WEEK = FROZEN + dt.timedelta(days=7)


def per_link(cast: Cast):
    return cast.team.patient.relative_links.get(relative=cast.relative)


def plan(cast: Cast, **overrides) -> Meeting:
    kwargs = {
        "actor": cast.coordinator,
        "team": cast.team,
        "kind": Meeting.Kind.RESPONSIBILITY_GROUP,
        "starts_at": NEXT_WEEK,
        "duration_minutes": 60,
        "place": "Fjordvik helsehus, møterom 2",
        "invited": [tor(cast)],
        "patient_invited": True,
        "relatives": [],
        "leader": cecilie(cast),
        "referent": tor(cast),
        "standing_items": StandingItem.values,
        "extra_items": ["Ny bolig"],
    }
    kwargs.update(overrides)
    return services.meeting_save(**kwargs)


def wishes(cast: Cast, **kwargs) -> MeetingPreferences:
    defaults = {"max_participants": None, "without_relatives": False, "wishes": ""}
    defaults.update(kwargs)
    return services.meeting_preferences_save(
        actor=cast.patient, patient=cast.team.patient, **defaults
    )


@time_machine.travel(FROZEN, tick=False)
def test_a_planned_meeting_has_the_standing_items_then_the_extra_ones(cast: Cast):
    meeting = plan(cast)
    titles = list(meeting.agenda_items.values_list("standing", "title"))
    assert [s for s, _ in titles] == [*StandingItem.values, ""]
    assert titles[-1][1] == "Ny bolig"
    assert titles[2][1].startswith("Har pasienten fått vurdert rett til individuell plan")


@time_machine.travel(FROZEN, tick=False)
def test_unchecked_standing_items_are_left_out(cast: Cast):
    meeting = plan(cast, standing_items=[StandingItem.PHASE], extra_items=[])
    assert list(meeting.agenda_items.values_list("standing", flat=True)) == [StandingItem.PHASE]


@time_machine.travel(FROZEN, tick=False)
def test_the_leader_and_referent_are_always_invited(cast: Cast):
    meeting = plan(cast, invited=[])
    assert set(meeting.invited.all()) == {cecilie(cast), tor(cast)}


@time_machine.travel(FROZEN, tick=False)
def test_everyone_invited_is_told_once_but_not_the_planner(cast: Cast):
    meeting = plan(cast, relatives=[per_link(cast)])
    invited = Notification.objects.filter(kind=Notification.Kind.MEETING_INVITED)
    assert set(invited.values_list("recipient__username", flat=True)) == {"tor", "kari", "per"}
    tor_note = invited.get(recipient=cast.member)
    assert tor_note.url.endswith(f"/moter/{meeting.pk}/")
    assert "ansvarsgruppemøte" in tor_note.message
    # Saving it again unchanged invites nobody twice.
    plan(cast, meeting=meeting, relatives=[per_link(cast)])
    assert invited.count() == 3


@time_machine.travel(FROZEN, tick=False)
def test_moving_a_meeting_invites_again(cast: Cast):
    meeting = plan(cast, patient_invited=False)
    plan(cast, meeting=meeting, patient_invited=False, starts_at=NEXT_WEEK + dt.timedelta(days=1))
    assert Notification.objects.filter(recipient=cast.member).count() == 2


@time_machine.travel(FROZEN, tick=False)
def test_too_many_invited_is_refused_quoting_the_patients_wish(cast: Cast):
    wishes(cast, max_participants=3, wishes="Ikke store møter, jeg blir sliten")
    extra = MemberFactory(team=cast.team, role=Role.GP)
    with pytest.raises(ValidationError) as error:
        plan(cast, invited=[tor(cast), extra])  # Cecilie, Tor, the GP and Kari: 4
    message = error.value.message_dict["invited"][0]
    assert "høyst 3 deltakere" in message
    assert "4 er invitert" in message
    assert "«Ikke store møter, jeg blir sliten»" in message
    assert not Meeting.objects.exists()


@time_machine.travel(FROZEN, tick=False)
def test_exactly_the_patients_limit_is_allowed(cast: Cast):
    wishes(cast, max_participants=3)
    assert plan(cast).invited.count() == 2


@time_machine.travel(FROZEN, tick=False)
def test_relatives_are_refused_while_the_patient_wants_none(cast: Cast):
    wishes(cast, without_relatives=True, wishes="Ikke pappa nå")
    with pytest.raises(ValidationError) as error:
        plan(cast, relatives=[per_link(cast)])
    message = error.value.message_dict["relatives"][0]
    assert "ønsker ikke pårørende" in message
    assert "Ikke pappa nå" in message


@time_machine.travel(FROZEN, tick=False)
def test_an_excluded_relative_cannot_be_invited(cast: Cast):
    lise = cast.team.patient.relative_links.get(relative=cast.excluded_relative)
    with pytest.raises(ValidationError) as error:
        plan(cast, relatives=[lise])
    assert "relatives" in error.value.message_dict


@time_machine.travel(FROZEN, tick=False)
def test_a_leader_who_has_left_is_refused(cast: Cast):
    member = tor(cast)
    member.left_on = member.joined_on
    member.save()
    with pytest.raises(ValidationError) as error:
        plan(cast, referent=member, invited=[])
    assert "har sluttet" in error.value.message_dict["referent"][0]


@time_machine.travel(FROZEN, tick=False)
def test_a_meeting_needs_a_place_or_a_video_link_and_a_future_time(cast: Cast):
    with pytest.raises(ValidationError) as error:
        plan(cast, place="", starts_at=FROZEN - dt.timedelta(hours=1))
    assert set(error.value.message_dict) == {"place", "starts_at"}
    assert plan(cast, place="", video_url="https://video.example/abc").video_url


@time_machine.travel(FROZEN, tick=False)
def test_only_the_coordinator_plans_meetings(cast: Cast):
    with pytest.raises(PermissionDenied):
        plan(cast, actor=cast.member)


def test_the_coordinator_may_record_the_patients_wishes_but_a_member_may_not(cast: Cast):
    saved = services.meeting_preferences_save(
        actor=cast.coordinator,
        patient=cast.team.patient,
        max_participants=4,
        without_relatives=False,
        wishes="Helst formiddag",
    )
    assert saved.updated_by == cast.coordinator
    with pytest.raises(PermissionDenied):
        services.meeting_preferences_save(
            actor=cast.member,
            patient=cast.team.patient,
            max_participants=None,
            without_relatives=False,
        )


# ---------------------------------------------------------------------------------------------
# Minutes, decisions, held


@time_machine.travel(FROZEN, tick=False)
def test_the_referent_writes_the_minutes_and_the_version_moves_on(cast: Cast):
    meeting = plan(cast)
    item = meeting.agenda_items.get(standing=StandingItem.PHASE)
    saved = services.minutes_save(
        actor=cast.member,
        meeting=meeting,
        minutes="Alle var til stede.",
        notes={item.pk: "Fortsatt grønn fase."},
        base_version=0,
    )
    assert saved.minutes_version == 1
    assert saved.minutes_updated_by == cast.member
    item.refresh_from_db()
    assert item.notes == "Fortsatt grønn fase."


@time_machine.travel(FROZEN, tick=False)
def test_a_stale_save_writes_nothing_and_returns_the_other_text(cast: Cast):
    meeting = plan(cast)
    services.minutes_save(
        actor=cast.coordinator, meeting=meeting, minutes="Cecilies tekst", notes={}, base_version=0
    )
    with pytest.raises(services.MinutesStale) as stale:
        services.minutes_save(
            actor=cast.member, meeting=meeting, minutes="Tors tekst", notes={}, base_version=0
        )
    assert stale.value.meeting.minutes == "Cecilies tekst"
    assert stale.value.meeting.minutes_updated_by == cast.coordinator
    meeting.refresh_from_db()
    assert meeting.minutes == "Cecilies tekst"
    assert meeting.minutes_version == 1


@time_machine.travel(FROZEN, tick=False)
def test_a_member_who_is_neither_referent_nor_leader_cannot_write_minutes(cast: Cast):
    other = StaffFactory(organisation=cast.kommune)
    MemberFactory(team=cast.team, user=other, role=Role.GP)
    meeting = plan(cast)
    with pytest.raises(PermissionDenied):
        services.minutes_save(actor=other, meeting=meeting, minutes="x", notes={}, base_version=0)
    with pytest.raises(PermissionDenied):
        services.minutes_save(
            actor=cast.patient, meeting=meeting, minutes="x", notes={}, base_version=0
        )


def test_a_meeting_is_held_only_once_it_has_started(cast: Cast):
    with time_machine.travel(FROZEN, tick=False):
        meeting = plan(cast)
        with pytest.raises(ValidationError):
            services.meeting_mark_held(actor=cast.member, meeting=meeting)
    with time_machine.travel(NEXT_WEEK + dt.timedelta(minutes=30), tick=False):
        held = services.meeting_mark_held(actor=cast.member, meeting=meeting)
        assert held.status == Meeting.Status.HELD
        with pytest.raises(ValidationError):
            plan(cast, meeting=meeting)


@time_machine.travel(FROZEN, tick=False)
def test_an_agenda_item_with_a_decision_cannot_be_removed(cast: Cast):
    meeting = plan(cast)
    item = services.agenda_item_add(actor=cast.coordinator, meeting=meeting, title="Ferie")
    assert item.position == len(StandingItem.values) + 2
    services.decision_add(
        actor=cast.member, meeting=meeting, text="Kari får velge", agenda_item=item
    )
    with pytest.raises(ValidationError):
        services.agenda_item_remove(actor=cast.coordinator, meeting=meeting, item=item)
    empty = meeting.agenda_items.get(title="Ny bolig")
    services.agenda_item_remove(actor=cast.coordinator, meeting=meeting, item=empty)
    assert not AgendaItem.objects.filter(pk=empty.pk).exists()


@time_machine.travel(FROZEN, tick=False)
def test_a_decision_becomes_a_task_in_one_step_and_only_once(cast: Cast):
    meeting = plan(cast)
    decision = services.decision_add(
        actor=cast.member, meeting=meeting, text="Tor følger opp søknad om bolig"
    )
    goal = goal_for(cast, text="Egen leilighet")
    task = services.decision_to_task(
        actor=cast.coordinator,
        decision=decision,
        goal=goal,
        owner=tor(cast),
        due_on=FROZEN.date() + dt.timedelta(days=14),
    )
    assert task.title == "Tor følger opp søknad om bolig"
    assert task.decision == decision
    assert task.goal == goal
    assert (
        Notification.objects.filter(
            recipient=cast.member, kind=Notification.Kind.TASK_ASSIGNED
        ).count()
        == 1
    )
    with pytest.raises(ValidationError) as error:
        services.decision_to_task(
            actor=cast.coordinator,
            decision=decision,
            goal=goal,
            owner=tor(cast),
            due_on=FROZEN.date() + dt.timedelta(days=14),
        )
    assert "allerede" in error.value.message_dict["decision"][0]


# ---------------------------------------------------------------------------------------------
# Rows of the access matrix (tests/test_access_matrix.py)


def kari_meeting(cast: Cast) -> list[int]:
    """A planned meeting of Kari's team next week, Kari invited, Cecilie leading, Tor writing
    the minutes, with one agenda item and one decision on it."""
    members = cast.team.members
    meeting = Meeting.objects.create(
        team=cast.team,
        kind=Meeting.Kind.RESPONSIBILITY_GROUP,
        starts_at=timezone.now() + dt.timedelta(days=7),
        place="Helsehuset",
        leader=members.get(user=cast.coordinator),
        referent=members.get(user=cast.member),
        created_by=cast.coordinator,
    )
    meeting.invited.set(members.filter(user__in=[cast.coordinator, cast.member]))
    item = AgendaItem.objects.create(meeting=meeting, title="Bolig", position=1)
    Decision.objects.create(
        meeting=meeting, agenda_item=item, text="Søke bolig", created_by=cast.member
    )
    return [meeting.pk]


def kari_meeting_item(cast: Cast) -> list[int]:
    [pk] = kari_meeting(cast)
    return [pk, AgendaItem.objects.get(meeting_id=pk).pk]


def kari_meeting_decision(cast: Cast) -> list[int]:
    [pk] = kari_meeting(cast)
    return [pk, Decision.objects.get(meeting_id=pk).pk]


def kari_task(cast: Cast) -> list[int]:
    """An open task owned by Tor, serving one of Kari's goals."""
    from coordination.models import Task

    goal = goal_for(cast)
    task = Task.objects.create(
        team=cast.team,
        goal=goal,
        title="Ringe",
        owner=tor(cast),
        due_on=timezone.localdate() + dt.timedelta(days=3),
        created_by=cast.coordinator,
    )
    return [task.pk]
