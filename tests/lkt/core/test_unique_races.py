"""The last line against a race on a unique key (lkt.core.middleware.UniqueViolationMiddleware): a
unique violation that reaches no form answers 409 with the message, never a 500; any other
database error is still an error. Served by this module's own URLs, whose views make real
PostgreSQL errors the way a service would (in its own transaction)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.urls import include, path, reverse

from actors.access import require_user
from actors.models import Organisation
from coordination.models import Mandate
from lkt.core.forms import ALREADY_SAVED
from tests.conftest import Cast, client_for

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def _copy_organisation(request: HttpRequest) -> HttpResponse:
    """A second organisation with the first's organisation number: a unique violation."""
    first = Organisation.objects.order_by("pk").first()
    assert first is not None
    with transaction.atomic():
        Organisation.objects.create(
            name="Kopi", org_number=first.org_number, kind=first.kind, level=first.level
        )
    return HttpResponse("lagret")


def _mandate_without_hours(request: HttpRequest) -> HttpResponse:
    """A mandate with no time set aside: a check constraint, not a race."""
    with transaction.atomic():
        Mandate.objects.create(
            team_id=int(request.POST["team"]),
            task_description="Lede",
            authority="Innkalle",
            hours_per_month=0,
            updated_by=require_user(request.user),
        )
    return HttpResponse("lagret")


urlpatterns = [
    path("kopi/", _copy_organisation, name="copy-organisation"),
    path("mandat-uten-timer/", _mandate_without_hours, name="mandate-without-hours"),
    path("", include("lkt.urls")),
]


def test_a_unique_violation_no_form_caught_answers_409_with_the_message_and_a_way_back(
    cast: Cast,
):
    back = "http://testserver" + reverse("workspace:team-list")
    response = client_for(cast.coordinator).post(reverse("copy-organisation"), HTTP_REFERER=back)
    assert response.status_code == 409
    body = response.content.decode()
    assert str(ALREADY_SAVED) in body
    assert f'href="{back}"' in body
    assert Organisation.objects.filter(name="Kopi").count() == 0


def test_a_link_back_to_another_site_is_not_offered(cast: Cast):
    response = client_for(cast.coordinator).post(
        reverse("copy-organisation"), HTTP_REFERER="https://evil.example.com/"
    )
    assert response.status_code == 409
    assert "evil.example.com" not in response.content.decode()


def test_through_htmx_the_page_reloads_and_shows_the_message(cast: Cast):
    client = client_for(cast.coordinator)
    response = client.post(reverse("copy-organisation"), headers={"HX-Request": "true"})
    assert response.status_code == 409
    # htmx swaps no 409, but follows HX-Refresh before it decides, and reloads the page.
    assert response["HX-Refresh"] == "true"
    page = client.get(reverse("workspace:team-list")).content.decode()
    assert str(ALREADY_SAVED) in page


def test_another_database_error_is_not_taken_for_a_race(cast: Cast):
    with pytest.raises(IntegrityError, match="mandate_hours_in_range"):
        client_for(cast.coordinator).post(reverse("mandate-without-hours"), {"team": cast.team.pk})
