"""The one write of the indicator page: a leader's caseload limit for an organisation."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from actors.access import leader_organisations
from actors.models import Organisation, User
from coordination.reports.indicator_data import CASELOAD_LIMIT_MAX, CASELOAD_LIMIT_MIN
from coordination.reports.indicator_months import indicator_months_drop


@transaction.atomic
def caseload_limit_set(*, actor: User, organisation: Organisation, limit: int) -> Organisation:
    """The leader's limit on teams per coordinator for one of their organisations (and, by
    inheritance, those below it that have none of their own)."""
    if not leader_organisations(actor).filter(pk=organisation.pk).exists():
        raise PermissionDenied
    if not CASELOAD_LIMIT_MIN <= limit <= CASELOAD_LIMIT_MAX:
        raise ValidationError(
            {
                "limit": _("Grensen må være fra %(min)s til %(max)s team.")
                % {"min": CASELOAD_LIMIT_MIN, "max": CASELOAD_LIMIT_MAX}
            }
        )
    organisation.caseload_limit = limit
    organisation.save(update_fields=["caseload_limit"])
    # Past months' "over the limit" move with it, in any tree where its coordinators work.
    indicator_months_drop()
    return organisation
