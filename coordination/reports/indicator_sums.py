"""What an organisation's teams add up to, month by month: the sums behind every indicator.

``accumulate`` turns the facts of ``coordination.reports.indicator_data`` into one ``Sums`` per
organisation key and month; ``coordination.reports.indicators`` makes cells of them, and
``coordination.reports.indicator_months`` keeps them per organisation and month for beat, so a
leader's report reads a few hundred rows instead of the facts of every team.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from actors.models import MANDATORY_ROLES
from coordination.reports.indicator_data import Facts, Span, TeamFacts, span_on

# A plan period's evaluation may come this long after the period ended and still count.
EVALUATION_GRACE_DAYS = 30


@dataclass
class Sums:
    """What one organisation's teams add up to in one month."""

    teams: int = 0
    patients: int = 0
    roles: int = 0
    mandate: int = 0
    leaders: int = 0
    evaluated: int = 0
    over_caseload: int = 0
    annual_teams: int = 0
    annual_due: int = 0
    annual_on_time: int = 0
    meeting_teams: int = 0
    held: int = 0
    minutes: int = 0
    days: list[int] = field(default_factory=list)
    contacts: int = 0
    admissions: int = 0
    answers: int = 0
    score: float = 0.0
    rated: int = 0
    rating_sum: float = 0.0


def _on(spans: list[Span], day: dt.date) -> bool:
    return any(span_on(span, day) for span in spans)


def _plan_in_force(plans: list[tuple[dt.date, bool]], day: dt.date) -> tuple[bool, bool]:
    """(a version is in force, that version is approved by a leader) on ``day``."""
    current = None
    for since, leaders in plans:
        if since > day:
            break
        current = leaders
    return current is not None, bool(current)


def _evaluated_in_time(periods: list[tuple[dt.date, dt.date | None]], day: dt.date) -> bool:
    if not periods:
        return False
    grace = dt.timedelta(days=EVALUATION_GRACE_DAYS)
    return not any(
        ends_on + grace < day and (evaluated_on is None or evaluated_on > day)
        for ends_on, evaluated_on in periods
    )


def _bits(lo: int, hi: int) -> int:
    return ((1 << hi) - 1) ^ ((1 << lo) - 1) if hi > lo else 0


class _Calendar:
    """Month bitmasks (bit i: month i) of date ranges, found by bisecting the months' days: a
    team's state over all months costs a few integer operations instead of a check per month
    (20 000 teams × 36 months must stay well inside the bench's 5 s)."""

    def __init__(self, facts: Facts) -> None:
        months = facts.months
        self.n = months.count
        self.firsts = [months.start(i) for i in range(self.n)]
        self.lasts = [months.last(i) for i in range(self.n)]
        self.refs = [facts.reference_day(i) for i in range(self.n)]
        self.all = _bits(0, self.n)

    def on(self, start: dt.date, until: dt.date | None) -> int:
        """Months whose reference day lies in [start, until)."""
        hi = self.n if until is None else bisect_left(self.refs, until)
        return _bits(bisect_left(self.refs, start), hi)

    def during(self, start: dt.date, until: dt.date | None) -> int:
        """Months that share a day with [start, until)."""
        hi = self.n if until is None else bisect_left(self.firsts, until)
        return _bits(bisect_left(self.lasts, start), hi)


STATES = ("roles", "mandate", "leaders", "evaluated", "over_caseload")


def _states_on(team: TeamFacts, day: dt.date, over: bool) -> tuple[bool, ...]:
    """The states of one team on one day (for the month a team closed: read on that day)."""
    in_force, leaders = _plan_in_force(team.plans, day)
    return (
        all(_on(team.roles.get(role, []), day) for role in MANDATORY_ROLES),
        team.mandate is not None and span_on(team.mandate, day),
        leaders,
        in_force and _evaluated_in_time(team.periods, day),
        over,
    )


def _state_masks(team: TeamFacts, cal: _Calendar, over_by_user: dict[int, int]) -> list[int]:
    """The months in which the team has each of STATES, read on each month's reference day."""
    roles = cal.all
    for role in MANDATORY_ROLES:
        held = 0
        for span in team.roles.get(role, []):
            held |= cal.on(*span)
        roles &= held
    mandate = cal.on(*team.mandate) if team.mandate else 0
    in_force = leaders = 0
    for k, (since, approved) in enumerate(team.plans):
        in_force |= cal.on(since, None)
        if approved:
            following = team.plans[k + 1][0] if k + 1 < len(team.plans) else None
            leaders |= cal.on(since, following)
    overdue = 0
    grace = dt.timedelta(days=EVALUATION_GRACE_DAYS + 1)
    for ends_on, evaluated_on in team.periods:
        overdue |= cal.on(ends_on + grace, evaluated_on)
    evaluated = in_force & ~overdue if team.periods else 0
    over = 0
    for user, span in team.coordinators:
        over |= cal.on(*span) & over_by_user.get(user, 0)
    masks = [roles, mandate, leaders, evaluated & cal.all, over]
    if team.closed_on:
        i = bisect_left(cal.lasts, team.closed_on)
        if i < cal.n and team.closed_on < cal.refs[i]:
            states = _states_on(team, team.closed_on, bool(over >> i & 1))
            masks = [
                m | (1 << i) if on else m & ~(1 << i) for m, on in zip(masks, states, strict=True)
            ]
    return masks


def _add_counts(
    accs: dict[tuple[int, int], Sums], key: int, name: str, masks: Counter[int]
) -> None:
    for mask, count in masks.items():
        i = 0
        while mask:
            if mask & 1:
                acc = accs[key, i]
                setattr(acc, name, getattr(acc, name) + count)
            mask >>= 1
            i += 1


class _Groups:
    """Owners (teams or patients) grouped by where they are present: {key: months}."""

    def __init__(self, present: dict[int, dict[int, int]]) -> None:
        ids: dict[tuple[tuple[int, int], ...], int] = {}
        self.of: dict[int, int] = {}
        for owner, where in present.items():
            signature = tuple(where.items())
            self.of[owner] = ids.setdefault(signature, len(ids))
        self.signatures = list(ids)

    def spread(
        self,
        accs: dict[tuple[int, int], Sums],
        events: Mapping[tuple[int, int], Sequence[float] | float],
    ) -> Iterator[tuple[Sums, list[float]]]:
        """Per organisation and month: [owners with an event, sum of each value]."""
        sums: dict[tuple[int, int], list[float]] = {}
        for (owner, i), values in events.items():
            group = self.of.get(owner)
            if group is None:
                continue
            row = values if isinstance(values, Sequence) else (values,)
            total = sums.get((group, i))
            if total is None:
                sums[group, i] = [1, *row]
            else:
                total[0] += 1
                for n, value in enumerate(row, 1):
                    total[n] += value
        for (group, i), total in sums.items():
            for key, months in self.signatures[group]:
                if months >> i & 1:
                    yield accs[key, i], total


def accumulate(facts: Facts, keys: Mapping[int, tuple[int, ...]]) -> dict[tuple[int, int], Sums]:
    """The sums per key and month: ``keys`` maps an organisation of the facts to the keys its
    core members count for (a report's total and the row below it; for the stored months, the
    organisation itself and every one above it). A team counts once for a key in a month,
    however many of its core members work there."""
    cal = _Calendar(facts)
    over_by_user = {
        user: sum(1 << i for i in range(cal.n) if facts.caseload.get((user, i), 0) > limit)
        for user, limit in facts.limits.items()
    }
    accs: dict[tuple[int, int], Sums] = defaultdict(Sums)
    counts: dict[tuple[int, str], Counter[int]] = defaultdict(Counter)
    team_present: dict[int, dict[int, int]] = {}
    patient_present: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for team_id, team in facts.teams.items():
        closed = team.closed_on + dt.timedelta(days=1) if team.closed_on else None
        active = cal.during(team.established_on, closed)
        present: dict[int, int] = defaultdict(int)
        for org, span in team.core:
            months = cal.during(*span) & active
            if months:
                for key in keys.get(org, ()):
                    present[key] |= months
        if not present:
            continue
        team_present[team_id] = present
        masks = _state_masks(team, cal, over_by_user)
        for key, months in present.items():
            counts[key, "teams"][months] += 1
            patient_present[team.patient_id][key] |= months
            for name, mask in zip(STATES, masks, strict=True):
                if mask & months:
                    counts[key, name][mask & months] += 1
    for (key, name), by_mask in counts.items():
        _add_counts(accs, key, name, by_mask)
    patient_counts: dict[int, Counter[int]] = defaultdict(Counter)
    for present in patient_present.values():
        for key, months in present.items():
            patient_counts[key][months] += 1
    for key, by_mask in patient_counts.items():
        _add_counts(accs, key, "patients", by_mask)

    # Events (meetings, contacts, ratings...) are first summed per group of owners present in
    # the same organisations in the same months, then spread to those organisations: a team
    # with core members in five units would otherwise cost five additions per event.
    teams_by = _Groups(team_present)
    patients_by = _Groups(patient_present)
    for acc, (n, due, on_time) in teams_by.spread(accs, facts.annual):
        acc.annual_teams += int(n)
        acc.annual_due += int(due)
        acc.annual_on_time += int(on_time)
    for acc, (n, held, minutes) in teams_by.spread(accs, facts.meetings):
        acc.meeting_teams += int(n)
        acc.held += int(held)
        acc.minutes += int(minutes)
    for acc, (_n, answers, score) in teams_by.spread(accs, facts.survey):
        acc.answers += int(answers)
        acc.score += score
    for acc, (_n, contacts, admitted) in patients_by.spread(accs, facts.night):
        acc.contacts += int(contacts)
        acc.admissions += int(admitted)
    for acc, (n, ratings) in patients_by.spread(accs, facts.good_days):
        acc.rated += int(n)
        acc.rating_sum += ratings
    # The median needs every value; a team has its first meeting once.
    for (team_id, i), days in facts.first_meeting.items():
        for key, months in team_present.get(team_id, {}).items():
            if months >> i & 1:
                accs[key, i].days.append(days)
    return accs
