"""Opening the crisis card: the lookup's rate limit, the signed steps and the audit row.

A night-service user looks a patient up by fødselsnummer and gets a signed, short-lived token
bound to them and that patient; with it they state a reason (and, without the patient's consent,
confirm øyeblikkelig hjelp under helsepersonelloven § 7). The access is logged then, once; the
card itself is shown under a second token, so a reload or a print within the next
``TOKEN_MAX_AGE`` needs no new reason and writes no new row.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from actors.models import Patient, Team, User
from lkt.access import CrisisAccess, CrisisStanding, crisis_team, record_crisis_access

# Both steps expire after a quarter of an hour: long enough to read and print the card during
# one consultation, short enough that a link left in a browser history opens nothing later.
TOKEN_MAX_AGE = 15 * 60
LOOKUP_SALT = "coordination.crisis.lookup"
CARD_SALT = "coordination.crisis.card"

# A modest limit on lookups by fødselsnummer (30 per 10 minutes per user): a legevakt night
# needs a handful, a script trying numbers needs thousands. Counted in the cache; when the cache
# is down the lookup is allowed (fail-soft: an emergency must never wait for Redis), and every
# opened card is in the audit log anyway.
LOOKUP_LIMIT = 30
LOOKUP_WINDOW = 10 * 60


def crisis_lookup_allowed(user: User) -> bool:
    """Count one lookup for the user; False when over the limit in this window."""
    key = f"crisis-lookup:{user.pk}"
    try:
        if cache.add(key, 1, LOOKUP_WINDOW):
            return True
        return int(cache.incr(key)) <= LOOKUP_LIMIT
    except Exception:  # noqa: BLE001 - any cache failure: fail soft, see LOOKUP_LIMIT
        return True


def crisis_token(user: User, patient_pk: int, salt: str) -> str:
    return signing.dumps({"u": user.pk, "p": patient_pk}, salt=salt, compress=True)


def crisis_token_patient(user: User, token: str, salt: str) -> int:
    """The patient a token was given for, when it was given to this user and has not expired;
    404 otherwise (an expired or someone else's link reveals nothing)."""
    try:
        data = signing.loads(token, salt=salt, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature as error:
        raise Http404 from error
    if not isinstance(data, dict) or data.get("u") != user.pk or not isinstance(data.get("p"), int):
        raise Http404
    return int(data["p"])


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
    record_crisis_access(actor, step.patient, access, reason=reason)
    return crisis_token(actor, step.patient.pk, CARD_SALT)


def crisis_card_for_team(user: User, team_pk: int) -> Team:
    """Staff in the team open the card from the team page directly (audited as a view)."""
    step = crisis_step_get(user, team_pk=team_pk)
    if step.access != CrisisAccess.TEAM:
        raise Http404
    record_crisis_access(user, step.patient, CrisisAccess.TEAM)
    return step.team
