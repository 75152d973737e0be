"""End to end with a real Celery worker and the real Redis.

A coordinator confirms a proposal of rød through the view, the named night contact's alert is
in the database at once (written with the phase change), and a worker started here sends its
e-mail from the outbox.

The worker is a separate process on the test's own queue, at the test's instant, pointed at
the test database pytest created (``tests.celery_processes``); it is stopped in ``finally``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from careplans.models import Phase
from careplans.phase_selectors import current_phase
from coordination.models import Delivery, Notification, Observation
from coordination.observation_services import observation_report
from tests.celery_processes import (
    redis_broker,
    start_worker,
    stop,
    tail,
    wait_for,
)
from tests.conftest import Cast, client_for
from tests.coordination.alert_helpers import crisis_plan


@pytest.mark.django_db(transaction=True)
def test_a_confirmed_red_proposal_reaches_the_night_contact_by_e_mail_through_a_worker(
    cast: Cast, worker_queue: str, tmp_path: Path
):
    redis_broker()
    plan = crisis_plan(cast)
    observation = observation_report(
        actor=cast.member, team=cast.team, text="Kari snakker om å gi opp", proposed_phase="red"
    )
    log = tmp_path / "worker.log"
    worker = start_worker(worker_queue, log)
    try:
        url = reverse("coordination:observation-decide", args=[cast.team.pk, observation.pk])
        response = client_for(cast.coordinator).post(url, {"decision": "confirm"})
        assert response.status_code == 302

        # At once, written with the phase change: the alert in the night contact's inbox and
        # the e-mail waiting in the outbox.
        assert current_phase(cast.team) == Phase.RED
        observation.refresh_from_db()
        assert observation.status == Observation.Status.CONFIRMED
        alert = Notification.objects.get(recipient=plan.nils_user, kind="phase_alert")
        assert alert.urgent
        email = Delivery.objects.get(notification=alert, channel=Delivery.Channel.EMAIL)

        # The worker sends it: the row is due at the test's instant, which is the worker's too.
        def sent() -> bool:
            email.refresh_from_db()
            return email.status != Delivery.Status.PENDING

        wait_for(sent, process=worker)
        assert email.status == Delivery.Status.SENT, tail(log)
        assert email.sent_at is not None
        assert email.attempts == 1
    finally:
        stop(worker)
