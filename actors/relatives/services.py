"""Every write about a patient's relatives and who represents the patient. One function per use
case, in one transaction, access checked and audited through ``actors.access``.

Relatives (pbrl. § 3-3): the patient names a relative on Min side, or the coordinator does it
on the patient's behalf with the patient's consent (``added_on_behalf``), by name,
fødselsnummer and phone, with what the relative may see and until when. The relative has no
user yet: their first login (ID-porten, by the fødselsnummer) links them. Nobody picks a
relative from a list of users, so no page shows another patient's relatives.

Representation is explicit, with its basis (``Representation.Basis``): only a relative whose
link sees the team, the goals and the plan may represent the patient, and such a link is not
limited, excluded or ended while a representation stands on it: the representation is ended
first, on its own, by the coordinator, with a reason. So authority is never lost or gained by
a side effect.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from actors.access import Action, authorize, check
from actors.models import (
    AGE_OF_HEALTH_CONSENT,
    Consent,
    Patient,
    RelativeLink,
    Representation,
    User,
)
from actors.validators import normalize_phone, validate_national_id
from lkt.core import audit
from lkt.core.dates import short_date

if TYPE_CHECKING:
    from actors.access import Standing


def _clean_national_id(value: str, patient: Patient) -> str:
    national_id = (value or "").strip().replace(" ", "")
    try:
        validate_national_id(national_id)
    except ValidationError as error:
        raise ValidationError({"national_id": error.messages}) from None
    if national_id == patient.national_id:
        raise ValidationError(
            {"national_id": _("Dette er pasientens eget fødselsnummer. Skriv den pårørendes.")}
        )
    return national_id


def _clean_phone(value: str) -> str:
    if not (value or "").strip():
        return ""
    try:
        return normalize_phone(value)
    except ValidationError as error:
        raise ValidationError({"phone": error.messages}) from None


def _clean_ends_on(ends_on: dt.date | None, *, unchanged: dt.date | None = None) -> None:
    """An end date is a day to come: ending the access today is ``relative_link_end``."""
    if ends_on is not None and ends_on != unchanged and ends_on <= timezone.localdate():
        raise ValidationError(
            {
                "ends_on": _(
                    "Sluttdatoen må være etter i dag. For å avslutte tilgangen nå, bruk "
                    "«Avslutt tilgangen nå»."
                )
            }
        )


def _require_patients_agreement(standing: Standing, patient_agreed: bool) -> bool:
    """Whether the actor acts on the patient's behalf (staff), who then confirms the patient
    agreed: the patient decides who sees what (pbrl. § 3-3)."""
    on_behalf = not standing.is_self
    if on_behalf and not patient_agreed:
        raise ValidationError({"patient_agreed": _("Bekreft at pasienten har sagt ja til dette.")})
    return on_behalf


def _access(
    *,
    excluded: bool = False,
    may_see_team: bool,
    may_see_goals: bool,
    may_see_plan: bool,
    may_edit_goals: bool,
    may_communicate: bool,
) -> dict[str, bool]:
    """The access as stored: nothing for an excluded relative, writing only with reading."""
    granted = not excluded
    return {
        "excluded": excluded,
        "may_see_team": may_see_team and granted,
        "may_see_goals": may_see_goals and granted,
        "may_edit_goals": may_edit_goals and may_see_goals and granted,
        "may_see_plan": may_see_plan and granted,
        "may_communicate": may_communicate and granted,
    }


@transaction.atomic
def relative_link_create(
    *,
    actor: User,
    patient: Patient,
    name: str,
    national_id: str,
    relation: str,
    phone: str = "",
    may_see_team: bool = False,
    may_see_goals: bool = False,
    may_edit_goals: bool = False,
    may_see_plan: bool = False,
    may_communicate: bool = False,
    ends_on: dt.date | None = None,
    patient_agreed: bool = False,
) -> RelativeLink:
    """Name a relative and what they may see. The patient on Min side, or the team's
    coordinator (or creator) on the patient's behalf, who confirms the patient agreed."""
    standing = check(actor, Action.MANAGE_RELATIVES, patient)
    on_behalf = _require_patients_agreement(standing, patient_agreed)
    if not name.strip():
        raise ValidationError({"name": _("Skriv navnet på den pårørende.")})
    national_id = _clean_national_id(national_id, patient)
    if RelativeLink.objects.filter(patient=patient, national_id=national_id).exists():
        raise ValidationError(
            {
                "national_id": _(
                    "En pårørende med dette fødselsnummeret er allerede registrert. Endre "
                    "tilgangen hennes eller hans i listen i stedet."
                )
            }
        )
    _clean_ends_on(ends_on)
    link = RelativeLink(
        patient=patient,
        name=name.strip(),
        national_id=national_id,
        phone=_clean_phone(phone),
        relation=relation,
        ends_on=ends_on,
        added_on_behalf=on_behalf,
        patient_confirmed_at=None if on_behalf else timezone.now(),
        created_by=actor,
        **_access(
            may_see_team=may_see_team,
            may_see_goals=may_see_goals,
            may_see_plan=may_see_plan,
            may_edit_goals=may_edit_goals,
            may_communicate=may_communicate,
        ),
    )
    link.full_clean()
    link.save()
    authorize(actor, Action.MANAGE_RELATIVES, patient, obj=link)
    return link


def _open_representations(link: RelativeLink) -> list[Representation]:
    return list(Representation.objects.open().filter(relative_link=link).order_by("pk"))


def _keep_representatives_whole(link: RelativeLink, *, losing: bool) -> None:
    """A representative's link keeps its full access: limiting, excluding or ending it while a
    representation stands on it is refused, with what to do instead."""
    if not losing:
        return
    representations = _open_representations(link)
    if representations:
        bases = ", ".join(str(r.get_basis_display()).lower() for r in representations)
        raise ValidationError(
            _(
                "%(name)s er registrert som representant for pasienten (%(bases)s). "
                "Koordinatoren må avslutte representasjonen før tilgangen kan begrenses "
                "eller avsluttes."
            )
            % {"name": link.display_name, "bases": bases}
        )


@transaction.atomic
def relative_link_update(
    *,
    actor: User,
    link: RelativeLink,
    excluded: bool,
    may_see_team: bool,
    may_see_goals: bool,
    may_see_plan: bool,
    may_edit_goals: bool = False,
    may_communicate: bool | None = None,
    ends_on: dt.date | None = None,
    patient_agreed: bool = False,
) -> RelativeLink:
    """The patient (or the coordinator on the patient's behalf) changes what a relative sees,
    until when, or excludes them; it takes effect at once. ``may_communicate`` None keeps it."""
    link = RelativeLink.objects.select_for_update().get(pk=link.pk)
    standing = check(actor, Action.MANAGE_RELATIVES, link.patient)
    _require_patients_agreement(standing, patient_agreed)
    _clean_ends_on(ends_on, unchanged=link.ends_on)
    access = _access(
        excluded=excluded,
        may_see_team=may_see_team,
        may_see_goals=may_see_goals,
        may_see_plan=may_see_plan,
        may_edit_goals=may_edit_goals,
        may_communicate=link.may_communicate if may_communicate is None else may_communicate,
    )
    full = access["may_see_team"] and access["may_see_goals"] and access["may_see_plan"]
    ends_sooner = ends_on is not None and (link.ends_on is None or ends_on < link.ends_on)
    _keep_representatives_whole(link, losing=not full or ends_sooner)
    for name, value in access.items():
        setattr(link, name, value)
    link.ends_on = ends_on
    if standing.is_self:
        link.patient_confirmed_at = timezone.now()
    link.full_clean()
    link.save()
    authorize(actor, Action.MANAGE_RELATIVES, link.patient, obj=link)
    return link


@transaction.atomic
def relative_link_end(*, actor: User, link: RelativeLink) -> RelativeLink:
    """End a relative's access now: from this request on they see nothing. The link stays, so
    the patient can give access again later, and the history is kept."""
    link = RelativeLink.objects.select_for_update().get(pk=link.pk)
    standing = check(actor, Action.MANAGE_RELATIVES, link.patient)
    today = timezone.localdate()
    if not link.is_active_on(today):
        raise ValidationError(_("Tilgangen er allerede avsluttet."))
    _keep_representatives_whole(link, losing=True)
    link.ends_on = today
    if standing.is_self:
        link.patient_confirmed_at = timezone.now()
    link.save(update_fields=["ends_on", "patient_confirmed_at"])
    authorize(actor, Action.MANAGE_RELATIVES, link.patient, obj=link)
    return link


# Representation


def _basis_fits_age(basis: str, patient: Patient, day: dt.date) -> None:
    if (
        basis == Representation.Basis.PARENTAL_RESPONSIBILITY
        and patient.age_on(day) >= AGE_OF_HEALTH_CONSENT
    ):
        raise ValidationError(
            {
                "basis": _(
                    "Foreldreansvar gir rett til å representere barn under 16 år. Pasienten er "
                    "16 eller eldre: velg verge eller fullmakt."
                )
            }
        )


@transaction.atomic
def representation_record(
    *,
    actor: User,
    link: RelativeLink,
    basis: str,
    scope: str = "",
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> Representation:
    """The coordinator records that a relative represents the patient, on a basis they have
    seen documented (birth certificate or the Folkeregister for foreldreansvar, the
    statsforvalter's decision for a verge, the patient's own fullmakt). Only a relative whose
    link gives full access (team, goals, plan) and is active can represent the patient."""
    patient = link.patient
    standing = check(actor, Action.MANAGE_TEAM, patient)
    if not standing.manages:  # pragma: no cover - MANAGE_TEAM is managing
        raise ValidationError(_("Bare koordinatoren kan registrere en representant."))
    link = RelativeLink.objects.select_for_update().get(pk=link.pk)
    today = timezone.localdate()
    valid_from = valid_from or today
    if not (link.is_active_on(today) and link.has_full_access):
        raise ValidationError(
            {
                "relative_link": _(
                    "En representant handler for pasienten og må kunne se teamet, målene og "
                    "planen. Gi %(name)s den tilgangen først (pasienten bestemmer)."
                )
                % {"name": link.display_name}
            }
        )
    _basis_fits_age(basis, patient, valid_from)
    representation = Representation(
        patient=patient,
        relative_link=link,
        basis=basis,
        scope=scope.strip(),
        valid_from=valid_from,
        valid_until=valid_until,
        recorded_by=actor,
    )
    if Representation.objects.open().filter(relative_link=link, basis=basis).exists():
        raise ValidationError(
            {
                "basis": _(
                    "Denne pårørende er allerede registrert som representant på dette grunnlaget."
                )
            }
        )
    representation.full_clean()
    representation.save()
    authorize(actor, Action.MANAGE_TEAM, patient, obj=representation)
    return representation


@transaction.atomic
def representation_end(
    *, actor: User | None, representation: Representation, reason: str
) -> Representation:
    """End a representation with a reason: by the coordinator (a fullmakt withdrawn, a
    vergemål ended), or by the daily sweep (``actor`` None) when a child turns 16."""
    representation = Representation.objects.select_for_update().get(pk=representation.pk)
    if actor is not None:
        authorize(actor, Action.MANAGE_TEAM, representation.patient, obj=representation)
    else:
        audit.record(
            user=None,
            patient=representation.patient,
            action=audit.CHANGE,
            obj=representation,
            reason=reason,
        )
    if representation.ended_at is not None:
        raise ValidationError(_("Representasjonen er allerede avsluttet."))
    if not reason.strip():
        raise ValidationError({"ended_reason": _("Skriv kort hvorfor representasjonen avsluttes.")})
    representation.ended_at = timezone.now()
    representation.ended_reason = reason.strip()[:500]
    representation.save(update_fields=["ended_at", "ended_reason"])
    return representation


# Turning 16


# A parent's access goes on past the 16th birthday when the patient chose it herself on Min
# side from her 15th birthday, the year the team prepares the transition (the scenario
# "Pasienten fyller 16 år"); a choice made as a younger child is not hers to make alone.
OWN_CHOICE_FROM_AGE = AGE_OF_HEALTH_CONSENT - 1
TURNED_16_REASON = (
    "Pasienten fylte 16 år %(day)s: foreldreansvaret gir ikke lenger rett til å representere "
    "pasienten (pasient- og brukerrettighetsloven § 4-3)."
)


@dataclass(frozen=True)
class TurnedSixteen:
    """What the sweep changed for one patient who turned 16."""

    patient: Patient
    birthday: dt.date
    representations_ended: int
    access_ended: list[str]  # the parents whose access ended (names)
    access_kept: list[str]  # the parents the patient herself chose to keep
    consents_to_renew: int

    @property
    def changed(self) -> bool:
        return bool(self.representations_ended or self.access_ended or self.consents_to_renew)


def _chosen_by_the_patient(link: RelativeLink, patient: Patient) -> bool:
    confirmed = link.patient_confirmed_at
    return confirmed is not None and timezone.localtime(confirmed).date() >= patient.birthday(
        OWN_CHOICE_FROM_AGE
    )


@transaction.atomic
def parental_authority_end_at_16(*, patient: Patient, today: dt.date) -> TurnedSixteen:
    """On the 16th birthday (or the first sweep after it) the patient consents alone: the
    parents' foreldreansvar representations end, their access ends at the start of the
    birthday unless the patient chose it herself (``OWN_CHOICE_FROM_AGE``), and the standing
    consents they gave are due for renewal today. Idempotent: what is done is not done again,
    so a second run changes nothing. The changes are audited as the system's (no user)."""
    birthday = patient.birthday(AGE_OF_HEALTH_CONSENT)
    reason = TURNED_16_REASON % {"day": short_date(birthday)}
    representations = list(
        Representation.objects.select_for_update()
        .filter(
            patient=patient,
            basis=Representation.Basis.PARENTAL_RESPONSIBILITY,
            ended_at__isnull=True,
        )
        .select_related("relative_link")
        .order_by("pk")
    )
    for representation in representations:
        representation_end(actor=None, representation=representation, reason=reason)
    ended: list[str] = []
    kept: list[str] = []
    for link in {r.relative_link.pk: r.relative_link for r in representations}.values():
        if link.ends_on is not None and link.ends_on <= birthday:
            continue
        if _chosen_by_the_patient(link, patient):
            kept.append(link.display_name)
            continue
        link.ends_on = birthday
        link.save(update_fields=["ends_on"])
        audit.record(user=None, patient=patient, action=audit.CHANGE, obj=link, reason=reason)
        ended.append(link.display_name)
    renewed = Consent.objects.filter(
        Q(renew_on__isnull=True) | Q(renew_on__gt=today),
        patient=patient,
        given_by=Consent.GivenBy.GUARDIAN,
        withdrawn_at__isnull=True,
    ).update(renew_on=today)
    return TurnedSixteen(patient, birthday, len(representations), ended, kept, renewed)
