"""Inviting staff (issue 14): a leader or coordinator invites a staff member of their own
organisation by name, fødselsnummer and/or HPR number and profession; HelseID's first login
links the person to the invitation (the OIDC login, not here). Open invitations can be revoked.

Access: ``actors.access.invitation_organisations``. Audited: the invitation row keeps who invited,
revoked or took it in use, and when, and every write is logged to ``lkt.security`` (an
invitation is no patient's data, so it has no ``AccessLog`` row).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from actors.access import invitation_organisations, require_user
from actors.models import Organisation, StaffInvitation, User
from actors.validators import validate_hpr_number, validate_national_id

security_log = logging.getLogger("lkt.security")


def _may_invite_to(actor: User, organisation: Organisation) -> None:
    if not invitation_organisations(actor).filter(pk=organisation.pk).exists():
        raise PermissionDenied


def _clean(value: str, validator: Callable[[str], None], field: str) -> str:
    value = (value or "").strip().replace(" ", "")
    if value:
        try:
            validator(value)
        except ValidationError as error:
            raise ValidationError({field: error.messages}) from None
    return value


@transaction.atomic
def staff_invitation_create(
    *,
    actor: User,
    organisation: Organisation,
    name: str,
    profession: str,
    national_id: str = "",
    hpr_number: str = "",
) -> StaffInvitation:
    """Invite a staff member to ``organisation``. At least one of fødselsnummer and HPR
    number; one open invitation per person and organisation; someone who already works there
    in LKT (by HPR number) is not invited again."""
    require_user(actor)
    _may_invite_to(actor, organisation)
    national_id = _clean(national_id, validate_national_id, "national_id")
    hpr_number = _clean(hpr_number, validate_hpr_number, "hpr_number")
    if not (national_id or hpr_number):
        raise ValidationError({"national_id": _("Oppgi fødselsnummer, HPR-nummer eller begge.")})
    if not name.strip():
        raise ValidationError({"name": _("Skriv navnet på den du inviterer.")})
    if (
        hpr_number
        and User.objects.filter(
            Q(organisation=organisation) | Q(organisations=organisation),
            hpr_number=hpr_number,
            kind=User.Kind.STAFF,
        ).exists()
    ):
        raise ValidationError(
            {
                "hpr_number": _(
                    "En ansatt med dette HPR-nummeret arbeider allerede i %(org)s i LKT."
                )
                % {"org": organisation.name}
            }
        )
    open_ = StaffInvitation.objects.open().filter(organisation=organisation)
    if national_id and open_.filter(national_id=national_id).exists():
        raise ValidationError(
            {"national_id": _("Det finnes allerede en åpen invitasjon med dette fødselsnummeret.")}
        )
    if hpr_number and open_.filter(hpr_number=hpr_number).exists():
        raise ValidationError(
            {"hpr_number": _("Det finnes allerede en åpen invitasjon med dette HPR-nummeret.")}
        )
    invitation = StaffInvitation(
        organisation=organisation,
        name=name.strip(),
        national_id=national_id,
        hpr_number=hpr_number,
        profession=profession,
        invited_by=actor,
    )
    invitation.full_clean()
    invitation.save()
    security_log.info(
        "staff invitation %s to organisation %s by user %s",
        invitation.pk,
        organisation.pk,
        actor.pk,
    )
    return invitation


@transaction.atomic
def staff_invitation_revoke(*, actor: User, invitation: StaffInvitation) -> StaffInvitation:
    """Revoke an open invitation: the person can no longer take it in use at login."""
    invitation = StaffInvitation.objects.select_for_update().get(pk=invitation.pk)
    _may_invite_to(actor, invitation.organisation)
    if not invitation.is_open:
        raise ValidationError(_("Invitasjonen er allerede tatt i bruk eller trukket tilbake."))
    invitation.revoked_at = timezone.now()
    invitation.revoked_by = actor
    invitation.save(update_fields=["revoked_at", "revoked_by"])
    security_log.info("staff invitation %s revoked by user %s", invitation.pk, actor.pk)
    return invitation
