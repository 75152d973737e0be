"""The window for corrections: members correct a new draft for a short while before the
approvals start; the coordinator may close it early. Rules through the services, the page
through HTTP (full page and htmx fragment)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from actors.models import RelativeLink
from careplans.models import CarePlan, CarePlanVersion, PlanCorrection
from careplans.plan.services import (
    plan_approve,
    plan_correction_add,
    plan_corrections_close,
    plan_draft_open,
)
from lkt.models import AccessLog
from tests.conftest import Cast, client_for

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
FREDRIKS = "Legg til at jeg trenger blodprøvesvar før møtet."


def _base(cast: Cast) -> int:
    return CarePlan.objects.get(team=cast.team).version


def _draft(cast: Cast) -> CarePlanVersion:
    return plan_draft_open(actor=cast.coordinator, team=cast.team)[0]


def _expire(draft: CarePlanVersion) -> None:
    CarePlanVersion.objects.filter(pk=draft.pk).update(
        corrections_until=timezone.now() - dt.timedelta(seconds=1)
    )


def test_a_member_posts_a_correction_while_the_window_is_open_and_it_is_audited(cast):
    draft = _draft(cast)
    correction = plan_correction_add(actor=cast.member, version=draft, text=f"  {FREDRIKS} ")
    assert correction.text == FREDRIKS
    assert list(draft.corrections.values_list("author", flat=True)) == [cast.member.pk]
    assert AccessLog.objects.filter(
        user=cast.member, object_type="careplans.careplanversion", object_id=str(draft.pk)
    ).exists()


def test_a_correction_after_the_deadline_is_refused_with_a_clear_message(cast):
    draft = _draft(cast)
    _expire(draft)
    with pytest.raises(ValidationError, match="Fristen for innspill er ute"):
        plan_correction_add(actor=cast.member, version=draft, text=FREDRIKS)
    assert not PlanCorrection.objects.exists()


def test_an_empty_or_too_long_correction_is_refused(cast):
    draft = _draft(cast)
    with pytest.raises(ValidationError) as empty:
        plan_correction_add(actor=cast.member, version=draft, text="   ")
    assert "Skriv innspillet ditt." in empty.value.message_dict["text"]
    with pytest.raises(ValidationError) as long:
        plan_correction_add(actor=cast.member, version=draft, text="x" * 1001)
    assert "1001 tegn" in long.value.message_dict["text"][0]
    assert not PlanCorrection.objects.exists()


def test_an_outsider_does_not_find_the_draft_and_a_relative_may_not_correct_it(cast):
    draft = _draft(cast)
    with pytest.raises(Http404):
        plan_correction_add(actor=cast.outsider, version=draft, text=FREDRIKS)
    with pytest.raises(PermissionDenied):
        plan_correction_add(actor=cast.relative, version=draft, text=FREDRIKS)
    assert not PlanCorrection.objects.exists()


def test_only_the_newest_draft_takes_corrections(cast):
    old = _draft(cast)
    _expire(old)
    plan_approve(actor=cast.patient, version=old, base_version=_base(cast))
    _draft(cast)  # the approval fixed the old draft, so a new one replaces it
    with pytest.raises(ValidationError, match="nyeste utkastet"):
        plan_correction_add(actor=cast.member, version=old, text=FREDRIKS)


def test_approval_is_refused_while_the_window_is_open_and_allowed_after_closing(cast):
    draft = _draft(cast)
    with pytest.raises(ValidationError) as refused:
        plan_approve(actor=cast.patient, version=draft, base_version=_base(cast))
    message = refused.value.messages[0]
    assert message.startswith("Utkastet kan godkjennes fra ")
    assert "når koordinatoren lukker den" in message
    assert " kl. " in message  # the deadline, with its time
    assert not draft.approvals.exists()

    plan_corrections_close(actor=cast.coordinator, version=draft)
    draft.refresh_from_db()
    assert draft.corrections_until is not None and draft.corrections_until <= timezone.now()
    plan_approve(actor=cast.patient, version=draft, base_version=_base(cast))
    assert draft.approvals.get().approver == cast.patient
    with pytest.raises(ValidationError, match="Fristen for innspill er ute"):
        plan_correction_add(actor=cast.member, version=draft, text=FREDRIKS)


def test_only_the_coordinator_closes_the_window(cast):
    draft = _draft(cast)
    with pytest.raises(PermissionDenied):
        plan_corrections_close(actor=cast.member, version=draft)
    with pytest.raises(Http404):
        plan_corrections_close(actor=cast.outsider, version=draft)
    plan_corrections_close(actor=cast.coordinator, version=draft)
    with pytest.raises(ValidationError, match="allerede ute"):
        plan_corrections_close(actor=cast.coordinator, version=draft)


# Through HTTP.


def _url(name: str, cast: Cast, draft: CarePlanVersion) -> str:
    return reverse(f"careplans:{name}", args=[cast.team.pk, draft.number])


def test_the_draft_shows_the_deadline_the_corrections_and_the_form_to_members(cast):
    draft = _draft(cast)
    plan_correction_add(actor=cast.member, version=draft, text=FREDRIKS)
    url = reverse("careplans:plan", args=[cast.team.pk])

    member_page = client_for(cast.member).get(url).content.decode()
    assert "Frist for innspill:" in member_page
    assert FREDRIKS in member_page and "Tor" in member_page
    assert 'name="text"' in member_page
    assert "Lukk fristen for innspill nå" not in member_page

    coordinator_page = client_for(cast.coordinator).get(url).content.decode()
    assert "Lukk fristen for innspill nå" in coordinator_page
    assert "Utkastet kan godkjennes fra " in coordinator_page
    assert "Jeg godkjenner utkast 1" not in coordinator_page

    patient_page = client_for(cast.patient).get(url).content.decode()
    assert FREDRIKS in patient_page
    assert 'name="text"' not in patient_page  # Kari approves; the members correct

    leader_page = client_for(cast.leader).get(url).content.decode()
    assert FREDRIKS not in leader_page  # a leader never reads the team's words


def test_a_member_posts_a_correction_in_place(cast):
    draft = _draft(cast)
    response = client_for(cast.member).post(
        _url("plan-correction-add", cast, draft), {"text": FREDRIKS}, headers=HTMX
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert 'id="plan-corrections"' in body
    assert "Innspillet ditt er lagt til" in body
    assert FREDRIKS in body
    assert draft.corrections.get().author == cast.member


def test_an_empty_correction_comes_back_in_the_fragment_with_its_message(cast):
    draft = _draft(cast)
    response = client_for(cast.member).post(
        _url("plan-correction-add", cast, draft), {"text": ""}, headers=HTMX
    )
    assert response.status_code == 200
    assert "Skriv innspillet ditt." in response.content.decode()
    assert not draft.corrections.exists()


def test_a_late_correction_says_the_deadline_has_passed(cast):
    draft = _draft(cast)
    _expire(draft)
    response = client_for(cast.member).post(
        _url("plan-correction-add", cast, draft), {"text": FREDRIKS}, headers=HTMX
    )
    assert response.status_code == 200
    assert "Fristen for innspill er ute" in response.content.decode()
    assert not draft.corrections.exists()


def test_a_correction_without_javascript_returns_to_the_plan(cast):
    draft = _draft(cast)
    response = client_for(cast.member).post(
        _url("plan-correction-add", cast, draft), {"text": FREDRIKS}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#innspill")


def test_outsiders_relatives_patient_and_leader_may_not_post_corrections(cast):
    draft = _draft(cast)
    url = _url("plan-correction-add", cast, draft)
    assert client_for(cast.outsider).post(url, {"text": FREDRIKS}).status_code == 404
    assert client_for(cast.relative).post(url, {"text": FREDRIKS}).status_code == 404
    RelativeLink.objects.filter(relative=cast.relative).update(may_see_plan=True)
    assert client_for(cast.relative).post(url, {"text": FREDRIKS}).status_code == 403
    assert client_for(cast.patient).post(url, {"text": FREDRIKS}).status_code == 403
    assert client_for(cast.leader).post(url, {"text": FREDRIKS}).status_code == 403
    assert not draft.corrections.exists()


def test_the_coordinator_closes_the_window_in_place_and_approval_opens(cast):
    draft = _draft(cast)
    url = _url("plan-corrections-close", cast, draft)
    assert client_for(cast.member).post(url, headers=HTMX).status_code == 403
    response = client_for(cast.coordinator).post(url, headers=HTMX)
    assert response.status_code == 200
    assert "samarbeidsplan-changed" in response["HX-Trigger"]
    body = response.content.decode()
    assert "Fristen for innspill er lukket" in body
    assert "Jeg godkjenner utkast 1" in body
    assert "Lukk fristen for innspill nå" not in body


def test_closing_without_javascript_returns_to_the_approvals(cast):
    draft = _draft(cast)
    response = client_for(cast.coordinator).post(_url("plan-corrections-close", cast, draft))
    assert response.status_code == 302
    assert response["Location"].endswith("#godkjenning")
    draft.refresh_from_db()
    assert draft.corrections_until is not None and draft.corrections_until <= timezone.now()


@pytest.mark.django_db
def test_the_team_page_shows_the_deadline_only_while_the_window_is_open(cast: Cast):
    draft, _new = plan_draft_open(actor=cast.coordinator, team=cast.team)
    url = reverse("workspace:team-samarbeidsplan", args=[cast.team.pk])
    client = client_for(cast.coordinator)
    assert "Frist for rettelser" in client.get(url, headers={"HX-Request": "true"}).content.decode()
    plan_corrections_close(actor=cast.coordinator, version=draft)
    assert (
        "Frist for rettelser"
        not in client.get(url, headers={"HX-Request": "true"}).content.decode()
    )
