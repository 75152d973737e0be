"""Writing Min gode dag in tests: through the real service, with sensible defaults."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from actors.models import Patient, Team, User
from careplans.good_day.services import ChallengeInput, GoalInput, good_day_save
from careplans.models import CarePlanVersion, GoodDay, GoodDayVersion
from careplans.plan.services import plan_draft_open


def save(actor: User, patient: Patient, base_version: int, **overrides: Any) -> GoodDayVersion:
    kwargs: dict[str, Any] = {
        "good_day": "",
        "what_matters": "",
        "own_resources": "",
        "network_resources": "",
        "life_arena": "",
        "challenges": [],
        "goals": [],
        **overrides,
    }
    return good_day_save(actor=actor, patient=patient, base_version=base_version, **kwargs)


def soon(days: int = 30) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def karis_first_version(cast: Any) -> GoodDayVersion:
    """Kari writes version 1 herself: a good day, one challenge and one goal for it."""
    return save(
        cast.patient,
        cast.team.patient,
        0,
        good_day="Jeg står opp før ni.\nJeg går tur med hunden.",
        what_matters="Å ha en jobb å gå til.",
        challenges=[ChallengeInput(text="Jeg sover dårlig", ref="new1")],
        goals=[
            GoalInput(text="Sove seks timer", ref="g-new1", challenge="new1", target_date=soon())
        ],
    )


def many_versions(patient: Patient, author: User, count: int) -> None:
    """``count`` versions straight into the table: query counts must not depend on history."""
    document, _ = GoodDay.objects.get_or_create(patient=patient)
    GoodDayVersion.objects.bulk_create(
        GoodDayVersion(
            document=document,
            number=n,
            good_day=f"Versjon {n}",
            challenges=[{"id": 1, "text": "Søvn"}],
            goals=[
                {
                    "id": 1,
                    "text": f"Mål {n}",
                    "challenge_id": 1,
                    "wish": "",
                    "parent_id": None,
                    "target_date": None,
                }
            ],
            written_by=author,
            written_with="Kari" if n % 2 else "",
        )
        for n in range(1, count + 1)
    )
    document.version = count
    document.save()


def ready_draft(actor: User, team: Team) -> CarePlanVersion:
    """A new draft whose window for corrections has passed, so it may be approved at once: for
    tests that are not about the window."""
    draft, _new = plan_draft_open(actor=actor, team=team)
    draft.corrections_until = timezone.now() - dt.timedelta(minutes=1)
    CarePlanVersion.objects.filter(pk=draft.pk).update(corrections_until=draft.corrections_until)
    return draft
