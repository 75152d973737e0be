"""The rules of Min gode dag, through ``careplans.good_day.services.good_day_save``."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from actors.models import RelativeLink
from careplans.good_day.services import ChallengeInput, GoalInput, StaleEdit
from careplans.models import LONG_TEXT, Challenge, Goal, GoodDay, GoodDayVersion
from lkt.models import AccessLog
from tests.careplans.helpers import karis_first_version, save, soon

pytestmark = pytest.mark.django_db


def messages_of(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict


# --- versions -------------------------------------------------------------------------------


def test_the_patient_writes_the_first_version_in_her_own_words(cast):
    version = karis_first_version(cast)

    assert version.number == 1
    assert version.written_by == cast.patient
    assert GoodDay.objects.get(patient=cast.team.patient).version == 1
    challenge = Challenge.objects.get(patient=cast.team.patient)
    goal = Goal.objects.get(patient=cast.team.patient)
    assert goal.challenge == challenge
    assert version.challenges == [{"id": challenge.pk, "text": "Jeg sover dårlig"}]
    assert version.goals == [
        {
            "id": goal.pk,
            "text": "Sove seks timer",
            "challenge_id": challenge.pk,
            "wish": "",
            "parent_id": None,
            "target_date": soon().isoformat(),
        }
    ]


def test_a_save_is_audited_as_a_change(cast):
    karis_first_version(cast)
    assert AccessLog.objects.filter(
        user=cast.patient, patient=cast.team.patient, action=AccessLog.Action.CHANGE
    ).exists()


def test_every_save_makes_a_new_version_and_never_overwrites_the_old_one(cast):
    first = karis_first_version(cast)
    challenge = Challenge.objects.get()
    goal = Goal.objects.get()
    second = save(
        cast.patient,
        cast.team.patient,
        1,
        good_day="Jeg står opp før åtte.",
        challenges=[ChallengeInput(text="Jeg sover dårlig om vinteren", id=challenge.pk)],
        goals=[
            GoalInput(
                text="Sove sju timer",
                id=goal.pk,
                challenge=f"c{challenge.pk}",
                target_date=soon(60),
            )
        ],
    )

    assert second.number == 2
    first.refresh_from_db()
    assert first.good_day == "Jeg står opp før ni.\nJeg går tur med hunden."
    assert first.challenges[0]["text"] == "Jeg sover dårlig"
    assert first.goals[0]["text"] == "Sove seks timer"
    assert second.challenges == [{"id": challenge.pk, "text": "Jeg sover dårlig om vinteren"}]
    # The stable rows follow the newest version, with the same ids.
    assert Challenge.objects.get().text == "Jeg sover dårlig om vinteren"
    assert list(GoodDayVersion.objects.values_list("number", flat=True)) == [2, 1]


def test_an_empty_draft_is_allowed_so_nobody_is_forced_to_write(cast):
    version = save(cast.patient, cast.team.patient, 0, is_draft=True)
    assert version.is_draft
    assert version.good_day == ""
    assert version.challenges == [] and version.goals == []


# --- optimistic locking -----------------------------------------------------------------------


def test_a_stale_edit_is_refused_with_the_other_persons_version_and_nothing_is_saved(cast):
    karis_first_version(cast)
    # Kari opened the page at version 1 on two devices; the first save wins.
    save(cast.patient, cast.team.patient, 1, good_day="Fra mobilen.")

    with pytest.raises(StaleEdit) as stale:
        save(
            cast.patient,
            cast.team.patient,
            1,
            good_day="Fra PC-en.",
            challenges=[ChallengeInput(text="Ny utfordring", ref="new1")],
        )

    assert stale.value.latest is not None
    assert stale.value.latest.number == 2
    assert stale.value.latest.good_day == "Fra mobilen."
    assert GoodDayVersion.objects.count() == 2
    assert not Challenge.objects.filter(text="Ny utfordring").exists()
    assert GoodDay.objects.get().version == 2


def test_a_first_version_written_twice_at_once_refuses_the_second(cast):
    save(cast.patient, cast.team.patient, 0, good_day="Først.")
    with pytest.raises(StaleEdit):
        save(cast.patient, cast.team.patient, 0, good_day="Samtidig.")
    assert GoodDayVersion.objects.get().good_day == "Først."


def test_a_merged_save_keeps_what_the_other_person_added(cast):
    karis_first_version(cast)
    first_challenge = Challenge.objects.get()
    # Someone else adds a challenge in version 2 …
    save(
        cast.patient,
        cast.team.patient,
        1,
        challenges=[
            ChallengeInput(text=first_challenge.text, id=first_challenge.pk),
            ChallengeInput(text="Bussen er full", ref="new1"),
        ],
        goals=[
            GoalInput(
                text="Sove seks timer",
                id=Goal.objects.get().pk,
                challenge=f"c{first_challenge.pk}",
            )
        ],
    )
    # … while Kari, who saw version 1 only, merges her text onto version 2.
    merged = save(
        cast.patient,
        cast.team.patient,
        2,
        good_day="Min tekst.",
        challenges=[ChallengeInput(text="Jeg sover dårlig", id=first_challenge.pk)],
    )
    assert [c["text"] for c in merged.challenges] == ["Jeg sover dårlig", "Bussen er full"]


# --- who may write ----------------------------------------------------------------------------


def test_a_team_member_who_is_not_a_co_writer_may_not_write(cast):
    with pytest.raises(PermissionDenied):
        save(cast.member, cast.team.patient, 0, written_with="Kari")
    karis_first_version(cast)
    with pytest.raises(PermissionDenied):
        save(cast.member, cast.team.patient, 1, written_with="Kari")


def test_the_coordinator_may_write_the_first_version_but_only_together_with_someone(cast):
    with pytest.raises(ValidationError) as error:
        save(cast.coordinator, cast.team.patient, 0, good_day="Kari forteller.")
    assert "pasientens navn" in messages_of(error.value)["written_with"][0]
    assert not GoodDayVersion.objects.exists()

    version = save(
        cast.coordinator, cast.team.patient, 0, good_day="Kari forteller.", written_with="Kari"
    )
    assert version.written_by == cast.coordinator
    assert version.written_with == "Kari"


def test_whoever_wrote_with_the_patient_stays_a_co_writer_until_the_patient_says_otherwise(
    cast,
):
    first = save(cast.coordinator, cast.team.patient, 0, written_with="Kari")
    assert list(first.co_writers.all()) == [cast.coordinator]
    save(cast.coordinator, cast.team.patient, 1, written_with="Kari")  # no 403 now

    # Kari names Tor and leaves Cecilie out: that is her saying otherwise.
    save(cast.patient, cast.team.patient, 2, co_writers=[cast.member])
    version = save(
        cast.member, cast.team.patient, 3, good_day="Skrevet med Tor.", written_with="Kari"
    )
    assert version.number == 4
    assert list(version.co_writers.all()) == [cast.member]
    with pytest.raises(PermissionDenied):
        save(cast.coordinator, cast.team.patient, 4, written_with="Kari")


def test_a_relative_who_writes_keeps_the_co_writers_and_does_not_become_one(cast):
    save(cast.coordinator, cast.team.patient, 0, written_with="Kari")
    link = cast.team.patient.relative_links.get(relative=cast.relative)
    link.may_edit_goals = True
    link.save(update_fields=["may_edit_goals"])
    version = save(cast.relative, cast.team.patient, 1, co_writers=[cast.coordinator])
    assert list(version.co_writers.all()) == [cast.coordinator]


def test_co_writers_must_be_staff_in_the_patients_team(cast):
    with pytest.raises(ValidationError) as error:
        save(cast.patient, cast.team.patient, 0, co_writers=[cast.outsider])
    assert "co_writers" in messages_of(error.value)


def test_a_relative_writes_only_where_the_patient_allows_it(cast):
    karis_first_version(cast)
    with pytest.raises(PermissionDenied):
        save(cast.relative, cast.team.patient, 1, good_day="Per skriver.")

    RelativeLink.objects.filter(relative=cast.relative).update(may_edit_goals=True)
    version = save(cast.relative, cast.team.patient, 1, good_day="Per skriver.")
    assert version.written_by == cast.relative


def test_a_relative_may_not_choose_who_else_writes(cast):
    RelativeLink.objects.filter(relative=cast.relative).update(may_edit_goals=True)
    with pytest.raises(ValidationError) as error:
        save(cast.relative, cast.team.patient, 0, co_writers=[cast.member])
    assert "co_writers" in messages_of(error.value)


@pytest.mark.parametrize("role", ["outsider", "excluded_relative", "other_patient", "leader"])
def test_those_who_may_not_see_the_patient_get_404(cast, role):
    with pytest.raises(Http404):
        save(getattr(cast, role), cast.team.patient, 0, written_with="x")


# --- bad input ----------------------------------------------------------------------------------


def test_a_target_date_in_the_past_is_refused_with_a_clear_message_and_nothing_is_saved(cast):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        save(
            cast.patient,
            cast.team.patient,
            0,
            good_day="Dette skal ikke lagres.",
            challenges=[ChallengeInput(text="Søvn", ref="new1")],
            goals=[GoalInput(text="Sove", challenge="new1", target_date=yesterday)],
        )
    assert messages_of(error.value) == {
        "goals.0.target_date": ["Datoen har allerede vært. Velg i dag eller en dag fram i tid."]
    }
    assert not GoodDayVersion.objects.exists()
    assert not Challenge.objects.exists()
    assert not GoodDay.objects.exists()


def test_a_goal_whose_date_has_passed_since_does_not_block_the_next_save(cast):
    karis_first_version(cast)
    goal = Goal.objects.get()
    last_month = timezone.localdate() - dt.timedelta(days=30)
    Goal.objects.filter(pk=goal.pk).update(target_date=last_month)

    version = save(
        cast.patient,
        cast.team.patient,
        1,
        good_day="Ny tekst.",
        challenges=[ChallengeInput(text="Jeg sover dårlig", id=goal.challenge_id)],
        goals=[
            GoalInput(
                text=goal.text,
                id=goal.pk,
                challenge=f"c{goal.challenge_id}",
                target_date=last_month,
            )
        ],
    )
    assert version.goals[0]["target_date"] == last_month.isoformat()


def test_an_oversized_text_is_refused_with_the_limit_in_the_message(cast):
    with pytest.raises(ValidationError) as error:
        save(cast.patient, cast.team.patient, 0, good_day="a" * (LONG_TEXT + 1))
    assert messages_of(error.value)["good_day"] == [
        "Teksten er for lang: 4001 tegn. Den kan være opptil 4000 tegn."
    ]
    assert not GoodDayVersion.objects.exists()


def test_an_oversized_challenge_is_refused_on_its_row(cast):
    with pytest.raises(ValidationError) as error:
        save(cast.patient, cast.team.patient, 0, challenges=[ChallengeInput(text="x" * 501)])
    assert "challenges.0.text" in messages_of(error.value)


def test_a_goal_must_serve_a_challenge_or_a_wish(cast):
    with pytest.raises(ValidationError) as error:
        save(cast.patient, cast.team.patient, 0, goals=[GoalInput(text="Løse mål")])
    assert "goals.0.challenge" in messages_of(error.value)

    version = save(
        cast.patient, cast.team.patient, 0, goals=[GoalInput(text="Reise", wish="Se havet")]
    )
    assert version.goals[0]["wish"] == "Se havet"


def test_a_subgoal_belongs_to_a_main_goal_and_has_no_subgoals_of_its_own(cast):
    version = save(
        cast.patient,
        cast.team.patient,
        0,
        goals=[
            GoalInput(text="Delmål", ref="g2", parent="g1"),
            GoalInput(text="Hovedmål", ref="g1", wish="Jobb"),
        ],
    )
    main = Goal.objects.get(text="Hovedmål")
    sub = Goal.objects.get(text="Delmål")
    assert sub.parent == main
    assert {g["text"]: g["parent_id"] for g in version.goals} == {
        "Delmål": main.pk,
        "Hovedmål": None,
    }

    with pytest.raises(ValidationError) as error:
        save(
            cast.patient,
            cast.team.patient,
            1,
            goals=[GoalInput(text="Del av delmål", parent=f"g{sub.pk}")],
        )
    assert "goals.0.parent" in messages_of(error.value)


def test_removing_a_challenge_retires_it_and_old_versions_still_show_it(cast):
    first = karis_first_version(cast)
    challenge, goal = Challenge.objects.get(), Goal.objects.get()
    version = save(
        cast.patient,
        cast.team.patient,
        1,
        challenges=[ChallengeInput(text=challenge.text, id=challenge.pk, remove=True)],
        goals=[GoalInput(text=goal.text, id=goal.pk, remove=True)],
    )
    challenge.refresh_from_db()
    assert challenge.retired_at is not None
    assert version.challenges == [] and version.goals == []
    first.refresh_from_db()
    assert first.challenges[0]["text"] == "Jeg sover dårlig"


def test_a_challenge_that_a_goal_still_serves_cannot_be_removed(cast):
    karis_first_version(cast)
    challenge = Challenge.objects.get()
    with pytest.raises(ValidationError) as error:
        save(
            cast.patient,
            cast.team.patient,
            1,
            challenges=[ChallengeInput(text=challenge.text, id=challenge.pk, remove=True)],
        )
    # The goal is not on this form: the message names it.
    assert "«Sove seks timer»" in messages_of(error.value)["goals"][0]
    challenge.refresh_from_db()
    assert challenge.retired_at is None


def test_an_id_from_another_patient_is_refused(cast):
    save(cast.other_patient, cast.other_team.patient, 0, challenges=[ChallengeInput(text="Ola")])
    olas = Challenge.objects.get()
    with pytest.raises(ValidationError) as error:
        save(cast.patient, cast.team.patient, 0, challenges=[ChallengeInput(text="x", id=olas.pk)])
    assert "challenges.0.text" in messages_of(error.value)
    olas.refresh_from_db()
    assert olas.text == "Ola"


def test_a_goal_for_a_new_challenge_that_was_left_empty_says_so(cast):
    with pytest.raises(ValidationError) as error:
        save(
            cast.patient,
            cast.team.patient,
            0,
            challenges=[ChallengeInput(text="", ref="newc1")],
            goals=[GoalInput(text="Sove", challenge="newc1")],
        )
    assert messages_of(error.value)["goals.0.challenge"] == [
        "Den nye utfordringen er tom. Skriv den, eller velg en annen."
    ]


def test_removing_a_challenge_while_its_goal_on_the_form_still_serves_it_is_refused(cast):
    karis_first_version(cast)
    challenge, goal = Challenge.objects.get(), Goal.objects.get()
    with pytest.raises(ValidationError) as error:
        save(
            cast.patient,
            cast.team.patient,
            1,
            challenges=[ChallengeInput(text=challenge.text, id=challenge.pk, remove=True)],
            goals=[GoalInput(text=goal.text, id=goal.pk, challenge=f"c{challenge.pk}")],
        )
    assert messages_of(error.value)["goals.0.challenge"] == [
        "Utfordringen er fjernet. Velg en annen, eller skriv et ønske."
    ]
