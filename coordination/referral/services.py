"""Every write from need to team and about the coordinator's role. One function per use case.

Need reports concern a person who may not be a patient in LKT yet, so each change is written to
the report's own history (NeedReportEvent); once a team is linked, the patient's audit log gets
a row too. Team writes go through ``actors.access.authorize`` as everywhere else.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actors import services as actor_services
from actors.access import Action, authorize
from actors.models import Member, NetworkLevel, Organisation, Role, Team, User
from actors.staff_eligibility import NO_TEAM_ROLE, can_take_team_role
from actors.validators import validate_national_id
from coordination.models import (
    COORDINATOR_CASELOAD_LIMIT,
    CoordinatorAppointment,
    Mandate,
    NeedReport,
    NeedReportEvent,
    Notification,
)
from coordination.notifications.notify import notify
from coordination.referral import selectors
from lkt.core import audit
from lkt.core.dates import short_date


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
    _tell_unit_of_report(report)
    return report


# Who reported, as the unit's notification says it.
_REPORTED_BY = {
    NeedReport.Relation.SELF: gettext_lazy("pasienten selv"),
    NeedReport.Relation.RELATIVE: gettext_lazy("en pårørende"),
    NeedReport.Relation.GP: gettext_lazy("fastlegen"),
    NeedReport.Relation.HOME_CARE: gettext_lazy("hjemmetjenesten"),
    NeedReport.Relation.HOSPITAL: gettext_lazy("sykehus eller DPS"),
    NeedReport.Relation.OTHER_STAFF: gettext_lazy("en annen tjeneste"),
    NeedReport.Relation.OTHER: gettext_lazy("en annen"),
}


def _tell_unit_of_report(report: NeedReport) -> None:
    """Everyone at the kommune's koordinerende enhet is told, so a report never waits unseen.
    The message names no patient: it may go out by e-mail (only the link leads to the name)."""
    message = _(
        "Ny melding om behov til den koordinerende enheten i %(kommune)s, meldt av "
        "%(reporter)s. Åpne meldingen og vurder den."
    ) % {"kommune": report.kommune, "reporter": _REPORTED_BY[NeedReport.Relation(report.relation)]}
    for recipient in selectors.unit_staff(report.kommune_id):
        if recipient.pk == report.reported_by_id:
            continue
        notify(
            recipient=recipient,
            kind=Notification.Kind.NEED_REPORT,
            team=None,
            occurrence=f"need_report:{report.pk}",
            message=message,
            url=reverse("coordination:need-report-detail", args=[report.pk]),
        )


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
    if Member.objects.active().filter(team=team, user=candidate, role=Role.COORDINATOR).exists():
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
    _tell_of_decision(appointment)
    return appointment


def _tell_of_decision(appointment: CoordinatorAppointment) -> None:
    """The leader's answer reaches whoever proposed, and an approval the koordinerende enhet,
    which registers next: without it the approval waits where nobody looks. One occurrence,
    so a proposer at the unit gets the unit's message once."""
    team = appointment.team
    candidate, occurrence = appointment.candidate, f"appointment:{appointment.pk}:decided"
    team_url = reverse("workspace:team-detail", args=[team.pk]) + "#koordinator"
    if appointment.status == CoordinatorAppointment.Status.APPROVED:
        unit_url = selectors.unit_page_for_team(team)
        for recipient in selectors.unit_staff_for_team(team):
            notify(
                recipient=recipient,
                kind=Notification.Kind.APPOINTMENT_DECIDED,
                team=team,
                occurrence=occurrence,
                message=_(
                    "%(name)s er godkjent som koordinator i aktørfellesskap nr. %(team)s og "
                    "venter på at dere registrerer."
                )
                % {"name": candidate, "team": team.pk},
                url=unit_url,
            )
        message = _(
            "Lederen har godkjent %(name)s som koordinator i aktørfellesskap nr. %(team)s. Den "
            "koordinerende enheten registrerer koordinatoren i teamet."
        )
    else:
        message = _(
            "Lederen har avvist forslaget om %(name)s som koordinator i aktørfellesskap nr. "
            "%(team)s: %(note)s"
        )
    notify(
        recipient=appointment.proposed_by,
        kind=Notification.Kind.APPOINTMENT_DECIDED,
        team=team,
        occurrence=occurrence,
        message=message % {"name": candidate, "team": team.pk, "note": appointment.decision_note},
        url=team_url,
    )


@transaction.atomic
def appointment_register(
    *, actor: User, appointment: CoordinatorAppointment, joined_on: dt.date | None = None
) -> Member:
    """The koordinerende enhet registers an approved coordinator: they join the team in the
    role koordinator next to the one leaving, which is the overlap a handover needs. A member
    of the team already keeps their membership: its role becomes koordinator and the role they
    held is kept beside it (``Member.previous_role``), so nothing of their history is lost.
    The mandate moves to the new coordinator, for their own leader to approve.

    The unit is not a member of the team, so this does not go through ``member_add`` (which
    asks for the right to manage the team); it writes the same row with the same checks and
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
    # Locked: two registrations at once change the membership once.
    member = Member.objects.active().select_for_update().filter(team=team, user=candidate).first()
    if member is None:
        organisation = candidate.organisation
        member = Member(
            team=team,
            user=candidate,
            organisation=organisation,
            level=organisation.level if organisation else NetworkLevel.PRIVAT,
            role=Role.COORDINATOR,
            joined_on=joined_on or timezone.localdate(),
        )
    elif member.role == Role.COORDINATOR:
        raise ValidationError(_("Personen er allerede koordinator i teamet."))
    else:
        member.previous_role = member.role
        member.role = Role.COORDINATOR
        # The coordinator leads the team: never only "ved behov".
        member.involvement = Member.Involvement.CORE
    member.full_clean()
    member.save()
    appointment.status = CoordinatorAppointment.Status.REGISTERED
    appointment.registered_by = actor
    appointment.registered_at = timezone.now()
    appointment.member = member
    appointment.save()
    audit.record(user=actor, patient=team.patient, action=audit.CHANGE, obj=member)
    mandate_follow_coordinator(team=team, coordinator=member)
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
    mandate.coordinator = selectors.mandate_coordinator(team, mandate if mandate.pk else None)
    mandate.task_description = task_description.strip()
    mandate.authority = authority.strip()
    mandate.hours_per_month = hours_per_month
    mandate.deputy = deputy
    mandate.updated_by = actor
    mandate.approved_by = None
    mandate.approved_at = None
    mandate.full_clean()
    mandate.save()
    for leader in selectors.mandate_approvers(team, mandate):
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
    """The line leader of the coordinator it is for approves the mandate; never without a
    deputy."""
    team = mandate.team
    if actor.pk not in {leader.pk for leader in selectors.mandate_approvers(team, mandate)}:
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


@transaction.atomic
def mandate_follow_coordinator(*, team: Team, coordinator: Member | None = None) -> None:
    """After a change of coordinator the mandate is the new coordinator's: their own leader
    approves it, so the approval of the one before no longer counts, and a deputy who became
    the coordinator is a deputy no more. ``coordinator``: the one registered now; without it,
    the coordinator the mandate is for when the one it named stepped down. Their leaders are
    asked to approve. Nothing changes while the mandate's coordinator stays."""
    mandate = Mandate.objects.select_for_update(of=("self",)).filter(team=team).first()
    if mandate is None:
        return
    new = coordinator or selectors.mandate_coordinator(team, mandate)
    if new is None or new.pk == mandate.coordinator_id:
        return
    mandate.coordinator = new
    mandate.approved_by = None
    mandate.approved_at = None
    if mandate.deputy_id == new.pk:
        mandate.deputy = None
    mandate.save(update_fields=["coordinator", "approved_by", "approved_at", "deputy"])
    for leader in selectors.mandate_approvers(team, mandate):
        notify(
            recipient=leader,
            kind=Notification.Kind.MANDATE_SUBMITTED,
            team=team,
            occurrence=f"mandate:{mandate.pk}:coordinator:{new.pk}",
            message=_(
                "Aktørfellesskap nr. %(team)s har fått ny koordinator, %(name)s. Mandatet "
                "venter på din godkjenning."
            )
            % {"team": team.pk, "name": new.display_name},
        )


# ---------------------------------------------------------------------------------------------
# Notifications and the coordinator's handover


def coordinator_change_alert(*, member: Member) -> None:
    """Alert the coordinator's leaders and the team's deputy that the coordinator leaves
    (a leave date is recorded) or has left. On ``actors.signals.coordinator_leaving`` when either
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
        "date": short_date(member.expected_leave_on) if member.expected_leave_on else "",
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


def on_coordinator_leaving(sender: object, *, member: Member, **kwargs: object) -> None:
    """actors.signals.coordinator_leaving, connected in CoordinationConfig.ready()."""
    coordinator_change_alert(member=member)


def on_coordinator_stepped_down(sender: object, *, team: Team, **kwargs: object) -> None:
    """actors.signals.coordinator_stepped_down, connected in CoordinationConfig.ready()."""
    mandate_follow_coordinator(team=team)
