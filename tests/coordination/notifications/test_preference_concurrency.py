"""A new calendar address asked for twice at the same moment (a double click): one new address,
and the other click gets a message, never a 500. Real transactions, one connection each."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.urls import reverse

from coordination.models import CalendarFeed
from coordination.notifications.preference_services import calendar_feed_create
from lkt.core.forms import ALREADY_SAVED
from tests.concurrency import posting, run_with_inserts_held
from tests.conftest import Cast, client_for


@pytest.mark.django_db(transaction=True)
def test_two_new_calendar_addresses_at_once_make_one_and_tell_the_other_click(cast: Cast):
    old = calendar_feed_create(actor=cast.member)
    url = reverse("coordination:calendar-feed-manage")

    first, second = run_with_inserts_held(
        CalendarFeed,
        posting(client_for(cast.member), url, {"action": "regenerate"}, follow=True),
        posting(client_for(cast.member), url, {"action": "regenerate"}, follow=True),
    )

    assert all(isinstance(r, HttpResponse) for r in (first, second)), (first, second)
    # Both come back to the preferences page with their message, neither to an error page.
    assert [first.status_code, second.status_code] == [200, 200]
    pages = [r.content.decode() for r in (first, second)]
    assert sum("Du har fått en ny kalenderadresse." in p for p in pages) == 1
    assert sum(str(ALREADY_SAVED) in p for p in pages) == 1
    (feed,) = CalendarFeed.objects.filter(user=cast.member)
    assert feed.token != old.token
