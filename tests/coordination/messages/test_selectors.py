"""Query budgets of the message pages (issue 19), at two sizes to catch N+1: the thread list
reads four queries whatever the number of threads and messages (the portal's too), a thread seven whatever the
number of messages and files; and the unread counts are right."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from actors.selectors import team_get
from coordination.messages.selectors import (
    SECTION_THREADS,
    thread_get,
    thread_list_for_portal,
    thread_list_for_team,
    threads_section,
)
from coordination.messages.services import message_post, thread_mark_read, thread_start
from coordination.models import Thread
from tests.conftest import Cast
from tests.files import upload

pytestmark = pytest.mark.django_db


def threads(cast: Cast, n: int, messages: int = 2) -> list[Thread]:
    made = []
    for i in range(n):
        t = thread_start(
            actor=cast.member,
            team=cast.team,
            subject=f"Sak {i}",
            audience="with_patient" if i % 2 else "staff",
            body="Første",
        )
        for _ in range(messages - 1):
            message_post(
                actor=cast.patient if t.with_patient else cast.coordinator, thread=t, body="Svar"
            )
        made.append(t)
    return made


@pytest.mark.parametrize("n", [5, 50])
def test_the_thread_list_reads_four_queries(cast: Cast, n: int, django_assert_num_queries):
    threads(cast, n)

    # 1 team with patient, 2 standing, 3 audit row, 4 threads with counts and starter.
    with django_assert_num_queries(4):
        listing = thread_list_for_team(cast.coordinator, cast.team.pk)
        [t.created_by.username for t in listing.threads]

    assert len(listing.threads) == n


@pytest.mark.parametrize("n", [5, 50])
def test_the_portal_list_reads_four_queries(cast: Cast, n: int, django_assert_num_queries):
    threads(cast, n)

    # 1 patient (Kari's standing needs no query: she is the patient), 2 the team, 3 audit
    # row, 4 threads.
    with django_assert_num_queries(4):
        listing = thread_list_for_portal(cast.patient, cast.team.patient.pk)

    assert listing is not None and len(listing.threads) == n // 2  # only those with Kari


@pytest.mark.parametrize("n", [5, 50])
def test_a_thread_reads_seven_queries(cast: Cast, n: int, django_assert_num_queries):
    [t] = threads(cast, 1, messages=n)
    message_post(actor=cast.member, thread=t, body="Med vedlegg", upload=upload())
    thread_mark_read(user=cast.member, thread=t)

    # 1 thread with team and patient, 2 standing, 3 audit row, 4 messages with author, task
    # and agenda item, 5 their files, 6 read marks with readers, 7 the next meeting.
    with django_assert_num_queries(7):
        page = thread_get(cast.coordinator, t.pk)
        [(m.author.username, list(m.attachments.all())) for m in page.messages]

    assert len(page.messages) == n + 1


def unread(user, cast: Cast) -> dict[str, int]:
    listing = thread_list_for_team(user, cast.team.pk)
    return {t.subject: t.unread_count for t in listing.threads}  # type: ignore[attr-defined]


def test_unread_counts_are_per_reader_and_leave_out_ones_own(cast: Cast):
    [staff, with_kari] = threads(cast, 2, messages=3)
    thread_mark_read(user=cast.coordinator, thread=staff)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=1), tick=False):
        message_post(actor=cast.member, thread=staff, body="Ny")

    counts = unread(cast.coordinator, cast)
    # Staff thread: Cecilie wrote two of its three, read it, then Tor wrote one more.
    assert counts == {"Sak 0": 1, "Sak 1": 3}
    kari = unread(cast.patient, cast)
    # Her answers are not unread to her, and answering marked what she answered read.
    assert kari == {"Sak 1": 0}
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2), tick=False):
        message_post(actor=cast.member, thread=with_kari, body="Takk, Kari")
    kari = unread(cast.patient, cast)
    assert kari == {"Sak 1": 1}


def test_the_team_section_shows_the_list_s_newest_threads_with_their_counts(
    cast: Cast, django_assert_num_queries
):
    made = threads(cast, 8, messages=3)
    thread_mark_read(user=cast.coordinator, thread=made[0])
    totals = []
    for viewer in (cast.coordinator, cast.patient):
        listing = thread_list_for_team(viewer, cast.team.pk)
        page = team_get(viewer, cast.team.pk)
        with django_assert_num_queries(1):
            data = threads_section(page)
            starters = [row.thread.created_by.username for row in data["rows"]]
        newest: list[Any] = listing.threads[:SECTION_THREADS]
        shown: list[Any] = [row.thread for row in data["rows"]]
        assert [t.pk for t in shown] == [t.pk for t in newest]
        assert starters == [t.created_by.username for t in newest]
        counts = [(t.last_read, t.message_count, t.unread_count) for t in shown]
        assert counts == [(t.last_read, t.message_count, t.unread_count) for t in newest]
        unread = sum(c for _, _, c in counts)
        said = {0: "", 1: "Du har 1 ulest melding."}.get(
            unread, f"Du har {unread} uleste meldinger."
        )
        assert data["unread_total"] == said
        totals.append(unread)
        assert [row.messages for row in data["rows"]] == ["3 meldinger"] * len(shown)
    assert max(totals) > 1
