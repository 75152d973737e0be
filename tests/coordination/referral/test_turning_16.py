"""Turning 16 in the daily sweep (issue 14): on the birthday the parents' foreldreansvar ends,
their access ends unless the patient chose it herself, the consents they gave are due for
renewal, and the coordinator is told once. Each test travels to the days it names, so it does
not hang on the suite's instant."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from actors.access import Action, can
from actors.models import Consent, Patient, RelativeLink, Representation, Role, Team, User
from coordination import reminders
from coordination.models import Notification
from coordination.referral.turning_16 import turning_16_sweep
from lkt.models import AccessLog
from tests.factories import (
    ConsentFactory,
    MemberFactory,
    PatientFactory,
    RelativeLinkFactory,
    RepresentationFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
FULL = {"may_see_team": True, "may_see_goals": True, "may_see_plan": True}


def at(day: dt.date, hour: int = 6) -> time_machine.travel:
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, hour, tzinfo=OSLO), tick=False
    )


@pytest.fixture
def family(request: pytest.FixtureRequest) -> Iterator[dict]:
    """Emma, born on ``birth_date`` (a parameter, 2011-03-05 by default), with a coordinator,
    both parents with foreldreansvar and full access, and the consents they gave; made when
    she is 14."""
    birth = getattr(request, "param", dt.date(2011, 3, 5))
    with at(dt.date(birth.year + 14, 6, 1)):
        coordinator = StaffFactory.create()
        emma_user = UserFactory(kind=User.Kind.PATIENT)
        emma = PatientFactory.create(birth_date=birth, user=emma_user)
        team = Team.objects.create(
            patient=emma,
            created_by=coordinator,
            established_on=timezone.localdate(),
            status=Team.Status.ACTIVE,
        )
        MemberFactory(team=team, user=coordinator, role=Role.COORDINATOR)
        parents = []
        for name in ("Marte", "Jon"):
            user = UserFactory(kind=User.Kind.RELATIVE, first_name=name)
            link = RelativeLinkFactory(patient=emma, relative=user, name=f"{name} Lid", **FULL)
            RepresentationFactory(relative_link=link, recorded_by=coordinator)
            parents.append(user)
        for scope in (Consent.Scope.TEAM_SHARING, Consent.Scope.RELATIVES):
            ConsentFactory(
                patient=emma,
                recorded_by=coordinator,
                scope=scope,
                given_by=Consent.GivenBy.GUARDIAN,
            )
    yield {
        "emma": emma,
        "emma_user": emma_user,
        "team": team,
        "coordinator": coordinator,
        "parents": parents,
    }


def _told(coordinator: User) -> list[Notification]:
    return list(
        Notification.objects.filter(recipient=coordinator, kind=Notification.Kind.TURNING_16)
    )


def test_nothing_changes_the_day_before_the_birthday(family):
    with at(dt.date(2027, 3, 4)):
        assert turning_16_sweep(timezone.localdate()) == 0
        assert Representation.objects.in_effect().count() == 2
        assert can(family["parents"][0], Action.RECORD_CONSENT, family["emma"])


def test_on_the_birthday_the_parents_authority_and_access_end_and_the_coordinator_is_told(
    family,
):
    emma: Patient = family["emma"]
    with at(dt.date(2027, 3, 5)):
        assert turning_16_sweep(timezone.localdate()) == 1

        assert not Representation.objects.open().filter(patient=emma).exists()
        ended = Representation.objects.filter(patient=emma)
        assert all("fylte 16 år 5.3.2027" in r.ended_reason for r in ended)
        links = RelativeLink.objects.filter(patient=emma)
        assert {link.ends_on for link in links} == {dt.date(2027, 3, 5)}
        for parent in family["parents"]:
            assert not can(parent, Action.VIEW_IDENTITY, emma)
        assert {c.renew_on for c in Consent.objects.filter(patient=emma)} == {dt.date(2027, 3, 5)}
        [note] = _told(family["coordinator"])
        assert "fylte 16 år 5.3.2027" in note.message
        assert "Marte Lid, Jon Lid" in note.message or "Jon Lid, Marte Lid" in note.message
        # The changes are the system's, with the reason, in Emma's access log.
        rows = AccessLog.objects.filter(patient=emma, user__isnull=True, action="change")
        assert rows.count() == 4  # two representations, two links
        # Emma now consents herself.
        assert can(family["emma_user"], Action.RECORD_CONSENT, emma)


def test_a_second_run_and_the_next_days_change_nothing_and_tell_no_one_again(family):
    with at(dt.date(2027, 3, 5)):
        turning_16_sweep(timezone.localdate())
    before = AccessLog.objects.count()
    for day in (dt.date(2027, 3, 5), dt.date(2027, 3, 6), dt.date(2027, 3, 11)):
        with at(day, hour=7):
            assert turning_16_sweep(timezone.localdate()) == 0
    assert len(_told(family["coordinator"])) == 1
    assert AccessLog.objects.count() == before


def test_a_missed_run_is_caught_up_within_the_week(family):
    with at(dt.date(2027, 3, 9)):
        assert turning_16_sweep(timezone.localdate()) == 1
        # The access ended on the birthday; the consents are due the day they were marked.
        assert set(RelativeLink.objects.values_list("ends_on", flat=True)) == {dt.date(2027, 3, 5)}
        assert set(Consent.objects.values_list("renew_on", flat=True)) == {dt.date(2027, 3, 9)}


def test_a_foreldreansvar_left_open_long_after_16_is_ended_too(family):
    with at(dt.date(2027, 6, 1)):
        assert turning_16_sweep(timezone.localdate()) == 1
        assert not Representation.objects.open().exists()


def test_a_parent_the_patient_chose_herself_at_15_keeps_her_access(family):
    marte_link = RelativeLink.objects.get(relative=family["parents"][0])
    with at(dt.date(2026, 9, 1)):  # 15½: Emma ticks her mother's access herself
        RelativeLink.objects.filter(pk=marte_link.pk).update(patient_confirmed_at=timezone.now())
    with at(dt.date(2027, 3, 5)):
        turning_16_sweep(timezone.localdate())
        marte_link.refresh_from_db()
        assert marte_link.ends_on is None
        assert can(family["parents"][0], Action.VIEW_PLAN, family["emma"])
        assert not can(family["parents"][0], Action.RECORD_CONSENT, family["emma"])
        assert not can(family["parents"][1], Action.VIEW_IDENTITY, family["emma"])
        [note] = _told(family["coordinator"])
        assert "Marte Lid beholder tilgangen" in note.message


def test_a_choice_made_as_a_younger_child_does_not_keep_the_access(family):
    marte_link = RelativeLink.objects.get(relative=family["parents"][0])
    with at(dt.date(2025, 9, 1)):  # 14½
        RelativeLink.objects.filter(pk=marte_link.pk).update(patient_confirmed_at=timezone.now())
    with at(dt.date(2027, 3, 5)):
        turning_16_sweep(timezone.localdate())
        marte_link.refresh_from_db()
        assert marte_link.ends_on == dt.date(2027, 3, 5)


@pytest.mark.parametrize("family", [dt.date(2012, 2, 29)], indirect=True)
def test_a_leap_day_child_turns_16_on_29_february(family):
    with at(dt.date(2028, 2, 28)):
        assert turning_16_sweep(timezone.localdate()) == 0
        assert Representation.objects.in_effect().count() == 2
    with at(dt.date(2028, 2, 29)):
        assert turning_16_sweep(timezone.localdate()) == 1
        assert set(RelativeLink.objects.values_list("ends_on", flat=True)) == {dt.date(2028, 2, 29)}
    with at(dt.date(2028, 3, 1)):
        assert turning_16_sweep(timezone.localdate()) == 0


@pytest.mark.parametrize("family", [dt.date(2011, 3, 1)], indirect=True)
def test_a_child_born_on_1_march_is_not_touched_on_28_february(family):
    with at(dt.date(2027, 2, 28)):
        assert turning_16_sweep(timezone.localdate()) == 0
    with at(dt.date(2027, 3, 1)):
        assert turning_16_sweep(timezone.localdate()) == 1


def test_the_daily_sweep_runs_it_and_the_consent_reminder_follows_the_same_day(family):
    with at(dt.date(2027, 3, 5)):
        counts = reminders.reminders_sweep(timezone.localdate())
    assert counts[Notification.Kind.TURNING_16] == 1
    renewals = Notification.objects.filter(
        recipient=family["coordinator"], kind=Notification.Kind.CONSENT_RENEWAL
    )
    assert renewals.count() == 2
