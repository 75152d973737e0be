"""Logging in through ID-porten and HelseID, against the real test provider on 127.0.0.1."""

from __future__ import annotations

import pytest

from actors.models import Patient, User
from lkt.models import LoginEvent
from tests.factories import PatientFactory
from tests.oidc_provider.provider import KARI_PID, log_in

pytestmark = pytest.mark.django_db


def test_a_registered_patient_logs_in_with_id_porten_and_gets_an_account(client, oidc_provider):
    PatientFactory(name="Kari Nordmann", national_id=KARI_PID)

    response = log_in(client, "idporten", "kari")

    assert response.status_code == 302, response.content.decode()
    patient = Patient.objects.get(national_id=KARI_PID)
    assert patient.user is not None
    assert patient.user.kind == User.Kind.PATIENT
    assert patient.user.national_id == KARI_PID
    assert LoginEvent.objects.get().outcome == LoginEvent.Outcome.LINKED
