"""Every write from need to team and about the coordinator's role. One function per use case.

Need reports concern a person who may not be a patient in LKT yet, so each change is written to
the report's own history (NeedReportEvent); once a team is linked, the patient's audit log gets
a row too. Team writes go through ``lkt.access.authorize`` as everywhere else.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actors import services as actor_services
from actors.models import Member, NetworkLevel, Organisation, Role, Team, User
from actors.staff_eligibility import NO_TEAM_ROLE, can_take_team_role
from actors.validators import validate_national_id
from coordination import selectors
from coordination.models import (
    COORDINATOR_CASELOAD_LIMIT,
    CoordinatorAppointment,
    Mandate,
    NeedReport,
    NeedReportEvent,
    Notification,
)
from coordination.notify import notify
from lkt import audit
from lkt.access import Action, authorize


def _event(report: NeedReport, actor: User, note: str = "") -> None:
    NeedReportEvent.objects.create(report=report, status=report.status, actor=actor, note=note)


@transaction.atomic
def need_report_create(
    *,
    actor: User,
    kommune: Organisation,
    patient_name: str,
    need: str,
    relation: str,
    patient_knows: bool,
    patient_agrees: bool,
    national_id: str = "",
) -> NeedReport:
    """Anyone logged in may report a need; the report goes to the kommune's koordinerende
    enhet. Whether the patient knows and agrees is asked of everyone and recorded."""
    if kommune.kind != Organisation.Kind.KOMMUNE:
        raise ValidationError({"kommune": _("Velg en kommune.")})
    national_id = national_id.strip().replace(" ", "")
    if national_id:
        try:
            validate_national_id(national_id)
        except ValidationError as error:
            raise ValidationError({"national_id": error.messages}) from None
    if not patient_knows and patient_agrees:
        raise ValidationError(
            {"patient_agrees": _("Pasienten kan ikke ha sagt seg enig uten å vite om meldingen.")}
        )
    report = NeedReport(
        kommune=kommune,
        patient_name=patient_name.strip(),
        national_id=national_id,
        need=need.strip(),
        reported_by=actor,
        relation=relation,
        patient_knows=patient_knows,
        patient_agrees=patient_agrees,
    )
    report.full_clean()
    report.save()
    _event(report, actor)
    return report


def _require_unit(actor: User, report: NeedReport) -> None:
    """Only staff of this kommune's koordinerende enhet handle its reports."""
    if not selectors.is_unit_staff_for(actor, report.kommune_id):
        raise PermissionDenied


# Which status may follow which; team etablert goes through ``need_report_establish_team``.
_NEXT: dict[str, set[str]] = {
    NeedReport.Status.RECEIVED: {NeedReport.Status.ASSESSING, NeedReport.Status.DECLINED},
    NeedReport.Status.ASSESSING: {NeedReport.Status.DECLINED},
}


@transaction.atomic
def need_report_set_status(
    *, actor: User, report: NeedReport, status: str, reason: str = ""
) -> NeedReport:
    """Move a report to "under utredning" or "avslått" (a reason is required to decline)."""
    _require_unit(actor, report)
    if status not in _NEXT.get(report.status, set()):
        raise ValidationError(
            {
                "status": _("Meldingen kan ikke gå fra «%(old)s» til «%(new)s».")
                % {
                    "old": report.get_status_display(),
                    "new": dict(NeedReport.Status.choices).get(status, status),
                }
            }
        )
    if status == NeedReport.Status.DECLINED and not reason.strip():
        raise ValidationError(
            {"reason": _("Skriv hvorfor meldingen avslås. Den som meldte, får se begrunnelsen.")}
        )
    report.status = status
    if status == NeedReport.Status.DECLINED:
        report.decline_reason = reason.strip()
    report.full_clean()
    report.save()
    _event(report, actor, reason.strip())
    return report


@transaction.atomic
def need_report_establish_team(
    *, actor: User, report: NeedReport, name: str, national_id: str
) -> Team:
    """Register the patient and open their team from the report (status "team etablert")."""
    _require_unit(actor, report)
    if not report.is_open:
        raise ValidationError(_("Meldingen er allerede behandlet."))
    team = actor_services.patient_register(actor=actor, name=name, national_id=national_id)
    report.status = NeedReport.Status.TEAM_ESTABLISHED
    report.team = team
    report.full_clean()
    report.save()
    _event(report, actor)
    audit.record(user=actor, patient=team.patient, action=audit.CHANGE, obj=report)
    return team


# ---------------------------------------------------------------------------------------------
# Appointing the coordinator


@transaction.atomic
def appointment_propose(
    *, actor: User, team: Team, candidate: User, patient_wish: str = ""
) -> CoordinatorAppointment:
    """Propose a coordinator for the team, with the patient's wish; the candidate's line
    leader is asked to approve."""
    authorize(actor, Action.MANAGE_TEAM, team.patient, obj=team)
    if candidate.kind != User.Kind.STAFF or candidate.organisation_id is None:
        raise ValidationError(
            {"candidate": _("Koordinatoren må være en ansatt med et arbeidssted.")}
        )
    if not can_take_team_role(candidate):
        raise ValidationError({"candidate": NO_TEAM_ROLE})
    if Member.objects.filter(
        team=team, user=candidate, role=Role.COORDINATOR, left_on__isnull=True
    ).exists():
        raise ValidationError({"candidate": _("Personen er allerede koordinator i teamet.")})
    appointment = CoordinatorAppointment(
        team=team, candidate=candidate, patient_wish=patient_wish.strip(), proposed_by=actor
    )
    appointment.full_clean()
    appointment.save()
    for leader in selectors.line_leaders(candidate.organisation_id):
        notify(
            recipient=leader,
            kind=Notification.Kind.APPOINTMENT_PROPOSED,
            team=team,
            occurrence=f"appointment:{appointment.pk}",
            message=_("%(name)s er foreslått som koordinator og venter på din godkjenning.")
            % {"name": candidate},
        )
    return appointment


@transaction.atomic
def appointment_decide(
    *, actor: User, appointment: CoordinatorAppointment, approve: bool, note: str = ""
) -> CoordinatorAppointment:
    """The candidate's line leader approves or rejects, seeing how many teams the candidate
    coordinates already. Above the limit, approving needs a reason; rejecting always does."""
    if not selectors.is_line_leader_of(actor, appointment.candidate):
        raise PermissionDenied
    if appointment.status != CoordinatorAppointment.Status.PROPOSED:
        raise ValidationError(_("Oppnevningen er allerede avgjort."))
    caseload = selectors.caseload(appointment.candidate)
    note = note.strip()
    if not approve and not note:
        raise ValidationError({"note": _("Skriv hvorfor du avviser oppnevningen.")})
    if approve and caseload >= COORDINATOR_CASELOAD_LIMIT and not note:
        raise ValidationError(
            {
                "note": _(
                    "Personen koordinerer allerede %(count)s team (grensen er %(limit)s). "
                    "Skriv hvorfor du likevel godkjenner."
                )
                % {"count": caseload, "limit": COORDINATOR_CASELOAD_LIMIT}
            }
        )
    appointment.status = (
        CoordinatorAppointment.Status.APPROVED
        if approve
        else CoordinatorAppointment.Status.REJECTED
    )
    appointment.decided_by = actor
    appointment.decided_at = timezone.now()
    appointment.decision_note = note
    appointment.caseload_at_decision = caseload
    appointment.full_clean()
    appointment.save()
    return appointment


@transaction.atomic
def appointment_register(
    *, actor: User, appointment: CoordinatorAppointment, joined_on: dt.date | None = None
) -> Member:
    """The koordinerende enhet registers an approved coordinator: they join the team in the
    role koordinator next to the one leaving, which is the overlap a handover needs.

    The unit is not a member of the team, so this does not go through ``member_add`` (which
    asks for the right to manage the team); it adds the same row with the same checks and
    writes the audit record itself.
    """
    team = appointment.team
    if not selectors.is_unit_staff_for_team(actor, team):
        raise PermissionDenied
    if team.status == Team.Status.CLOSED:
        raise ValidationError(_("Aktørfellesskapet er avsluttet."))
    if appointment.status != CoordinatorAppointment.Status.APPROVED:
        raise ValidationError(_("Lederen må godkjenne oppnevningen før den kan registreres."))
    candidate = appointment.candidate
    # "The same checks" as member_add: the profile may have changed since the proposal.
    if not can_take_team_role(candidate):
        raise ValidationError(NO_TEAM_ROLE)
    organisation = candidate.organisation
    member = Member(
        team=team,
        user=candidate,
        organisation=organisation,
        level=organisation.level if organisation else NetworkLevel.PRIVAT,
        role=Role.COORDINATOR,
        joined_on=joined_on or timezone.localdate(),
    )
    member.full_clean()
    member.save()
    appointment.status = CoordinatorAppointment.Status.REGISTERED
    appointment.registered_by = actor
    appointment.registered_at = timezone.now()
    appointment.member = member
    appointment.save()
    audit.record(user=actor, patient=team.patient, action=audit.CHANGE, obj=member)
    return member


# ---------------------------------------------------------------------------------------------
# The mandate


def _check_deputy(team: Team, deputy: Member | None) -> None:
    if deputy is None:
        return
    if deputy.team_id != team.pk or deputy.left_on is not None:
        raise ValidationError({"deputy": _("Stedfortrederen må være aktivt medlem av teamet.")})
    if deputy.role == Role.COORDINATOR:
        raise ValidationError({"deputy": _("Stedfortrederen kan ikke være koordinatoren selv.")})
    # A deputy stands in for the coordinator, so must be someone who could be one.
    if deputy.user is None or not can_take_team_role(deputy.user):
        raise ValidationError(
            {
                "deputy": _(
                    "Stedfortrederen må være en ansatt i teamet som kan ta over som "
                    "koordinator (logger inn i LKT og arbeider med pasienter)."
                )
            }
        )


@transaction.atomic
def mandate_save(
    *,
    actor: User,
    team: Team,
    task_description: str,
    authority: str,
    hours_per_month: int,
    deputy: Member | None = None,
) -> Mandate:
    """Write or change the coordinator's mandate. A change needs the leader's approval again."""
    authorize(actor, Action.MANAGE_TEAM, team.patient, obj=team)
    _check_deputy(team, deputy)
    mandate = Mandate.objects.select_for_update().filter(team=team).first() or Mandate(team=team)
    mandate.task_description = task_description.strip()
    mandate.authority = authority.strip()
    mandate.hours_per_month = hours_per_month
    mandate.deputy = deputy
    mandate.updated_by = actor
    mandate.approved_by = None
    mandate.approved_at = None
    mandate.full_clean()
    mandate.save()
    for leader in selectors.leaders_of_coordinators(team):
        notify(
            recipient=leader,
            kind=Notification.Kind.MANDATE_SUBMITTED,
            team=team,
            occurrence=f"mandate:{mandate.pk}:{mandate.updated_at.isoformat()}",
            message=_("Et koordinatormandat venter på din godkjenning."),
        )
    return mandate


@transaction.atomic
def mandate_approve(*, actor: User, mandate: Mandate) -> Mandate:
    """The coordinator's line leader approves the mandate; never without a deputy."""
    team = mandate.team
    if not any(
        selectors.is_line_leader_of(actor, member.user)
        for member in selectors.active_coordinators(team)
        if member.user
    ):
        raise PermissionDenied
    if mandate.deputy_id is None:
        raise ValidationError(
            _("Mandatet kan ikke godkjennes uten stedfortreder. Koordinatoren må velge en først.")
        )
    _check_deputy(team, mandate.deputy)
    mandate.approved_by = actor
    mandate.approved_at = timezone.now()
    mandate.full_clean()
    mandate.save(update_fields=["approved_by", "approved_at"])
    return mandate


# ---------------------------------------------------------------------------------------------
# Notifications and the coordinator's handover


def coordinator_change_alert(*, member: Member) -> None:
    """Alert the coordinator's leaders and the team's deputy that the coordinator leaves
    (a leave date is recorded) or has left. Called by ``actors.services`` when either
    happens; repeating the same change never alerts twice."""
    if member.role != Role.COORDINATOR:
        return
    if member.left_on is not None:
        kind = Notification.Kind.COORDINATOR_ENDED
        occurrence = f"member:{member.pk}:ended"
        message = _("Koordinatoren %(name)s har sluttet i aktørfellesskap nr. %(team)s.")
    elif member.expected_leave_on is not None:
        kind = Notification.Kind.COORDINATOR_LEAVING
        occurrence = f"member:{member.pk}:leaves:{member.expected_leave_on.isoformat()}"
        message = _(
            "Koordinatoren %(name)s slutter %(date)s i aktørfellesskap nr. %(team)s. "
            "Sørg for en ny koordinator og en overlapp."
        )
    else:
        return
    text = message % {
        "name": member.display_name,
        "team": member.team_id,
        "date": member.expected_leave_on.strftime("%d.%m.%Y") if member.expected_leave_on else "",
    }
    recipients: dict[int, User] = {}
    if member.organisation_id:
        recipients.update({u.pk: u for u in selectors.line_leaders(member.organisation_id)})
    mandate = Mandate.objects.filter(team_id=member.team_id).select_related("deputy__user").first()
    if mandate and mandate.deputy and mandate.deputy.user and mandate.deputy.left_on is None:
        recipients[mandate.deputy.user.pk] = mandate.deputy.user
    for recipient in recipients.values():
        notify(
            recipient=recipient, kind=kind, team=member.team, occurrence=occurrence, message=text
        )
