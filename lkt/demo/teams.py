"""Element E in the demo: Kari's team at work (a held meeting with minutes, decisions turned
into tasks, one of them overdue, the next meeting, a plan period ending in five days), an
observation waiting for the coordinator, and the morning's reminders produced by the same
sweep that Celery beat runs (eagerly in the demo).

Called by ``seed_demo`` inside its transaction, after the teams exist. Meetings are planned
through the services (which refuse past times), then moved back in time: demo history.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from actors.models import Member, Team, User
from careplans.models import Goal, Phase
from coordination.evaluation import services as evaluation_services
from coordination.meetings import services as meeting_services
from coordination.models import (
    Delivery,
    Meeting,
    Notification,
    NotificationPreference,
    StandingItem,
)
from coordination.notifications import preference_services
from coordination.observations import services as observation_services
from coordination.reminders import reminders_sweep
from coordination.tiltak import services as task_services
from lkt.demo import night as demo_night


def _member(team: Team, username: str) -> Member:
    return team.members.active().get(user__username=username)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _goal(team: Team, starts: str) -> Goal:
    return Goal.objects.get(patient=team.patient, retired_at__isnull=True, text__startswith=starts)


def _held_meeting(team: Team, users: dict[str, User], today: dt.date) -> None:
    """Last month's ansvarsgruppemøte: minutes written, two decisions became tasks."""
    tor, fredrik = _member(team, "tor"), _member(team, "fredrik")
    cecilie, tor_user = users["cecilie"], users["tor"]
    lead, kristin = _member(team, "cecilie"), _member(team, "kristin")
    meeting = meeting_services.meeting_save(
        actor=cecilie,
        team=team,
        kind=Meeting.Kind.RESPONSIBILITY_GROUP,
        starts_at=_at(today + dt.timedelta(days=1), 10),
        duration_minutes=60,
        place="Fjordvik helsehus, møterom 2",
        invited=[tor, fredrik, kristin],
        leader=lead,
        referent=tor,
        standing_items=StandingItem.values,
        extra_items=["Søvn og kveldene"],
    )
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=_at(today - dt.timedelta(days=30), 10))
    meeting.refresh_from_db()
    # The invitations named the time before it was moved into the past: not history to keep.
    invitations = Notification.objects.filter(
        kind=Notification.Kind.MEETING_INVITED, occurrence__startswith=f"meeting:{meeting.pk}:"
    )
    Delivery.objects.filter(notification__in=invitations).delete()
    invitations.delete()
    items = {item.standing or "sleep": item for item in meeting.agenda_items.all()}
    notes = {
        items[StandingItem.GOALS].pk: "Kari sover bedre de dagene hun har gått tur.",
        items[StandingItem.PHASE].pk: "Grønn. Kari er enig.",
        items[StandingItem.IP_RIGHTS].pk: "Ja, vurdert ved oppstart; Kari ønsker IP.",
        items[StandingItem.CONSENT].pk: "Gyldig. Fornyes ved årsskiftet.",
        items[StandingItem.LEAVING].pk: "Tor slutter om tre uker; Jonny tar kveldsturene.",
        items["sleep"].pk: "Fastlegen vurderer sovemedisinen.",
    }
    meeting_services.minutes_save(
        actor=tor_user,
        meeting=meeting,
        minutes="Kari ledet første del selv. Neste møte om fem uker.",
        notes=notes,
        base_version=meeting.minutes_version,
    )
    meeting_services.meeting_mark_held(actor=cecilie, meeting=meeting)
    walk = meeting_services.decision_add(
        actor=tor_user,
        meeting=meeting,
        text="Tor og Jonny går tur med Kari tre kvelder i uka",
        agenda_item=items["sleep"],
    )
    medicine = meeting_services.decision_add(
        actor=tor_user,
        meeting=meeting,
        text="Fastlegen vurderer sovemedisinen",
        agenda_item=items["sleep"],
    )
    meeting_services.decision_to_task(
        actor=cecilie,
        decision=walk,
        goal=_goal(team, "Gå tur"),
        owner=tor,
        due_on=today + dt.timedelta(days=1),
    )
    task = meeting_services.decision_to_task(
        actor=cecilie,
        decision=medicine,
        goal=_goal(team, "Sove"),
        owner=fredrik,
        due_on=today + dt.timedelta(days=1),
    )
    # Overdue: the coordinator's home and the team page must show it.
    type(task).objects.filter(pk=task.pk).update(due_on=today - dt.timedelta(days=3))


def _kari(users: dict[str, User], today: dt.date) -> None:
    team = Team.objects.get(patient__user=users["kari"])
    cecilie = users["cecilie"]
    meeting_services.meeting_preferences_save(
        actor=users["kari"],
        patient=team.patient,
        max_participants=6,
        without_relatives=False,
        wishes="Helst på formiddagen. Ikke mer enn seks rundt bordet.",
    )
    _held_meeting(team, users, today)
    meeting_services.meeting_save(
        actor=cecilie,
        team=team,
        kind=Meeting.Kind.BOARD,
        starts_at=_at(today + dt.timedelta(days=6), 9),
        duration_minutes=30,
        video_url="https://video.lkt-demo.example/kari-tavle",
        invited=[_member(team, "tor"), _member(team, "kristin")],
        leader=_member(team, "cecilie"),
        referent=_member(team, "kristin"),
        standing_items=[StandingItem.PHASE, StandingItem.LEAVING],
    )
    task_services.task_create(
        actor=cecilie,
        team=team,
        goal=_goal(team, "Lage en enkel budsjettplan"),
        title="Time hos NAV om budsjett",
        owner=team.members.get(external_name="Nora Fjellstad"),
        due_on=today + dt.timedelta(days=14),
    )
    # The period ends in five days: the sweep proposes the evaluation meeting.
    evaluation_services.plan_period_create(
        actor=cecilie,
        team=team,
        starts_on=today - dt.timedelta(days=175),
        ends_on=today + dt.timedelta(days=5),
    )
    observation_services.observation_report(
        actor=users["tor"],
        team=team,
        text="Kari har avlyst to avtaler denne uka og sier hun sover lite.",
        proposed_phase=Phase.YELLOW,
    )
    observation_services.observation_report(
        actor=users["kari"], team=team, text="Jeg har begynt å gå tur med Jonny. Det hjelper."
    )


def _preferences(users: dict[str, User]) -> None:
    preference_services.notification_preference_save(
        actor=users["fredrik"], email=NotificationPreference.Email.DIGEST, sms_urgent=False
    )
    preference_services.notification_preference_save(
        actor=users["cecilie"], email=NotificationPreference.Email.INSTANT, sms_urgent=True
    )


def load(users: dict[str, User], today: dt.date) -> None:
    _preferences(users)
    _kari(users, today)
    demo_night.load(users, today)  # issue 7: Malene's nights and this morning's night digest
    # This morning's run of the beat schedule's sweep: the reminders in the inboxes.
    reminders_sweep(today)
