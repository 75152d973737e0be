"""Kari's record as a FHIR client reads it: goals, two approved plan versions with the phase
plan, a phase change, consents, a task, a meeting and a member who has left."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.test import Client
from django.utils import timezone
from fhir.resources.R4B import get_fhir_model_class

from actors.models import Member, Role
from careplans.models import CarePlanVersion, Goal, Phase, PhaseChange
from coordination.models import Meeting, Task
from tests.careplans.helpers import karis_first_version
from tests.careplans.phase_helpers import full_phase_plan, version_for
from tests.conftest import Cast
from tests.coordination.meetings.test_services import kari_meeting
from tests.factories import MemberFactory, StaffFactory

FHIR = "/fhir/R4/"


@dataclass
class KarisRecord:
    goal: Goal
    old_plan: CarePlanVersion
    plan: CarePlanVersion
    task: Task
    meeting: Meeting
    former: Member


def karis_record(cast: Cast) -> KarisRecord:
    karis_first_version(cast)
    goal = Goal.objects.get(patient=cast.team.patient)
    now = timezone.now()
    old = version_for(
        cast.team,
        cast.coordinator,
        status=CarePlanVersion.Status.SUPERSEDED,
        in_force_at=now - dt.timedelta(days=200),
        goals=[{"id": goal.pk, "text": goal.text}],
        period_start=timezone.localdate() - dt.timedelta(days=200),
        period_end=timezone.localdate() - dt.timedelta(days=20),
    )
    plan = version_for(
        cast.team,
        cast.coordinator,
        status=CarePlanVersion.Status.IN_FORCE,
        in_force_at=now - dt.timedelta(days=20),
        goals=[{"id": goal.pk, "text": goal.text}],
        patient_summary="Kari er 34 år og bor alene med hunden sin.",
        communication="Tavlemøte hver fjortende dag.",
        period_start=timezone.localdate() - dt.timedelta(days=20),
        period_end=timezone.localdate() + dt.timedelta(days=160),
    )
    tor = cast.team.members.get(user=cast.member)
    full_phase_plan(plan, actor=tor)
    PhaseChange.objects.create(
        team=cast.team, phase=Phase.YELLOW, reason="Sover dårlig", changed_by=cast.coordinator
    )
    task = Task.objects.create(
        team=cast.team,
        goal=goal,
        title="Ringe Kari hver fredag",
        owner=tor,
        due_on=timezone.localdate() + dt.timedelta(days=3),
        created_by=cast.coordinator,
    )
    [meeting_pk] = kari_meeting(cast)
    former = MemberFactory(
        team=cast.team,
        user=StaffFactory(first_name="Frida", organisation=cast.kommune),
        role=Role.PSYCHOLOGIST,
        joined_on=timezone.localdate() - dt.timedelta(days=300),
        left_on=timezone.localdate() - dt.timedelta(days=30),
    )
    return KarisRecord(goal, old, plan, task, Meeting.objects.get(pk=meeting_pk), former)


def fhir_get(client: Client, path: str, **kwargs: Any) -> Any:
    return client.get(FHIR + path, HTTP_ACCEPT="application/fhir+json", **kwargs)


def resource(response: Any, resource_type: str) -> Any:
    """The body as ``resource_type``, validated by fhir.resources (raises when it is not)."""
    assert response["Content-Type"].startswith("application/fhir+json"), response["Content-Type"]
    body = response.json()
    assert body["resourceType"] == resource_type, body
    return get_fhir_model_class(resource_type).model_validate(body)


def entries(response: Any, resource_type: str) -> list[Any]:
    """The resources of a searchset Bundle, each validated as ``resource_type``."""
    bundle = resource(response, "Bundle")
    assert bundle.type == "searchset"
    found = [e.resource for e in bundle.entry or []]
    assert all(r.get_resource_type() == resource_type for r in found)
    return [get_fhir_model_class(resource_type).model_validate(r.model_dump()) for r in found]
