"""The relational coordination survey (relasjonell koordinering): the coordinator opens and
closes rounds; the team's staff members answer once per round.

Anonymity (see ``coordination.models.survey``): the answer is written without who or when, and
nothing written here links it to the participation, not even the audit log. The answer is
therefore not audited: an AccessLog row naming the member, the time and the answer's key would
be exactly the link the model leaves out. Opening the answer page is audited as a view of the
team, like any page of it.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from actors.access import Action, authorize, check
from actors.models import Member, Team, User
from coordination.models import (
    Dimension,
    Notification,
    SurveyAnswer,
    SurveyParticipation,
    SurveyRound,
)
from coordination.models.survey import SCALE_MAX, SCALE_MIN
from coordination.notifications.notify import notify
from coordination.survey.selectors import survey_has_answered
from lkt.core import audit

# How far ahead the coordinator may set the deadline: long enough for a member on a week's
# leave, short enough that a round measures one period.
DEADLINE_MIN_DAYS = 1
DEADLINE_MAX_DAYS = 30


def survey_answer_url(team: Team | int) -> str:
    return reverse("coordination:survey-answer", args=[team.pk if isinstance(team, Team) else team])


def survey_respondents(team: Team) -> list[Member]:
    """Who is asked: the team's active members with an active staff account (external contacts
    without login cannot answer)."""
    return list(
        Member.objects.active()
        .filter(
            team=team,
            user__kind=User.Kind.STAFF,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("pk")
    )


def survey_is_respondent(user: User, team: Team) -> bool:
    """Whether the user is one of those asked (the rule for answering, in one place)."""
    return (
        user.kind == User.Kind.STAFF
        and user.is_active
        and Member.objects.active().filter(team=team, user=user).exists()
    )


def _closes_at(closes_on: dt.date) -> dt.datetime:
    """Answers are taken through the whole deadline day, local time."""
    return timezone.make_aware(dt.datetime.combine(closes_on, dt.time(23, 59, 59)))


@transaction.atomic
def survey_round_open(*, actor: User, team: Team, closes_on: dt.date) -> SurveyRound:
    """Open the next round with a deadline 1–30 days ahead and invite the members to answer.
    A round whose deadline has passed is closed first; one still running must be closed by
    the coordinator before a new one opens."""
    check(actor, Action.MANAGE_TEAM, team.patient)
    if team.status == Team.Status.CLOSED:
        raise ValidationError(_("Aktørfellesskapet er avsluttet."))
    today = timezone.localdate()
    if not (
        today + dt.timedelta(days=DEADLINE_MIN_DAYS)
        <= closes_on
        <= today + dt.timedelta(days=DEADLINE_MAX_DAYS)
    ):
        raise ValidationError(
            {
                "closes_on": _("Velg en svarfrist mellom %(min)d og %(max)d dager fram i tid.")
                % {"min": DEADLINE_MIN_DAYS, "max": DEADLINE_MAX_DAYS}
            }
        )
    # The team row serialises round numbers and the one-open-round rule between coordinators.
    Team.objects.select_for_update().filter(pk=team.pk).first()
    now = timezone.now()
    SurveyRound.objects.filter(team=team, closed_at__isnull=True, closes_at__lte=now).update(
        closed_at=now
    )
    if SurveyRound.objects.filter(team=team, closed_at__isnull=True).exists():
        raise ValidationError(_("Teamet har allerede en åpen runde. Lukk den før du åpner en ny."))
    last = SurveyRound.objects.filter(team=team).aggregate(last=Max("number"))["last"] or 0
    survey_round = SurveyRound.objects.create(
        team=team, number=last + 1, opened_by=actor, closes_at=_closes_at(closes_on)
    )
    audit.record(user=actor, patient=team.patient, action=audit.CHANGE, obj=survey_round)
    # No patient name: the message also goes out by e-mail.
    message = _(
        "Svar på den korte undersøkelsen om samarbeidet i aktørfellesskap nr. %(team)s "
        "innen %(date)s. Svarene er anonyme."
    ) % {"team": team.pk, "date": date_format(closes_on, "j.n.Y")}
    url = survey_answer_url(team)
    for member in survey_respondents(team):
        if member.user is None:  # pragma: no cover - survey_respondents keeps only users
            continue
        notify(
            recipient=member.user,
            kind=Notification.Kind.SURVEY,
            team=team,
            occurrence=f"survey:{survey_round.pk}",
            message=message,
            url=url,
        )
    return survey_round


def _check_scores(scores: dict[Dimension, int]) -> None:
    errors = {
        dimension.value: _("Velg et svar fra %(min)d til %(max)d.")
        % {"min": SCALE_MIN, "max": SCALE_MAX}
        for dimension in Dimension
        if not isinstance(scores.get(dimension), int)
        or not SCALE_MIN <= scores[dimension] <= SCALE_MAX
    }
    if errors:
        raise ValidationError(errors)


def _already_answered() -> ValidationError:
    return ValidationError(_("Du har allerede svart på denne runden. Hvert medlem svarer én gang."))


@transaction.atomic
def survey_answer(*, actor: User, round: SurveyRound, scores: dict[Dimension, int]) -> SurveyRound:
    """One member's answer to an open round: that they answered and what they answered are
    written together, and nothing links the two. Returns the round, never the answer."""
    team = round.team
    check(actor, Action.VIEW_CLINICAL, team.patient)
    if not survey_is_respondent(actor, team):
        raise PermissionDenied
    # Locked so that a round being closed at this moment takes no more answers.
    locked = SurveyRound.objects.select_for_update().get(pk=round.pk)
    if locked.closed_at is not None or locked.closes_at <= timezone.now():
        raise ValidationError(_("Runden er lukket. Du kan ikke svare på den lenger."))
    _check_scores(scores)
    if survey_has_answered(locked, actor):
        raise _already_answered()
    try:
        # The unique constraint is the last line against a double post from two tabs.
        with transaction.atomic():
            SurveyParticipation.objects.create(round=locked, user=actor)
    except IntegrityError:
        raise _already_answered() from None
    SurveyAnswer.objects.create(round=locked, **{d.value: scores[d] for d in Dimension})
    return locked


@transaction.atomic
def survey_round_close(*, actor: User, round: SurveyRound) -> SurveyRound:
    """The coordinator closes a round before its deadline (or one whose deadline passed)."""
    authorize(actor, Action.MANAGE_TEAM, round.team.patient, obj=round)
    locked = SurveyRound.objects.select_for_update().get(pk=round.pk)
    if locked.closed_at is not None:
        raise ValidationError(_("Runden er allerede lukket."))
    locked.closed_at = timezone.now()
    locked.save(update_fields=["closed_at"])
    return locked
