"""Tasks (tiltak) and meetings as FHIR R4 resources (``fhir.resources``).

Mapping only: the FHIR selectors (lkt.fhir.selectors) read the rows through the access policy.

- Task: a tiltak, ``focus`` the goal of Min gode dag it serves, its owner, due date and status.
- Appointment: a meeting of the team (kind, time, who is invited: the members, the patient).
  The minutes are not in it: they are read on the meeting's page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from fhir.resources.R4B.annotation import Annotation
from fhir.resources.R4B.appointment import Appointment, AppointmentParticipant
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.task import Task as FhirTask
from fhir.resources.R4B.task import TaskRestriction

from actors.fhir import day, lkt_code, member_reference, meta, ref
from actors.models import Member
from coordination.models import Meeting, Task

_TASK_STATUS = {
    Task.Status.OPEN: "ready",
    Task.Status.IN_PROGRESS: "in-progress",
    Task.Status.DONE: "completed",
    Task.Status.CANCELLED: "cancelled",
}


def task_resource(task: Task, *, patient_id: int) -> FhirTask:
    return FhirTask.model_validate(
        {
            "resourceType": "Task",
            "id": str(task.pk),
            "meta": meta(task.updated_at),
            "status": _TASK_STATUS[Task.Status(task.status)],
            "intent": "plan",
            "code": lkt_code("task-kind", "tiltak", "Tiltak"),
            "description": task.title,
            "focus": ref("Goal", task.goal_id, task.goal.text),
            "for": ref("Patient", patient_id),
            "authoredOn": task.created_at,
            "lastModified": task.updated_at,
            "owner": member_reference(task.owner),
            "restriction": TaskRestriction(period=Period(end=day(task.due_on))),
            "executionPeriod": Period(end=task.done_at) if task.done_at else None,
            "note": [Annotation(text=task.description)] if task.description else None,
        }
    )


_APPOINTMENT_STATUS = {
    Meeting.Status.PROPOSED: "proposed",
    Meeting.Status.PLANNED: "booked",
    Meeting.Status.HELD: "fulfilled",
    Meeting.Status.CANCELLED: "cancelled",
}
# Who takes part: v3 ParticipationType, for the one who leads and a participant.
_PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"


def _participation(code: str, display: str) -> list[CodeableConcept]:
    return [CodeableConcept(coding=[Coding(system=_PARTICIPATION, code=code, display=display)])]


def appointment_resource(
    meeting: Meeting, *, patient_id: int, invited: Iterable[Member]
) -> Appointment:
    """A meeting. LKT keeps no answers to invitations, so every participant "needs action"
    until the meeting is held."""
    answer = "accepted" if meeting.status == Meeting.Status.HELD else "needs-action"
    participants = [
        AppointmentParticipant(
            type=_participation("PPRF", "primary performer")
            if member.pk == meeting.leader_id
            else _participation("PART", "Participant"),
            actor=member_reference(member),
            status=answer,
        )
        for member in invited
    ]
    if meeting.patient_invited:
        participants.append(
            AppointmentParticipant(
                type=_participation("SBJ", "subject"),
                actor=ref("Patient", patient_id),
                status=answer,
            )
        )
    if not participants:
        # FHIR wants one participant at least; the team itself, by kind.
        participants.append(
            AppointmentParticipant(type=_participation("PART", "Participant"), status=answer)
        )
    end = meeting.starts_at + dt.timedelta(minutes=meeting.duration_minutes)
    return Appointment(
        id=str(meeting.pk),
        meta=meta(meeting.updated_at),
        status=_APPOINTMENT_STATUS[Meeting.Status(meeting.status)],
        appointmentType=lkt_code("meeting-kind", meeting.kind, meeting.get_kind_display()),
        description=" – ".join(p for p in (str(meeting.get_kind_display()), meeting.place) if p),
        start=meeting.starts_at,
        end=end,
        minutesDuration=meeting.duration_minutes,
        created=meeting.created_at,
        participant=participants,
    )
