"""Writes of the actors' perspectives on the patient's challenges."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from actors.access import Action, Standing, authorize
from actors.models import Member, Perspective, User
from actors.network.services import require_team_actor
from careplans.models import Challenge


def may_write_perspective(standing: Standing, actor: User, member: Member) -> bool:
    """Staff write their own perspective; the coordinator also writes for an external actor
    who has no login (a neighbour, a teacher), from what that actor said."""
    if member.user_id is not None:
        return member.user_id == actor.pk
    return standing.manages


@transaction.atomic
def perspective_save(
    *, actor: User, member: Member, challenge: Challenge, text: str, importance: int
) -> Perspective:
    """Create or update one actor's perspective on one of the patient's current challenges."""
    team = member.team
    standing = authorize(actor, Action.EDIT_NETWORK, team.patient, obj=challenge)
    if not may_write_perspective(standing, actor, member):
        raise PermissionDenied
    require_team_actor(member, team, "member")
    if challenge.patient_id != team.patient_id:
        raise ValidationError({"challenge": _("Utfordringen gjelder ikke denne pasienten.")})
    if challenge.retired_at is not None:
        raise ValidationError(
            {"challenge": _("Pasienten har tatt bort denne utfordringen. Den kan ikke endres.")}
        )
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Skriv kort hvordan du ser utfordringen.")})
    limit = Perspective._meta.get_field("text").max_length or 0
    if len(text) > limit:
        raise ValidationError(
            {"text": _("Teksten kan være høyst %(limit)d tegn.") % {"limit": limit}}
        )
    if importance not in IMPORTANCE_RANGE:
        raise ValidationError({"importance": _("Viktighet må være et tall fra 1 til 5.")})
    perspective = (
        Perspective.objects.select_for_update().filter(member=member, challenge=challenge).first()
    ) or Perspective(member=member, challenge=challenge)
    perspective.text = text
    perspective.importance = importance
    perspective.updated_by = actor
    perspective.full_clean()
    perspective.save()
    return perspective


IMPORTANCE_RANGE = range(1, 6)
