"""Notification preferences: the page, its rules, and what they change in what is sent.

Tor (the nurse) edits his own settings; Leif's stay untouched, since the page only ever acts
on the logged-in person.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from coordination.models import CalendarFeed, Delivery, NotificationPreference
from coordination.notifications.notify import notify
from coordination.notifications.preference_services import notification_preference_save
from tests.conftest import Cast, client_for

pytestmark = pytest.mark.django_db

PAGE = "coordination:notification-preferences"
Email = NotificationPreference.Email


def test_the_page_explains_that_urgent_alerts_go_out_at_once_even_with_the_digest(cast: Cast):
    body = client_for(cast.member).get(reverse(PAGE)).content.decode()
    assert "sendes med en gang, også når du har valgt én e-post om dagen" in body
    assert 'value="instant"' in body
    assert "checked" in body.split('value="instant"')[1].split(">")[0]


def test_a_person_saves_the_daily_digest_for_themselves_only(cast: Cast):
    response = client_for(cast.member).post(reverse(PAGE), {"email": Email.DIGEST}, follow=True)
    assert "Innstillingene er lagret." in response.content.decode()
    assert NotificationPreference.objects.get(user=cast.member).email == Email.DIGEST
    assert not NotificationPreference.objects.filter(user=cast.leader).exists()


def test_a_missing_choice_comes_back_with_a_message_and_status_200(cast: Cast):
    response = client_for(cast.member).post(reverse(PAGE), {"sms_urgent": "on"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Velg hvordan du vil få varsler på e-post." in body
    assert not NotificationPreference.objects.exists()


def test_sms_without_a_phone_number_is_refused_and_the_page_says_why(cast: Cast):
    client = client_for(cast.member)
    assert "Vi har ikke telefonnummeret ditt" in client.get(reverse(PAGE)).content.decode()
    response = client.post(reverse(PAGE), {"email": Email.OFF, "sms_urgent": "on"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'aria-invalid="true"' in body
    assert "checked" in body.split('value="off"')[1].split(">")[0]  # the choice is kept
    assert not NotificationPreference.objects.exists()


def test_sms_with_a_phone_number_is_saved(cast: Cast):
    cast.member.phone = "91234567"
    cast.member.save()
    client_for(cast.member).post(reverse(PAGE), {"email": Email.INSTANT, "sms_urgent": "on"})
    assert NotificationPreference.objects.get(user=cast.member).sms_urgent


def test_the_service_refuses_an_unknown_choice(cast: Cast):
    with pytest.raises(ValidationError) as error:
        notification_preference_save(actor=cast.member, email="hourly", sms_urgent=False)
    assert "email" in error.value.message_dict


def _alert(cast: Cast, occurrence: str, *, urgent: bool) -> list[str]:
    notification = notify(
        recipient=cast.member,
        kind="phase_alert" if urgent else "task_due",
        team=cast.team,
        occurrence=occurrence,
        message="Noe skjedde.",
        urgent=urgent,
    )
    assert notification is not None
    return sorted(d.channel for d in Delivery.objects.filter(notification=notification))


def test_the_digest_holds_back_ordinary_e_mail_but_not_urgent_alerts(cast: Cast):
    cast.member.phone = "91234567"
    cast.member.save()
    notification_preference_save(actor=cast.member, email=Email.DIGEST, sms_urgent=True)
    assert _alert(cast, "a", urgent=False) == []
    assert _alert(cast, "b", urgent=True) == ["email", "sms"]


def test_e_mail_off_sends_no_e_mail_even_for_urgent_alerts(cast: Cast):
    notification_preference_save(actor=cast.member, email=Email.OFF, sms_urgent=False)
    assert _alert(cast, "a", urgent=False) == []
    assert _alert(cast, "b", urgent=True) == []


def test_without_a_saved_preference_e_mail_goes_at_once(cast: Cast):
    assert _alert(cast, "a", urgent=False) == ["email"]


# --- The calendar address -------------------------------------------------------------


def test_a_person_creates_regenerates_and_deletes_their_calendar_address(cast: Cast):
    client = client_for(cast.member)
    manage = reverse("coordination:calendar-feed-manage")
    client.post(manage, {"action": "create"})
    client.post(manage, {"action": "create"})  # a double click makes one address
    first = CalendarFeed.objects.get(user=cast.member).token
    page = client.get(reverse(PAGE)).content.decode()
    assert f"/kalender/{first}.ics" in page
    assert "aldri pasientens navn" in page

    client.post(manage, {"action": "regenerate"})
    second = CalendarFeed.objects.get(user=cast.member).token
    assert second != first
    assert client_for(None).get(f"/kalender/{first}.ics").status_code == 404
    assert client_for(None).get(f"/kalender/{second}.ics").status_code == 200

    response = client.post(manage, {"action": "revoke"}, follow=True)
    assert "virker ikke lenger" in response.content.decode()
    assert not CalendarFeed.objects.exists()
    assert client_for(None).get(f"/kalender/{second}.ics").status_code == 404


def test_an_unknown_calendar_action_changes_nothing(cast: Cast):
    response = client_for(cast.member).post(
        reverse("coordination:calendar-feed-manage"), {"action": "steal"}, follow=True
    )
    assert "Ukjent valg" in response.content.decode()
    assert not CalendarFeed.objects.exists()


def test_the_calendar_address_cannot_be_made_without_logging_in(cast: Cast):
    response = client_for(None).post(
        reverse("coordination:calendar-feed-manage"), {"action": "create"}
    )
    assert response.status_code == 302
    assert not CalendarFeed.objects.exists()
