"""The good-day count through its views: Kari's portal form and her answers week by week, and
the team page section where Cecilie records it with her (full page, htmx partial, errors)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from careplans.models import GoodDayRating
from tests.conftest import Cast, client_for

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def _portal(cast: Cast) -> str:
    return reverse("careplans:portal-good-days", args=[cast.team.patient.pk])


def _record(cast: Cast) -> str:
    return reverse("careplans:team-good-days-record", args=[cast.team.pk])


def _answer(cast: Cast, good_days: int, days_ago: int) -> GoodDayRating:
    return GoodDayRating.objects.create(
        patient=cast.team.patient,
        rated_on=timezone.localdate() - dt.timedelta(days=days_ago),
        good_days=good_days,
        recorded_by=cast.patient,
    )


def test_the_portal_home_asks_kari_the_question_and_loads_her_answers(cast: Cast):
    body = client_for(cast.patient).get(reverse("workspace:portal-home")).content.decode()
    assert "Hvor mange gode dager har du hatt den siste uka?" in body
    assert f'hx-get="{_portal(cast)}"' in body
    assert body.count('type="radio" name="good_days"') == 8


def test_per_does_not_get_the_question_on_karis_portal(cast: Cast):
    url = reverse("workspace:portal-overview", args=[cast.team.patient.pk])
    body = client_for(cast.relative).get(url).content.decode()
    assert "Hvor mange gode dager" not in body


def test_kari_answers_and_sees_the_confirmation_and_her_answers_week_by_week(cast: Cast):
    _answer(cast, 3, days_ago=7)
    client = client_for(cast.patient)
    response = client.post(_portal(cast), {"good_days": "5"}, follow=True)
    body = response.content.decode()
    assert "Takk! Svaret ditt er lagret." in body
    week = timezone.localdate().isocalendar().week
    assert f"Uke {week} (" in body
    assert "5 gode dager" in body and "3 gode dager" in body
    rating = GoodDayRating.objects.get(rated_on=timezone.localdate())
    assert (rating.good_days, rating.recorded_by) == (5, cast.patient)


def test_kari_answers_in_place_with_htmx(cast: Cast):
    response = client_for(cast.patient).post(_portal(cast), {"good_days": "1"}, headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert "Takk! Svaret ditt er lagret." in body
    assert "1 god dag" in body


def test_kari_answering_twice_today_keeps_the_last_answer(cast: Cast):
    client = client_for(cast.patient)
    client.post(_portal(cast), {"good_days": "2"})
    client.post(_portal(cast), {"good_days": "6"})
    assert list(GoodDayRating.objects.values_list("good_days", flat=True)) == [6]


@pytest.mark.parametrize("value", ["", "9", "fem"])
def test_a_missing_or_wrong_answer_comes_back_with_a_message_and_status_200(cast: Cast, value: str):
    response = client_for(cast.patient).post(_portal(cast), {"good_days": value}, headers=HTMX)
    assert response.status_code == 200
    assert 'class="ds-validation-message"' in response.content.decode()
    assert not GoodDayRating.objects.exists()


def test_the_section_shows_the_last_twelve_answers_as_a_chart_and_a_table(cast: Cast):
    for n in range(14):
        _answer(cast, n % 8, days_ago=7 * n)
    url = reverse("workspace:team-gode-dager", args=[cast.team.pk])
    body = client_for(cast.coordinator).get(url, headers=HTMX).content.decode()
    assert 'role="img"' in body and "<title" in body and "<desc" in body
    assert body.count("<circle") == 12
    assert body.count('<th scope="row"><time') == 12
    assert "Pasienten selv" in body
    # The form renders when opened (issue 17): the section carries the link that loads it.
    record = _record(cast)
    assert f'hx-get="{record}" hx-trigger="toggle once from:closest details"' in body
    assert 'name="good-days-rated_on"' not in body


def test_the_form_opens_in_the_section_and_on_a_page_of_its_own(cast: Cast):
    client = client_for(cast.coordinator)
    form = client.get(_record(cast), headers=HTMX).content.decode()
    assert 'name="good-days-rated_on"' in form and "<html" not in form
    page = client.get(_record(cast)).content.decode()
    assert 'name="good-days-rated_on"' in page and "<html" in page
    assert client_for(cast.relative).get(_record(cast), headers=HTMX).status_code == 403


def test_the_team_page_has_the_section_and_per_sees_it_without_the_form(cast: Cast):
    _answer(cast, 4, days_ago=0)
    url = reverse("workspace:team-detail", args=[cast.team.pk])
    body = client_for(cast.coordinator).get(url).content.decode()
    assert 'id="gode-dager"' in body
    section = reverse("workspace:team-gode-dager", args=[cast.team.pk])
    per = client_for(cast.relative).get(section, headers=HTMX).content.decode()
    assert "Gode dager" in per and "<td>4</td>" in per
    assert "good-days-rated_on" not in per


def test_cecilie_records_with_kari_and_the_section_comes_back_in_place(cast: Cast):
    day = timezone.localdate() - dt.timedelta(days=2)
    response = client_for(cast.coordinator).post(
        _record(cast),
        {"good-days-rated_on": day.isoformat(), "good-days-good_days": "6"},
        headers=HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Svaret er lagret." in body and "<td>6</td>" in body
    rating = GoodDayRating.objects.get()
    assert (rating.rated_on, rating.recorded_by) == (day, cast.coordinator)


def test_without_javascript_a_save_returns_to_the_section(cast: Cast):
    response = client_for(cast.member).post(
        _record(cast),
        {"good-days-rated_on": timezone.localdate().isoformat(), "good-days-good_days": "3"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#gode-dager")


def test_a_future_date_comes_back_with_its_message_and_status_200(cast: Cast):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client_for(cast.coordinator).post(
        _record(cast),
        {"good-days-rated_on": tomorrow.isoformat(), "good-days-good_days": "3"},
        headers=HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Datoen kan ikke være fram i tid." in body
    assert "Svaret ble ikke lagret" in body
    assert not GoodDayRating.objects.exists()


def test_per_may_not_record_and_nina_does_not_know_the_team(cast: Cast):
    data = {"good-days-rated_on": timezone.localdate().isoformat(), "good-days-good_days": "3"}
    assert client_for(cast.relative).post(_record(cast), data).status_code == 403
    assert client_for(cast.outsider).post(_record(cast), data).status_code == 404
    assert not GoodDayRating.objects.exists()
