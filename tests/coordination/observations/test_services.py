"""Observations and phase-change proposals (coordination.observations.services)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from careplans.models import Phase, PhaseChange
from careplans.phase import services as phase_services
from careplans.phase.selectors import current_phase
from coordination.models import Notification, Observation
from coordination.observations.services import (
    Decision,
    observation_decide,
    observation_report,
)
from lkt.models import AccessLog
from tests.conftest import Cast
from tests.coordination.alert_helpers import crisis_plan

pytestmark = pytest.mark.django_db

Kind = Notification.Kind


def _report(cast: Cast, actor=None, phase: str = "", text: str = "Kari sover dårlig igjen"):
    return observation_report(
        actor=actor or cast.member, team=cast.team, text=text, proposed_phase=phase
    )


def test_a_member_reports_and_the_coordinator_is_notified(cast: Cast):
    observation = _report(cast)
    assert observation.status == Observation.Status.OPEN
    notification = Notification.objects.get(recipient=cast.coordinator)
    assert notification.kind == Kind.OBSERVATION
    assert notification.occurrence == f"observation:{observation.pk}"
    assert notification.url.endswith("#observasjoner")
    # The e-mail copy carries no clinical text.
    assert "sover" not in notification.message
    assert AccessLog.objects.filter(
        user=cast.member, action=AccessLog.Action.CHANGE, object_type="coordination.observation"
    ).exists()


def test_a_proposal_of_a_phase_notifies_as_a_phase_proposal(cast: Cast):
    _report(cast, phase=Phase.RED)
    notification = Notification.objects.get(recipient=cast.coordinator)
    assert notification.kind == Kind.PHASE_PROPOSED
    assert "rød" in notification.message
    assert notification.urgent


def test_the_patient_may_report_and_propose(cast: Cast):
    observation = _report(cast, actor=cast.patient, phase=Phase.YELLOW, text="Jeg har det tungt")
    assert observation.reported_by == cast.patient
    assert Notification.objects.filter(recipient=cast.coordinator, kind=Kind.PHASE_PROPOSED)


def test_the_coordinator_reporting_is_not_notified_about_their_own_report(cast: Cast):
    _report(cast, actor=cast.coordinator)
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    ("role", "error"),
    [("relative", PermissionDenied), ("outsider", Http404), ("excluded_relative", Http404)],
)
def test_those_outside_the_clinical_team_may_not_report(cast: Cast, role: str, error):
    with pytest.raises(error):
        _report(cast, actor=cast.user(role))
    assert not Observation.objects.exists()


def test_an_empty_report_is_refused_with_a_message(cast: Cast):
    with pytest.raises(ValidationError) as caught:
        _report(cast, text="   ")
    assert caught.value.message_dict["text"] == ["Skriv hva som har endret seg."]


def test_proposing_the_current_phase_is_refused(cast: Cast):
    with pytest.raises(ValidationError) as caught:
        _report(cast, phase=Phase.GREEN)
    assert "allerede i grønn fase" in caught.value.message_dict["proposed_phase"][0]


def test_confirming_changes_the_phase_with_the_observation_as_reason_and_alerts(cast: Cast):
    plan = crisis_plan(cast)
    observation = _report(cast, phase=Phase.RED, text="Kari snakker om å gi opp")
    decided = observation_decide(
        actor=cast.coordinator, observation=observation, decision=Decision.CONFIRM
    )
    assert decided.status == Observation.Status.CONFIRMED
    assert decided.decided_by == cast.coordinator
    assert decided.phase_change is not None
    assert current_phase(cast.team) == Phase.RED
    assert "Kari snakker om å gi opp" in decided.phase_change.reason
    assert Notification.objects.filter(
        kind=Kind.PHASE_ALERT, recipient=plan.nils_user, urgent=True
    ).exists()


def test_rejecting_needs_a_note_and_keeps_the_phase(cast: Cast):
    observation = _report(cast, phase=Phase.YELLOW)
    with pytest.raises(ValidationError) as caught:
        observation_decide(
            actor=cast.coordinator, observation=observation, decision=Decision.REJECT
        )
    assert "note" in caught.value.message_dict
    decided = observation_decide(
        actor=cast.coordinator,
        observation=observation,
        decision=Decision.REJECT,
        note="Vi tar det opp på møtet fredag.",
    )
    assert decided.status == Observation.Status.REJECTED
    assert decided.decision_note == "Vi tar det opp på møtet fredag."
    assert current_phase(cast.team) == Phase.GREEN
    assert not PhaseChange.objects.exists()


def test_a_plain_observation_can_only_be_noted(cast: Cast):
    observation = _report(cast)
    with pytest.raises(ValidationError):
        observation_decide(
            actor=cast.coordinator, observation=observation, decision=Decision.CONFIRM
        )
    decided = observation_decide(
        actor=cast.coordinator, observation=observation, decision=Decision.NOTE
    )
    assert decided.status == Observation.Status.NOTED


def test_a_decided_observation_cannot_be_decided_again(cast: Cast):
    observation = _report(cast, phase=Phase.RED)
    observation_decide(actor=cast.coordinator, observation=observation, decision=Decision.CONFIRM)
    with pytest.raises(ValidationError) as caught:
        observation_decide(
            actor=cast.coordinator, observation=observation, decision=Decision.CONFIRM
        )
    assert "allerede behandlet" in caught.value.messages[0]
    assert PhaseChange.objects.count() == 1


def test_confirming_when_the_team_already_moved_there_says_so(cast: Cast):
    observation = _report(cast, phase=Phase.RED)
    phase_services.phase_change(
        actor=cast.coordinator, team=cast.team, phase=Phase.RED, reason="Legevakten ringte"
    )
    with pytest.raises(ValidationError) as caught:
        observation_decide(
            actor=cast.coordinator, observation=observation, decision=Decision.CONFIRM
        )
    assert "allerede i rød fase" in caught.value.messages[0]
    observation.refresh_from_db()
    assert observation.status == Observation.Status.OPEN


def test_only_the_coordinator_decides(cast: Cast):
    observation = _report(cast, phase=Phase.RED)
    with pytest.raises(PermissionDenied):
        observation_decide(actor=cast.member, observation=observation, decision=Decision.CONFIRM)
    with pytest.raises(Http404):
        observation_decide(actor=cast.outsider, observation=observation, decision=Decision.CONFIRM)
    assert current_phase(cast.team) == Phase.GREEN
