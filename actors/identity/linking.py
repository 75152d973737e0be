"""Who a person logging in through ID-porten or HelseID is to LKT, and the first login that
links their account.

The fødselsnummer (``pid``) is the key: once linked, ``User.national_id`` finds the account at
every later login. ID-porten reaches citizen accounts only (patients and relatives), HelseID
staff accounts only, so a nurse who is also a relative has two accounts that never mix.

- A citizen whose ``pid`` is a patient's becomes that patient's user (made on the first login,
  or the account the patient already had). A patient always logs in, whatever their consents:
  they see their own data (pasientjournalloven § 18), as the access policy says.
- A citizen whose ``pid`` a patient (or the coordinator for the patient) named as a relative
  (``RelativeLink.national_id``) becomes that relative's user on the first login, and every
  link naming them gets the account, with the access each patient set; a link named later is
  attached at the next login. A relative logs in while the access policy lets them see
  something: an excluded relative is told nothing more than a stranger, one whose access has
  ended (``ends_on``) that it has ended, one whose patient has withdrawn the consent to inform
  relatives (and who does not act for a child under 16) that they have no access now.
- Anyone else is told we found no access, in words that say nothing about whether a plan exists.
- Staff are found by their ``pid``, or on the first login by their HPR number; HelseID's HPR
  number then fills ``User.hpr_number``. An open ``StaffInvitation`` naming their ``pid`` or
  HPR number is accepted at the login (and makes the account, with the invitation's name,
  organisation and profession, when there is none). An unknown staff member is told to ask
  their leader.

Every outcome is a ``LoginEvent`` row; a link to a patient is in the patient's ``AccessLog``
too. A refused login changes nothing: the checks and the links run in one transaction, and
the refusal is recorded after it has been rolled back.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from enum import StrEnum
from importlib import import_module
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actors.access import relative_link_holds, relatives_informed, represents_child
from actors.models import (
    IdentitySession,
    Patient,
    RelativeLink,
    StaffInvitation,
    User,
)
from actors.validators import validate_national_id
from lkt.core import audit
from lkt.models import LoginEvent


class Side(StrEnum):
    CITIZEN = "citizen"  # ID-porten: patients and relatives
    STAFF = "staff"  # HelseID: health personnel


@dataclass(frozen=True)
class Identity:
    """The person a provider vouches for, from its checked ID token."""

    provider: str
    side: Side
    national_id: str
    hpr_number: str = ""
    acr: str = ""
    given_name: str = ""
    family_name: str = ""


class Refusal(StrEnum):
    """Why a login was refused; the value is what the login event records."""

    STATE = "state"
    NONCE = "nonce"
    CODE = "code"
    AUDIENCE = "audience"
    INVALID = "invalid"  # an ID token that does not hold (signature, expiry, issuer)
    PROVIDER = "provider"
    UNAVAILABLE = "unavailable"
    CANCELLED = "cancelled"
    ASSURANCE = "assurance"
    NO_NATIONAL_ID = "no_national_id"
    UNKNOWN_CITIZEN = "unknown_citizen"
    UNKNOWN_STAFF = "unknown_staff"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    RELATIVE_ENDED = "relative_ended"
    INACTIVE = "inactive"
    CONFLICT = "conflict"


MESSAGES = {
    Refusal.STATE: _(
        "Innloggingen kunne ikke fullføres: den ble ikke startet her, eller den ble startet "
        "i en annen fane. Prøv å logge inn på nytt."
    ),
    Refusal.NONCE: _(
        "Svaret fra innloggingstjenesten hørte ikke til denne innloggingen. "
        "Prøv å logge inn på nytt."
    ),
    Refusal.CODE: _(
        "Innloggingen er allerede brukt eller har gått ut på tid. Prøv å logge inn på nytt."
    ),
    Refusal.AUDIENCE: _(
        "Svaret fra innloggingstjenesten var ikke laget for LKT. Prøv å logge inn på nytt."
    ),
    Refusal.INVALID: _(
        "Svaret fra innloggingstjenesten kunne ikke godkjennes. Prøv å logge inn på nytt."
    ),
    Refusal.PROVIDER: _("Innloggingstjenesten meldte en feil. Prøv igjen om litt."),
    Refusal.UNAVAILABLE: _(
        "Vi får ikke kontakt med innloggingstjenesten akkurat nå. Prøv igjen om litt."
    ),
    Refusal.CANCELLED: _("Innloggingen ble avbrutt. Du er ikke logget inn."),
    Refusal.ASSURANCE: _(
        "LKT krever innlogging på sikkerhetsnivå betydelig eller høyt, for eksempel med "
        "MinID eller BankID. Logg inn på nytt med en av dem."
    ),
    Refusal.NO_NATIONAL_ID: _(
        "Innloggingstjenesten sendte ikke fødselsnummeret ditt, så vi vet ikke hvem du er. "
        "Prøv å logge inn på nytt."
    ),
    Refusal.UNKNOWN_CITIZEN: _(
        "Vi fant ingen tilgang til LKT for deg. Har du fått beskjed om å bruke LKT, ta "
        "kontakt med den som ga deg beskjeden."
    ),
    Refusal.UNKNOWN_STAFF: _(
        "Du er ikke registrert som ansatt i LKT. Be lederen din om å invitere deg."
    ),
    Refusal.CONSENT_WITHDRAWN: _(
        "Du har ikke tilgang nå: pasienten har ikke samtykket til at pårørende får "
        "informasjon. Ta kontakt med pasienten eller koordinatoren hvis du mener dette er feil."
    ),
    Refusal.RELATIVE_ENDED: _(
        "Tilgangen din som pårørende er avsluttet. Ta kontakt med pasienten eller "
        "koordinatoren hvis du mener dette er feil."
    ),
    Refusal.INACTIVE: _(
        "Kontoen din i LKT er stengt. Ta kontakt med koordinatoren eller lederen din."
    ),
    Refusal.CONFLICT: _(
        "Kontoen din kunne ikke kobles til deg. Ta kontakt med koordinatoren eller lederen din."
    ),
}
# Refusals of a broken or tampered answer (400) rather than of the person (403).
PROTOCOL_REFUSALS = frozenset(
    {Refusal.STATE, Refusal.NONCE, Refusal.CODE, Refusal.AUDIENCE, Refusal.INVALID}
)


class LoginRefused(Exception):
    def __init__(self, refusal: Refusal, identity: Identity | None = None) -> None:
        super().__init__(refusal.value)
        self.refusal = refusal
        self.identity = identity

    @property
    def message(self) -> str:
        return str(MESSAGES[self.refusal])


class Linked(StrEnum):
    """What a first login linked (the login event's reason)."""

    PATIENT_CREATED = "patient_created"
    PATIENT_LINKED = "patient_linked"
    RELATIVE_CREATED = "relative_created"
    RELATIVE_LINKED = "relative_linked"
    STAFF_BY_HPR = "staff_by_hpr"
    INVITATION = "invitation"


def login_sign_in(
    *, identity: Identity, accepted_acr: Collection[str], ip_address: str | None
) -> User:
    """The account this identity logs in to, linked on its first login; raises
    ``LoginRefused`` with nothing changed. The caller records a refusal (``login_refuse``)."""
    if identity.acr not in accepted_acr:
        raise LoginRefused(Refusal.ASSURANCE, identity)
    if not _valid_national_id(identity.national_id):
        raise LoginRefused(Refusal.NO_NATIONAL_ID, identity)
    with transaction.atomic():
        if identity.side == Side.CITIZEN:
            user, linked = _citizen(identity)
        else:
            user, linked = _staff(identity)
        _event(
            identity,
            outcome=LoginEvent.Outcome.LINKED if linked else LoginEvent.Outcome.SIGNED_IN,
            reason=linked,
            user=user,
            ip_address=ip_address,
        )
    return user


def login_refuse(*, provider: str, refused: LoginRefused, ip_address: str | None) -> LoginEvent:
    identity = refused.identity or Identity(provider=provider, side=Side.CITIZEN, national_id="")
    return _event(
        identity,
        outcome=LoginEvent.Outcome.REFUSED,
        reason=refused.refusal.value,
        user=None,
        ip_address=ip_address,
    )


def _event(
    identity: Identity,
    *,
    outcome: LoginEvent.Outcome,
    reason: str,
    user: User | None,
    ip_address: str | None,
) -> LoginEvent:
    return LoginEvent.objects.create(
        provider=identity.provider,
        outcome=outcome,
        reason=reason,
        user=user,
        # Only what fits the columns: a tampered claim must not make the record fail.
        national_id=identity.national_id[:11],
        hpr_number=identity.hpr_number[:9],
        acr=identity.acr[:64],
        ip_address=ip_address,
    )


def _valid_national_id(value: str) -> bool:
    try:
        validate_national_id(value)
    except ValidationError:
        return False
    return True


def _refuse(refusal: Refusal, identity: Identity) -> LoginRefused:
    return LoginRefused(refusal, identity)


# --- citizens (ID-porten) ---


def _citizen(identity: Identity) -> tuple[User, str]:
    user = (
        User.objects.select_for_update()
        .filter(national_id=identity.national_id)
        .exclude(kind=User.Kind.STAFF)
        .first()
    )
    if user is not None:
        if not user.is_active:
            raise _refuse(Refusal.INACTIVE, identity)
        if user.kind == User.Kind.RELATIVE:
            # A patient may have named them since their last login.
            unlinked = _named(identity).filter(relative__isnull=True)
            _attach(unlinked.exclude(patient__relative_links__relative=user), user)
            _relative_may_log_in(_links(RelativeLink.objects.filter(relative=user)), identity)
        return user, ""
    patient = (
        Patient.objects.select_for_update(of=("self",))
        .filter(national_id=identity.national_id)
        .select_related("user")
        .first()
    )
    if patient is not None:
        return _link_patient(patient, identity)
    return _link_relative(identity)


def _named(identity: Identity) -> QuerySet[RelativeLink]:
    """The links whose patients (or coordinators for them) named this fødselsnummer."""
    return RelativeLink.objects.select_for_update(of=("self",)).filter(
        national_id=identity.national_id
    )


@dataclass(frozen=True)
class _Named:
    """A relative link with what the login rule reads of it."""

    link: RelativeLink
    in_effect: bool  # RelativeLink.objects.active(): not excluded, not ended
    informed: bool  # the patient's consent to inform relatives stands
    represents_child: bool  # acts for a child under 16 through a representation in effect


def _links(links: QuerySet[RelativeLink]) -> list[_Named]:
    today = timezone.localdate()
    rows = links.select_related("patient", "relative").annotate(
        in_effect=Exists(RelativeLink.objects.active(today).filter(pk=OuterRef("pk"))),
        informed=relatives_informed(),
        represents_child=represents_child(),
    )
    return [
        _Named(
            link=row,
            in_effect=row.in_effect,
            informed=row.informed,
            represents_child=row.represents_child,
        )
        for row in rows
    ]


def _relative_may_log_in(links: list[_Named], identity: Identity) -> None:
    """The access policy's rule for relatives (``actors.access``): a link the patient has not
    excluded and that has not ended, and the patient's standing consent to inform relatives,
    unless the relative acts for a child under 16 through a representation."""
    if all(named.link.excluded for named in links):
        # Excluded by every patient who named them (or named by none): told no more than a
        # stranger.
        raise _refuse(Refusal.UNKNOWN_CITIZEN, identity)
    in_effect = [named for named in links if named.in_effect]
    if not in_effect:
        raise _refuse(Refusal.RELATIVE_ENDED, identity)
    if not any(
        relative_link_holds(informed=named.informed, represents_child=named.represents_child)
        for named in in_effect
    ):
        raise _refuse(Refusal.CONSENT_WITHDRAWN, identity)


def _link_relative(identity: Identity) -> tuple[User, str]:
    """The first login of a relative the patient named: the links get their account (the
    one an earlier link had, or a new one), with the access each patient set."""
    named_links = _links(_named(identity))
    _relative_may_log_in(named_links, identity)
    links = [named.link for named in named_links]
    accounts = {link.relative for link in links if link.relative is not None}
    if len(accounts) > 1:
        raise _refuse(Refusal.CONFLICT, identity)
    if accounts:
        user = accounts.pop()
        if not user.is_active:
            raise _refuse(Refusal.INACTIVE, identity)
        if user.national_id and user.national_id != identity.national_id:
            raise _refuse(Refusal.CONFLICT, identity)
        user.national_id = identity.national_id
        user.save(update_fields=["national_id"])
        linked = Linked.RELATIVE_LINKED
    else:
        named = links[0]
        user = _new_user(User.Kind.RELATIVE, identity, named.name, phone=named.phone)
        linked = Linked.RELATIVE_CREATED
    _attach([link for link in links if link.relative is None], user)
    return user, linked


def _attach(links: Iterable[RelativeLink], user: User) -> None:
    for link in links:
        link.relative = user
        link.save(update_fields=["relative"])
        audit.record(
            user=user,
            patient=link.patient,
            action=audit.CHANGE,
            obj=link,
            reason="Første innlogging med ID-porten: pårørende koblet til kontoen",
        )


def _names(identity: Identity, fallback: str) -> tuple[str, str]:
    if identity.given_name or identity.family_name:
        return identity.given_name[:150], identity.family_name[:150]
    first, _sep, last = fallback.rpartition(" ")
    return (first or last)[:150], (last if first else "")[:150]


def _new_username(kind: str) -> str:
    return f"{kind}-{uuid.uuid4().hex[:12]}"


def _new_user(kind: str, identity: Identity, name: str, **fields: Any) -> User:
    """The account made at a first login, named as the provider says (or as we had the person)."""
    first, last = _names(identity, name)
    user = User(
        username=_new_username(kind),
        kind=kind,
        first_name=first,
        last_name=last,
        national_id=identity.national_id,
        **fields,
    )
    # ID-porten or HelseID is the only way in: no password to guess.
    user.set_unusable_password()
    user.save()
    return user


def _link_patient(patient: Patient, identity: Identity) -> tuple[User, str]:
    user = patient.user
    if user is None:
        user = _new_user(User.Kind.PATIENT, identity, patient.name)
        patient.user = user
        patient.save(update_fields=["user"])
        linked = Linked.PATIENT_CREATED
    else:
        if not user.is_active:
            raise _refuse(Refusal.INACTIVE, identity)
        if user.national_id and user.national_id != identity.national_id:
            raise _refuse(Refusal.CONFLICT, identity)
        user.national_id = identity.national_id
        user.save(update_fields=["national_id"])
        linked = Linked.PATIENT_LINKED
    audit.record(
        user=user,
        patient=patient,
        action=audit.CHANGE,
        obj=patient,
        reason="Første innlogging med ID-porten: kontoen er koblet til pasienten",
    )
    return user, linked


# --- staff (HelseID) ---


def _staff(identity: Identity) -> tuple[User, str]:
    staff = User.objects.select_for_update().filter(kind=User.Kind.STAFF)
    user = staff.filter(national_id=identity.national_id).first()
    linked = ""
    if user is None and identity.hpr_number:
        user = staff.filter(hpr_number=identity.hpr_number, national_id="").first()
        linked = Linked.STAFF_BY_HPR if user is not None else ""
    invitations = _open_invitations(identity)
    if user is None and invitations:
        user = _staff_from_invitation(invitations[0], identity)
        linked = Linked.INVITATION
    if user is None:
        raise _refuse(Refusal.UNKNOWN_STAFF, identity)
    if not user.is_active:
        raise _refuse(Refusal.INACTIVE, identity)
    # HelseID reads the HPR register: its number is the right one for the staff profile.
    fields = []
    if user.national_id != identity.national_id:
        user.national_id = identity.national_id
        fields.append("national_id")
    if identity.hpr_number and user.hpr_number != identity.hpr_number:
        user.hpr_number = identity.hpr_number
        fields.append("hpr_number")
    if fields:
        user.save(update_fields=fields)
    if invitations:
        _accept(invitations, user)
        linked = linked or Linked.INVITATION
    return user, linked


def _open_invitations(identity: Identity) -> list[StaffInvitation]:
    """Open invitations naming this person: every identifier an invitation gives must be the
    one HelseID vouches for (an invitation by HPR number alone matches the HPR number)."""
    hpr = identity.hpr_number
    matches = Q(national_id=identity.national_id) | (Q(hpr_number=hpr) if hpr else Q(pk__in=[]))
    return list(
        StaffInvitation.objects.open()
        .select_for_update(of=("self",))
        .filter(matches)
        .filter(Q(national_id="") | Q(national_id=identity.national_id))
        .filter(Q(hpr_number="") | Q(hpr_number=hpr))
        .select_related("organisation")
        .order_by("created_at", "pk")
    )


def _staff_from_invitation(invitation: StaffInvitation, identity: Identity) -> User:
    return _new_user(
        User.Kind.STAFF,
        identity,
        invitation.name,
        hpr_number=identity.hpr_number,
        organisation=invitation.organisation,
        profession=invitation.profession,
    )


def _accept(invitations: list[StaffInvitation], user: User) -> None:
    """The invitations are taken: the person works for each organisation (the first is the
    primary one when they had none), with the invited profession when they had none."""
    now = timezone.now()
    for invitation in invitations:
        invitation.accepted_by = user
        invitation.accepted_at = now
        invitation.save(update_fields=["accepted_by", "accepted_at"])
        if user.organisation_id is None:
            user.organisation = invitation.organisation
        elif invitation.organisation_id != user.organisation_id:
            user.organisations.add(invitation.organisation)
        if not user.profession:
            user.profession = invitation.profession
    user.save(update_fields=["organisation", "profession"])


# --- the provider's sessions ---


def identity_session_open(*, issuer: str, sid: str, session_key: str) -> None:
    if sid and session_key:
        IdentitySession.objects.create(issuer=issuer, sid=sid, session_key=session_key)
    # A session that ran out without a logout leaves its row: gone once no session can be
    # that old (SESSION_COOKIE_AGE).
    too_old = timezone.now() - dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    IdentitySession.objects.filter(created_at__lt=too_old).delete()


def identity_session_close(*, session_key: str) -> None:
    IdentitySession.objects.filter(session_key=session_key).delete()


def identity_sessions_end(*, issuer: str, sid: str) -> int:
    """Front-channel logout: end every Django session the provider's session opened."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    rows = list(IdentitySession.objects.filter(issuer=issuer, sid=sid))
    for row in rows:
        store(session_key=row.session_key).delete()
    IdentitySession.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return len(rows)
