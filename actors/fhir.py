"""People, organisations, teams and consent as FHIR R4 resources (built and validated by
``fhir.resources``; lkt.fhir says why its R4B models).

Mapping only: the rows come from the FHIR selectors (lkt.fhir.selectors), which read them
through the access policy, and what a reader may see is passed in (``personal_id``,
``former_members``, ``hpr``), never guessed here.

Identifiers are HL7 Norway's (no-basis): fødselsnummer and D-nummer for patients, HPR-nummer for
health personnel, organisasjonsnummer for organisations.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from fhir.resources.R4B.careteam import CareTeam, CareTeamParticipant
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.consent import Consent as FhirConsent
from fhir.resources.R4B.consent import ConsentProvision
from fhir.resources.R4B.contactpoint import ContactPoint
from fhir.resources.R4B.humanname import HumanName
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.meta import Meta
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient as FhirPatient
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.reference import Reference

from actors.models import Consent, Member, Organisation, Patient, Team, User

if TYPE_CHECKING:
    from django.db.models import Model

# HL7 Norway no-basis identifier systems (Volven OIDs).
FNR_SYSTEM = "urn:oid:2.16.578.1.12.4.1.4.1"  # fødselsnummer
DNR_SYSTEM = "urn:oid:2.16.578.1.12.4.1.4.2"  # D-nummer
HPR_SYSTEM = "urn:oid:2.16.578.1.12.4.1.4.4"  # HPR-nummer (Helsepersonellregisteret)
ORGNR_SYSTEM = "urn:oid:2.16.578.1.12.4.1.4.101"  # organisasjonsnummer (Enhetsregisteret)

# LKT's own codes (roles, organisation kinds, consent scopes, phases, meeting kinds): no
# national code system has them, so they are LKT's, under one stable prefix.
LKT_CODES = "https://lkt.example.no/fhir/CodeSystem/"


def lkt_code(system: str, code: str, display: object) -> CodeableConcept:
    return CodeableConcept(
        coding=[Coding(system=LKT_CODES + system, code=code, display=str(display))],
        text=str(display),
    )


def ref(resource_type: str, pk: int, display: str = "") -> Reference:
    return Reference(reference=f"{resource_type}/{pk}", display=display or None)


def day(value: dt.date | None) -> Any:
    """A date where FHIR has a dateTime (a date is a dateTime at day precision); the models'
    type hints name datetime only."""
    return value


def label(model: type[Model], name: str) -> str:
    """A field's verbose name: the heading a text has on its page."""
    return str(getattr(model._meta.get_field(name), "verbose_name", name))


def meta(updated: dt.datetime | None) -> Meta | None:
    return Meta(lastUpdated=updated) if updated else None


def is_d_number(national_id: str) -> bool:
    """A D-nummer has 4 added to the first digit of the day (so it starts with 4–7)."""
    return national_id[:1] in "4567"


def national_id_system(national_id: str) -> str:
    return DNR_SYSTEM if is_d_number(national_id) else FNR_SYSTEM


def patient_resource(patient: Patient, *, personal_id: bool) -> FhirPatient:
    """The patient: the name to whoever may know her; fødselsnummer or D-nummer and birth date
    only where the policy allows ``Action.VIEW_PERSONAL_ID``."""
    identifier = None
    birth_date = None
    if personal_id:
        identifier = [
            Identifier(
                use="official",
                system=national_id_system(patient.national_id),
                value=patient.national_id,
            )
        ]
        birth_date = patient.birth_date
    return FhirPatient(
        id=str(patient.pk),
        meta=meta(patient.created_at),
        identifier=identifier,
        name=[HumanName(text=patient.name)],
        birthDate=birth_date,
    )


def _telecom(phone: str, email: str) -> list[ContactPoint] | None:
    points = [ContactPoint(system="phone", value=phone)] if phone else []
    if email:
        points.append(ContactPoint(system="email", value=email))
    return points or None


def practitioner_resource(user: User, *, hpr: bool) -> Practitioner:
    """A staff user as the team page shows them (name, phone, e-mail), with the HPR-nummer
    for readers who work in the services (staff and machine clients)."""
    identifier = (
        [Identifier(system=HPR_SYSTEM, value=user.hpr_number)] if hpr and user.hpr_number else None
    )
    return Practitioner(
        id=str(user.pk),
        identifier=identifier,
        active=user.is_active,
        name=[HumanName(text=str(user), family=user.last_name or None)],
        telecom=_telecom(user.phone, user.email),
    )


def organization_resource(organisation: Organisation) -> Organization:
    return Organization(
        id=str(organisation.pk),
        identifier=[Identifier(system=ORGNR_SYSTEM, value=organisation.org_number)],
        active=True,
        type=[lkt_code("organisation-kind", organisation.kind, organisation.get_kind_display())],
        name=organisation.name,
        partOf=ref("Organization", organisation.parent_id) if organisation.parent_id else None,
    )


def member_reference(member: Member) -> Reference:
    """A staff member is a Practitioner; a contact without login (family, a støttekontakt,
    NAV) is named only."""
    if member.user_id is not None:
        return ref("Practitioner", member.user_id, member.display_name)
    return Reference(display=member.display_name)


_CARE_TEAM_STATUS = {
    Team.Status.ESTABLISHING: "proposed",
    Team.Status.ACTIVE: "active",
    Team.Status.CLOSED: "inactive",
}


def care_team_resource(
    team: Team, members: Iterable[Member], *, former_members: bool, updated: dt.datetime
) -> CareTeam:
    """The aktørfellesskap: every member with role, organisation and period; those who have
    left are kept, with their end, where the reader sees them on the team page."""
    participants = [
        CareTeamParticipant(
            role=[lkt_code("role", member.role, member.get_role_display())],
            member=member_reference(member),
            onBehalfOf=ref("Organization", member.organisation_id)
            if member.organisation_id
            else None,
            period=Period(start=day(member.joined_on), end=day(member.left_on)),
        )
        for member in members
        if member.left_on is None or former_members
    ]
    return CareTeam(
        id=str(team.pk),
        meta=meta(updated),
        status=_CARE_TEAM_STATUS[Team.Status(team.status)],
        name=str(team),
        subject=ref("Patient", team.patient_id),
        period=Period(start=day(team.established_on), end=day(team.closed_on)),
        participant=participants or None,
    )


# LOINC 59284-0 "Patient Consent": the category every consent here has.
_CONSENT_CATEGORY = CodeableConcept(
    coding=[Coding(system="http://loinc.org", code="59284-0", display="Patient Consent")]
)
_PRIVACY_SCOPE = CodeableConcept(
    coding=[
        Coding(
            system="http://terminology.hl7.org/CodeSystem/consentscope",
            code="patient-privacy",
            display="Privacy Consent",
        )
    ]
)
# Sharing health information by consent: helsepersonelloven § 21 a and § 22, given and withdrawn
# by the patient or for a child by parents or guardian (pasient- og brukerrettighetsloven § 4-3).
_POLICY = CodeableConcept(
    coding=[
        Coding(
            system="http://terminology.hl7.org/CodeSystem/v3-ActCode",
            code="OPTIN",
            display="opt-in",
        )
    ],
    text="Helsepersonelloven §§ 21 a og 22; pasient- og brukerrettighetsloven § 4-3",
)


def consent_resource(consent: Consent) -> FhirConsent:
    """One consent with its scope, period and withdrawal: withdrawn is inactive, its period
    ending when it was withdrawn."""
    if consent.given_by == Consent.GivenBy.PATIENT:
        performer = ref("Patient", consent.patient_id)
    else:
        performer = Reference(display=str(consent.get_given_by_display()))
    return FhirConsent(
        id=str(consent.pk),
        meta=meta(consent.withdrawn_at or consent.given_at),
        status="active" if consent.withdrawn_at is None else "inactive",
        scope=_PRIVACY_SCOPE,
        category=[
            _CONSENT_CATEGORY,
            lkt_code("consent-scope", consent.scope, consent.get_scope_display()),
        ],
        patient=ref("Patient", consent.patient_id),
        dateTime=consent.given_at,
        performer=[performer],
        policyRule=_POLICY,
        provision=ConsentProvision(
            type="permit", period=Period(start=consent.given_at, end=consent.withdrawn_at)
        ),
    )
