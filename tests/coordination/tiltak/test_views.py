"""The task pages: the team's list (page and partial) with overdue said in words, a new task
(messages with 200, HX-Trigger on success), the status, and the overdue count on the
coordinator's home page."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from coordination.models import Task
from tests.conftest import Cast, client_for
from tests.coordination.tiltak.test_services import cecilie, goal_for, make_task, tor

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def overdue_task(cast: Cast, title: str = "Søke om støttekontakt") -> Task:
    """A task made a week ago, due yesterday, still open."""
    with time_machine.travel(MONDAY - dt.timedelta(days=7), tick=False):
        return make_task(cast, title=title, due_on=MONDAY.date() - dt.timedelta(days=1))


@pytest.fixture
def monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


def test_the_task_list_names_the_goal_and_says_overdue_in_words(cast: Cast):
    overdue_task(cast)
    with time_machine.travel(MONDAY, tick=False):
        client = client_for(cast.member)
        url = reverse("coordination:team-tasks", args=[cast.team.pk])
        page = client.get(url).content.decode()
        assert "Søke om støttekontakt" in page
        assert "Sove hele natten" in page  # the goal it serves
        assert "Over fristen" in page
        assert "1 tiltak er over fristen." in page
        partial = client.get(url, headers=HTMX).content.decode()
        assert "<html" not in partial
        assert "Over fristen" in partial


def test_the_team_page_section_shows_open_tasks_and_overdue(cast: Cast):
    overdue_task(cast)
    with time_machine.travel(MONDAY, tick=False):
        client = client_for(cast.coordinator)
        page = client.get(reverse("workspace:team-detail", args=[cast.team.pk])).content.decode()
        assert 'id="tiltak"' in page
        section = client.get(reverse("workspace:team-tiltak", args=[cast.team.pk]), headers=HTMX)
        assert "Over fristen" in section.content.decode()
        assert "Søke om støttekontakt" in section.content.decode()


def test_an_empty_task_form_comes_back_with_its_messages(cast: Cast, monday):
    response = client_for(cast.member).post(
        reverse("coordination:task-create", args=[cast.team.pk]), {"title": "Noe"}, headers=HTMX
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Velg en frist." in body
    assert 'value="Noe"' in body
    assert not Task.objects.exists()


def test_a_past_due_date_comes_back_with_its_message(cast: Cast, monday):
    goal = goal_for(cast)
    response = client_for(cast.member).post(
        reverse("coordination:task-create", args=[cast.team.pk]),
        {"goal": goal.pk, "title": "Noe", "owner": tor(cast).pk, "due_on": "2026-03-01"},
    )
    assert response.status_code == 200
    assert "Fristen kan ikke være tilbake i tid." in response.content.decode()


def test_a_due_date_after_2100_comes_back_with_its_message(cast: Cast, monday):
    goal = goal_for(cast)
    response = client_for(cast.member).post(
        reverse("coordination:task-create", args=[cast.team.pk]),
        {"goal": goal.pk, "title": "Noe", "owner": tor(cast).pk, "due_on": "9999-12-31"},
    )
    assert response.status_code == 200
    assert "Skriv en dato mellom 1.1.1900 og 31.12.2100." in response.content.decode()
    assert not Task.objects.exists()


def test_a_new_task_is_saved_and_the_lists_are_told(cast: Cast, monday):
    goal = goal_for(cast)
    data = {"goal": goal.pk, "title": "Gå tur", "owner": cecilie(cast).pk, "due_on": "2026-03-09"}
    client = client_for(cast.member)
    url = reverse("coordination:task-create", args=[cast.team.pk])
    response = client.post(url, data, headers=HTMX)
    assert response.status_code == 200
    assert "tiltak-changed" in response["HX-Trigger"]
    plain = client.post(url, data)
    assert plain.status_code == 302
    assert Task.objects.filter(title="Gå tur").count() == 2


def test_the_owner_marks_the_task_done(cast: Cast, monday):
    task = make_task(cast)
    response = client_for(cast.member).post(
        reverse("coordination:task-update", args=[task.pk]), {"status": "done"}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == Task.Status.DONE
    assert task.done_at is not None


def test_another_member_may_not_change_someone_elses_task(cast: Cast, monday):
    task = make_task(cast, owner=cecilie(cast))
    response = client_for(cast.member).post(
        reverse("coordination:task-update", args=[task.pk]), {"status": "done"}
    )
    assert response.status_code == 403


def test_the_home_page_counts_overdue_tasks_per_team(cast: Cast):
    overdue_task(cast, "En")
    overdue_task(cast, "To")
    with time_machine.travel(MONDAY, tick=False):
        make_task(cast, title="Ikke over fristen")
        body = client_for(cast.coordinator).get(reverse("workspace:team-list")).content.decode()
    assert "2 tiltak over fristen" in body


def test_a_task_form_on_its_own_page_goes_back_to_the_list_after_saving(cast: Cast, monday):
    goal = goal_for(cast)
    url = reverse("coordination:task-create", args=[cast.team.pk])
    response = client_for(cast.member).post(
        url,
        {"goal": goal.pk, "title": "Gå tur", "owner": tor(cast).pk, "due_on": "2026-03-09"},
        headers={**HTMX, "HX-Current-URL": f"http://testserver{url}"},
    )
    assert response["HX-Redirect"] == reverse("coordination:team-tasks", args=[cast.team.pk])
