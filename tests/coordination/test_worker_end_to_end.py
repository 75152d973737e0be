"""End to end with a real Celery worker and the real Redis.

A coordinator confirms a proposal of rød through the view, the named night contact's alert is
in the database at once (written with the phase change), and a worker started here sends its
e-mail from the outbox. A worker killed in the middle of a leader's report leaves the job
running; the beat's sweep runs it again, and a second worker makes it.

Each worker is a separate process on the test's own queue, at the test's instant, pointed at
the test database pytest created (``tests.celery_processes``); it is stopped in ``finally``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import signal
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import time_machine
from django.urls import reverse
from psycopg import sql

from actors.models import Team
from careplans.models import Phase
from careplans.phase.selectors import current_phase
from coordination.models import Delivery, Notification, Observation, ReportJob
from coordination.observations.services import observation_report
from coordination.reports import report_jobs
from tests.celery_processes import (
    database_url,
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


@contextlib.contextmanager
def _teams_locked() -> Iterator[psycopg.Connection]:
    """Hold the team table in another connection, so a report's render (which reads teams
    first; its claim does not) waits there: a job that is certainly mid-run."""
    with psycopg.connect(database_url()) as locker:
        locker.execute(
            sql.SQL("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE").format(
                sql.Identifier(Team._meta.db_table)
            )
        )
        try:
            yield locker
        finally:
            locker.rollback()


def _waiting_for_the_lock(locker: psycopg.Connection) -> bool:
    row = locker.execute(
        "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = %s::regclass",
        [Team._meta.db_table],
    ).fetchone()
    return bool(row and row[0])


@pytest.mark.django_db(transaction=True)
def test_a_report_whose_worker_is_killed_mid_job_is_run_again_by_the_sweep(
    cast: Cast, worker_queue: str, tmp_path: Path
):
    redis_broker()
    first_log, second_log = tmp_path / "worker-1.log", tmp_path / "worker-2.log"
    workers = []
    try:
        with _teams_locked() as locker:
            workers.append(start_worker(worker_queue, first_log, name=f"{worker_queue}-1"))
            job = report_jobs.report_job_create(
                actor=cast.leader,
                organisation=cast.kommune,
                start=dt.date(2026, 1, 1),
                end=dt.date(2026, 3, 1),
            )

            # The worker took the job and is rendering it (waiting on the teams) ...
            assert wait_for(lambda: _waiting_for_the_lock(locker), process=workers[0]), tail(
                first_log
            )
            job.refresh_from_db()
            assert (job.status, job.attempts) == (ReportJob.Status.RUNNING, 1)

            # ... when it is killed: no chance to say anything.
            workers[0].send_signal(signal.SIGKILL)
            workers[0].wait(timeout=10)
        job.refresh_from_db()
        assert job.status == ReportJob.Status.RUNNING
        assert job.started_at is not None

        # Minutes later the beat's sweep finds it and hands it to the broker again, where a
        # second worker (at that later instant) makes it.
        later = job.started_at + report_jobs.LOST_AFTER + dt.timedelta(seconds=1)
        with time_machine.travel(later, tick=False):
            assert report_jobs.report_jobs_sweep() == {"requeued": 1, "failed": 0}
            job.refresh_from_db()
            assert job.status == ReportJob.Status.PENDING
            workers.append(
                start_worker(worker_queue, second_log, name=f"{worker_queue}-2", at=later)
            )

            def finished() -> bool:
                job.refresh_from_db()
                return job.status in (ReportJob.Status.DONE, ReportJob.Status.FAILED)

            wait_for(finished, process=workers[1])
        assert job.status == ReportJob.Status.DONE, tail(second_log)
        assert job.attempts == 2
        assert job.finished_at is not None and job.finished_at >= later
    finally:
        for worker in workers:
            stop(worker)
