"""Who manages consent (pasient- og brukerrettighetsloven § 4-3): the patient from 16; for a
younger child a parent or guardian, while the child still sees their own page."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from actors import services
from actors.access import Action, can
from actors.models import Consent, RelativeLink
from tests.conftest import client_for
from tests.lkt.workspace.portal.helpers import child, parent_of

pytestmark = pytest.mark.django_db


def consent_url(patient) -> str:
    return reverse("workspace:portal-consent", args=[patient.pk])


def give(client, patient, scope: str = Consent.Scope.CRISIS_PLAN):
    return client.post(consent_url(patient), {"scope": scope, "decision": "give"})


def test_a_patient_who_turned_16_today_gives_consent_herself():
    patient, user = child(16)
    assert give(client_for(user), patient).status_code == 302
    consent = Consent.objects.get(patient=patient, scope=Consent.Scope.CRISIS_PLAN)
    assert consent.given_by == Consent.GivenBy.PATIENT and consent.recorded_by == user


def test_a_15_year_old_is_refused_but_still_sees_her_consents_read_only():
    patient, user = child(16, days=1)  # turns 16 tomorrow
    client = client_for(user)
    assert give(client, patient).status_code == 403
    assert not Consent.objects.filter(patient=patient, scope=Consent.Scope.CRISIS_PLAN).exists()
    html = client.get(consent_url(patient)).content.decode()
    assert "Du er under 16 år" in html
    assert "Gi samtykke" not in html and "Deling i teamet" not in html
    assert client.get(reverse("workspace:portal-home")).status_code == 200


def test_the_parent_gives_and_withdraws_consent_for_a_child_under_16():
    patient, _user = child(12)
    parent = client_for(parent_of(patient))
    assert give(parent, patient).status_code == 302
    consent = Consent.objects.get(patient=patient, scope=Consent.Scope.CRISIS_PLAN)
    assert consent.given_by == Consent.GivenBy.GUARDIAN
    response = parent.post(
        consent_url(patient), {"scope": Consent.Scope.CRISIS_PLAN, "decision": "withdraw"}
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None


def test_a_guardian_acts_for_the_child_even_without_the_relatives_consent():
    patient, _user = child(10)
    guardian = parent_of(patient, RelativeLink.Relation.GUARDIAN)
    assert not Consent.objects.filter(patient=patient, scope=Consent.Scope.RELATIVES).exists()
    assert can(guardian, Action.RECORD_CONSENT, patient)
    assert not can(guardian, Action.VIEW_TEAM, patient)  # acting for the child is not reading
    assert give(client_for(guardian), patient, Consent.Scope.RELATIVES).status_code == 302


def test_a_sibling_does_not_act_for_the_child():
    patient, _user = child(12)
    sibling = parent_of(patient, RelativeLink.Relation.SIBLING)
    assert give(client_for(sibling), patient).status_code == 404


def test_a_parent_no_longer_consents_once_the_patient_is_16():
    # Without the relatives consent of the 16-year-old the parent does not even learn of her.
    patient, _user = child(16)
    parent = parent_of(patient)
    assert not can(parent, Action.RECORD_CONSENT, patient)
    with pytest.raises(Http404):
        services.consent_record(
            actor=parent, patient=patient, scope=Consent.Scope.CRISIS_PLAN, method="written"
        )


def test_the_service_refuses_a_child_under_16_recording_her_own_consent():
    patient, user = child(14)
    with pytest.raises(PermissionDenied):
        services.consent_record(
            actor=user, patient=patient, scope=Consent.Scope.CRISIS_PLAN, method="written"
        )


def test_the_parent_sees_the_childs_access_log_and_that_is_audited():
    patient, _user = child(12)
    parent = parent_of(patient)
    response = client_for(parent).get(reverse("workspace:portal-access-log", args=[patient.pk]))
    assert response.status_code == 200
    assert patient.access_logs.filter(user=parent).exists()
