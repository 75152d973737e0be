"""The patient and relative portal through its views: what each person sees, and nothing more."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actors.models import Consent, Member, RelativeLink
from careplans.models import AnnualActivity
from coordination.models import Meeting
from lkt.models import AccessLog
from tests.conftest import client_for
from tests.factories import MemberFactory
from tests.lkt.workspace.portal.helpers import NIGHT, karis_plan_in_force

pytestmark = pytest.mark.django_db


def url(name: str, cast, *args) -> str:
    return reverse(f"workspace:{name}", args=[cast.team.patient.pk, *args])


def body(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_front_door_sends_kari_to_her_portal(cast):
    response = client_for(cast.patient).get(reverse("home"))
    assert response["Location"] == reverse("workspace:portal-home")


def test_kari_sees_her_team_with_phone_links_and_her_plan_on_her_portal_home(cast):
    cast.member.phone = "90011222"
    cast.member.save()
    karis_plan_in_force(cast)
    html = body(client_for(cast.patient).get(reverse("workspace:portal-home")))
    assert "Min side" in html
    assert reverse("careplans:good-day", args=[cast.team.patient.pk]) in html
    assert "Teamet mitt" in html and 'href="tel:+4790011222"' in html
    assert "Ring 900 11 222" in html  # shown the Norwegian way, dialled in E.164
    assert "Koordinator – holder oversikten" in html  # the role in plain words
    assert "Planen min" in html and "Jeg vil gå tur hver dag" in html
    # Roles frozen in the plan are shown by their name in plain words, not their code.
    assert "Cecilie: Koordinator – holder oversikten og er den du spør først" in html
    assert "900 11 222" in html  # one way of writing a number (lkt.core.phones)
    assert "Hva gjør jeg hvis" in html and "Evalueringsmøte" in html
    assert "Fornye samtykke" in html  # the next dates of the årshjul
    # Element E: her meetings, telling the team something has changed, her evaluations.
    for name in ("portal-meetings", "observation-portal", "portal-evaluations"):
        assert reverse(f"coordination:{name}", args=[cast.team.patient.pk]) in html


def test_in_the_red_phase_the_night_numbers_come_first(cast):
    karis_plan_in_force(cast)
    html = body(client_for(cast.patient).get(url("portal-plan", cast)))
    red = html.index("Rødt: når det er akutt")
    assert red < html.index("Gult:") < html.index("Grønt:")
    night = html.index(NIGHT)
    assert red < night < html.index("Jeg sover ikke og vil ikke leve")
    assert 'href="tel:113"' in html and 'href="tel:116117"' in html


def test_without_a_plan_in_force_the_portal_says_the_team_is_working_on_it(cast):
    html = body(client_for(cast.patient).get(reverse("workspace:portal-home")))
    assert "Teamet jobber med den" in html
    assert 'href="tel:113"' in html  # the emergency numbers are there all the same


def test_per_sees_the_team_he_was_allowed_but_not_the_plan(cast):
    karis_plan_in_force(cast)
    per = client_for(cast.relative)
    html = body(per.get(url("portal-overview", cast)))
    assert "Teamet" in html and "Cecilie" in html
    assert "Hva gjør jeg hvis" not in html and "Jeg vil gå tur hver dag" not in html
    assert "Samtykkene mine" not in html
    assert per.get(url("portal-team", cast)).status_code == 200
    assert per.get(url("portal-plan", cast)).status_code == 404


def test_a_relative_allowed_to_see_the_plan_sees_what_to_do(cast):
    karis_plan_in_force(cast)
    RelativeLink.objects.filter(relative=cast.relative).update(may_see_plan=True)
    html = body(client_for(cast.relative).get(url("portal-plan", cast)))
    assert NIGHT in html


def test_a_relative_allowed_nothing_is_told_so(cast):
    # Nothing at all: not the team, the goals, nor messages with the team (issue 19).
    RelativeLink.objects.filter(relative=cast.relative).update(
        may_see_team=False, may_see_goals=False, may_communicate=False
    )
    html = body(client_for(cast.relative).get(url("portal-overview", cast)))
    assert "har ikke gitt deg tilgang til noe ennå" in html
    assert "Cecilie" not in html


@pytest.mark.parametrize("page", ["portal-overview", "portal-team", "portal-plan"])
def test_the_excluded_relative_and_ola_get_404_on_karis_portal(cast, page):
    karis_plan_in_force(cast)
    for who in (cast.excluded_relative, cast.other_patient, cast.outsider):
        assert client_for(who).get(url(page, cast)).status_code == 404


def test_a_relative_trying_another_patients_portal_gets_404(cast):
    ola = cast.other_team.patient.pk
    response = client_for(cast.relative).get(reverse("workspace:portal-overview", args=[ola]))
    assert response.status_code == 404


def test_staff_in_the_team_use_the_team_page_not_the_portal(cast):
    assert client_for(cast.member).get(url("portal-overview", cast)).status_code == 403


def test_reading_the_portal_as_a_relative_is_audited(cast):
    client_for(cast.relative).get(url("portal-team", cast))
    assert AccessLog.objects.filter(user=cast.relative, patient=cast.team.patient).exists()


# Consent


def _consent(cast, scope: str, decision: str, who=None, htmx: bool = False):
    headers = {"HX-Request": "true"} if htmx else {}
    return client_for(who or cast.patient).post(
        url("portal-consent", cast), {"scope": scope, "decision": decision}, headers=headers
    )


def test_a_member_loses_access_at_the_next_request_when_kari_withdraws(cast):
    tor = client_for(cast.member)
    team_page = reverse("workspace:team-detail", args=[cast.team.pk])
    assert tor.get(team_page).status_code == 200
    response = _consent(cast, Consent.Scope.TEAM_SHARING, "withdraw")
    assert response.status_code == 302
    assert tor.get(team_page).status_code == 404
    consent = Consent.objects.get(patient=cast.team.patient, scope=Consent.Scope.TEAM_SHARING)
    assert consent.withdrawn_by == cast.patient
    assert AccessLog.objects.filter(
        user=cast.patient, action=AccessLog.Action.CHANGE, object_type="actors.consent"
    ).exists()
    # Kari gives it again: Tor is back, and the consent says Kari gave it herself.
    assert _consent(cast, Consent.Scope.TEAM_SHARING, "give").status_code == 302
    assert tor.get(team_page).status_code == 200
    given = Consent.objects.get(
        patient=cast.team.patient, scope=Consent.Scope.TEAM_SHARING, withdrawn_at__isnull=True
    )
    assert (given.given_by, given.recorded_by) == (Consent.GivenBy.PATIENT, cast.patient)


def test_withdrawing_the_relatives_consent_shuts_per_out_at_once(cast):
    per = client_for(cast.relative)
    assert per.get(url("portal-team", cast)).status_code == 200
    _consent(cast, Consent.Scope.RELATIVES, "withdraw")
    assert per.get(url("portal-team", cast)).status_code == 404


def test_with_htmx_the_consent_list_comes_back_with_an_event(cast):
    response = _consent(cast, Consent.Scope.CRISIS_PLAN, "give", htmx=True)
    html = body(response)
    assert "Samtykket gjelder fra nå" in html and "<html" not in html
    assert "portal-consent-changed" in response["HX-Trigger"]


def test_an_unknown_scope_gets_a_clear_message_in_the_fragment_and_saves_nothing(cast):
    before = Consent.objects.count()
    html = body(_consent(cast, "everything", "give", htmx=True))
    assert "Ukjent samtykke" in html
    assert Consent.objects.count() == before


def test_giving_a_consent_that_stands_says_so(cast):
    html = body(_consent(cast, Consent.Scope.TEAM_SHARING, "give", htmx=True))
    assert "Du har allerede gitt dette samtykket" in html


def test_per_may_not_see_or_change_karis_consents(cast):
    assert client_for(cast.relative).get(url("portal-consent", cast)).status_code == 403
    assert _consent(cast, "relatives", "withdraw", who=cast.relative).status_code == 403


def test_kari_sees_her_consents_with_buttons(cast):
    html = body(client_for(cast.patient).get(url("portal-consent", cast)))
    assert "Trekk tilbake" in html and "Gi samtykke" in html  # crisis plan not given yet


# Relatives


def _per_link(cast) -> RelativeLink:
    return RelativeLink.objects.get(relative=cast.relative)


def test_kari_lets_per_see_the_plan_but_no_longer_the_team(cast):
    link = _per_link(cast)
    response = client_for(cast.patient).post(
        url("portal-relative-update", cast, link.pk),
        {f"rel{link.pk}-may_see_plan": "on", f"rel{link.pk}-may_see_goals": "on"},
    )
    assert response.status_code == 302
    per = client_for(cast.relative)
    assert per.get(url("portal-team", cast)).status_code == 404
    assert per.get(url("portal-plan", cast)).status_code == 200


def test_kari_excludes_per_and_he_sees_nothing(cast):
    link = _per_link(cast)
    response = client_for(cast.patient).post(
        url("portal-relative-update", cast, link.pk),
        {f"rel{link.pk}-excluded": "on", f"rel{link.pk}-may_see_team": "on"},
        headers={"HX-Request": "true"},
    )
    assert "Lagret" in body(response)
    assert "portal-relatives-changed" in response["HX-Trigger"]
    assert client_for(cast.relative).get(url("portal-overview", cast)).status_code == 404
    link.refresh_from_db()
    assert link.excluded and not link.may_see_team


def test_kari_sees_each_relative_with_what_they_may_see(cast):
    html = body(client_for(cast.patient).get(url("portal-relatives", cast)))
    assert "Per" in html and "Lise" in html
    assert "Skal ikke få vite noe om meg" in html


def test_per_may_not_change_what_relatives_see(cast):
    link = _per_link(cast)
    per = client_for(cast.relative)
    assert per.get(url("portal-relatives", cast)).status_code == 403
    response = per.post(url("portal-relative-update", cast, link.pk), {})
    assert response.status_code == 403


def test_kari_cannot_reach_a_link_of_another_patient(cast):
    other = RelativeLink.objects.create(
        patient=cast.other_team.patient,
        relative=cast.excluded_relative,
        relation=RelativeLink.Relation.SIBLING,
        created_by=cast.other_patient,
    )
    response = client_for(cast.patient).post(url("portal-relative-update", cast, other.pk), {})
    assert response.status_code == 404


# Query counts


def _overview_queries(cast, who) -> int:
    client = client_for(who)
    client.get(url("portal-overview", cast))  # the session and the user on the first request
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url("portal-overview", cast)).status_code == 200
    return len(ctx.captured_queries)


def test_the_portal_home_uses_the_same_queries_for_a_small_and_a_large_team(cast):
    version = karis_plan_in_force(cast)
    small = _overview_queries(cast, cast.patient)
    for _ in range(20):
        member: Member = MemberFactory.create(team=cast.team)
        AnnualActivity.objects.create(
            version=version,
            kind=AnnualActivity.Kind.OTHER,
            title="Møte",
            recurrence=AnnualActivity.Recurrence.YEARLY,
            month=5,
            responsible=member,
        )
        Meeting.objects.create(
            team=cast.team,
            kind=Meeting.Kind.RESPONSIBILITY_GROUP,
            starts_at=timezone.now() + dt.timedelta(days=3),
            leader=member,
            created_by=cast.coordinator,
        )
    assert _overview_queries(cast, cast.patient) == small
    # session, user, patient, audit, team, members, version, phase plan, årshjul, the meetings
    # she is invited to (with their leaders), consents
    assert small == 11


def test_a_relative_reads_the_portal_home_in_a_fixed_number_of_queries(cast):
    karis_plan_in_force(cast)
    RelativeLink.objects.filter(relative=cast.relative).update(may_see_plan=True)
    # session, user, patient, standing, audit, team, members, version, phase plan, årshjul,
    # the meetings he is invited to
    assert _overview_queries(cast, cast.relative) == 11
