"""Every write of Min gode dag (element A). One function per use case.

Nothing is ever overwritten: a save freezes the whole document into a new ``GoodDayVersion``.
Two people editing at once are kept apart by optimistic locking on ``GoodDay.version``: the
second save is refused with ``StaleEdit``, which carries the other person's version so the page
can show it beside the unsaved text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actors.access import Action, authorize
from actors.models import Patient, User
from careplans.good_day.selectors import good_day_may_write, team_staff
from careplans.models import Challenge, Goal, GoodDay, GoodDayVersion

# Enough for a life with many threads; more would stop being a shared summary.
MAX_CHALLENGES = 30
MAX_GOALS = 50

TEXT_FIELDS = ("good_day", "what_matters", "own_resources", "network_resources", "life_arena")


class StaleEdit(Exception):
    """Someone saved a newer version since the editor opened the page; nothing was saved."""

    def __init__(self, latest: GoodDayVersion | None) -> None:
        super().__init__("Min gode dag was changed by someone else")
        self.latest = latest


@dataclass(frozen=True)
class ChallengeInput:
    """One utfordringsbilde row of the form. ``ref`` names a new row so goals can point at it;
    an existing row is referred to as ``c<id>``."""

    text: str
    id: int | None = None
    ref: str = ""
    remove: bool = False


@dataclass(frozen=True)
class GoalInput:
    """One goal row. ``challenge`` and ``parent`` are refs: ``c<id>``/``g<id>`` for existing
    rows, or the ``ref`` of a new row in the same save."""

    text: str
    id: int | None = None
    ref: str = ""
    challenge: str = ""
    wish: str = ""
    parent: str = ""
    target_date: dt.date | None = None
    remove: bool = False


def _limit(model: Any, name: str) -> int:
    """The model's own max_length: one limit for form, service and database."""
    return int(model._meta.get_field(name).max_length)


def _too_long(value: str, limit: int) -> str | None:
    if len(value) <= limit:
        return None
    return _("Teksten er for lang: %(count)d tegn. Den kan være opptil %(limit)d tegn.") % {
        "count": len(value),
        "limit": limit,
    }


class _Errors:
    """Collects every problem before anything is written, so the form shows them all at once."""

    def __init__(self) -> None:
        self.by_key: dict[str, list[str]] = {}

    def add(self, key: str, message: str) -> None:
        self.by_key.setdefault(key, []).append(message)

    def raise_if_any(self) -> None:
        if self.by_key:
            raise ValidationError(self.by_key)


def _check_challenges(
    errors: _Errors, challenges: Sequence[ChallengeInput], existing: dict[int, Challenge]
) -> set[str]:
    """Validate the challenge rows; return the refs of the challenges that remain after save."""
    limit = _limit(Challenge, "text")
    remaining = {f"c{pk}" for pk, c in existing.items() if c.retired_at is None}
    for index, row in enumerate(challenges):
        key = f"challenges.{index}"
        if row.id is not None and row.id not in existing:
            errors.add(f"{key}.text", _("Fant ikke denne utfordringen. Last siden på nytt."))
            continue
        keep = bool(row.text.strip()) and not row.remove
        ref = f"c{row.id}" if row.id is not None else row.ref
        if keep:
            if message := _too_long(row.text.strip(), limit):
                errors.add(f"{key}.text", message)
            remaining.add(ref)
        else:
            remaining.discard(ref)
    if len(remaining) > MAX_CHALLENGES:
        errors.add(
            "challenges",
            _("Du kan ha opptil %(max)d utfordringer. Fjern noen før du legger til nye.")
            % {"max": MAX_CHALLENGES},
        )
    return remaining


def _document_for_writing(
    actor: User, patient: Patient, base_version: int
) -> tuple[GoodDay, set[int]]:
    """The patient's document, locked, once the actor may write the next version from
    ``base_version``; with the co-writers of the latest version."""
    standing = authorize(actor, Action.EDIT_GOALS, patient)
    # The row lock makes "check the version, then write the next one" one step for everybody.
    document, _created = GoodDay.objects.select_for_update().get_or_create(patient=patient)
    latest = (
        document.versions.select_related("written_by").prefetch_related("co_writers").first()
        if document.version
        else None
    )
    previous_co_writers = {u.pk for u in latest.co_writers.all()} if latest else set()
    if not good_day_may_write(
        user=actor,
        standing=standing,
        has_version=latest is not None,
        co_writer_ids=previous_co_writers,
    ):
        raise PermissionDenied
    if base_version != document.version:
        raise StaleEdit(latest)
    return document, previous_co_writers


def _check_texts(errors: _Errors, *, actor: User, texts: dict[str, str], written_with: str) -> None:
    for name, value in texts.items():
        if message := _too_long(value, _limit(GoodDayVersion, name)):
            errors.add(name, message)
    if message := _too_long(written_with, _limit(GoodDayVersion, "written_with")):
        errors.add("written_with", message)
    if actor.kind == User.Kind.STAFF and not written_with:
        # Staff never write it alone: the patient's words, written down together.
        errors.add(
            "written_with",
            _("Skriv hvem du skrev sammen med, for eksempel pasientens navn."),
        )


def _check_goals(
    errors: _Errors,
    goals: Sequence[GoalInput],
    existing: dict[int, Goal],
    challenge_refs: set[str],
    today: dt.date,
) -> None:
    after, rows = _check_goal_rows(errors, goals, existing, today)
    if len(after) > MAX_GOALS:
        errors.add(
            "goals",
            _("Du kan ha opptil %(max)d mål. Fjern noen før du legger til nye.")
            % {"max": MAX_GOALS},
        )
    _check_goal_links(errors, after, rows, existing, challenge_refs)


def _check_goal_rows(
    errors: _Errors, goals: Sequence[GoalInput], existing: dict[int, Goal], today: dt.date
) -> tuple[dict[str, tuple[str, str, str]], dict[str, int]]:
    """Each row on its own: text, lengths, a date ahead. Returns what each goal that remains
    looks like after the save, by ref (challenge, wish, parent), and each row's index."""
    limit_text, limit_wish = _limit(Goal, "text"), _limit(Goal, "wish")
    # What each goal that remains looks like after the save, by ref: (challenge, wish, parent).
    after: dict[str, tuple[str, str, str]] = {
        f"g{pk}": (
            f"c{g.challenge_id}" if g.challenge_id else "",
            g.wish,
            f"g{g.parent_id}" if g.parent_id else "",
        )
        for pk, g in existing.items()
        if g.retired_at is None
    }
    rows: dict[str, int] = {}  # ref → index in the form, for messages on the right row
    for index, row in enumerate(goals):
        key = f"goals.{index}"
        if row.id is not None and row.id not in existing:
            errors.add(f"{key}.text", _("Fant ikke dette målet. Last siden på nytt."))
            continue
        ref = f"g{row.id}" if row.id is not None else row.ref
        filled = any((row.challenge, row.wish.strip(), row.parent, row.target_date))
        if row.remove or (not row.text.strip() and (row.id is not None or not filled)):
            after.pop(ref, None)
            continue
        if not row.text.strip():
            errors.add(f"{key}.text", _("Skriv hva målet er, eller tøm raden."))
            continue
        rows[ref] = index
        after[ref] = (row.challenge, row.wish.strip(), row.parent)
        for name, value, limit in (("text", row.text, limit_text), ("wish", row.wish, limit_wish)):
            if message := _too_long(value.strip(), limit):
                errors.add(f"{key}.{name}", message)
        # Only a date the user sets or changes now must lie ahead: an old goal whose date has
        # passed must not block saving the rest of the document.
        before = existing.get(row.id) if row.id is not None else None
        date_changed = before is None or before.target_date != row.target_date
        if row.target_date and date_changed and row.target_date < today:
            errors.add(
                f"{key}.target_date",
                _("Datoen har allerede vært. Velg i dag eller en dag fram i tid."),
            )
    return after, rows


def _check_goal_links(
    errors: _Errors,
    after: dict[str, tuple[str, str, str]],
    rows: dict[str, int],
    existing: dict[int, Goal],
    challenge_refs: set[str],
) -> None:
    """Each goal that remains against the others: its challenge, wish or main goal exists, and a
    sub-goal has no sub-goals of its own."""
    for ref, (challenge, wish, parent) in after.items():
        row_index = rows.get(ref)
        # A goal that is not on the form (added by someone else meanwhile) gets a message on top.
        where = f"goals.{row_index}" if row_index is not None else None
        name = next((g.text for pk, g in existing.items() if f"g{pk}" == ref), "")

        def report(
            field: str, message: str, *, where: str | None = where, name: str = name
        ) -> None:
            if where is None:
                errors.add("goals", f"«{name}»: {message}")
            else:
                errors.add(f"{where}.{field}", message)

        if challenge and challenge not in challenge_refs:
            if challenge.startswith("new"):
                message = _("Den nye utfordringen er tom. Skriv den, eller velg en annen.")
            else:
                message = _("Utfordringen er fjernet. Velg en annen, eller skriv et ønske.")
            report("challenge", message)
        if parent:
            main = after.get(parent)
            if parent == ref:
                report("parent", _("Et mål kan ikke være delmål av seg selv."))
            elif main is None:
                report("parent", _("Hovedmålet er fjernet. Velg et annet, eller ingen."))
            elif main[2]:
                report(
                    "parent",
                    _("Velg et hovedmål. Et delmål kan ikke ha egne delmål."),
                )
        if not (challenge or wish or parent):
            report(
                "challenge",
                _("Velg hvilken utfordring målet gjelder, eller skriv hvilket ønske det gjelder."),
            )


def _check_co_writers(
    errors: _Errors,
    *,
    actor: User,
    patient: Patient,
    co_writers: Sequence[User],
    previous: set[int],
) -> list[User]:
    chosen = {u.pk: u for u in co_writers}
    if actor.kind == User.Kind.RELATIVE and set(chosen) != previous:
        errors.add(
            "co_writers",
            _("Bare pasienten eller ansatte som skriver med pasienten, velger medforfattere."),
        )
        return []
    allowed = {u.pk for u in team_staff(patient)} if chosen else set()
    if set(chosen) - allowed:
        errors.add("co_writers", _("Medforfattere må være ansatte i aktørfellesskapet."))
    return list(chosen.values())


def _snapshot_challenges(patient: Patient) -> list[dict[str, Any]]:
    return [
        {"id": c.pk, "text": c.text}
        for c in Challenge.objects.filter(patient=patient, retired_at__isnull=True)
    ]


def _snapshot_goals(patient: Patient) -> list[dict[str, Any]]:
    return [
        {
            "id": g.pk,
            "text": g.text,
            "challenge_id": g.challenge_id,
            "wish": g.wish,
            "parent_id": g.parent_id,
            "target_date": g.target_date.isoformat() if g.target_date else None,
        }
        for g in Goal.objects.filter(patient=patient, retired_at__isnull=True)
    ]


def _write_challenges(
    patient: Patient,
    challenges: Sequence[ChallengeInput],
    existing: dict[int, Challenge],
    now: dt.datetime,
) -> dict[str, Challenge]:
    """Create, update and retire challenge rows; return every live challenge by ref."""
    by_ref = {f"c{pk}": c for pk, c in existing.items() if c.retired_at is None}
    for position, row in enumerate(challenges):
        text = row.text.strip()
        keep = bool(text) and not row.remove
        challenge = existing[row.id] if row.id is not None else None
        if challenge is None:
            if not keep:
                continue
            challenge = Challenge(patient=patient)
        elif not keep:
            if challenge.retired_at is None:
                challenge.retired_at = now
                challenge.save(update_fields=["retired_at"])
            by_ref.pop(f"c{challenge.pk}", None)
            continue
        challenge.text, challenge.position = text, position
        # Kept on the form after someone else removed it (a merged stale edit): it lives again.
        challenge.retired_at = None
        challenge.full_clean()
        challenge.save()
        by_ref[f"c{challenge.pk}"] = challenge
        if row.ref:
            by_ref[row.ref] = challenge
    return by_ref


def _write_goals(
    patient: Patient,
    goals: Sequence[GoalInput],
    existing: dict[int, Goal],
    challenges: dict[str, Challenge],
    now: dt.datetime,
) -> None:
    by_ref: dict[str, Goal] = {f"g{pk}": g for pk, g in existing.items() if g.retired_at is None}
    pending: list[tuple[Goal, str]] = []
    for position, row in enumerate(goals):
        text = row.text.strip()
        goal = existing[row.id] if row.id is not None else None
        if row.remove or not text:
            if goal is not None and goal.retired_at is None:
                goal.retired_at = now
                goal.save(update_fields=["retired_at", "updated_at"])
                by_ref.pop(f"g{goal.pk}", None)
            continue
        goal = goal or Goal(patient=patient)
        goal.text, goal.wish, goal.position = text, row.wish.strip(), position
        goal.challenge = challenges.get(row.challenge) if row.challenge else None
        goal.target_date, goal.retired_at = row.target_date, None
        goal.parent = None
        pending.append((goal, row.parent))
        if row.id is not None:
            by_ref[f"g{row.id}"] = goal
        if row.ref:
            by_ref[row.ref] = goal
    # Main goals first, so a delmål can point at a main goal created in the same save.
    pending.sort(key=lambda item: bool(item[1]))
    for goal, parent in pending:
        goal.parent = by_ref.get(parent) if parent else None
        goal.full_clean()
        goal.save()


@transaction.atomic
def good_day_save(
    *,
    actor: User,
    patient: Patient,
    base_version: int,
    good_day: str,
    what_matters: str,
    own_resources: str,
    network_resources: str,
    life_arena: str,
    challenges: Sequence[ChallengeInput],
    goals: Sequence[GoalInput],
    written_with: str = "",
    co_writers: Sequence[User] = (),
    is_draft: bool = False,
) -> GoodDayVersion:
    """Save a new version of Min gode dag, written by ``actor`` from ``base_version``.

    Raises Http404/PermissionDenied (access and the co-writer rule), StaleEdit (someone saved
    since ``base_version``; nothing is saved) or ValidationError with keys ``<field>``,
    ``challenges.<i>.<field>`` and ``goals.<i>.<field>`` (i = position in the given list).
    Empty texts and drafts are allowed: the patient is never forced to write.
    """
    document, previous_co_writers = _document_for_writing(actor, patient, base_version)
    texts = {
        "good_day": good_day,
        "what_matters": what_matters,
        "own_resources": own_resources,
        "network_resources": network_resources,
        "life_arena": life_arena,
    }
    errors = _Errors()
    written_with = written_with.strip()
    _check_texts(errors, actor=actor, texts=texts, written_with=written_with)
    chosen = _check_co_writers(
        errors, actor=actor, patient=patient, co_writers=co_writers, previous=previous_co_writers
    )
    if actor.kind == User.Kind.STAFF and actor.pk not in {u.pk for u in chosen}:
        # Staff write only together with the patient, so whoever wrote this version with her
        # may write the next one too, until the patient saves a version without them.
        chosen.append(actor)
    existing_challenges = {c.pk: c for c in Challenge.objects.filter(patient=patient)}
    existing_goals = {g.pk: g for g in Goal.objects.filter(patient=patient)}
    remaining = _check_challenges(errors, challenges, existing_challenges)
    _check_goals(errors, goals, existing_goals, remaining, timezone.localdate())
    errors.raise_if_any()

    now = timezone.now()
    live = _write_challenges(patient, challenges, existing_challenges, now)
    _write_goals(patient, goals, existing_goals, live, now)
    version = GoodDayVersion(
        document=document,
        number=document.version + 1,
        is_draft=is_draft,
        **texts,
        challenges=_snapshot_challenges(patient),
        goals=_snapshot_goals(patient),
        written_by=actor,
        written_with=written_with,
    )
    # The snapshots are built here, never typed in; an empty list is a valid (empty) snapshot,
    # which the JSONFields' blank=False would refuse.
    version.full_clean(exclude=["challenges", "goals"])
    version.save()
    version.co_writers.set(chosen)
    document.version = version.number
    document.save(update_fields=["version"])
    return version
