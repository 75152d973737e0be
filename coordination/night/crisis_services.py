"""Opening the crisis card: the signed steps and the audit row (the lookup's rate limit is
``lkt.core.throttling``, the same for every lookup by fødselsnummer).

A night-service user looks a patient up by fødselsnummer and gets a signed, short-lived token
bound to them and that patient; with it they state a reason (and, without the patient's consent,
confirm øyeblikkelig hjelp under helsepersonelloven § 7). The access is logged then, once; the
card itself is shown under a second token that names that audit row, so a reload or a print
within the next ``TOKEN_MAX_AGE`` needs no new reason and writes no new row. Neither token
carries a decision: the consent, the team membership and the team being open are read again at
every request, so a withdrawal takes effect at the next one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from actors.access import (
    CrisisAccess,
    CrisisStanding,
    crisis_grant_holds,
    crisis_team,
    record_crisis_access,
)
from actors.models import Patient, Team, User
from coordination.night.crisis_selectors import CrisisCard, crisis_card_for_grant

# Both steps expire after a quarter of an hour: long enough to read and print the card during
# one consultation, short enough that a link left in a browser history opens nothing later.
TOKEN_MAX_AGE = 15 * 60
LOOKUP_SALT = "coordination.crisis.lookup"
CARD_SALT = "coordination.crisis.card"


def _token(user: User, salt: str, value: int) -> str:
    return signing.dumps({"u": user.pk, "v": value}, salt=salt, compress=True)


def _token_value(user: User, token: str, salt: str) -> int:
    """The value a token was given with, when it was given to this user and has not expired;
    404 otherwise (an expired or someone else's link reveals nothing)."""
    try:
        data = signing.loads(token, salt=salt, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature as error:
        raise Http404 from error
    if not isinstance(data, dict) or data.get("u") != user.pk or not isinstance(data.get("v"), int):
        raise Http404
    return int(data["v"])


def lookup_token(user: User, patient_pk: int) -> str:
    """The step after the lookup: which patient the user found. The access is decided when the
    step is opened (``crisis_step_get``), never by the token."""
    return _token(user, LOOKUP_SALT, patient_pk)


def lookup_token_patient(user: User, token: str) -> int:
    return _token_value(user, token, LOOKUP_SALT)


def card_token(user: User, grant_pk: int) -> str:
    """The card's link: which logged access it was opened under (the AccessLog row), not
    whether it may be shown: that is decided again at every request (``crisis_card_show``)."""
    return _token(user, CARD_SALT, grant_pk)


def card_token_grant(user: User, token: str) -> int:
    return _token_value(user, token, CARD_SALT)


def granted_within() -> tuple[dt.datetime, dt.datetime]:
    """When the grant of a card link still valid was written: before its token was made, at
    most TOKEN_MAX_AGE ago (a minute's slack either side for the clock of another web process)."""
    now = timezone.now()
    slack = dt.timedelta(minutes=1)
    return now - dt.timedelta(seconds=TOKEN_MAX_AGE) - slack, now + slack


@dataclass
class CrisisStep:
    team: Team
    patient: Patient
    standing: CrisisStanding

    @property
    def access(self) -> CrisisAccess:
        return self.standing.access

    @property
    def break_glass(self) -> bool:
        return self.access == CrisisAccess.BREAK_GLASS


def crisis_step_get(
    user: User, *, patient_pk: int | None = None, team_pk: int | None = None
) -> CrisisStep:
    """The patient's open team and how the user may open its card; 404 when not at all."""
    found = crisis_team(user, patient_pk=patient_pk, team_pk=team_pk)
    if found is None or found[1].access == CrisisAccess.NONE:
        raise Http404
    team, standing = found
    return CrisisStep(team=team, patient=team.patient, standing=standing)


@transaction.atomic
def crisis_card_open(*, actor: User, step: CrisisStep, reason: str, emergency: bool) -> str:
    """Log the access (a view with the reason, or break-glass with it) and give the token the
    card is shown under. Break-glass needs the § 7 confirmation; both need a reason."""
    if not reason.strip():
        raise ValidationError({"reason": _("Skriv hvorfor du åpner kriseplanen.")})
    if step.break_glass and not emergency:
        raise ValidationError({"emergency": _("Bekreft at dette er øyeblikkelig hjelp.")})
    access = CrisisAccess.CONSENTED if step.access == CrisisAccess.TEAM else step.access
    grant_pk = record_crisis_access(actor, step.patient, access, reason=reason)
    return card_token(actor, grant_pk)


class BreakGlassRequired(Exception):
    """The card was opened with the patient's consent, and the consent is no longer there: the
    night user is sent back to the step, which now asks for break-glass (``lookup``)."""

    def __init__(self, lookup: str) -> None:
        super().__init__(lookup)
        self.lookup = lookup


def crisis_card_show(user: User, token: str) -> CrisisCard:
    """The night card under its link, when the access it was opened under still holds at this
    request (``actors.access.crisis_grant_holds``): 404 when the user may no longer open it at all
    (the team closed, they left the legevakt), BreakGlassRequired when it was opened by consent
    that has since been withdrawn. A reload or print while the grant holds writes no new row:
    the opening was logged once, with its reason. Two statements after the session and user
    (crisis_selectors.crisis_card_for_grant reads the standing with the card)."""
    found = crisis_card_for_grant(user, card_token_grant(user, token), granted_within())
    if found is None or found.standing.access == CrisisAccess.NONE:
        raise Http404
    if not crisis_grant_holds(found.granted, found.standing):
        raise BreakGlassRequired(lookup_token(user, found.patient_pk))
    return found.card


@dataclass(frozen=True)
class CardPatient:
    """The patient of a crisis card the user may see now, for a form that names the patient
    without the fødselsnummer being typed again (the night contact from the card)."""

    token: str  # the card's link, to go back to it
    patient_pk: int
    name: str
    birth_date: dt.date


def crisis_card_patient(user: User, token: str) -> CardPatient | None:
    """The patient of the card under ``token`` when the card would be shown to ``user`` at this
    request (the same rule as ``crisis_card_show``), else None: an expired link, someone else's,
    a forged one, a closed team or a consent withdrawn since the card was opened all give the
    same None, so the caller says the same thing whoever the patient is. Reads the card's two
    statements and writes nothing: the opening was logged once, with its reason."""
    try:
        grant_pk = card_token_grant(user, token)
    except Http404:
        return None
    found = crisis_card_for_grant(user, grant_pk, granted_within())
    if found is None or not crisis_grant_holds(found.granted, found.standing):
        return None
    return CardPatient(
        token=token,
        patient_pk=found.patient_pk,
        name=found.card.patient_name,
        birth_date=found.card.birth_date,
    )


def crisis_card_for_team(user: User, team_pk: int) -> Team:
    """Staff in the team open the card from the team page directly (audited as a view)."""
    step = crisis_step_get(user, team_pk=team_pk)
    if step.access != CrisisAccess.TEAM:
        raise Http404
    record_crisis_access(user, step.patient, CrisisAccess.TEAM)
    return step.team
