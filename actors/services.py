"""Every write about people, teams, relatives and consent. One function per use case.

Each runs in one transaction, checks access through ``actors.access.authorize`` (which also writes
the audit record) and validates with the model's own constraints first, so a bad input gets a
clear message and nothing is half-saved.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actors import signals
from actors.access import (
    AGE_OF_HEALTH_CONSENT,
    Action,
    authorize,
    authorize_team_close,
    is_unit_staff,
)
from actors.models import (
    MANDATORY_ROLES,
    Closeness,
    Consent,
    MachineClient,
    Member,
    NetworkLevel,
    Organisation,
    Patient,
    Role,
    Team,
    User,
)
from actors.staff_eligibility import NO_TEAM_ROLE, can_take_team_role
from actors.validators import (
    birth_date_from_national_id,
    normalize_phone,
    validate_client_scopes,
    validate_national_id,
)
from lkt.core import audit


def _require_staff(actor: User) -> None:
    if actor.kind != User.Kind.STAFF:
        raise PermissionDenied


@transaction.atomic
def patient_register(*, actor: User, name: str, national_id: str) -> Team:
    """Register a patient and open their team (status "under etablering") with the actor as
    its creator, who may then see identity and consent status and ask for consent."""
    _require_staff(actor)
    national_id = national_id.strip().replace(" ", "")
    try:
        validate_national_id(national_id)
    except ValidationError as error:
        raise ValidationError({"national_id": error.messages}) from None
    patient = Patient(
        name=name.strip(),
        national_id=national_id,
        birth_date=birth_date_from_national_id(national_id),
    )
    patient.full_clean()
    patient.save()
    team = Team(patient=patient, created_by=actor, established_on=timezone.localdate())
    team.full_clean()
    team.save()
    audit.record(user=actor, patient=patient, action=audit.CHANGE, obj=patient)
    return team


@transaction.atomic
def team_open(*, actor: User, patient: Patient) -> Team:
    """Open a new team for a patient whose earlier team is closed.

    The kommune's koordinerende enhet is responsible for establishing teams, so its staff may
    do it for any patient; anyone else only where they manage the patient's team already.
    """
    _require_staff(actor)
    if not is_unit_staff(actor):
        authorize(actor, Action.MANAGE_TEAM, patient)
    team = Team(patient=patient, created_by=actor, established_on=timezone.localdate())
    team.full_clean()
    team.save()
    audit.record(user=actor, patient=patient, action=audit.CHANGE, obj=team)
    return team


@transaction.atomic
def member_add(
    *,
    actor: User,
    team: Team,
    role: str,
    user: User | None = None,
    external_name: str = "",
    external_phone: str = "",
    external_email: str = "",
    organisation: Organisation | None = None,
    level: str = "",
    closeness: str = Closeness.MONTHLY,
    involvement: str = Member.Involvement.CORE,
    joined_on: dt.date | None = None,
    expected_leave_on: dt.date | None = None,
) -> Member:
    authorize(actor, Action.MANAGE_TEAM, team.patient, obj=team)
    if team.status == Team.Status.CLOSED:
        raise ValidationError(_("Aktørfellesskapet er avsluttet."))
    _refuse_coordinator_by_hand(role)
    if user is not None and user.kind != User.Kind.STAFF:
        raise ValidationError({"user": _("Bare ansatte kan legges til som brukere i teamet.")})
    if user is not None and not can_take_team_role(user):
        raise ValidationError({"user": NO_TEAM_ROLE})
    if user is None and not external_name.strip():
        raise ValidationError(
            {"external_name": _("Velg en ansatt eller oppgi navnet på en ekstern kontakt.")}
        )
    organisation = organisation or (user.organisation if user else None)
    if external_phone and not user:
        try:
            external_phone = normalize_phone(external_phone)
        except ValidationError as error:
            raise ValidationError({"external_phone": error.messages}) from None
    member = Member(
        team=team,
        user=user,
        external_name="" if user else external_name.strip(),
        external_phone="" if user else external_phone,
        external_email="" if user else external_email.strip(),
        organisation=organisation,
        level=level or (organisation.level if organisation else NetworkLevel.PRIVAT),
        closeness=closeness,
        role=role,
        involvement=involvement,
        joined_on=joined_on or timezone.localdate(),
        expected_leave_on=expected_leave_on,
    )
    if expected_leave_on and expected_leave_on < member.joined_on:
        raise ValidationError(
            {"expected_leave_on": _("Forventet slutt kan ikke være før personen ble med.")}
        )
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def member_end(
    *, actor: User, member: Member, reason: str, left_on: dt.date | None = None
) -> Member:
    """End a membership with a date and a reason. History is kept: the row stays."""
    authorize(actor, Action.MANAGE_TEAM, member.team.patient, obj=member)
    if member.left_on is not None:
        raise ValidationError(_("Medlemskapet er allerede avsluttet."))
    if not reason.strip():
        raise ValidationError({"reason": _("Skriv kort hvorfor medlemskapet avsluttes.")})
    member.left_on = left_on or timezone.localdate()
    if member.left_on < member.joined_on:
        raise ValidationError({"left_on": _("Sluttdato kan ikke være før personen ble med.")})
    member.end_reason = reason.strip()
    _require_another_coordinator(member)
    member.full_clean()
    member.save(update_fields=["left_on", "end_reason", "updated_at"])
    signals.coordinator_leaving.send(sender=Member, member=member)
    if member.role == Role.COORDINATOR:
        signals.coordinator_stepped_down.send(sender=Member, team=member.team)
    return member


def _refuse_coordinator_by_hand(role: str, *, was: str = "") -> None:
    """Nobody becomes coordinator by a choice in the members' forms: the coordinator is
    proposed, the line leader approves and the koordinerende enhet registers
    (``coordination.referral.services``), so the role always has a leader's approval behind it."""
    if role == Role.COORDINATOR and was != Role.COORDINATOR:
        raise ValidationError(
            {
                "role": _(
                    "Koordinatoren velges ikke her. Foreslå koordinatoren under «Koordinator og "
                    "mandat»: lederen godkjenner, og den koordinerende enheten registrerer."
                )
            }
        )


def _require_another_coordinator(member: Member) -> None:
    """A team is never without a coordinator (element C): the last one stays until a
    successor is registered, which gives the overlap a handover needs."""
    if member.role != Role.COORDINATOR:
        return
    # Lock the team so two coordinators cannot end each other at the same moment.
    Team.objects.select_for_update().filter(pk=member.team_id).first()
    others = (
        Member.objects.active()
        .filter(team_id=member.team_id, role=Role.COORDINATOR)
        .exclude(pk=member.pk)
    )
    if not others.exists():
        raise ValidationError(
            _(
                "Oppnevn en ny koordinator først. Et aktørfellesskap kan ikke være uten "
                "koordinator, så den siste koordinatoren kan ikke avsluttes."
            )
        )


@transaction.atomic
def member_update(
    *,
    actor: User,
    member: Member,
    role: str,
    level: str,
    closeness: str,
    involvement: str,
    organisation: Organisation | None = None,
    expected_leave_on: dt.date | None = None,
    external_phone: str = "",
    external_email: str = "",
) -> Member:
    """Change an active member's role, place in the aktørkart and contact details."""
    authorize(actor, Action.MANAGE_TEAM, member.team.patient, obj=member)
    if member.left_on is not None:
        raise ValidationError(_("Medlemskapet er avsluttet og kan ikke endres."))
    if expected_leave_on and expected_leave_on < member.joined_on:
        raise ValidationError(
            {"expected_leave_on": _("Forventet slutt kan ikke være før personen ble med.")}
        )
    if member.user_id is None:
        try:
            member.external_phone = normalize_phone(external_phone) if external_phone else ""
        except ValidationError as error:
            raise ValidationError({"external_phone": error.messages}) from None
        member.external_email = external_email.strip()
    if (
        role == Role.COORDINATOR
        and member.user is not None
        and member.role != Role.COORDINATOR
        and not can_take_team_role(member.user)
    ):
        raise ValidationError({"role": NO_TEAM_ROLE})
    was_coordinator, leave_before = member.role == Role.COORDINATOR, member.expected_leave_on
    _refuse_coordinator_by_hand(role, was=member.role)
    steps_down = was_coordinator and role != Role.COORDINATOR
    if steps_down:
        _require_another_coordinator(member)
        member.previous_role = ""
    member.role = role
    member.level = level
    member.closeness = closeness
    member.involvement = involvement
    member.organisation = organisation
    member.expected_leave_on = expected_leave_on
    member.full_clean()
    member.save()
    if expected_leave_on and expected_leave_on != leave_before:
        signals.coordinator_leaving.send(sender=Member, member=member)
    if steps_down:
        signals.coordinator_stepped_down.send(sender=Member, team=member.team)
    return member


@transaction.atomic
def team_activate(*, actor: User, team: Team, missing_roles_reason: str = "") -> Team:
    """Move a team from "under etablering" to "aktiv". All four mandatory roles must be filled,
    unless the coordinator records why one is missing (e.g. no specialist contact right now)."""
    authorize(actor, Action.MANAGE_TEAM, team.patient, obj=team)
    if team.status != Team.Status.ESTABLISHING:
        raise ValidationError(_("Bare et aktørfellesskap under etablering kan settes som aktivt."))
    held = set(team.members.active().values_list("role", flat=True).distinct())
    missing = [role for role in MANDATORY_ROLES if role not in held]
    if missing and not missing_roles_reason.strip():
        names = ", ".join(str(role.label) for role in missing)
        raise ValidationError(
            {
                "missing_roles_reason": _(
                    "Disse obligatoriske rollene mangler: %(roles)s. Fyll dem, eller skriv "
                    "hvorfor teamet likevel skal være aktivt."
                )
                % {"roles": names}
            }
        )
    team.status = Team.Status.ACTIVE
    team.activated_on = timezone.localdate()
    team.missing_roles_reason = missing_roles_reason.strip() if missing else ""
    team.full_clean()
    team.save(update_fields=["status", "activated_on", "missing_roles_reason", "updated_at"])
    return team


CLOSE_REASON_TEXT = 1000


@transaction.atomic
def team_close(*, actor: User, team: Team, reason: str) -> Team:
    """Close the aktørfellesskap (issue 19, retention): the plan in force is the last one, the
    team's threads and documents stay as they were and take nothing new (the policy refuses:
    ``actors.access.refuse_closed_team``), and the coordinator takes the archive copy for the
    kommune's archive (``coordination.archive.export``). Members are not ended: the roster at the
    closing is the team's last, as the archive copy shows it. Who may: ``authorize_team_close``
    (audited). The team is locked, so two closings at once close it once."""
    locked = Team.objects.select_for_update().select_related("patient").get(pk=team.pk)
    authorize_team_close(actor, locked)
    if locked.status == Team.Status.CLOSED:
        raise ValidationError(_("Aktørfellesskapet er allerede avsluttet."))
    text = reason.strip()
    if not text:
        raise ValidationError({"reason": _("Skriv kort hvorfor aktørfellesskapet avsluttes.")})
    if len(text) > CLOSE_REASON_TEXT or "\x00" in text:
        raise ValidationError(
            {"reason": _("Begrunnelsen kan ha høyst %(n)s vanlige tegn.") % {"n": "1 000"}}
        )
    locked.status = Team.Status.CLOSED
    locked.closed_on = timezone.localdate()
    locked.closed_by = actor
    locked.closed_reason = text
    locked.full_clean()
    locked.save(update_fields=["status", "closed_on", "closed_by", "closed_reason", "updated_at"])
    return locked


# Consent is reviewed with the patient once a year (an årshjul activity in the LKT model):
# circumstances and wishes change, and a consent nobody has looked at in years is weak ground.
CONSENT_REVIEW_YEARS = 1


def consent_review_date(given_on: dt.date) -> dt.date:
    try:
        return given_on.replace(year=given_on.year + CONSENT_REVIEW_YEARS)
    except ValueError:  # 29 February
        return given_on.replace(year=given_on.year + CONSENT_REVIEW_YEARS, day=28)


@transaction.atomic
def consent_record(
    *,
    actor: User,
    patient: Patient,
    scope: str,
    method: str,
    given_by: str = Consent.GivenBy.PATIENT,
    given_at: dt.datetime | None = None,
    note: str = "",
) -> Consent:
    standing = authorize(actor, Action.RECORD_CONSENT, patient)
    # In the portal the person acting is the one consenting: the patient for themself, a parent
    # or guardian for a child. Only staff record a consent someone else gave them.
    if standing.is_self:
        given_by = Consent.GivenBy.PATIENT
    elif standing.acts_for_child and not standing.manages:
        given_by = Consent.GivenBy.GUARDIAN
    given_at = given_at or timezone.now()
    if (
        patient.age_on(timezone.localtime(given_at).date()) < AGE_OF_HEALTH_CONSENT
        and given_by != Consent.GivenBy.GUARDIAN
    ):
        raise ValidationError(
            {"given_by": _("Pasienten er under 16 år: foreldre eller verge må samtykke.")}
        )
    consent = Consent(
        patient=patient,
        scope=scope,
        method=method,
        given_by=given_by,
        given_at=given_at,
        recorded_by=actor,
        note=note,
        renew_on=consent_review_date(timezone.localtime(given_at).date()),
    )
    consent.full_clean()
    consent.save()
    return consent


@transaction.atomic
def consent_withdraw(*, actor: User, consent: Consent) -> Consent:
    """Withdrawal takes effect at once; the consent row stays as history."""
    authorize(actor, Action.RECORD_CONSENT, consent.patient, obj=consent)
    if consent.withdrawn_at is not None:
        raise ValidationError(_("Samtykket er allerede trukket tilbake."))
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = actor
    consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
    return consent


@transaction.atomic
def machine_client_register(
    *, actor: User, name: str, client_id: str, organisation: Organisation, scopes: str
) -> MachineClient:
    """An administrator registers a system that reads FHIR (an EPJ): its HelseID client id, its
    organisation (which decides the teams it reads, actors.access) and the scopes LKT grants it.
    Its user (kind ``system``, no password: it never logs in on the pages) is who the audit
    log names for its reads."""
    if not (actor.is_active and actor.is_superuser):
        raise PermissionDenied
    wanted = scopes.split()
    try:
        validate_client_scopes(scopes)
    except ValidationError as exc:
        raise ValidationError({"scopes": exc.messages}) from exc
    # Named and placed like a person in the audit log: "DIPS Fjordvik, Fjordvik kommune".
    user = User(
        username=f"maskinklient.{client_id}"[:150],
        first_name=name[:150],
        kind=User.Kind.SYSTEM,
        organisation=organisation,
    )
    user.set_unusable_password()
    user.save()
    client = MachineClient(
        name=name,
        client_id=client_id,
        organisation=organisation,
        scopes=" ".join(wanted),
        user=user,
    )
    client.full_clean(exclude=["user"])
    client.save()
    return client
