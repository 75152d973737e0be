"""Phase-change alerts, their acknowledgement and escalation (coordination.phase.alerts)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from careplans.models import Phase, PhaseChange
from careplans.phase import services as phase_services
from coordination.models import Delivery, Notification
from coordination.phase import alerts
from tests.careplans.phase_helpers import version_for
from tests.conftest import Cast, client_for
from tests.coordination.alert_helpers import NIGHT, RED_ACTIONS, YELLOW_ACTIONS, crisis_plan
from tests.factories import MemberFactory, StaffFactory

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
Kind = Notification.Kind


def _to(phase: str, cast: Cast, reason: str = "Kari har ikke sovet på tre netter") -> PhaseChange:
    return phase_services.phase_change(
        actor=cast.coordinator, team=cast.team, phase=phase, reason=reason
    )


def _alerts(kind: str = Kind.PHASE_ALERT) -> dict[str, Notification]:
    return {
        n.recipient.username: n
        for n in Notification.objects.filter(kind=kind).select_related("recipient")
    }


@time_machine.travel(NOON, tick=False)
def test_red_alerts_the_actor_and_the_night_contact_with_what_they_own(cast: Cast):
    plan = crisis_plan(cast)
    change = _to(Phase.RED, cast)
    sent = _alerts()
    # Cecilie made the change herself: she is not alerted about it.
    assert set(sent) == {"tor", "nils"}
    assert RED_ACTIONS[:40] in sent["tor"].message
    assert "Du handler" in sent["tor"].message
    assert "Du er navngitt kontakt kveld og natt" in sent["nils"].message
    assert "116 117" in sent["nils"].message
    for notification in sent.values():
        assert notification.urgent
        assert notification.occurrence == f"phase_change:{change.pk}"
        assert notification.url == f"/aktorfellesskap/{cast.team.pk}/#fase"
        assert notification.escalate_at == NOON + dt.timedelta(minutes=30)
        # No patient name in what also goes out by e-mail.
        assert "Kari Nordvik" not in notification.message
    assert plan.nils_user.email
    assert Delivery.objects.filter(recipient=plan.nils_user, channel="email").exists()


def test_a_second_coordinator_is_alerted_with_all_the_actions(cast: Cast):
    crisis_plan(cast)
    second = StaffFactory(username="cato", organisation=cast.kommune)
    MemberFactory(team=cast.team, user=second, role="koordinator")
    _to(Phase.RED, cast)
    message = _alerts()["cato"].message
    assert "Tiltak:" in message
    assert "Kveld og natt, ring:" in message
    assert NIGHT[:20] in message


@time_machine.travel(NOON, tick=False)
def test_yellow_is_urgent_and_escalates_after_four_hours(cast: Cast):
    crisis_plan(cast)
    _to(Phase.YELLOW, cast)
    sent = _alerts()
    assert set(sent) == {"tor"}  # nobody is named for nights in gul
    assert YELLOW_ACTIONS[:30] in sent["tor"].message
    assert sent["tor"].escalate_at == NOON + dt.timedelta(hours=4)


def test_green_alerts_without_urgency_or_escalation(cast: Cast):
    crisis_plan(cast)
    _to(Phase.RED, cast)
    _to(Phase.GREEN, cast, reason="Bedre igjen")
    green = Notification.objects.filter(kind=Kind.PHASE_ALERT, urgent=False)
    assert all(n.escalate_at is None for n in green)


def test_a_member_who_has_left_is_not_alerted(cast: Cast):
    plan = crisis_plan(cast)
    plan.nils.left_on = timezone.localdate()
    plan.nils.save()
    _to(Phase.RED, cast)
    assert "nils" not in _alerts()


def test_the_draft_phase_plan_is_used_while_no_version_is_in_force(cast: Cast):
    crisis_plan(cast, in_force=False)
    _to(Phase.RED, cast)
    assert "nils" in _alerts()


def test_without_a_phase_plan_the_other_coordinators_are_told_to_agree_actions(cast: Cast):
    second = StaffFactory(username="cato", organisation=cast.kommune)
    MemberFactory(team=cast.team, user=second, role="koordinator")
    _to(Phase.RED, cast)
    assert "Planen har ikke skrevet noe for denne fasen" in _alerts()["cato"].message


def test_repeating_the_alert_for_the_same_change_alerts_nobody_twice(cast: Cast):
    crisis_plan(cast)
    change = _to(Phase.RED, cast)
    assert alerts.phase_change_alert(change=change) == []
    assert Notification.objects.filter(kind=Kind.PHASE_ALERT).count() == 2
    assert Delivery.objects.count() == 2


def test_a_refused_phase_change_alerts_nobody(cast: Cast):
    crisis_plan(cast)
    with pytest.raises(ValidationError):
        _to(Phase.RED, cast, reason=" ")
    assert not Notification.objects.filter(kind=Kind.PHASE_ALERT).exists()


# ---------------------------------------------------------------------------------------------
# Acknowledging


def test_the_recipient_acknowledges_and_it_is_read(cast: Cast):
    plan = crisis_plan(cast)
    _to(Phase.RED, cast)
    notification = _alerts()["nils"]
    acknowledged = alerts.notification_acknowledge(actor=plan.nils_user, notification=notification)
    assert acknowledged.acknowledged_at is not None
    assert acknowledged.read_at is not None
    first = acknowledged.acknowledged_at
    again = alerts.notification_acknowledge(actor=plan.nils_user, notification=notification)
    assert again.acknowledged_at == first


def test_someone_else_cannot_acknowledge_the_alert(cast: Cast):
    crisis_plan(cast)
    _to(Phase.RED, cast)
    notification = _alerts()["nils"]
    with pytest.raises(PermissionDenied):
        alerts.notification_acknowledge(actor=cast.member, notification=notification)
    notification.refresh_from_db()
    assert notification.acknowledged_at is None


# ---------------------------------------------------------------------------------------------
# Escalation


def test_an_unacknowledged_red_alert_escalates_to_the_deputy_and_the_leader(cast: Cast):
    with time_machine.travel(NOON, tick=False):
        crisis_plan(cast)
        _to(Phase.RED, cast)
        assert alerts.escalate_due(timezone.now() + dt.timedelta(minutes=29)) == 0
    later = NOON + dt.timedelta(minutes=31)
    with time_machine.travel(later, tick=False):
        assert alerts.escalate_due(timezone.now()) == 2  # Tor's and Nils's alerts
    escalations = Notification.objects.filter(kind=Kind.PHASE_ESCALATION).select_related(
        "recipient"
    )
    by_recipient: dict[str, list[Notification]] = {}
    for n in escalations:
        by_recipient.setdefault(n.recipient.username, []).append(n)
    assert set(by_recipient) == {"dina", "leif"}
    assert len(by_recipient["dina"]) == 2  # one per unacknowledged alert
    nils_alert = _alerts()["nils"]
    assert nils_alert.escalated_at == later
    assert any(n.occurrence == f"escalation:{nils_alert.pk}" for n in by_recipient["leif"])
    assert all(n.urgent and n.escalate_at is None for n in escalations)
    assert all("Nils" in n.message or "Tor" in n.message for n in escalations)


def test_the_leader_is_told_an_alert_went_unanswered_without_the_plan_it_quotes(cast: Cast):
    with time_machine.travel(NOON, tick=False):
        crisis_plan(cast)
        _to(Phase.RED, cast)
    with time_machine.travel(NOON + dt.timedelta(minutes=31), tick=False):
        alerts.escalate_due(timezone.now())
    escalations = Notification.objects.filter(kind=Kind.PHASE_ESCALATION)
    to_leif = list(escalations.filter(recipient=cast.leader))
    to_dina = list(escalations.filter(recipient__username="dina"))
    assert to_leif and to_dina
    for n in to_leif:
        # The red plan's actions name Kari and the night contact's numbers: clinical text.
        assert RED_ACTIONS[:20] not in n.message and "116 117" not in n.message
        assert "Kari" not in n.message
        assert f"aktørfellesskap nr. {cast.team.pk}" in n.message
        assert "Sørg for at noen følger opp nå." in n.message
    # The deputy is in the team and reads what the alert said.
    assert any(RED_ACTIONS[:20] in n.message for n in to_dina)


def test_an_acknowledged_alert_does_not_escalate(cast: Cast):
    with time_machine.travel(NOON, tick=False):
        plan = crisis_plan(cast)
        _to(Phase.RED, cast)
        for notification in _alerts().values():
            alerts.notification_acknowledge(actor=notification.recipient, notification=notification)
    assert alerts.escalate_due(NOON + dt.timedelta(hours=1)) == 0
    assert not Notification.objects.filter(kind=Kind.PHASE_ESCALATION).exists()
    assert plan.dina_user.notifications.count() == 0


def test_escalation_runs_once_however_often_the_sweep_runs(cast: Cast):
    with time_machine.travel(NOON, tick=False):
        crisis_plan(cast)
        _to(Phase.RED, cast)
    later = NOON + dt.timedelta(hours=1)
    assert alerts.escalate_due(later) == 2
    assert alerts.escalate_due(later) == 0
    assert alerts.escalate_due(later + dt.timedelta(days=1)) == 0
    assert Notification.objects.filter(kind=Kind.PHASE_ESCALATION).count() == 4


def test_the_deputy_is_not_escalated_to_about_their_own_alert(cast: Cast):
    with time_machine.travel(NOON, tick=False):
        plan = crisis_plan(cast)
        # Dina is also the night contact: her own silence goes to the leader only.
        entry = plan.version.phase_entries.get(phase=Phase.RED)
        entry.night_contact = plan.dina
        entry.save()
        _to(Phase.RED, cast)
    alerts.escalate_due(NOON + dt.timedelta(hours=1))
    dina_alert = _alerts()["dina"]
    assert not Notification.objects.filter(
        kind=Kind.PHASE_ESCALATION,
        recipient=plan.dina_user,
        occurrence=f"escalation:{dina_alert.pk}",
    ).exists()
    assert Notification.objects.filter(
        kind=Kind.PHASE_ESCALATION, recipient=cast.leader, occurrence=f"escalation:{dina_alert.pk}"
    ).exists()


def test_the_sweep_reads_the_partial_index_of_alerts_awaiting_escalation(cast: Cast):
    """The filter is exactly the index's condition plus the time, so PostgreSQL can use it
    (the plan is forced onto indexes to prove the index matches, not to benchmark)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    query = Notification.objects.filter(
        escalate_at__isnull=False,
        acknowledged_at__isnull=True,
        escalated_at__isnull=True,
        escalate_at__lte=NOON,
    )
    assert "alerts_awaiting_escalation" in query.explain()


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_escalate_each_alert_once(cast: Cast):
    with time_machine.travel(NOON, tick=False):
        crisis_plan(cast)
        _to(Phase.RED, cast)
    later = NOON + dt.timedelta(hours=1)
    results: list[int] = []
    barrier = threading.Barrier(2)

    def sweep() -> None:
        try:
            barrier.wait()
            results.append(alerts.escalate_due(later))
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) in ([0, 2], [1, 1])
    assert Notification.objects.filter(kind=Kind.PHASE_ESCALATION).count() == 4


def test_the_beat_schedule_runs_the_escalation_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["alert-escalate"]
    assert entry["task"] == "coordination.tasks.alert_escalate_task"
    assert entry["schedule"] == 60.0


def test_the_escalation_task_runs_the_sweep(cast: Cast):
    from coordination.tasks import alert_escalate_task

    with time_machine.travel(NOON, tick=False):
        crisis_plan(cast)
        _to(Phase.RED, cast)
    with time_machine.travel(NOON + dt.timedelta(minutes=45), tick=False):
        # .result, not .get(): threads of the concurrency tests running eager tasks can leave
        # celery's process-wide "join would block" flag set in this xdist worker.
        assert alert_escalate_task.delay().result == 2


# ---------------------------------------------------------------------------------------------
# The named night contact in the phase plan, and the phase view's path to the alert


def _entry_url(version_pk: int) -> str:
    return reverse("careplans:phase-entry-edit", args=[version_pk, "red"])


def _red_form(night_contact: int | str) -> dict[str, object]:
    return {
        "signs": "Snakker om å gi opp",
        "actions": "Tor ringer samme dag",
        "call_night": NIGHT,
        "night_contact": night_contact,
    }


def test_the_coordinator_names_the_night_contact_in_the_phase_plan(cast: Cast):
    plan = crisis_plan(cast)
    draft = version_for(cast.team, cast.coordinator)
    client = client_for(cast.coordinator)
    form = client.get(_entry_url(draft.pk)).content.decode()
    assert "Navngitt kontakt kveld og natt" in form
    response = client.post(_entry_url(draft.pk), _red_form(plan.nils.pk))
    assert response.status_code == 302
    entry = draft.phase_entries.get(phase=Phase.RED)
    assert entry.night_contact == plan.nils
    section = client.get(
        reverse("workspace:team-faseplan", args=[cast.team.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    # The section shows the plan in force (the helper's), whose night contact is Nils too.
    assert "Navngitt kontakt kveld og natt" in section
    assert "Nils" in section


def test_a_night_contact_who_has_left_is_refused_with_a_message(cast: Cast):
    plan = crisis_plan(cast)
    plan.nils.left_on = timezone.localdate()
    plan.nils.save()
    draft = version_for(cast.team, cast.coordinator)
    response = client_for(cast.coordinator).post(_entry_url(draft.pk), _red_form(plan.nils.pk))
    assert response.status_code == 200
    assert "har sluttet i aktørfellesskapet" in response.content.decode()
    assert not draft.phase_entries.exists()


def test_a_phase_change_through_the_phase_view_alerts_the_night_contact(cast: Cast):
    plan = crisis_plan(cast)
    response = client_for(cast.coordinator).post(
        reverse("careplans:phase-change", args=[cast.team.pk]),
        {"phase": "red", "reason": "Legevakten ringte"},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert Notification.objects.filter(
        recipient=plan.nils_user, kind=Kind.PHASE_ALERT, urgent=True
    ).exists()
