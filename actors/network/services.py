"""Every write about the team's network (element B): communication lines and scenarios with
their "what then" (perspectives on the patient's challenges: careplans.good_day).

Each runs in one transaction and asks ``actors.access.authorize`` for ``Action.EDIT_NETWORK`` first
(an active member of the team, with the patient's consent to sharing), which also writes the
audit row. Input is checked before anything is saved, with clear Norwegian messages per field.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actors.access import Action, authorize
from actors.models import CommunicationLine, Member, Scenario, Team, User
from actors.network.selectors import AGE_TRANSITIONS, MANUAL_KINDS, birthday

WHAT_THEN_LIMIT = 2000


def require_team_actor(
    member: Member | None, team: Team, field: str, *, required: bool = True
) -> None:
    """An actor chosen for a line, a perspective or a scenario must be active in this team."""
    if member is None:
        if required:
            raise ValidationError({field: _("Velg en aktør.")})
        return
    if member.team_id != team.pk:
        raise ValidationError({field: _("Aktøren hører ikke til dette aktørfellesskapet.")})
    if member.left_on is not None:
        raise ValidationError(
            {
                field: _("%(name)s har sluttet i aktørfellesskapet. Velg en aktiv aktør.")
                % {"name": member.display_name}
            }
        )


@transaction.atomic
def communication_line_add(
    *,
    actor: User,
    team: Team,
    from_member: Member,
    to_member: Member,
    channel: str,
    frequency: str,
    note: str = "",
) -> CommunicationLine:
    """Record that two actors talk, how and how often."""
    authorize(actor, Action.EDIT_NETWORK, team.patient, obj=team)
    require_team_actor(from_member, team, "from_member")
    require_team_actor(to_member, team, "to_member")
    if from_member.pk == to_member.pk:
        raise ValidationError({"to_member": _("En linje må gå mellom to ulike aktører.")})
    line = CommunicationLine(
        team=team,
        from_member=from_member,
        to_member=to_member,
        channel=channel,
        frequency=frequency,
        note=note.strip(),
        created_by=actor,
    )
    # The model's constraints give the duplicate-line message ("Denne linjen finnes allerede.").
    line.full_clean()
    line.save()
    return line


@transaction.atomic
def communication_line_end(
    *, actor: User, line: CommunicationLine, ended_on: dt.date | None = None
) -> CommunicationLine:
    """End a line. The row stays, so the team can see how it used to communicate."""
    authorize(actor, Action.EDIT_NETWORK, line.team.patient, obj=line)
    if line.ended_on is not None:
        raise ValidationError(_("Linjen er allerede avsluttet."))
    ended_on = ended_on or timezone.localdate()
    if ended_on < timezone.localtime(line.created_at).date():
        raise ValidationError(
            {"ended_on": _("En linje kan ikke avsluttes før den ble registrert.")}
        )
    line.ended_on = ended_on
    line.save(update_fields=["ended_on"])
    return line


def _check_what_then(what_then: str) -> str:
    what_then = what_then.strip()
    if not what_then:
        raise ValidationError({"what_then": _("Skriv hva dere gjør når dette skjer.")})
    if len(what_then) > WHAT_THEN_LIMIT:
        raise ValidationError(
            {"what_then": _("Teksten kan være høyst %(limit)d tegn.") % {"limit": WHAT_THEN_LIMIT}}
        )
    return what_then


def _check_responsible(team: Team, responsible: Member | None) -> None:
    if responsible is None:
        return
    try:
        require_team_actor(responsible, team, "responsible")
    except ValidationError:
        raise ValidationError(
            {"responsible": _("Den ansvarlige må være en aktiv aktør i aktørfellesskapet.")}
        ) from None


def _save_plan(
    scenario: Scenario, *, actor: User, what_then: str, responsible: Member | None
) -> Scenario:
    scenario.what_then = what_then
    scenario.responsible = responsible
    scenario.updated_by = actor
    scenario.full_clean()
    scenario.save()
    return scenario


@transaction.atomic
def scenario_add(
    *,
    actor: User,
    team: Team,
    kind: str,
    expected_on: dt.date,
    description: str,
    what_then: str = "",
    responsible: Member | None = None,
) -> Scenario:
    """A planned transition the team knows of (a discharge, a school change), with its date."""
    authorize(actor, Action.EDIT_NETWORK, team.patient, obj=team)
    if kind not in MANUAL_KINDS:
        raise ValidationError(
            {"kind": _("Velg utskrivning, skolebytte eller en annen planlagt overgang.")}
        )
    if expected_on < timezone.localdate():
        raise ValidationError({"expected_on": _("Datoen har vært. Velg en dato fram i tid.")})
    description = description.strip()
    if not description:
        raise ValidationError({"description": _("Beskriv kort hva som skal skje.")})
    # The plan may follow later; the section warns until it is there.
    what_then = _check_what_then(what_then) if what_then.strip() else ""
    _check_responsible(team, responsible)
    scenario = Scenario(
        team=team,
        kind=kind,
        expected_on=expected_on,
        description=description,
        what_then=what_then,
        responsible=responsible,
        updated_by=actor,
    )
    scenario.full_clean()
    scenario.save()
    return scenario


@transaction.atomic
def scenario_prepare(
    *, actor: User, scenario: Scenario, what_then: str, responsible: Member | None = None
) -> Scenario:
    """Write "what do we do then?" and who is responsible, for a saved scenario."""
    team = scenario.team
    authorize(actor, Action.EDIT_NETWORK, team.patient, obj=scenario)
    what_then = _check_what_then(what_then)
    _check_responsible(team, responsible)
    return _save_plan(scenario, actor=actor, what_then=what_then, responsible=responsible)


@transaction.atomic
def scenario_prepare_detected(
    *,
    actor: User,
    team: Team,
    kind: str,
    member: Member | None = None,
    what_then: str,
    responsible: Member | None = None,
) -> Scenario:
    """Write the plan for a scenario found from the data (an actor leaving, the patient
    turning 16 or 18). Its row is created on the first save, keyed by team, kind and actor."""
    authorize(actor, Action.EDIT_NETWORK, team.patient, obj=team)
    today = timezone.localdate()
    if kind == Scenario.Kind.MEMBER_LEAVING:
        if member is None:
            raise ValidationError({"member": _("Velg aktøren som slutter.")})
        require_team_actor(member, team, "member")
        if member.expected_leave_on is None:
            raise ValidationError(
                {
                    "member": _("%(name)s har ingen forventet sluttdato.")
                    % {"name": member.display_name}
                }
            )
        expected_on = member.expected_leave_on
    elif kind in AGE_TRANSITIONS:
        member = None
        expected_on = birthday(team.patient.birth_date, AGE_TRANSITIONS[kind])
        if expected_on < today:
            raise ValidationError(
                _("Pasienten har allerede fylt %(age)d år.") % {"age": AGE_TRANSITIONS[kind]}
            )
    else:
        raise ValidationError({"kind": _("Denne typen overgang finnes ikke automatisk.")})
    what_then = _check_what_then(what_then)
    _check_responsible(team, responsible)
    scenario = Scenario.objects.select_for_update().filter(
        team=team, kind=kind, member=member
    ).first() or Scenario(team=team, kind=kind, member=member)
    # The leave date may have moved since the plan was first written.
    scenario.expected_on = expected_on
    return _save_plan(scenario, actor=actor, what_then=what_then, responsible=responsible)
