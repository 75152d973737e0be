"""The team's stage in the improvement cycle (Modell for systematisk kvalitetsforbedring, the
LKT report's element E): forberede → planlegge → utføre → evaluere → følge opp.

The stage is not stored: it is derived from what the team has done, so it can never disagree
with the plan, the periods and the evaluation. ``stage`` is a pure function of ``CycleState``
(no queries), so every rule is tested without a database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from careplans.annual.rules import EVALUATION_BEFORE_END_DAYS


class Stage(models.TextChoices):
    PREPARE = "forberede", _("Forberede")
    PLAN = "planlegge", _("Planlegge")
    DO = "utfore", _("Utføre")
    EVALUATE = "evaluere", _("Evaluere")
    FOLLOW_UP = "folge_opp", _("Følge opp")


NEXT_STEP = {
    Stage.PREPARE: _(
        "Skriv Min gode dag sammen med pasienten, sett sammen aktørfellesskapet og lag et "
        "utkast til plan for samarbeid."
    ),
    Stage.PLAN: _(
        "Få planen godkjent av medlemmene og lederne, og sett planperioden (fra og til)."
    ),
    Stage.DO: _(
        "Følg planen: møter, tiltak og årshjul. LKT foreslår et evalueringsmøte en uke før "
        "planperioden slutter."
    ),
    Stage.EVALUATE: _(
        "Bekreft evalueringsmøtet og evaluer hvert mål sammen med pasienten, med pasientens "
        "egne ord. Skriv oppsummeringen og send den til teamet."
    ),
    Stage.FOLLOW_UP: _(
        "Ta med rettelsene fra teamet, avslutt evalueringen, og sett en ny planperiode med nye "
        "mål. Endrer planen seg, lag en ny versjon av den."
    ),
}


@dataclass(frozen=True)
class CycleState:
    """What the stage is read from. ``period_*`` describe the team's open period (not evaluated
    yet) if it has one; ``evaluated_period`` says whether an earlier period is evaluated."""

    today: dt.date
    plan_in_force: bool = False
    plan_draft: bool = False
    period_starts_on: dt.date | None = None
    period_ends_on: dt.date | None = None
    # Evaluation meeting proposed or planned (not cancelled, not held) for the open period.
    evaluation_meeting: bool = False
    # The open period's evaluation: "" (none yet), "draft", "sent" or "closed".
    evaluation_status: str = ""
    evaluated_period: bool = False


def stage(state: CycleState) -> Stage:
    """The team's stage, by these rules, first match wins:

    1. An open period whose evaluation is sent to the team (corrections running) or closed →
       **følge opp**.
    2. An open period with an evaluation draft, a proposed or planned evaluation meeting, or
       fewer than 7 days left (or already ended without evaluation) → **evaluere**.
    3. An open period that has started → **utføre**.
    4. An open period that has not started yet → **planlegge** (the plan is being readied).
    5. No open period, an earlier period evaluated: with a new draft of the plan the next round
       has begun → **planlegge**; otherwise → **følge opp** (act on the evaluation, set a new
       period).
    6. No period ever: a draft plan or a plan in force without a period → **planlegge**.
    7. Nothing yet (no plan, no period) → **forberede**.
    """
    if state.period_starts_on is not None and state.period_ends_on is not None:
        if state.evaluation_status in ("sent", "closed"):
            return Stage.FOLLOW_UP
        days_left = (state.period_ends_on - state.today).days
        if (
            state.evaluation_status == "draft"
            or state.evaluation_meeting
            or days_left <= EVALUATION_BEFORE_END_DAYS
        ):
            return Stage.EVALUATE
        if state.today >= state.period_starts_on:
            return Stage.DO
        return Stage.PLAN
    if state.evaluated_period:
        return Stage.PLAN if state.plan_draft else Stage.FOLLOW_UP
    if state.plan_draft or state.plan_in_force:
        return Stage.PLAN
    return Stage.PREPARE


@dataclass(frozen=True)
class Step:
    stage: Stage
    number: int
    current: bool
    done: bool


def steps(current: Stage) -> list[Step]:
    """The five steps in order for the stepper, each marked done, current or to come."""
    order = list(Stage)
    at = order.index(current)
    return [Step(stage=s, number=i + 1, current=i == at, done=i < at) for i, s in enumerate(order)]
