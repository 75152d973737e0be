"""Rules that turn night contacts into phase proposals for the coordinator (issue 7).

Rules are data. A team without rows of its own works by ``DEFAULT_RULES``; the first time its
coordinator saves the rules page, the defaults are copied into ``PhaseRule`` rows that the team
then owns. A rule only *proposes*: it opens an observation with a proposed phase, and the
coordinator confirms or rejects it exactly as in element E (``observation_decide``).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from actors.access import Action, authorize
from careplans.models import Phase
from careplans.phase.selectors import PHASE_ORDER, current_phase
from coordination.models import NightContact, Notification, Observation, PhaseRule
from coordination.notifications.notify import notify
from coordination.observations.services import observations_url
from coordination.referral import selectors
from lkt.core.dates import short_datetime

if TYPE_CHECKING:
    from actors.models import Team, User

Trigger = PhaseRule.Trigger

# Why these defaults (LKT's phase model and UKOM's report "Ingen kan hjelpe meg", 2023):
# - Repeated contacts with the night services within a short time were the pattern nobody saw in
#   Malin's story; two within a week is the earliest sign that the daytime plan is not holding,
#   so the team is asked to consider gul fase (closer follow-up), not told.
# - An admission, or a contact where suicide risk was assessed as present, is the acute
#   situation the phase plan's rød fase exists for: the coordinator is asked at once.
DEFAULT_RULES: list[dict[str, Any]] = [
    {"trigger": Trigger.COUNT, "min_contacts": 2, "within_days": 7, "phase": Phase.YELLOW},
    {"trigger": Trigger.ADMISSION, "phase": Phase.RED},
    {"trigger": Trigger.SUICIDE_RISK, "phase": Phase.RED},
]


def rule_key(rule: PhaseRule) -> str:
    """A rule's identity for "never twice for the same contact": made from its content, so the
    defaults and their copies in the team's rows have the same key."""
    if rule.trigger == Trigger.COUNT:
        return f"count:{rule.min_contacts}/{rule.within_days}"
    return str(rule.trigger)


def default_rules(team: Team) -> list[PhaseRule]:
    """The defaults as unsaved rows of the team."""
    return [PhaseRule(team=team, active=True, **data) for data in DEFAULT_RULES]


def rules_for(team: Team) -> list[PhaseRule]:
    """The team's own rules when it has any, else the defaults (unsaved) (one query)."""
    own = list(PhaseRule.objects.filter(team=team).order_by("pk"))
    return own or default_rules(team)


def _severity(phase: str) -> int:
    return PHASE_ORDER.index(Phase(phase))


def _describe(rule: PhaseRule, contact: NightContact) -> str:
    last = _("siste: %(service)s %(when)s") % {
        "service": contact.get_service_display(),
        "when": short_datetime(contact.occurred_at),
    }
    if rule.trigger == Trigger.COUNT:
        what = _(
            "%(count)s kontakter med legevakt/AMK eller andre nattjenester innen %(days)s dager"
        )
        what %= {"count": rule.min_contacts, "days": rule.within_days}
    elif rule.trigger == Trigger.ADMISSION:
        what = _("innleggelse etter kontakt utenom kontortid")
    else:
        what = _("selvmordsfare vurdert som til stede")
    return _("Forslag fra regel: %(what)s (%(last)s).") % {"what": what, "last": last}


def _fires(rule: PhaseRule, contact: NightContact) -> bool:
    if rule.trigger == Trigger.ADMISSION:
        return contact.outcome == NightContact.Outcome.ADMITTED
    if rule.trigger == Trigger.SUICIDE_RISK:
        return contact.suicide_risk
    # Count rule: the contacts in the window that ends with this one (one query).
    since = contact.occurred_at - dt.timedelta(days=rule.within_days or 0)
    count = NightContact.objects.filter(
        patient_id=contact.patient_id,
        occurred_at__gt=since,
        occurred_at__lte=contact.occurred_at,
    ).count()
    return count >= (rule.min_contacts or 0)


def evaluate(contact: NightContact, *, team: Team, actor: User) -> Observation | None:
    """Propose a phase when the team's active rules fire for a new contact; called by the
    service that records the contact, inside its transaction.

    Only the most severe firing rule proposes (an admission with suicide risk is one red
    proposal, not two). Never the phase the team is in or a milder one, never twice for the same
    contact and rule, and not again while the same proposal from a rule still waits for the
    coordinator."""
    now_phase = current_phase(team)
    firing = [
        rule
        for rule in rules_for(team)
        if rule.active and _severity(rule.phase) > _severity(now_phase) and _fires(rule, contact)
    ]
    if not firing:
        return None
    rule = max(firing, key=lambda r: _severity(r.phase))
    waiting = Observation.objects.filter(
        team=team, status=Observation.Status.OPEN, proposed_phase=rule.phase
    ).exclude(rule="")
    if waiting.exists():
        return None
    observation, created = Observation.objects.get_or_create(
        night_contact=contact,
        rule=rule_key(rule),
        defaults={
            "team": team,
            "reported_by": actor,
            "text": _describe(rule, contact),
            "proposed_phase": rule.phase,
            "status": Observation.Status.OPEN,
        },
    )
    if not created:
        return None
    message = _(
        "En regel foreslår %(phase)s fase i aktørfellesskap nr. %(team)s etter en kontakt "
        "utenom kontortid. Bekreft eller avvis forslaget i LKT."
    ) % {"phase": str(Phase(rule.phase).label).lower(), "team": team.pk}
    for member in selectors.active_coordinators(team):
        if member.user is None:
            continue
        notify(
            recipient=member.user,
            kind=Notification.Kind.PHASE_PROPOSED,
            team=team,
            occurrence=f"observation:{observation.pk}",
            message=message,
            url=observations_url(team),
            urgent=rule.phase == Phase.RED,
        )
    return observation


@transaction.atomic
def phase_rules_save(
    *, actor: User, team: Team, changes: list[dict[str, Any]], new: dict[str, Any] | None
) -> list[PhaseRule]:
    """Save the coordinator's edits of the team's rules. The first save copies the defaults
    into rows the team owns. ``changes`` follow the order of ``rules_for(team)``; the database's
    check constraints give the messages (a count rule needs its numbers; rules propose gul or
    rød). Raises ValidationError keyed ``rule-<index>`` / ``new``."""
    authorize(actor, Action.MANAGE_TEAM, team.patient, obj=team)
    rules = list(PhaseRule.objects.select_for_update().filter(team=team).order_by("pk"))
    if not rules:
        rules = default_rules(team)
    errors: dict[str, list[str]] = {}
    for index, (rule, change) in enumerate(zip(rules, changes, strict=False)):
        for name in ("active", "min_contacts", "within_days", "phase"):
            if name in change:
                setattr(rule, name, change[name])
        if rule.trigger != Trigger.COUNT:
            rule.min_contacts = rule.within_days = None
        try:
            rule.full_clean()
        except ValidationError as error:
            errors[f"rule-{index}"] = error.messages
    added = None
    if new:
        added = PhaseRule(team=team, trigger=Trigger.COUNT, **{"active": True, **new})
        try:
            added.full_clean()
        except ValidationError as error:
            errors["new"] = error.messages
    if errors:
        raise ValidationError(errors)
    for rule in rules:
        rule.save()
    if added is not None:
        added.save()
        rules.append(added)
    return rules
