"""The patient's part of the OpenAPI description."""

from __future__ import annotations

from typing import Any

from actors.serializers import PERSONAL_ID_FIELDS


def personal_id_is_optional(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Fødselsnummer and birth date are in a patient only where the policy lets the reader see
    them (actors.serializers.PatientSerializer), so a patient need not have them."""
    patient = result.get("components", {}).get("schemas", {}).get("Patient")
    if patient and "required" in patient:
        patient["required"] = [f for f in patient["required"] if f not in PERSONAL_ID_FIELDS]
    return result
