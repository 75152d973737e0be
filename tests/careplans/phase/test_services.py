"""Rules of the phase plan, the årshjul and the team's phase, through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from actors.models import Member, Role
from careplans.models import AnnualActivity, CarePlanVersion, Phase, PhaseChange, PhasePlanEntry
from careplans.phase.selectors import current_phase
from careplans.phase.services import (
    annual_activity_remove,
    annual_activity_save,
    annual_defaults_add,
    phase_change,
    phase_entry_save,
)
from lkt.models import AccessLog
from tests.careplans.phase_helpers import NIGHT, version_for
from tests.conftest import Cast

pytestmark = pytest.mark.django_db

Status = CarePlanVersion.Status


def save_entry(cast: Cast, version: CarePlanVersion, actor: Any = None, **overrides: Any) -> Any:
    kwargs: dict[str, Any] = {
        "phase": Phase.RED,
        "signs": "Jeg slutter å svare på telefonen",
        "actions": "Koordinator ringer samme dag",
        "actor_member": None,
        "call_office_hours": "Cecilie 55 00 00 00",
        "call_night": NIGHT,
        "patient_wishes": "Ikke innleggelse hvis det kan unngås",
        **overrides,
    }
    return phase_entry_save(actor=actor or cast.coordinator, version=version, **kwargs)


def save_activity(cast: Cast, version: CarePlanVersion, **overrides: Any) -> AnnualActivity:
    kwargs: dict[str, Any] = {
        "kind": AnnualActivity.Kind.OTHER,
        "title": "Samtale med fastlegen",
        "recurrence": AnnualActivity.Recurrence.EVERY_N_MONTHS,
        "interval_months": 3,
        **overrides,
    }
    return annual_activity_save(actor=cast.coordinator, version=version, **kwargs)


# --- The phase plan ---------------------------------------------------------------------------


def test_the_coordinator_writes_the_red_phase_with_whom_to_call_at_night(cast: Cast) -> None:
    version = version_for(cast.team, cast.coordinator)
    tor = Member.objects.get(team=cast.team, user=cast.member)
    entry = save_entry(cast, version, actor_member=tor, signs="  Jeg sover ikke  ")
    assert (entry.phase, entry.signs, entry.actor, entry.call_night) == (
        Phase.RED,
        "Jeg sover ikke",
        tor,
        NIGHT,
    )
    assert AccessLog.objects.filter(
        user=cast.coordinator, action="change", object_type="careplans.careplanversion"
    ).exists()


def test_saving_a_phase_again_changes_its_one_entry(cast: Cast) -> None:
    version = version_for(cast.team, cast.coordinator)
    save_entry(cast, version)
    save_entry(cast, version, actions="Ring legevakten")
    assert PhasePlanEntry.objects.get(version=version).actions == "Ring legevakten"


@pytest.mark.parametrize("night", ["", "   "])
def test_the_red_phase_without_a_night_contact_is_refused_and_nothing_is_saved(
    cast: Cast, night: str
) -> None:
    version = version_for(cast.team, cast.coordinator)
    with pytest.raises(ValidationError) as error:
        save_entry(cast, version, call_night=night)
    assert "kveld og natt" in error.value.message_dict["call_night"][0]
    assert "116 117" in error.value.message_dict["call_night"][0]
    assert not PhasePlanEntry.objects.exists()


def test_green_and_yellow_need_no_night_contact(cast: Cast) -> None:
    version = version_for(cast.team, cast.coordinator)
    save_entry(cast, version, phase=Phase.GREEN, call_night="")
    save_entry(cast, version, phase=Phase.YELLOW, call_night="")
    assert PhasePlanEntry.objects.filter(version=version).count() == 2


def test_empty_signs_and_actions_are_refused_with_a_message_each(cast: Cast) -> None:
    version = version_for(cast.team, cast.coordinator)
    with pytest.raises(ValidationError) as error:
        save_entry(cast, version, signs=" ", actions="")
    assert set(error.value.message_dict) == {"signs", "actions"}


def test_an_unknown_phase_is_refused(cast: Cast) -> None:
    version = version_for(cast.team, cast.coordinator)
    with pytest.raises(ValidationError) as error:
        save_entry(cast, version, phase="purple")
    assert "grønn, gul eller rød" in error.value.message_dict["phase"][0]


@pytest.mark.parametrize("status", [Status.IN_FORCE, Status.SUPERSEDED])
def test_only_a_draft_phase_plan_can_be_changed(cast: Cast, status: str) -> None:
    version = version_for(cast.team, cast.coordinator, status=status)
    with pytest.raises(ValidationError, match="ikke lenger et utkast"):
        save_entry(cast, version)
    assert not PhasePlanEntry.objects.exists()


def test_an_actor_from_another_team_is_refused(cast: Cast) -> None:
    version = version_for(cast.team, cast.coordinator)
    stranger = cast.other_team.members.get()
    with pytest.raises(ValidationError) as error:
        save_entry(cast, version, actor_member=stranger)
    assert "hører ikke til" in error.value.message_dict["actor"][0]


def test_an_actor_who_has_left_is_refused(cast: Cast) -> None:
    version = version_for(cast.team, cast.coordinator)
    tor = Member.objects.get(team=cast.team, user=cast.member)
    Member.objects.filter(pk=tor.pk).update(left_on=timezone.localdate(), end_reason="Ny jobb")
    tor.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        save_entry(cast, version, actor_member=tor)
    assert "har sluttet" in error.value.message_dict["actor"][0]


@pytest.mark.parametrize(
    ("role", "refusal"),
    [("outsider", Http404), ("member", PermissionDenied), ("patient", PermissionDenied)],
)
def test_only_the_coordinator_writes_the_phase_plan(cast: Cast, role: str, refusal: type) -> None:
    version = version_for(cast.team, cast.coordinator)
    with pytest.raises(refusal):
        save_entry(cast, version, actor=getattr(cast, role))
    assert not PhasePlanEntry.objects.exists()


# --- The team's phase -------------------------------------------------------------------------


def test_a_team_is_green_until_its_phase_changes(cast: Cast) -> None:
    assert current_phase(cast.team) == Phase.GREEN


def test_phase_changes_are_kept_as_history_and_the_latest_is_current(cast: Cast) -> None:
    phase_change(actor=cast.coordinator, team=cast.team, phase=Phase.YELLOW, reason="Sover dårlig")
    phase_change(actor=cast.coordinator, team=cast.team, phase=Phase.RED, reason="Innlagt i natt")
    assert current_phase(cast.team) == Phase.RED
    history = list(PhaseChange.objects.filter(team=cast.team).values_list("phase", "reason"))
    assert history == [(Phase.RED, "Innlagt i natt"), (Phase.YELLOW, "Sover dårlig")]
    assert (
        AccessLog.objects.filter(
            user=cast.coordinator, action="change", object_type="actors.team"
        ).count()
        == 2
    )


@pytest.mark.parametrize("reason", ["", "  "])
def test_a_phase_change_needs_a_reason(cast: Cast, reason: str) -> None:
    with pytest.raises(ValidationError) as error:
        phase_change(actor=cast.coordinator, team=cast.team, phase=Phase.YELLOW, reason=reason)
    assert "hvorfor" in error.value.message_dict["reason"][0]
    assert not PhaseChange.objects.exists()


def test_changing_to_the_phase_the_team_is_in_is_refused(cast: Cast) -> None:
    with pytest.raises(ValidationError) as error:
        phase_change(actor=cast.coordinator, team=cast.team, phase=Phase.GREEN, reason="Bra")
    assert "allerede i grønn fase" in error.value.message_dict["phase"][0]


@pytest.mark.parametrize(
    ("role", "refusal"),
    [("outsider", Http404), ("member", PermissionDenied), ("relative", PermissionDenied)],
)
def test_only_the_coordinator_changes_the_phase(cast: Cast, role: str, refusal: type) -> None:
    with pytest.raises(refusal):
        phase_change(actor=getattr(cast, role), team=cast.team, phase=Phase.RED, reason="Akutt")
    assert not PhaseChange.objects.exists()


# --- The årshjul ------------------------------------------------------------------------------


def test_an_activity_is_added_and_changed_in_a_draft(cast: Cast) -> None:
    version = version_for(cast.team, cast.coordinator)
    coordinator = Member.objects.get(team=cast.team, role=Role.COORDINATOR)
    activity = save_activity(cast, version, responsible=coordinator)
    assert (activity.interval_months, activity.responsible) == (3, coordinator)
    changed = save_activity(
        cast, version, activity=activity, recurrence="yearly", month=3, interval_months=3
    )
    changed.refresh_from_db()
    # The months between times belonged to the old choice and are not kept.
    assert (changed.recurrence, changed.month, changed.interval_months) == ("yearly", 3, None)
    assert AnnualActivity.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"interval_months": 0}, "interval_months"),
        ({"recurrence": "yearly", "month": 13}, "month"),
        ({"recurrence": "yearly"}, "month"),
        ({"recurrence": "once"}, "first_on"),
        ({"title": " "}, "title"),
        ({"kind": "party"}, "kind"),
    ],
)
def test_an_activity_that_makes_no_sense_is_refused_and_nothing_is_saved(
    cast: Cast, fields: dict[str, Any], field: str
) -> None:
    version = version_for(cast.team, cast.coordinator)
    with pytest.raises(ValidationError) as error:
        save_activity(cast, version, **fields)
    assert field in error.value.message_dict
    assert not AnnualActivity.objects.exists()


def test_the_arshjul_of_an_approved_version_is_frozen(cast: Cast) -> None:
    draft = version_for(cast.team, cast.coordinator)
    activity = save_activity(cast, draft)
    CarePlanVersion.objects.filter(pk=draft.pk).update(status=Status.IN_FORCE)
    with pytest.raises(ValidationError, match="ikke lenger et utkast"):
        save_activity(cast, draft, title="Noe nytt")
    with pytest.raises(ValidationError, match="ikke lenger et utkast"):
        annual_activity_remove(actor=cast.coordinator, version=draft, activity=activity)
    assert AnnualActivity.objects.get().title == "Samtale med fastlegen"


def test_an_activity_is_removed_from_a_draft(cast: Cast) -> None:
    version = version_for(cast.team, cast.coordinator)
    activity = save_activity(cast, version)
    annual_activity_remove(actor=cast.coordinator, version=version, activity=activity)
    assert not AnnualActivity.objects.exists()


def test_an_activity_of_another_version_is_refused(cast: Cast) -> None:
    first = version_for(cast.team, cast.coordinator)
    activity = save_activity(cast, first)
    # A plan has one open draft: the first is replaced before the second is made.
    CarePlanVersion.objects.filter(pk=first.pk).update(status=CarePlanVersion.Status.SUPERSEDED)
    second = version_for(cast.team, cast.coordinator)
    with pytest.raises(ValidationError, match="hører ikke til denne versjonen"):
        annual_activity_remove(actor=cast.coordinator, version=second, activity=activity)


def test_only_the_coordinator_writes_the_arshjul(cast: Cast) -> None:
    version = version_for(cast.team, cast.coordinator)
    with pytest.raises(PermissionDenied):
        annual_activity_save(
            actor=cast.member,
            version=version,
            kind="other",
            title="Tur",
            recurrence="yearly",
            month=5,
        )


def test_the_minimum_package_is_added_once(cast: Cast) -> None:
    version = version_for(cast.team, cast.coordinator, period_start=dt.date(2027, 1, 1))
    added = annual_defaults_add(actor=cast.coordinator, version=version, medicines=6)
    assert len(added) == 5
    assert annual_defaults_add(actor=cast.coordinator, version=version, medicines=6) == []
    assert AnnualActivity.objects.filter(version=version).count() == 5
