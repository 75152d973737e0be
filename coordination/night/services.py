"""Writes for night contacts (issue 7): record one contact, import a file of them.

Who records: a night-service user (staff of a legevakt or an AMK-sentral) for any patient with an
open aktørfellesskap, found by fødselsnummer; and the staff members of the patient's own team
(the coordinator entering a police contact they were told about). Recording gives the night
user no view of anything else: the only trace is the contact itself and its audit row (a
change). A patient who is unknown, has no open team, or may not be recorded for by this user
gives the same answer, so nobody learns whether a person exists elsewhere.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actors.access import as_user, is_night_service, standing
from actors.models import Member, Patient, Role, Team, User
from coordination.models import ContactImport, NightContact, NightService
from coordination.night import digest as night_digest
from coordination.night import importer as night_import
from coordination.phase import rules as phase_rules
from lkt.core import audit
from lkt.core.forms import date_range_message, in_date_range

if TYPE_CHECKING:
    from actors.access import AnyUser

Source = NightContact.Source
OPEN_STATUSES = (Team.Status.ESTABLISHING, Team.Status.ACTIVE)
# A clock a few minutes fast at the legevakt must not refuse a contact happening now.
FUTURE_SLACK = dt.timedelta(minutes=5)
# The form is for what just happened; older history comes as a file.
FORM_MAX_AGE = dt.timedelta(days=365)
NOT_FOUND = gettext_lazy(
    "Fant ingen pasient med aktørfellesskap i LKT med dette fødselsnummeret. "
    "Sjekk tallene, eller ring pasientens fastlege eller kommune på dagtid."
)
DUPLICATE = gettext_lazy("Kontakten er registrert fra før (samme pasient, tjeneste og tidspunkt).")


def _records_night_contacts(user: User) -> bool:
    """A night-service user (staff of a legevakt or an AMK-sentral): actors.access decides."""
    return is_night_service(user)


def may_open_record_page(who: AnyUser) -> bool:
    """The form: night-service users, and staff who are members of an open team."""
    user = as_user(who)
    if user is None or user.kind != User.Kind.STAFF:
        return False
    return _records_night_contacts(user) or (
        Member.objects.active().filter(user=user, team__status__in=OPEN_STATUSES).exists()
    )


def may_import(who: AnyUser) -> bool:
    """The file upload: night-service users and coordinators of an open team."""
    user = as_user(who)
    if user is None or user.kind != User.Kind.STAFF:
        return False
    return _records_night_contacts(user) or (
        Member.objects.active()
        .filter(
            user=user,
            role=Role.COORDINATOR,
            team__status__in=OPEN_STATUSES,
        )
        .exists()
    )


def open_team(patient: Patient) -> Team | None:
    return Team.objects.filter(patient=patient, status__in=OPEN_STATUSES).order_by("pk").first()


def patient_for_national_id(national_id: str) -> Patient:
    """The patient with this fødselsnummer (Http404 when unknown: the caller shows NOT_FOUND)."""
    patient = Patient.objects.filter(national_id=national_id).first()
    if patient is None:
        raise Http404
    return patient


def _team_for_recording(actor: User, patient: Patient) -> Team:
    """The patient's open team when ``actor`` may record for the patient, else Http404."""
    team = open_team(patient)
    if team is None:
        raise Http404
    if _records_night_contacts(actor):
        return team
    s = standing(actor, patient)
    if actor.kind == User.Kind.STAFF and (s.is_member or s.is_coordinator):
        return team
    raise Http404


@transaction.atomic
def night_contact_record(
    *,
    actor: User,
    patient: Patient,
    service: str,
    occurred_at: dt.datetime,
    reason: str,
    outcome: str,
    suicide_risk: bool = False,
    source: str = Source.FORM,
    batch: ContactImport | None = None,
) -> NightContact:
    """Record one contact outside office hours, then let the team's phase rules propose a
    phase (coordination.phase.rules.evaluate), all in one transaction."""
    team = _team_for_recording(actor, patient)
    errors: dict[str, str] = {}
    now = timezone.now()
    reason = (reason or "").strip()
    if service not in NightService.values:
        errors["service"] = _("Velg hvilken tjeneste pasienten var i kontakt med.")
    if outcome not in NightContact.Outcome.values:
        errors["outcome"] = _("Velg utfallet: sendt hjem, innlagt eller overført.")
    if occurred_at is None:
        errors["occurred_at"] = _("Skriv når kontakten var.")
    elif not in_date_range(occurred_at):
        # A file or another system gives any year; the phase rules count back from it.
        errors["occurred_at"] = date_range_message()
    elif occurred_at > now + FUTURE_SLACK:
        errors["occurred_at"] = _("Tidspunktet er fram i tid. Skriv når kontakten var.")
    elif source == Source.FORM and occurred_at < now - FORM_MAX_AGE:
        errors["occurred_at"] = _(
            "Tidspunktet er mer enn ett år tilbake. Eldre kontakter kan importeres som fil."
        )
    if not reason:
        errors["reason"] = _("Skriv en kort årsak til kontakten.")
    elif len(reason) > 300:
        errors["reason"] = _("Skriv kortere: høyst 300 tegn (nå %(count)s).") % {
            "count": len(reason)
        }
    if errors:
        raise ValidationError(errors)
    if NightContact.objects.filter(
        patient=patient, service=service, occurred_at=occurred_at
    ).exists():
        raise ValidationError({"occurred_at": str(DUPLICATE)})
    contact = NightContact(
        patient=patient,
        service=service,
        occurred_at=occurred_at,
        reason=reason,
        outcome=outcome,
        suicide_risk=bool(suicide_risk),
        recorded_by=actor,
        source=source,
        batch=batch,
    )
    try:
        with transaction.atomic():
            contact.save()
    except IntegrityError:  # the same contact sent at the same moment by someone else
        raise ValidationError({"occurred_at": str(DUPLICATE)}) from None
    audit.record(user=actor, patient=patient, action=audit.CHANGE, obj=contact)
    phase_rules.evaluate(contact, team=team, actor=actor)
    if night_digest.is_late(contact, now):
        # Its morning's digest has gone: the coordinator and deputy get it now, once.
        night_digest.late_notice_on_commit()
    return contact


def night_contact_record_by_national_id(
    *, actor: User, national_id: str, **data: object
) -> NightContact:
    """The form's and the API's way in: the patient by fødselsnummer."""
    patient = patient_for_national_id(national_id)
    return night_contact_record(actor=actor, patient=patient, **data)  # type: ignore[arg-type]


def night_contact_record_for_patient(
    *, actor: User, patient_pk: int, **data: object
) -> NightContact:
    """The way in from the crisis card: the patient the card names (the caller has asked the
    crisis rule, ``crisis_services.crisis_card_patient``); recording asks its own rule again."""
    patient = Patient.objects.filter(pk=patient_pk).first()
    if patient is None:
        raise Http404
    return night_contact_record(actor=actor, patient=patient, **data)  # type: ignore[arg-type]


@transaction.atomic
def night_contact_import(*, actor: User, file_name: str, content: bytes) -> ContactImport:
    """Import a CSV file of contacts (layout: docs/night_contacts_csv.md). Every row is judged
    on its own and saved in its own savepoint: good rows are kept, each bad row is reported with
    its line and reason. A file that is too large or unreadable is refused whole
    (ValidationError, nothing saved)."""
    if not may_import(actor):
        raise PermissionDenied
    rows = night_import.parse(content)
    batch = ContactImport.objects.create(
        file_name=(file_name or "kontakter.csv")[:200], uploaded_by=actor, rows_total=len(rows)
    )
    patients = {
        p.national_id: p
        for p in Patient.objects.filter(national_id__in={r.national_id for r in rows if r.ok})
    }
    errors: list[dict[str, object]] = []
    imported = 0
    for row in rows:
        if not row.ok:
            errors.append({"line": row.line, "reason": row.error})
            continue
        patient = patients.get(row.national_id)
        try:
            if patient is None:
                raise Http404
            with transaction.atomic():
                night_contact_record(
                    actor=actor, patient=patient, source=Source.IMPORT, batch=batch, **row.data
                )
        except Http404:
            errors.append({"line": row.line, "reason": str(night_import.ROW_NOT_FOUND)})
        except ValidationError as error:
            errors.append({"line": row.line, "reason": " ".join(error.messages)})
        else:
            imported += 1
    batch.rows_imported = imported
    batch.errors = errors
    batch.save(update_fields=["rows_imported", "errors"])
    return batch
