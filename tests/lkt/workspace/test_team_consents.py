"""The team page's "samtykker" section: the patient's consents with their history, loaded
when it scrolls into view (issue 17), withdrawn by those who manage the team."""

from __future__ import annotations

import pytest
from django.urls import reverse

from actors.models import Consent
from tests.conftest import KEYED_PLANS, Cast, client_for
from tests.factories import ConsentFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
# 1 session, 2 user, 3 team with patient and the viewer's standing, 4 the audit row (team_get);
# 5 the consents; inside the transaction of keyed plans.
SECTION_QUERIES = 5 + KEYED_PLANS


def withdrawn(cast: Cast) -> Consent:
    """An earlier consent to sharing, withdrawn: history (one consent per scope stands)."""
    consent = ConsentFactory.build(patient=cast.team.patient, recorded_by=cast.coordinator)
    consent.withdrawn_at = consent.given_at
    consent.save()
    return consent


def section_url(cast: Cast) -> str:
    return reverse("workspace:team-samtykker", args=[cast.team.pk])


def test_the_first_response_links_the_consents_but_carries_no_table(cast: Cast) -> None:
    body = client_for(cast.coordinator).get(reverse("workspace:team-detail", args=[cast.team.pk]))
    html = body.content.decode()
    assert '<a class="ds-link" href="#samtykker">Samtykker</a>' in html
    assert f'hx-get="{section_url(cast)}" hx-trigger="samtykker-changed from:body"' in html
    assert "s=samtykker" in html  # in the lazy sections' batch
    assert "Samtykker med historikk" not in html


def test_the_coordinator_sees_every_consent_and_may_withdraw_those_in_force(cast: Cast) -> None:
    old = withdrawn(cast)
    body = client_for(cast.coordinator).get(section_url(cast), headers=HTMX).content.decode()
    assert "<html" not in body and 'id="samtykker-heading">Samtykker</h2>' in body
    assert body.count("<tr>\n      <td>") == 3
    assert body.count("Trukket tilbake") == 1
    in_force = Consent.objects.filter(patient=cast.team.patient, withdrawn_at__isnull=True)
    for consent in in_force:
        withdraw = reverse("actors:consent-withdraw", args=[cast.team.pk, consent.pk])
        assert f'action="{withdraw}"' in body
    assert reverse("actors:consent-withdraw", args=[cast.team.pk, old.pk]) not in body
    assert 'name="csrfmiddlewaretoken"' in body
    assert reverse("actors:consent-record", args=[cast.team.pk]) in body


@pytest.mark.parametrize("role", ["member", "patient"])
def test_others_who_see_the_consents_may_not_withdraw_them(cast: Cast, role: str) -> None:
    body = client_for(cast.user(role)).get(section_url(cast), headers=HTMX).content.decode()
    assert "Samtykker med historikk" in body
    assert "Trekk tilbake" not in body
    assert reverse("actors:consent-record", args=[cast.team.pk]) not in body


def test_withdrawing_from_the_section_returns_to_the_page_with_the_message(cast: Cast) -> None:
    consent = Consent.objects.get(patient=cast.team.patient, scope=Consent.Scope.RELATIVES)
    client = client_for(cast.coordinator)
    response = client.post(
        reverse("actors:consent-withdraw", args=[cast.team.pk, consent.pk]), follow=True
    )
    assert "Samtykket er trukket tilbake og gjelder ikke lenger." in response.content.decode()
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None


def test_without_javascript_the_section_is_a_page_of_its_own(cast: Cast) -> None:
    body = client_for(cast.patient).get(section_url(cast)).content.decode()
    assert "<html" in body and "Samtykker med historikk" in body


@pytest.mark.parametrize("consents", [1, 30])
def test_the_section_costs_the_same_for_1_and_30_consents(
    cast: Cast, consents: int, django_assert_num_queries: object
) -> None:
    for _ in range(consents):
        withdrawn(cast)
    client = client_for(cast.coordinator)
    with django_assert_num_queries(SECTION_QUERIES):  # type: ignore[operator]
        body = client.get(section_url(cast), headers=HTMX).content.decode()
    assert body.count("Trukket tilbake") == consents
    assert body.count("Trekk tilbake") == 2  # the two in force


WARNING = "Samtykke til deling mangler"


@pytest.mark.parametrize("role", ["coordinator", "patient"])
def test_the_page_warns_while_sharing_is_not_consented_to(cast: Cast, role: str) -> None:
    """Staff learn it from their standing, read with the team; the patient from the consents:
    both see the warning while no consent to sharing stands, and not once one does."""
    page = reverse("workspace:team-detail", args=[cast.team.pk])
    client = client_for(cast.user(role))
    assert WARNING not in client.get(page).content.decode()
    sharing = Consent.objects.get(
        patient=cast.team.patient, scope=Consent.Scope.TEAM_SHARING, withdrawn_at__isnull=True
    )
    sharing.withdrawn_at = sharing.given_at
    sharing.save()
    html = client.get(page).content.decode()
    assert WARNING in html
    # Only who manages the team is offered to record a new one.
    record = reverse("actors:consent-record", args=[cast.team.pk])
    assert (record in html) is (role == "coordinator")
