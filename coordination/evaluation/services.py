"""Every write about plan periods and their evaluation against the patient's goals (element E).

A plan period runs from a start to an end; one week before the end LKT proposes an evaluation
meeting (``evaluation_meeting_propose``, called by the daily reminder sweep). Per current goal
the team records the result in the patient's words and its own; the summary is written with the
patient and sent to the team with a short deadline for corrections; then the coordinator closes
the evaluation and the period is evaluated.

Writes by people go through ``actors.access.authorize`` (which writes the audit row); the sweep's
proposal is LKT's own act and has no user to authorize.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from actors.access import Action, authorize, check
from actors.models import Member, Team, User
from careplans.annual.rules import EVALUATION_BEFORE_END_DAYS
from careplans.models import Goal
from coordination.models import (
    AgendaItem,
    Evaluation,
    EvaluationCorrection,
    GoalEvaluation,
    Meeting,
    Notification,
    PlanPeriod,
    StandingItem,
)
from coordination.notifications.notify import notify
from coordination.referral.selectors import active_coordinators
from lkt.core import audit
from lkt.core.dates import short_date, short_datetime

OSLO = ZoneInfo("Europe/Oslo")
# The evaluation meeting is proposed EVALUATION_BEFORE_END_DAYS before the period ends, at ten
# (LKT report 7.1.5: the evaluation is prepared so that the new period can start when the old
# one ends).
MEETING_HOUR = 10
# Corrections to a sent summary: three working days. Long enough for a part-time fastlege or a
# member on a two-day shift rotation to read it, short enough that the summary is still fresh
# and the next period is not held up. Norwegian public holidays are not counted out.
CORRECTION_WORKING_DAYS = 3
EVALUATION_AGENDA_TITLE = "Evaluering av målene"
SUMMARY_TEXT = 8000
GOAL_TEXT = 1000
CORRECTION_TEXT = 2000


# ---------------------------------------------------------------------------------------------
# Dates


def next_weekday(day: dt.date) -> dt.date:
    """The first weekday after ``day``."""
    day += dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def proposed_meeting_day(ends_on: dt.date, today: dt.date) -> dt.date:
    """A weekday about one week before the period ends: a Saturday moves back to Friday and a
    Sunday on to Monday; a day that is today or already past becomes the next weekday."""
    day = ends_on - dt.timedelta(days=EVALUATION_BEFORE_END_DAYS)
    if day.weekday() == 5:
        day -= dt.timedelta(days=1)
    elif day.weekday() == 6:
        day += dt.timedelta(days=1)
    if day <= today:
        day = next_weekday(today)
    return day


def add_working_days(moment: dt.datetime, days: int) -> dt.datetime:
    """The same time of day ``days`` weekdays later (local time)."""
    local = timezone.localtime(moment)
    day = local.date()
    for _i in range(days):
        day = next_weekday(day)
    return local.replace(year=day.year, month=day.month, day=day.day)


def evaluation_url(period: PlanPeriod) -> str:
    return reverse("coordination:evaluation-detail", args=[period.pk])


# ---------------------------------------------------------------------------------------------
# The evaluation meeting, proposed by the sweep


def _agenda(meeting: Meeting) -> None:
    items = [AgendaItem(meeting=meeting, position=0, title=EVALUATION_AGENDA_TITLE)]
    items += [
        AgendaItem(meeting=meeting, position=i, title=str(label), standing=value)
        for i, (value, label) in enumerate(StandingItem.choices, start=1)
    ]
    AgendaItem.objects.bulk_create(items)


@transaction.atomic
def evaluation_meeting_propose(*, period: PlanPeriod, today: dt.date) -> Meeting | None:
    """Propose the evaluation meeting of a period that ends soon, once.

    Called by the daily reminder sweep for periods ending within a week. The period row is
    locked, so two sweeps at once (two workers, two beat runs, a retry) propose one meeting: the
    second waits for the first and then sees ``evaluation_proposed_at``. Returns the meeting, or
    None when it was proposed before, the period is evaluated, or a meeting for it exists
    already (the coordinator planned one by hand).
    """
    locked = PlanPeriod.objects.select_for_update().select_related("team").get(pk=period.pk)
    if locked.evaluation_proposed_at is not None or locked.evaluated_on is not None:
        return None
    locked.evaluation_proposed_at = timezone.now()
    locked.save(update_fields=["evaluation_proposed_at"])
    period.evaluation_proposed_at = locked.evaluation_proposed_at
    team = locked.team
    if team.status == Team.Status.CLOSED:
        return None
    if (
        Meeting.objects.filter(plan_period=locked, kind=Meeting.Kind.EVALUATION)
        .exclude(status=Meeting.Status.CANCELLED)
        .exists()
    ):
        return None
    coordinators = [m for m in active_coordinators(team) if m.user is not None]
    leader = coordinators[0] if coordinators else None
    day = proposed_meeting_day(locked.ends_on, today)
    meeting = Meeting.objects.create(
        team=team,
        kind=Meeting.Kind.EVALUATION,
        status=Meeting.Status.PROPOSED,
        starts_at=dt.datetime.combine(day, dt.time(MEETING_HOUR), tzinfo=OSLO),
        plan_period=locked,
        leader=leader,
        created_by=leader.user if leader and leader.user else locked.created_by,
    )
    _agenda(meeting)
    Evaluation.objects.filter(period=locked, meeting__isnull=True).update(meeting=meeting)
    recipients = {m.user.pk: m.user for m in coordinators if m.user}
    if not recipients:
        recipients = {locked.created_by_id: locked.created_by}
    for user in recipients.values():
        notify(
            recipient=user,
            kind=Notification.Kind.MEETING_PROPOSED,
            team=team,
            occurrence=f"period:{locked.pk}:evaluation-meeting",
            message=_(
                "Planperioden slutter %(end)s. LKT foreslår evalueringsmøte %(day)s kl. 10. "
                "Bekreft eller endre tidspunktet."
            )
            % {"end": short_date(locked.ends_on), "day": short_date(day)},
            url=evaluation_url(locked),
        )
    return meeting


@transaction.atomic
def evaluation_meeting_confirm(
    *, actor: User, meeting: Meeting, starts_at: dt.datetime | None = None
) -> Meeting:
    """The coordinator confirms the proposed time (or sets another): the meeting is planned."""
    authorize(actor, Action.MANAGE_TEAM, meeting.team.patient, obj=meeting)
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.status != Meeting.Status.PROPOSED:
        raise ValidationError(_("Møtet er ikke lenger et forslag, så tidspunktet er bekreftet."))
    if starts_at is not None and starts_at != locked.starts_at:
        if starts_at <= timezone.now():
            raise ValidationError({"starts_at": _("Velg et tidspunkt fram i tid.")})
        locked.starts_at = starts_at
    locked.status = Meeting.Status.PLANNED
    locked.save(update_fields=["status", "starts_at", "updated_at"])
    return locked


# ---------------------------------------------------------------------------------------------
# Plan periods


@transaction.atomic
def plan_period_create(
    *, actor: User, team: Team, starts_on: dt.date, ends_on: dt.date
) -> PlanPeriod:
    """The coordinator sets the team's plan period. It may not overlap a period that is not
    evaluated yet: a period is done when its evaluation is closed."""
    authorize(actor, Action.MANAGE_TEAM, team.patient, obj=team)
    if team.status == Team.Status.CLOSED:
        raise ValidationError(_("Aktørfellesskapet er avsluttet."))
    if ends_on <= starts_on:
        raise ValidationError({"ends_on": _("Planperioden må slutte etter at den starter.")})
    # Lock the team so two coordinators saving at once cannot both pass the overlap check.
    Team.objects.select_for_update().filter(pk=team.pk).first()
    clash = (
        PlanPeriod.objects.filter(
            team=team, evaluated_on__isnull=True, starts_on__lt=ends_on, ends_on__gt=starts_on
        )
        .order_by("starts_on")
        .first()
    )
    if clash is not None:
        raise ValidationError(
            {
                "starts_on": _(
                    "Perioden overlapper planperioden %(start)s–%(end)s, som ikke er evaluert "
                    "ennå. Evaluer den først, eller velg datoer etter den."
                )
                % {
                    "start": short_date(clash.starts_on),
                    "end": short_date(clash.ends_on),
                }
            }
        )
    period = PlanPeriod(team=team, starts_on=starts_on, ends_on=ends_on, created_by=actor)
    period.full_clean()
    period.save()
    return period


# ---------------------------------------------------------------------------------------------
# The evaluation


def _locked_evaluation(period: PlanPeriod, actor: User) -> Evaluation:
    """The period's evaluation, created on the first write, locked for this transaction."""
    PlanPeriod.objects.select_for_update().filter(pk=period.pk).first()
    evaluation = Evaluation.objects.select_for_update().filter(period=period).first()
    if evaluation is None:
        meeting = (
            Meeting.objects.filter(plan_period=period, kind=Meeting.Kind.EVALUATION)
            .exclude(status=Meeting.Status.CANCELLED)
            .order_by("-starts_at")
            .first()
        )
        evaluation = Evaluation.objects.create(period=period, meeting=meeting, created_by=actor)
    return evaluation


def _require_draft(evaluation: Evaluation) -> None:
    if evaluation.status == Evaluation.Status.SENT:
        raise ValidationError(
            _(
                "Oppsummeringen er sendt til teamet og kan ikke endres lenger. Teamet kan "
                "skrive rettelser til fristen; koordinatoren tar dem med når evalueringen "
                "avsluttes."
            )
        )
    if evaluation.status == Evaluation.Status.CLOSED:
        raise ValidationError(_("Evalueringen er avsluttet og kan ikke endres."))


def _too_long(errors: dict[str, str], field: str, text: str, limit: int) -> None:
    if len(text) > limit:
        errors[field] = _("Teksten er for lang: %(n)s tegn, høyst %(limit)s.") % {
            "n": len(text),
            "limit": limit,
        }


@transaction.atomic
def goal_evaluation_save(
    *,
    actor: User,
    period: PlanPeriod,
    goal: Goal,
    result: str,
    patient_words: str,
    team_words: str = "",
    next_step: str = "",
) -> GoalEvaluation:
    """Record, for one of the patient's current goals, whether it was reached, in the patient's
    own words (required: the evaluation is against the patient's goals, as the patient sees
    them) and the team's."""
    team = period.team
    authorize(actor, Action.MANAGE_TEAM, team.patient, obj=period)
    if goal.patient_id != team.patient_id or goal.retired_at is not None:
        raise ValidationError({"goal": _("Målet er ikke et av pasientens gjeldende mål.")})
    evaluation = _locked_evaluation(period, actor)
    _require_draft(evaluation)
    errors: dict[str, str] = {}
    if result not in GoalEvaluation.Result.values:
        errors["result"] = _("Velg om målet er nådd, delvis nådd eller ikke nådd.")
    patient_words, team_words, next_step = (
        patient_words.strip(),
        team_words.strip(),
        next_step.strip(),
    )
    if not patient_words:
        errors["patient_words"] = _(
            "Skriv hva pasienten selv sier om målet. Evalueringen skjer med pasientens ord."
        )
    _too_long(errors, "patient_words", patient_words, GOAL_TEXT)
    _too_long(errors, "team_words", team_words, GOAL_TEXT)
    _too_long(errors, "next_step", next_step, GOAL_TEXT)
    if errors:
        raise ValidationError(errors)
    row, _created = GoalEvaluation.objects.update_or_create(
        evaluation=evaluation,
        goal=goal,
        defaults={
            "result": result,
            "patient_words": patient_words,
            "team_words": team_words,
            "next_step": next_step,
        },
    )
    return row


class StaleSummary(ValidationError):
    """Someone else saved the summary since this edit started; carries their text."""

    def __init__(self, evaluation: Evaluation) -> None:
        super().__init__(
            {
                "summary": _(
                    "Noen andre har lagret oppsummeringen mens du skrev. Teksten deres står "
                    "under; teksten din er ikke lagret, men står fortsatt i feltet. Slå dem "
                    "sammen og lagre på nytt."
                )
            }
        )
        self.current = evaluation


@transaction.atomic
def evaluation_summary_save(
    *, actor: User, period: PlanPeriod, summary: str, base_version: int
) -> Evaluation:
    """Save the summary written with the patient. ``base_version`` is the version the edit
    started from; if someone saved since, nothing is overwritten (``StaleSummary``)."""
    authorize(actor, Action.MANAGE_TEAM, period.team.patient, obj=period)
    evaluation = _locked_evaluation(period, actor)
    _require_draft(evaluation)
    if evaluation.version != base_version:
        raise StaleSummary(evaluation)
    summary = summary.strip()
    errors: dict[str, str] = {}
    _too_long(errors, "summary", summary, SUMMARY_TEXT)
    if errors:
        raise ValidationError(errors)
    evaluation.summary = summary
    evaluation.version += 1
    evaluation.save(update_fields=["summary", "version", "updated_at"])
    return evaluation


def _goals_missing(evaluation: Evaluation, team: Team) -> int:
    current = Goal.objects.filter(patient_id=team.patient_id, retired_at__isnull=True)
    done = GoalEvaluation.objects.filter(evaluation=evaluation).values("goal_id")
    return current.exclude(pk__in=done).count()


@transaction.atomic
def evaluation_send(*, actor: User, period: PlanPeriod) -> Evaluation:
    """ "Send til teamet": the summary goes to every active member with a user and to the
    patient, who may send corrections until the deadline."""
    team = period.team
    authorize(actor, Action.MANAGE_TEAM, team.patient, obj=period)
    evaluation = _locked_evaluation(period, actor)
    _require_draft(evaluation)
    if not evaluation.summary.strip():
        raise ValidationError(
            {"summary": _("Skriv oppsummeringen sammen med pasienten før den sendes.")}
        )
    missing = _goals_missing(evaluation, team)
    if missing:
        raise ValidationError(
            _("%(n)s av pasientens mål er ikke evaluert ennå. Evaluer alle målene først.")
            % {"n": missing}
        )
    now = timezone.now()
    evaluation.status = Evaluation.Status.SENT
    evaluation.sent_at = now
    evaluation.corrections_until = add_working_days(now, CORRECTION_WORKING_DAYS)
    evaluation.save(update_fields=["status", "sent_at", "corrections_until", "updated_at"])
    deadline = short_datetime(evaluation.corrections_until)
    recipients: dict[int, User] = {
        m.user.pk: m.user
        for m in Member.objects.active()
        .filter(team=team, user__isnull=False, user__is_active=True)
        .select_related("user")
        if m.user
    }
    patient_user = team.patient.user
    if patient_user is not None:
        recipients[patient_user.pk] = patient_user
    url = evaluation_url(period)
    for user in recipients.values():
        is_patient = user.pk == team.patient.user_id
        notify(
            recipient=user,
            kind=Notification.Kind.EVALUATION_SUMMARY,
            team=team,
            occurrence=f"evaluation:{evaluation.pk}:sent",
            message=(
                _(
                    "Oppsummeringen av evalueringen er klar. Si fra innen %(deadline)s hvis noe er feil."
                )
                if is_patient
                else _(
                    "Oppsummeringen av evalueringen er sendt til teamet. Skriv rettelser innen "
                    "%(deadline)s."
                )
            )
            % {"deadline": deadline},
            url=reverse("coordination:portal-evaluations", args=[team.patient_id])
            if is_patient
            else url,
        )
    return evaluation


def corrections_open(evaluation: Evaluation, now: dt.datetime | None = None) -> bool:
    return (
        evaluation.status == Evaluation.Status.SENT
        and evaluation.corrections_until is not None
        and (now or timezone.now()) < evaluation.corrections_until
    )


@transaction.atomic
def evaluation_correction_add(
    *, actor: User, evaluation: Evaluation, text: str
) -> EvaluationCorrection:
    """A member of the team corrects the sent summary, until the deadline."""
    patient = evaluation.period.team.patient
    standing = check(actor, Action.VIEW_CLINICAL, patient)
    if not standing.is_member:
        raise PermissionDenied
    locked = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if locked.status == Evaluation.Status.DRAFT:
        raise ValidationError(_("Oppsummeringen er ikke sendt ennå; rettelser kommer etterpå."))
    if not corrections_open(locked):
        raise ValidationError(_("Fristen for rettelser er ute."))
    text = text.strip()
    errors: dict[str, str] = {}
    if not text:
        errors["text"] = _("Skriv hva som bør rettes.")
    _too_long(errors, "text", text, CORRECTION_TEXT)
    if errors:
        raise ValidationError(errors)
    correction = EvaluationCorrection(evaluation=locked, author=actor, text=text)
    correction.save()
    audit.record(user=actor, patient=patient, action=audit.CHANGE, obj=correction)
    return correction


@transaction.atomic
def evaluation_close(
    *, actor: User, period: PlanPeriod, today: dt.date, early: bool = False
) -> Evaluation:
    """The coordinator closes the evaluation after the correction deadline (or before it, by
    choice: ``early``); the period is evaluated."""
    authorize(actor, Action.MANAGE_TEAM, period.team.patient, obj=period)
    evaluation = _locked_evaluation(period, actor)
    if evaluation.status == Evaluation.Status.DRAFT:
        raise ValidationError(_("Send oppsummeringen til teamet før evalueringen avsluttes."))
    if evaluation.status == Evaluation.Status.CLOSED:
        raise ValidationError(_("Evalueringen er allerede avsluttet."))
    if corrections_open(evaluation) and not early:
        raise ValidationError(
            _(
                "Fristen for rettelser er ikke ute ennå. Kryss av for å avslutte likevel "
                "hvis alle har lest."
            )
        )
    evaluation.status = Evaluation.Status.CLOSED
    evaluation.closed_at = timezone.now()
    evaluation.save(update_fields=["status", "closed_at", "updated_at"])
    PlanPeriod.objects.filter(pk=period.pk).update(evaluated_on=today)
    period.evaluated_on = today
    return evaluation
