"""The leaders' indicator sums kept per organisation and month (``IndicatorMonth``).

Beat refreshes them every night (``indicator_months_refresh``) for the months a report may
cover, MAX_MONTHS back from the current one: one organisation tree at a time (a kommune, a
helseforetak), from the same facts and the same sums as a report computed on the spot, with
every team counted for its core members' organisations and each organisation above them. A
report then reads (1 + its rows) × months rows: the kommune report over 20,000 patients no
longer loads the facts of every team (issue 17).

A report uses the stored months only when all it needs are there and were read at most
``MAX_AGE_DAYS`` ago; otherwise (a new month before the night's refresh, a period older than
the window, an organisation added since) it computes them from the facts as before, so it is
never wrong, only slower. A change that moves figures in the past without a new night (the
caseload limit) drops the stored months and asks for a refresh.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from coordination.models import IndicatorMonth
from coordination.reports.indicator_data import (
    Months,
    load_facts,
    months_between,
    organisation_tree,
    subtree,
)
from coordination.reports.indicator_sums import Sums, accumulate

log = logging.getLogger(__name__)

# The longest period a report covers (its form refuses more), ending in the current month.
MAX_MONTHS = 36
# Stored months read yesterday still serve until the night's refresh has run.
MAX_AGE_DAYS = 1
BATCH = 2_000

Tree = dict[int, tuple[int | None, str, int | None]]
SumsByMonth = dict[tuple[int, int], Sums]


def _up_from(tree: Tree, pk: int) -> tuple[int, ...]:
    """The organisation and each one above it (a loop in the tree stops the walk)."""
    chain: list[int] = []
    while pk is not None and pk in tree and pk not in chain:
        chain.append(pk)
        pk = tree[pk][0]  # type: ignore[assignment]
    return tuple(chain)


def _roots(tree: Tree) -> list[int]:
    return sorted(pk for pk, (parent, _n, _l) in tree.items() if parent is None)


def window(today: dt.date) -> Months:
    first = today.replace(day=1)
    year, month = divmod(first.year * 12 + first.month - 1 - (MAX_MONTHS - 1), 12)
    return months_between(dt.date(year, month + 1, 1), today)


def indicator_months_refresh(*, today: dt.date | None = None) -> int:
    """Compute and store every organisation's sums for the window's months; the rows written."""
    today = today or timezone.localdate()
    tree = organisation_tree()
    months = window(today)
    written = 0
    for root in _roots(tree):
        organisations = subtree(tree, root)
        keys = {pk: _up_from(tree, pk) for pk in organisations}
        sums = accumulate(load_facts(tree, organisations, months, today), keys)
        rows = [
            IndicatorMonth(
                organisation_id=pk,
                month=months.start(i),
                sums=dataclasses.asdict(sums.get((pk, i)) or Sums()),
                computed_on=today,
            )
            for pk in sorted(organisations)
            for i in range(months.count)
        ]
        # Replaced whole in one transaction: a report reads either night's rows, never a mix.
        with transaction.atomic():
            IndicatorMonth.objects.filter(organisation_id__in=organisations).delete()
            IndicatorMonth.objects.bulk_create(rows, batch_size=BATCH)
        written += len(rows)
    return written


def stored_sums(
    keys: list[int], months: Months, today: dt.date
) -> tuple[SumsByMonth, dt.date] | None:
    """The stored sums of ``keys`` for ``months`` and the day they were read, if every one is
    stored and fresh; else None. One query."""
    rows = list(
        IndicatorMonth.objects.filter(
            organisation_id__in=keys,
            month__gte=months.first,
            month__lte=months.start(months.count - 1),
        ).values_list("organisation_id", "month", "sums", "computed_on")
    )
    if len(rows) != len(keys) * months.count:
        return None
    read_on = min(computed_on for *_rest, computed_on in rows)
    newest = max(computed_on for *_rest, computed_on in rows)
    if newest > today or read_on < today - dt.timedelta(days=MAX_AGE_DAYS):
        return None
    sums: SumsByMonth = {}
    for pk, month, values, _computed_on in rows:
        i = months.index(month)
        if i is None:
            return None
        sums[pk, i] = Sums(**values)
    return sums, read_on


def indicator_months_drop() -> None:
    """Forget the stored months (reports compute on the spot) and refresh them after commit."""
    IndicatorMonth.objects.all().delete()
    transaction.on_commit(indicator_months_refresh_task.delay)


# Beside the refresh it runs, like the report job's task (coordination.tasks lists both).
@shared_task(name="coordination.tasks.indicator_months_refresh_task", ignore_result=True)
def indicator_months_refresh_task() -> int:
    written = indicator_months_refresh()
    log.info("indicator months refreshed: %s rows", written)
    return written
