"""Reads of staff invitations: the open ones of the organisations the user may invite to."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from actors.access import invitation_organisations
from actors.models import Organisation, StaffInvitation

if TYPE_CHECKING:
    from actors.access import AnyUser


def staff_invitation_list_for_inviter(
    user: AnyUser,
) -> tuple[list[Organisation], list[StaffInvitation]]:
    """The organisations the user may invite to, and their open invitations, newest first
    (two queries, whatever the number)."""
    organisations = list(invitation_organisations(user).order_by("name"))
    invitations = list(
        StaffInvitation.objects.open()
        .filter(organisation__in=[o.pk for o in organisations])
        .select_related("organisation", "invited_by")
        .order_by("-created_at", "-pk")
    )
    return organisations, invitations


def staff_invitation_get(user: AnyUser, pk: int) -> StaffInvitation:
    """An invitation of an organisation the user may invite to (404 for any other)."""
    invitation = (
        StaffInvitation.objects.filter(pk=pk, organisation__in=invitation_organisations(user))
        .select_related("organisation")
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation
