"""Observations ("noe har endret seg") and phase-change proposals (element E).

Any active member of the team who sees its clinical content, and the patient, may tell the team
that something has changed, and may propose a new phase. The coordinators are alerted at once;
a coordinator confirms a proposal (which changes the phase through
``careplans.phase.services.phase_change``, and with it the phase-change alert), rejects it
with a note the reporter reads, or marks a plain observation as noted.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actors.access import Action, authorize, check
from actors.models import Team, User
from actors.selectors import team_section_url
from careplans.models import MEDIUM_TEXT, Phase
from careplans.phase import services as phase_services
from careplans.phase.selectors import current_phase
from coordination.models import Notification, Observation
from coordination.notifications.notify import notify
from coordination.referral import selectors
from lkt.core import audit

Status = Observation.Status


class Decision:
    CONFIRM = "confirm"
    REJECT = "reject"
    NOTE = "note"
    ALL = (CONFIRM, REJECT, NOTE)


def observations_url(team: Team | int) -> str:
    return team_section_url(team.pk if isinstance(team, Team) else team, "observasjoner")


def _phase_word(phase: str) -> str:
    return str(Phase(phase).label).lower()


@transaction.atomic
def observation_report(
    *, actor: User, team: Team, text: str, proposed_phase: str = ""
) -> Observation:
    """Tell the team that something has changed, optionally proposing a phase. Those who see
    the team's clinical content may (its staff members with consent, and the patient)."""
    # ``check`` decides (404/403); the audit row is written as a change, once the row exists.
    check(actor, Action.VIEW_CLINICAL, team.patient)
    errors: dict[str, str] = {}
    if team.status == Team.Status.CLOSED:
        raise ValidationError(_("Aktørfellesskapet er avsluttet."))
    if not text.strip():
        errors["text"] = _("Skriv hva som har endret seg.")
    if proposed_phase and proposed_phase not in Phase.values:
        errors["proposed_phase"] = _("Velg grønn, gul eller rød fase, eller ingen forslag.")
    elif proposed_phase and proposed_phase == current_phase(team):
        errors["proposed_phase"] = _(
            "Teamet er allerede i %(phase)s fase. Velg en annen fase, eller ingen forslag."
        ) % {"phase": _phase_word(proposed_phase)}
    if errors:
        raise ValidationError(errors)
    observation = Observation(
        team=team, reported_by=actor, text=text.strip(), proposed_phase=proposed_phase
    )
    observation.full_clean()
    observation.save()
    audit.record(user=actor, patient=team.patient, action=audit.CHANGE, obj=observation)
    if proposed_phase:
        kind = Notification.Kind.PHASE_PROPOSED
        # No patient name or clinical text: the message also goes out by e-mail.
        message = _(
            "Forslag om %(phase)s fase i aktørfellesskap nr. %(team)s. "
            "Les observasjonen og bekreft eller avvis forslaget i LKT."
        ) % {"phase": _phase_word(proposed_phase), "team": team.pk}
    else:
        kind = Notification.Kind.OBSERVATION
        message = _(
            "Noe har endret seg i aktørfellesskap nr. %(team)s. Les observasjonen i LKT."
        ) % {"team": team.pk}
    for member in selectors.active_coordinators(team):
        if member.user is None or member.user.pk == actor.pk:
            continue
        notify(
            recipient=member.user,
            kind=kind,
            team=team,
            occurrence=f"observation:{observation.pk}",
            message=message,
            url=observations_url(team),
            urgent=proposed_phase == Phase.RED,
        )
    return observation


def _reason(observation: Observation, note: str) -> str:
    reporter = observation.reported_by
    who = (
        _("pasienten") if reporter.kind == User.Kind.PATIENT else (str(reporter) or _("et medlem"))
    )
    reason = _("Observasjon fra %(who)s: %(text)s") % {"who": who, "text": observation.text}
    if note:
        reason += "\n" + _("Koordinatoren: %(note)s") % {"note": note}
    return reason[:MEDIUM_TEXT]


@transaction.atomic
def observation_decide(
    *, actor: User, observation: Observation, decision: str, note: str = ""
) -> Observation:
    """The coordinator's answer: confirm the proposed phase (the phase changes, with the
    observation as its reason), reject the proposal with a note, or mark it noted."""
    team = observation.team
    authorize(actor, Action.MANAGE_TEAM, team.patient, obj=observation)
    locked = Observation.objects.select_for_update().get(pk=observation.pk)
    if locked.status != Status.OPEN:
        raise ValidationError(
            _("Observasjonen er allerede behandlet (%(status)s).")
            % {"status": str(locked.get_status_display()).lower()}
        )
    note = note.strip()
    if decision not in Decision.ALL:
        raise ValidationError({"decision": _("Velg hva du vil gjøre med observasjonen.")})
    if decision in (Decision.CONFIRM, Decision.REJECT) and not locked.proposed_phase:
        raise ValidationError(
            {"decision": _("Observasjonen foreslår ingen ny fase. Merk den som lest.")}
        )
    if decision == Decision.REJECT and not note:
        raise ValidationError(
            {"note": _("Skriv hvorfor forslaget avvises, så den som meldte forstår det.")}
        )
    if decision == Decision.CONFIRM:
        locked.reported_by = observation.reported_by
        try:
            change = phase_services.phase_change(
                actor=actor, team=team, phase=locked.proposed_phase, reason=_reason(locked, note)
            )
        except ValidationError as error:
            # The phase form's field names mean nothing here: the messages go on top.
            raise ValidationError(error.messages) from None
        locked.phase_change = change
        locked.status = Status.CONFIRMED
    elif decision == Decision.REJECT:
        locked.status = Status.REJECTED
    else:
        locked.status = Status.NOTED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_note = note
    locked.full_clean()
    locked.save()
    return locked
