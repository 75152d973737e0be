"""Phase proposals from night contacts (coordination.phase.rules).

The defaults: two contacts within 7 days propose gul; an admission or a contact with suicide
risk proposes rød. A proposal is an open observation from the rule, which Cecilie confirms or
rejects as any other (element E).
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from careplans.models import Phase, PhaseChange
from coordination.models import NightContact, Notification, Observation, PhaseRule
from coordination.observations.services import Decision, observation_decide
from coordination.phase.rules import DEFAULT_RULES, phase_rules_save, rules_for
from tests.conftest import Cast
from tests.coordination.night.test_services import NOW, record

pytestmark = pytest.mark.django_db

Outcome = NightContact.Outcome


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def hours_ago(hours: float) -> dt.datetime:
    return NOW - dt.timedelta(hours=hours)


def test_two_contacts_within_seven_days_propose_yellow(cast: Cast):
    record(cast, occurred_at=hours_ago(6 * 24))
    assert not Observation.objects.exists()
    second = record(cast, occurred_at=hours_ago(1), service="amk")
    observation = Observation.objects.get()
    assert observation.proposed_phase == Phase.YELLOW
    assert observation.status == Observation.Status.OPEN
    assert observation.night_contact == second
    assert observation.rule == "count:2/7"
    assert observation.reported_by == cast.night
    assert observation.text.startswith("Forslag fra regel: 2 kontakter")


def test_two_contacts_eight_days_apart_propose_nothing(cast: Cast):
    record(cast, occurred_at=hours_ago(8 * 24))
    record(cast, occurred_at=hours_ago(1))
    assert not Observation.objects.exists()


def test_an_admission_proposes_red_and_alerts_the_coordinator_urgently(cast: Cast):
    record(cast, outcome=Outcome.ADMITTED)
    observation = Observation.objects.get()
    assert (observation.proposed_phase, observation.rule) == (Phase.RED, "admission")
    alert = Notification.objects.get(kind=Notification.Kind.PHASE_PROPOSED)
    assert alert.recipient == cast.coordinator
    assert alert.urgent
    assert alert.url.endswith("#observasjoner")


def test_suicide_risk_proposes_red(cast: Cast):
    record(cast, suicide_risk=True)
    observation = Observation.objects.get()
    assert (observation.proposed_phase, observation.rule) == (Phase.RED, "suicide_risk")


def test_a_yellow_proposal_alerts_without_urgency(cast: Cast):
    record(cast, occurred_at=hours_ago(30))
    record(cast, occurred_at=hours_ago(2))
    assert not Notification.objects.get(kind=Notification.Kind.PHASE_PROPOSED).urgent


def test_the_most_severe_rule_proposes_once(cast: Cast):
    record(cast, occurred_at=hours_ago(30))
    record(cast, occurred_at=hours_ago(2), outcome=Outcome.ADMITTED, suicide_risk=True)
    assert list(Observation.objects.values_list("proposed_phase", flat=True)) == [Phase.RED]


def test_the_phase_the_team_is_in_is_never_proposed(cast: Cast):
    PhaseChange.objects.create(
        team=cast.team, phase=Phase.RED, reason="x", changed_by=cast.coordinator
    )
    record(cast, outcome=Outcome.ADMITTED)
    record(cast, occurred_at=hours_ago(3), suicide_risk=True)
    assert not Observation.objects.exists()


def test_a_milder_phase_than_the_current_is_not_proposed(cast: Cast):
    PhaseChange.objects.create(
        team=cast.team, phase=Phase.RED, reason="x", changed_by=cast.coordinator
    )
    record(cast, occurred_at=hours_ago(30))
    record(cast, occurred_at=hours_ago(2))
    assert not Observation.objects.exists()


def test_in_yellow_an_admission_still_proposes_red(cast: Cast):
    PhaseChange.objects.create(
        team=cast.team, phase=Phase.YELLOW, reason="x", changed_by=cast.coordinator
    )
    record(cast, occurred_at=hours_ago(30))
    record(cast, occurred_at=hours_ago(2), outcome=Outcome.ADMITTED)
    assert list(Observation.objects.values_list("proposed_phase", flat=True)) == [Phase.RED]


def test_the_same_contact_and_rule_never_propose_twice(cast: Cast):
    from coordination.phase.rules import evaluate

    contact = record(cast, outcome=Outcome.ADMITTED)
    Observation.objects.update(status=Observation.Status.REJECTED)
    assert evaluate(contact, team=cast.team, actor=cast.night) is None
    assert Observation.objects.count() == 1


def test_a_waiting_proposal_is_not_repeated_by_the_next_contact(cast: Cast):
    record(cast, occurred_at=hours_ago(30))
    record(cast, occurred_at=hours_ago(20))
    record(cast, occurred_at=hours_ago(2))
    assert Observation.objects.count() == 1


def test_the_coordinator_confirms_a_rule_proposal_as_in_element_e(cast: Cast):
    record(cast, outcome=Outcome.ADMITTED)
    observation = Observation.objects.get()
    decided = observation_decide(
        actor=cast.coordinator, observation=observation, decision=Decision.CONFIRM
    )
    assert decided.phase_change is not None
    assert decided.phase_change.phase == Phase.RED


def test_defaults_are_used_until_the_team_has_its_own_rules(cast: Cast):
    rules = rules_for(cast.team)
    assert [r.pk for r in rules] == [None] * len(DEFAULT_RULES)
    assert [r.trigger for r in rules] == [d["trigger"] for d in DEFAULT_RULES]


def test_team_rules_override_the_defaults(cast: Cast):
    PhaseRule.objects.create(
        team=cast.team, trigger="count", min_contacts=3, within_days=7, phase="red"
    )
    record(cast, occurred_at=hours_ago(5), outcome=Outcome.ADMITTED)  # no admission rule here
    assert not Observation.objects.exists()
    record(cast, occurred_at=hours_ago(3))
    assert not Observation.objects.exists()  # two are not three
    record(cast, occurred_at=hours_ago(1))
    observation = Observation.objects.get()
    assert (observation.proposed_phase, observation.rule) == (Phase.RED, "count:3/7")


def test_an_inactive_rule_proposes_nothing(cast: Cast):
    PhaseRule.objects.create(team=cast.team, trigger="admission", phase="red", active=False)
    record(cast, outcome=Outcome.ADMITTED)
    assert not Observation.objects.exists()


def test_first_save_copies_the_defaults_into_the_teams_rows(cast: Cast):
    changes = [{"active": True, "phase": "yellow", "min_contacts": 3, "within_days": 10}]
    changes += [{"active": False, "phase": "red"}, {"active": True, "phase": "red"}]
    phase_rules_save(actor=cast.coordinator, team=cast.team, changes=changes, new=None)
    rows = list(PhaseRule.objects.filter(team=cast.team).order_by("pk"))
    assert [(r.trigger, r.min_contacts, r.within_days, r.active) for r in rows] == [
        ("count", 3, 10, True),
        ("admission", None, None, False),
        ("suicide_risk", None, None, True),
    ]


def test_a_count_rule_outside_the_limits_gets_the_constraints_message(cast: Cast):
    with pytest.raises(ValidationError) as error:
        phase_rules_save(
            actor=cast.coordinator,
            team=cast.team,
            changes=[],
            new={"min_contacts": 1, "within_days": 7, "phase": "yellow", "active": True},
        )
    assert "2–20 kontakter innen 1–90 dager" in error.value.message_dict["new"][0]
    assert not PhaseRule.objects.exists()


def test_only_the_coordinator_saves_rules(cast: Cast):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        phase_rules_save(actor=cast.member, team=cast.team, changes=[], new=None)
