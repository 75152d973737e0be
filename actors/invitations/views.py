"""HTTP for staff invitations: the list with its form, and revoking."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from actors.access import require_user
from actors.forms import submit
from actors.invitations import selectors as invitation_selectors
from actors.invitations import services as invitation_services
from actors.invitations.forms import StaffInvitationForm
from lkt.core.http import HtmxHttpRequest, form_data


@login_required
@require_http_methods(["GET", "POST"])
def staff_invitations(request: HtmxHttpRequest) -> HttpResponse:
    """Leaders and coordinators: invite a staff member; the open invitations of their
    organisations. Anyone else may invite no one (403)."""
    actor = require_user(request.user)
    organisations, invitations = invitation_selectors.staff_invitation_list_for_inviter(actor)
    if not organisations:
        raise PermissionDenied
    form = StaffInvitationForm(form_data(request), organisations=organisations)
    invitation = submit(
        form,
        lambda data: invitation_services.staff_invitation_create(actor=actor, **data),
    )
    if invitation is not None:
        messages.success(
            request,
            _(
                "%(name)s er invitert til %(org)s. Hen får tilgang ved første innlogging med "
                "HelseID."
            )
            % {"name": invitation.name, "org": invitation.organisation.name},
        )
        return redirect("actors:staff-invitations")
    context = {"form": form, "invitations": invitations, "organisations": organisations}
    return render(request, "actors/staff_invitations.html", context)


@login_required
@require_POST
def staff_invitation_revoke(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    actor = require_user(request.user)
    invitation = invitation_selectors.staff_invitation_get(actor, pk)
    try:
        invitation_services.staff_invitation_revoke(actor=actor, invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Invitasjonen til %(name)s er trukket tilbake.") % {"name": invitation.name}
        )
    return redirect("actors:staff-invitations")
