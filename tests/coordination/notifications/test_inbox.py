"""The inbox (Varsler): the list, the unread badge in the menu, and pages when Redis is down.

Leif (the leader) receives the notifications in these tests; Tor (the nurse) is someone else
whose notifications Leif must never see.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from actors.models import User
from coordination.models import Notification
from coordination.notifications import unread
from coordination.notifications.inbox_selectors import PAGE_SIZE
from coordination.notifications.notify import notify
from tests.conftest import Cast, client_for

pytestmark = pytest.mark.django_db

INBOX = "coordination:notification-list"
DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    }
}


def note(user: User, n: int, *, message: str = "", url: str = "", urgent: bool = False):
    """A notification ``n`` minutes old."""
    notification = Notification.objects.create(
        recipient=user,
        kind=Notification.Kind.TASK_DUE,
        occurrence=f"test:{n}",
        message=message or f"Varsel nummer {n}.",
        url=url,
        urgent=urgent,
    )
    Notification.objects.filter(pk=notification.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=n)
    )
    return notification


def test_the_inbox_lists_the_newest_first_with_a_new_tag_and_a_link(cast: Cast):
    note(cast.leader, 10, message="Eldst.")
    note(cast.leader, 1, message="Nyest.", url="/aktorfellesskap/1/#tiltak")
    note(cast.member, 2, message="Til Tor.")
    body = client_for(cast.leader).get(reverse(INBOX)).content.decode()
    assert body.index("Nyest.") < body.index("Eldst.")
    assert "Til Tor." not in body
    assert body.count(">Ny</span>") == 2
    assert 'href="/aktorfellesskap/1/#tiltak"' in body


def test_opening_the_inbox_marks_what_it_shows_read(cast: Cast):
    note(cast.leader, 1)
    client = client_for(cast.leader)
    client.get(reverse(INBOX))
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert ">Ny</span>" not in client.get(reverse(INBOX)).content.decode()


def test_an_urgent_alert_comes_first_and_stays_unread_and_unacknowledged_until_kvittert(
    cast: Cast,
):
    note(cast.leader, 1, message="Vanlig.")
    alert = note(cast.leader, 30, message="Rød fase.", urgent=True)
    client = client_for(cast.leader)
    body = client.get(reverse(INBOX)).content.decode()
    assert body.index("Rød fase.") < body.index("Vanlig.")
    acknowledge = reverse("coordination:notification-acknowledge", args=[alert.pk])
    assert f'action="{acknowledge}"' in body
    assert "Kvitter" in body
    alert.refresh_from_db()
    assert alert.read_at is None
    assert alert.acknowledged_at is None

    client.post(reverse("coordination:notification-mark-all-read"))
    alert.refresh_from_db()
    assert alert.read_at is None
    assert alert.acknowledged_at is None

    client.post(acknowledge)
    alert.refresh_from_db()
    assert alert.acknowledged_at is not None
    assert f'action="{acknowledge}"' not in client.get(reverse(INBOX)).content.decode()


def test_marking_all_read_covers_the_older_pages_too(cast: Cast):
    for n in range(PAGE_SIZE + 5):
        note(cast.leader, n)
    client = client_for(cast.leader)
    body = client.get(reverse(INBOX)).content.decode()
    assert body.count("Varsel nummer") == PAGE_SIZE
    assert 'href="?side=2"' in body
    assert Notification.objects.filter(read_at__isnull=True).count() == 5
    response = client.post(reverse("coordination:notification-mark-all-read"), follow=True)
    assert "Alle varsler er merket som lest." in response.content.decode()
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    older = client.get(reverse(INBOX), {"side": 2}).content.decode()
    assert older.count("Varsel nummer") == 5
    assert 'href="?side=1"' in older


def test_a_page_number_that_is_not_a_number_shows_the_first_page(cast: Cast):
    note(cast.leader, 1)
    response = client_for(cast.leader).get(reverse(INBOX), {"side": "x"})
    assert response.status_code == 200
    assert "Varsel nummer 1." in response.content.decode()


@pytest.mark.parametrize("number", ["-1", "²", "99999999999999999999"])
def test_a_page_number_out_of_range_or_in_other_digits_shows_the_first_page(cast: Cast, number):
    note(cast.leader, 1)
    response = client_for(cast.leader).get(reverse(INBOX), {"side": number})
    assert response.status_code == 200
    assert "Varsel nummer 1." in response.content.decode()


def test_the_menu_shows_the_count_and_polls_it_every_minute(
    cast: Cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=cast.leader, kind="task_due", team=None, occurrence="x", message="Frist.")
    body = client_for(cast.leader).get(reverse("workspace:team-list")).content.decode()
    assert "Varsler (1)" in body
    badge = reverse("coordination:notification-badge")
    assert f'hx-get="{badge}?n=1"' in body
    assert 'hx-trigger="every 60s, varsler-changed from:body"' in body
    assert 'aria-live="polite"' in body


def test_the_badge_answers_204_while_the_count_is_unchanged(cast: Cast):
    note(cast.leader, 1)
    unread.refresh(cast.leader)
    client = client_for(cast.leader)
    badge = reverse("coordination:notification-badge")
    assert client.get(badge, {"n": "1"}).status_code == 204
    changed = client.get(badge, {"n": "0"})
    assert changed.status_code == 200
    assert "Varsler (1)" in changed.content.decode()
    assert f"{badge}?n=1" in changed.content.decode()


def test_the_badge_costs_two_queries_from_the_cache_and_one_count_on_a_miss(
    cast: Cast, django_assert_num_queries
):
    for n in range(5):
        note(cast.leader, n)
    client = client_for(cast.leader)
    badge = reverse("coordination:notification-badge")
    unread.refresh(cast.leader)
    # 1 session, 2 user; the count comes from the cache.
    with django_assert_num_queries(2):
        assert "Varsler (5)" in client.get(badge).content.decode()
    from django.core.cache import cache

    cache.delete(unread._key(cast.leader))
    # 1 session, 2 user, 3 the COUNT, which refills the cache.
    with django_assert_num_queries(3):
        assert "Varsler (5)" in client.get(badge).content.decode()
    assert unread.cached(cast.leader) == 5


def test_anonymous_visitors_are_sent_to_log_in(cast: Cast):
    response = client_for(None).get(reverse("coordination:notification-badge"))
    assert response.status_code == 302


# Varsler: 1 session, 2 user, 3 the page of notifications (waiting alerts first; one row more
# than a page instead of a COUNT), 4 savepoint, 5 marking the shown ones read, 6 release.
# The menu's count is cached; after commit it is recounted once (not run in these tests).
INBOX_QUERIES = 6


@pytest.mark.parametrize("count", [5, 50])
def test_the_inbox_uses_the_same_queries_for_5_and_50_notifications(
    cast: Cast, count: int, django_assert_num_queries
):
    for n in range(count):
        note(cast.leader, n, urgent=n % 5 == 0, url=f"/aktorfellesskap/{n}/")
    client = client_for(cast.leader)
    with django_assert_num_queries(INBOX_QUERIES):
        response = client.get(reverse(INBOX))
    assert response.content.decode().count("Varsel nummer") == count


# --- Redis down -------------------------------------------------------------------------


def test_pages_and_notifying_still_work_when_redis_is_down(
    cast: Cast, settings, django_capture_on_commit_callbacks
):
    settings.CACHES = DEAD_REDIS
    assert unread.cached(cast.leader) is None
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=cast.leader, kind="task_due", team=None, occurrence="x", message="Frist.")
    client = client_for(cast.leader)
    home = client.get(reverse("workspace:team-list"))
    assert home.status_code == 200
    assert "Varsler" in home.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        inbox = client.get(reverse(INBOX))
    assert inbox.status_code == 200
    assert "Frist." in inbox.content.decode()
    badge = client.get(reverse("coordination:notification-badge"))
    assert badge.status_code == 200  # counted in the database instead
    assert client.post(reverse("coordination:notification-mark-all-read")).status_code == 302
