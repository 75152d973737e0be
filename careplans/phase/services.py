"""Writes for the phase plan (forløpsfasemodellen), the årshjul and the team's current phase.

The phase plan and the årshjul belong to a plan version and change only while it is a draft;
an approved version is frozen. Only the coordinator (``Action.MANAGE_TEAM``) writes them and
changes the team's phase. Each function authorizes first (which writes the audit row), checks
its input with clear Norwegian messages per field, and saves in one transaction.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from actors.access import Action, authorize
from actors.models import Member, Team, User
from careplans.annual.rules import default_activities, validate_recurrence
from careplans.models import AnnualActivity, CarePlanVersion, Phase, PhaseChange, PhasePlanEntry
from careplans.phase.selectors import current_phase
from careplans.signals import phase_changed

Recurrence = AnnualActivity.Recurrence


def _draft(version: CarePlanVersion) -> CarePlanVersion:
    """The version locked for this transaction, refused unless it is still a draft: an
    approval racing with the edit either sees the edit or the edit sees the approval."""
    locked = CarePlanVersion.objects.select_for_update().get(pk=version.pk)
    if locked.status != CarePlanVersion.Status.DRAFT:
        raise ValidationError(
            _(
                "Denne versjonen av planen er ikke lenger et utkast og kan ikke endres. "
                "Lag en ny versjon for å endre planen."
            )
        )
    return locked


def _team_member(member: Member | None, team: Team, field: str) -> None:
    """A chosen actor must be an active member of the plan's team."""
    if member is None:
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


def _valid_phase(phase: str) -> None:
    if phase not in Phase.values:
        raise ValidationError({"phase": _("Velg grønn, gul eller rød fase.")})


@transaction.atomic
def phase_entry_save(
    *,
    actor: User,
    version: CarePlanVersion,
    phase: str,
    signs: str,
    actions: str,
    actor_member: Member | None,
    call_office_hours: str = "",
    call_night: str = "",
    patient_wishes: str = "",
    night_contact: Member | None = None,
) -> PhasePlanEntry:
    """Write what the team does in one phase of a draft plan. In red the plan must say whom to
    call in the evening and at night: that is when the crisis plan is needed most."""
    team = version.plan.team
    authorize(actor, Action.MANAGE_TEAM, team.patient, obj=version)
    _valid_phase(phase)
    locked = _draft(version)
    _team_member(actor_member, team, "actor")
    _team_member(night_contact, team, "night_contact")
    errors: dict[str, str] = {}
    if not signs.strip():
        errors["signs"] = _("Skriv tegnene på at pasienten er i denne fasen.")
    if not actions.strip():
        errors["actions"] = _("Skriv hva som skal gjøres i denne fasen.")
    if phase == Phase.RED and not call_night.strip():
        errors["call_night"] = _(
            "I rød fase må planen si hvem som ringes kveld og natt, for eksempel "
            "legevakt 116 117, AMK 113 og en navngitt kontakt med telefonnummer."
        )
    if errors:
        raise ValidationError(errors)
    entry = PhasePlanEntry.objects.filter(version=locked, phase=phase).first() or PhasePlanEntry(
        version=locked, phase=phase
    )
    entry.signs = signs.strip()
    entry.actions = actions.strip()
    entry.actor = actor_member
    entry.call_office_hours = call_office_hours.strip()
    entry.call_night = call_night.strip()
    entry.night_contact = night_contact
    entry.patient_wishes = patient_wishes.strip()
    entry.full_clean()
    entry.save()
    return entry


def _recurrence_fields(
    recurrence: str, interval_months: int | None, month: int | None, first_on: dt.date | None
) -> tuple[int | None, int | None, dt.date | None]:
    """Keep only the fields the chosen recurrence uses, so a leftover value from another
    choice in the form is not saved as if it meant something."""
    if recurrence == Recurrence.ONCE:
        return None, None, first_on
    if recurrence == Recurrence.EVERY_N_MONTHS:
        return interval_months, None, first_on
    return None, month, first_on


@transaction.atomic
def annual_activity_save(
    *,
    actor: User,
    version: CarePlanVersion,
    activity: AnnualActivity | None = None,
    kind: str,
    title: str,
    recurrence: str,
    interval_months: int | None = None,
    month: int | None = None,
    first_on: dt.date | None = None,
    responsible: Member | None = None,
    mandatory: bool = True,
) -> AnnualActivity:
    """Add an activity to the årshjul of a draft, or change one (``activity``)."""
    team = version.plan.team
    authorize(actor, Action.MANAGE_TEAM, team.patient, obj=activity or version)
    if activity is not None and activity.version_id != version.pk:
        raise ValidationError(_("Aktiviteten hører ikke til denne versjonen av planen."))
    locked = _draft(version)
    _team_member(responsible, team, "responsible")
    interval_months, month, first_on = _recurrence_fields(
        recurrence, interval_months, month, first_on
    )
    errors = validate_recurrence(
        recurrence=recurrence, interval_months=interval_months, month=month, first_on=first_on
    )
    if kind not in AnnualActivity.Kind.values:
        errors["kind"] = _("Velg en type aktivitet fra listen.")
    if not title.strip():
        errors["title"] = _("Skriv hva aktiviteten er.")
    if errors:
        raise ValidationError(errors)
    activity = activity or AnnualActivity(version=locked)
    activity.kind = kind
    activity.title = title.strip()
    activity.recurrence = recurrence
    activity.interval_months = interval_months
    activity.month = month
    activity.first_on = first_on
    activity.responsible = responsible
    activity.mandatory = mandatory
    activity.full_clean()
    activity.save()
    return activity


@transaction.atomic
def annual_activity_remove(
    *, actor: User, version: CarePlanVersion, activity: AnnualActivity
) -> None:
    """Take an activity out of a draft's årshjul (a draft is a proposal; approved versions
    keep theirs)."""
    authorize(actor, Action.MANAGE_TEAM, version.plan.team.patient, obj=activity)
    if activity.version_id != version.pk:
        raise ValidationError(_("Aktiviteten hører ikke til denne versjonen av planen."))
    _draft(version)
    activity.delete()


@transaction.atomic
def annual_defaults_add(
    *, actor: User, version: CarePlanVersion, medicines: int | None = None
) -> list[AnnualActivity]:
    """Put the minimum package into a draft's årshjul, skipping the kinds it already has."""
    authorize(actor, Action.MANAGE_TEAM, version.plan.team.patient, obj=version)
    locked = _draft(version)
    present = set(AnnualActivity.objects.filter(version=locked).values_list("kind", flat=True))
    added = [a for a in default_activities(locked, medicines=medicines) if a.kind not in present]
    for activity in added:
        activity.full_clean()
    return AnnualActivity.objects.bulk_create(added)


@transaction.atomic
def phase_change(*, actor: User, team: Team, phase: str, reason: str) -> PhaseChange:
    """Move the team to another phase, saying why. The history is the rows: nothing is
    overwritten, so the team can see how the course has gone."""
    authorize(actor, Action.MANAGE_TEAM, team.patient, obj=team)
    _valid_phase(phase)
    # Serialise phase changes of one team, so "already in this phase" is decided on fresh data.
    Team.objects.select_for_update().filter(pk=team.pk).first()
    errors: dict[str, str] = {}
    if not reason.strip():
        errors["reason"] = _("Skriv hvorfor fasen endres, så resten av teamet forstår det.")
    if phase == current_phase(team):
        errors["phase"] = _("Aktørfellesskapet er allerede i %(phase)s fase.") % {
            "phase": str(Phase(phase).label).lower()
        }
    if errors:
        raise ValidationError(errors)
    change = PhaseChange(team=team, phase=phase, reason=reason.strip(), changed_by=actor)
    change.full_clean()
    change.save()
    # The alert is written in this transaction: it exists exactly when the change does.
    phase_changed.send(sender=PhaseChange, change=change)
    return change
