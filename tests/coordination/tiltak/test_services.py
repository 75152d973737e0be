"""Tasks (tiltak): every task serves a current goal of the patient, is owned by an active
member, is due today or later, and its owner is told once."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from actors.models import Member, Role
from careplans.models import Goal
from coordination.models import Notification, Task
from coordination.tiltak.services import task_create, task_update
from tests.conftest import Cast
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 2)
FROZEN = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def goal_for(cast: Cast, text: str = "Sove hele natten", **kwargs) -> Goal:
    return Goal.objects.create(patient=cast.team.patient, wish="Å sove godt", text=text, **kwargs)


def tor(cast: Cast) -> Member:
    return cast.team.members.get(user=cast.member)


def cecilie(cast: Cast) -> Member:
    return cast.team.members.get(user=cast.coordinator)


def make_task(cast: Cast, **overrides) -> Task:
    kwargs = {
        "actor": cast.coordinator,
        "team": cast.team,
        "goal": goal_for(cast),
        "title": "Ringe Kari hver fredag",
        "owner": tor(cast),
        "due_on": timezone.localdate() + dt.timedelta(days=7),
    }
    kwargs.update(overrides)
    return task_create(**kwargs)


@time_machine.travel(FROZEN, tick=False)
def test_a_task_serves_a_goal_and_tells_its_owner_once(cast: Cast):
    task = make_task(cast)
    assert task.goal.text == "Sove hele natten"
    assert task.status == Task.Status.OPEN
    sent = Notification.objects.filter(recipient=cast.member, kind=Notification.Kind.TASK_ASSIGNED)
    assert sent.count() == 1
    assert "Ringe Kari hver fredag" in sent.get().message
    assert sent.get().url.endswith(f"/aktorfellesskap/{cast.team.pk}/tiltak/alle/")


def test_the_owner_who_creates_their_own_task_is_not_notified(cast: Cast):
    make_task(cast, actor=cast.member)
    assert not Notification.objects.filter(kind=Notification.Kind.TASK_ASSIGNED).exists()


def test_an_owner_without_login_gets_no_notification(cast: Cast):
    nabo = MemberFactory(team=cast.team, user=None, external_name="Nabo Nils", role=Role.OTHER)
    task = make_task(cast, owner=nabo)
    assert task.owner == nabo
    assert not Notification.objects.filter(kind=Notification.Kind.TASK_ASSIGNED).exists()


@time_machine.travel(FROZEN, tick=False)
def test_a_due_date_in_the_past_is_refused(cast: Cast):
    with pytest.raises(ValidationError) as error:
        make_task(cast, due_on=TODAY - dt.timedelta(days=1))
    assert "tilbake i tid" in error.value.message_dict["due_on"][0]


@time_machine.travel(FROZEN, tick=False)
def test_a_task_due_today_is_allowed(cast: Cast):
    assert make_task(cast, due_on=TODAY).due_on == TODAY


def test_a_retired_goal_is_refused_by_name(cast: Cast):
    old = goal_for(cast, text="Gå på skolen", retired_at=timezone.now())
    with pytest.raises(ValidationError) as error:
        make_task(cast, goal=old)
    assert "Gå på skolen" in error.value.message_dict["goal"][0]


def test_a_goal_of_another_patient_is_refused(cast: Cast):
    ola_goal = Goal.objects.create(patient=cast.other_team.patient, wish="Jobb", text="Få jobb")
    with pytest.raises(ValidationError) as error:
        make_task(cast, goal=ola_goal)
    assert "goal" in error.value.message_dict


def test_an_owner_who_has_left_is_refused_by_name(cast: Cast):
    member = tor(cast)
    member.left_on = timezone.localdate()
    member.save()
    with pytest.raises(ValidationError) as error:
        make_task(cast, owner=member)
    assert "har sluttet" in error.value.message_dict["owner"][0]


def test_an_owner_from_another_team_is_refused(cast: Cast):
    stranger = cast.other_team.members.first()
    with pytest.raises(ValidationError) as error:
        make_task(cast, owner=stranger)
    assert "owner" in error.value.message_dict


def test_all_problems_are_reported_at_once(cast: Cast):
    with pytest.raises(ValidationError) as error:
        make_task(cast, goal=None, owner=None, due_on=None, title=" ")
    assert set(error.value.message_dict) == {"goal", "owner", "due_on", "title"}


def test_the_patient_and_outsiders_cannot_create_tasks(cast: Cast):
    with pytest.raises(PermissionDenied):
        make_task(cast, actor=cast.patient)
    with pytest.raises(Http404):
        make_task(cast, actor=cast.outsider)
    assert not Task.objects.exists()


def test_done_records_when_and_reopening_clears_it(cast: Cast):
    task = make_task(cast)
    done = task_update(actor=cast.member, task=task, status=Task.Status.DONE)
    assert done.done_at is not None
    reopened = task_update(actor=cast.coordinator, task=task, status=Task.Status.IN_PROGRESS)
    assert reopened.done_at is None
    assert reopened.status == Task.Status.IN_PROGRESS


def test_only_the_owner_or_the_coordinator_changes_the_status(cast: Cast):
    task = make_task(cast, owner=cecilie(cast))
    with pytest.raises(PermissionDenied):
        task_update(actor=cast.member, task=task, status=Task.Status.DONE)
    task.refresh_from_db()
    assert task.status == Task.Status.OPEN


def test_an_unknown_status_is_refused(cast: Cast):
    task = make_task(cast)
    with pytest.raises(ValidationError):
        task_update(actor=cast.member, task=task, status="maybe")
