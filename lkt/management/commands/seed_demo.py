"""Load the fictional demo data for ``make demo``: two kommuner, one helseforetak, four teams
(aktørfellesskap) and one login for every kind of user.

Everyone and everything here is invented. National ids are synthetic (month + 80, so they can
never belong to a real person), organisation numbers merely have a valid check digit, and the
places do not exist.

Rows are made with the ORM directly: the services need an acting user with rights, which an
empty database does not have. Every row still goes through ``full_clean()``, so the demo obeys
the same validators as real data.
"""

from __future__ import annotations

import datetime as dt
import itertools
import textwrap
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.utils import timezone

from actors.models import (
    Closeness,
    CommunicationLine,
    Consent,
    Level,
    Member,
    NetworkLevel,
    Organisation,
    Patient,
    Profession,
    RelativeLink,
    Representation,
    Role,
    Scenario,
    StaffInvitation,
    Team,
    User,
)
from actors.network import services as network_services
from actors.services import consent_review_date
from actors.validators import org_number_with_check_digit, synthetic_national_id
from careplans.good_day import perspective_services
from careplans.good_day import services as careplan_services
from careplans.good_day.services import ChallengeInput, GoalInput
from careplans.models import CarePlanVersion, Challenge, Phase
from careplans.phase import services as phase_services
from careplans.plan import services as plan_services
from lkt.demo import leaders as demo_leaders
from lkt.demo import night as demo_night
from lkt.demo import teams as coordination_demo
from lkt.login import admin_totp_enrol, totp_secret

# One published password for every demo login; the demo never runs with real people.
DEMO_PASSWORD = "demo-passord-lkt"  # noqa: S105

_ModelT = TypeVar("_ModelT", bound=models.Model)
_K = Organisation.Kind


@dataclass(frozen=True)
class OrgSpec:
    key: str
    name: str
    kind: Organisation.Kind
    level: Level
    parent: str | None = None


# Parents come before their children, so one pass can create them.
ORGANISATIONS: tuple[OrgSpec, ...] = (
    OrgSpec("fjordvik", "Fjordvik kommune", _K.KOMMUNE, Level.KOMMUNE),
    OrgSpec("fjordvik_lege", "Fjordvik legekontor", _K.LEGEKONTOR, Level.KOMMUNE, "fjordvik"),
    OrgSpec(
        "fjordvik_hjemme", "Fjordvik hjemmetjeneste", _K.HJEMMETJENESTE, Level.KOMMUNE, "fjordvik"
    ),
    OrgSpec(
        "fjordvik_rus",
        "Fjordvik psykisk helse og rus",
        _K.PSYKISK_HELSE_RUS,
        Level.KOMMUNE,
        "fjordvik",
    ),
    OrgSpec(
        "fjordvik_ke",
        "Fjordvik koordinerende enhet",
        _K.KOORDINERENDE_ENHET,
        Level.KOMMUNE,
        "fjordvik",
    ),
    # NAV is a partnership of state and kommune: the "other sector" level in the actor map.
    OrgSpec("fjordvik_nav", "NAV Fjordvik", _K.NAV, Level.ANNEN, "fjordvik"),
    OrgSpec("havbu", "Havbu kommune", _K.KOMMUNE, Level.KOMMUNE),
    OrgSpec("havbu_lege", "Havbu legekontor", _K.LEGEKONTOR, Level.KOMMUNE, "havbu"),
    OrgSpec("havbu_hjemme", "Havbu hjemmetjeneste", _K.HJEMMETJENESTE, Level.KOMMUNE, "havbu"),
    OrgSpec(
        "havbu_rus", "Havbu psykisk helse og rus", _K.PSYKISK_HELSE_RUS, Level.KOMMUNE, "havbu"
    ),
    OrgSpec(
        "havbu_ke", "Havbu koordinerende enhet", _K.KOORDINERENDE_ENHET, Level.KOMMUNE, "havbu"
    ),
    OrgSpec("havbu_nav", "NAV Havbu", _K.NAV, Level.ANNEN, "havbu"),
    OrgSpec("hf", "Helse Vestfjord HF", _K.HELSEFORETAK, Level.SPESIALIST),
    OrgSpec("dps", "Vestfjord DPS", _K.DPS, Level.SPESIALIST, "hf"),
    OrgSpec(
        "medisin",
        "Medisinsk avdeling, Vestfjord sjukehus",
        _K.SYKEHUSAVDELING,
        Level.SPESIALIST,
        "hf",
    ),
    # A 15-year-old belongs in child and adolescent psychiatry, not at the adult DPS.
    OrgSpec("bup", "BUP Vestfjord", _K.SYKEHUSAVDELING, Level.SPESIALIST, "hf"),
    # Issue 7: the interkommunal legevakt for Fjordvik and Havbu, owned by neither kommune
    # alone: its staff are night-service users who see only the crisis card.
    OrgSpec("legevakt", "Legevakten i Fjordvik", _K.LEGEVAKT, Level.KOMMUNE),
)


@dataclass(frozen=True)
class Login:
    """A demo user, and the text the login table prints about them."""

    username: str
    first_name: str
    last_name: str
    kind: User.Kind
    who: str
    sees: str
    organisation: str | None = None
    is_leader: bool = False
    is_admin: bool = False
    profession: str = ""
    # Other workplaces than the primary one (a fastlege who takes legevakt shifts).
    organisations: tuple[str, ...] = ()
    # The demo users have logged in before, except those who show what "never" looks like.
    logged_in: bool = True


_STAFF = User.Kind.STAFF
_P = Profession
LOGINS: tuple[Login, ...] = (
    Login(
        "cecilie",
        "Cecilie",
        "Strandvik",
        _STAFF,
        "Koordinator i Fjordvik kommune (koordinerende enhet), leder Kari-, Emma- og Malene-teamet",
        "Kari, Emma og Malene: hele teamet og alt teamet deler; kan endre medlemmer, samtykke "
        "og pårørende. Får nattens kontakter i Varsler",
        organisation="fjordvik_ke",
        profession=_P.VERNEPLEIER,
    ),
    Login(
        "fredrik",
        "Fredrik",
        "Lyngmo",
        _STAFF,
        "Fastlege ved Fjordvik legekontor, i Kari-, Emma- og Malene-teamet (stedfortreder "
        "for koordinator i Malene-teamet)",
        "Kari, Emma og Malene: teamet og alt teamet deler",
        organisation="fjordvik_lege",
        profession=_P.LEGE,
        organisations=("legevakt",),
    ),
    Login(
        "tor",
        "Tor",
        "Skjelvik",
        _STAFF,
        "Psykiatrisk sykepleier, Fjordvik psykisk helse og rus; i Kari-teamet, slutter om 3 uker",
        "Kari: teamet og alt teamet deler",
        organisation="fjordvik_rus",
        profession=_P.SYKEPLEIER,
    ),
    Login(
        "kristin",
        "Kristin",
        "Vadheim",
        _STAFF,
        "Psykolog ved Vestfjord DPS, kontaktpsykolog i Kari-, Malene- og Jonas-teamet",
        "Kari og Malene. Jonas først når han har samtykket til deling",
        organisation="dps",
        profession=_P.PSYKOLOG,
    ),
    Login(
        "ingrid",
        "Ingrid",
        "Bremnes",
        _STAFF,
        "Intern koordinator ved Vestfjord DPS, i Kari-, Emma-, Malene- og Jonas-teamet",
        "Kari, Emma og Malene. Jonas først når han har samtykket til deling",
        organisation="dps",
        profession=_P.SYKEPLEIER,
    ),
    Login(
        "bjorn",
        "Bjørn",
        "Eidsnes",
        _STAFF,
        "Psykologspesialist ved BUP Vestfjord, kontaktpsykolog i Emma-teamet",
        "Emma: teamet og alt teamet deler",
        organisation="bup",
        profession=_P.PSYKOLOG,
    ),
    Login(
        "hanne",
        "Hanne",
        "Kvalsund",
        _STAFF,
        "Koordinator i Havbu kommune (koordinerende enhet), leder Ola- og Jonas-teamet",
        "Ola: hele teamet og alt teamet deler. Jonas: teamet og samtykkestatus (samtykke "
        "mangler), ingen kliniske opplysninger",
        organisation="havbu_ke",
        profession=_P.SOSIONOM,
    ),
    Login(
        "gunnar",
        "Gunnar",
        "Ryfjord",
        _STAFF,
        "Fastlege ved Havbu legekontor, i Ola- og Jonas-teamet",
        "Ola. Jonas først når han har samtykket til deling",
        organisation="havbu_lege",
        profession=_P.LEGE,
    ),
    Login(
        "sigrid",
        "Sigrid",
        "Holmefjell",
        _STAFF,
        "Overlege ved Medisinsk avdeling, Vestfjord sjukehus; kontaktlege i Ola-teamet",
        "Ola: teamet og alt teamet deler",
        organisation="medisin",
        profession=_P.LEGE,
    ),
    Login(
        "astrid",
        "Astrid",
        "Nesbø",
        _STAFF,
        "Sykepleier i Havbu hjemmetjeneste, i Ola-teamet",
        "Ola: teamet og alt teamet deler",
        organisation="havbu_hjemme",
        profession=_P.SYKEPLEIER,
    ),
    Login(
        "nina",
        "Nina",
        "Torvhaug",
        _STAFF,
        "Sykepleier i Havbu hjemmetjeneste, i ingen team",
        "Ingen pasienter",
        organisation="havbu_hjemme",
        profession=_P.SYKEPLEIER,
        logged_in=False,
    ),
    Login(
        "leif",
        "Leif",
        "Marhaug",
        _STAFF,
        "Kommunalsjef helse og omsorg, leder i Fjordvik kommune",
        "Samlede tall for Fjordvik kommune, aldri pasientopplysninger",
        organisation="fjordvik",
        is_leader=True,
    ),
    Login(
        "hilde",
        "Hilde",
        "Strømsnes",
        _STAFF,
        "Klinikkleder i Helse Vestfjord HF",
        "Godkjenner planer der HF-ets ansatte er med; ser aldri pasientopplysninger",
        organisation="hf",
        is_leader=True,
    ),
    Login(
        "lars",
        "Lars",
        "Vaktlege",
        _STAFF,
        "Legevaktlege ved Legevakten i Fjordvik (nattjeneste), i ingen team",
        "Bare kriseplanen (kriseside), når han slår opp fødselsnummeret; registrerer "
        "kontakter utenom kontortid",
        organisation="legevakt",
        profession=_P.LEGE,
    ),
    Login(
        "kari",
        "Kari",
        "Solstrand",
        User.Kind.PATIENT,
        "Pasient i Fjordvik (psykisk helse og rus)",
        "Sitt eget team, sin plan og Min gode dag",
    ),
    Login(
        "ola",
        "Ola",
        "Havbakken",
        User.Kind.PATIENT,
        "Pasient i Havbu (eldre, flere kroniske sykdommer); teamet mangler intern koordinator",
        "Sitt eget team, sin plan og Min gode dag",
    ),
    Login(
        "emma",
        "Emma",
        "Lid",
        User.Kind.PATIENT,
        "Pasient i Fjordvik, 15 år: foreldrene samtykket (pbrl. § 4-3)",
        "Sitt eget team, sin plan og Min gode dag",
    ),
    Login(
        "malene",
        "Malene",
        "Fjord",
        User.Kind.PATIENT,
        "Pasient i Fjordvik, 24 år, mange kontakter med legevakt og AMK om natta",
        "Sitt eget team, sin plan og kriseplan, og hvem som har sett opplysningene",
    ),
    Login(
        "per",
        "Per",
        "Solstrand",
        User.Kind.RELATIVE,
        "Pårørende, Karis far (begrenset tilgang)",
        "Kari: hvem som er i teamet og Min gode dag, ikke planen",
    ),
    Login(
        "lise",
        "Lise",
        "Solstrand",
        User.Kind.RELATIVE,
        "Pårørende, Karis søster; Kari har utelukket henne",
        "Ingenting",
    ),
    Login(
        "marte",
        "Marte",
        "Lid",
        User.Kind.RELATIVE,
        "Pårørende, Emmas mor, med foreldreansvar (Emmas far er lagt til, men har ikke "
        "logget inn ennå)",
        "Emma: teamet, Min gode dag og planen; samtykker og godkjenner planen for henne til "
        "hun fyller 16",
    ),
    Login(
        "admin",
        "Demo",
        "Administrator",
        _STAFF,
        "Systemadministrator (superbruker) for Django-admin på /admin/",
        "Alle data i Django-admin; ingen pasienter i selve appen",
        is_admin=True,
    ),
    # Last, so the demo's phone numbers (by position) stay as they were before her.
    Login(
        "solveig",
        "Solveig",
        "Brattvoll",
        _STAFF,
        "Kommunalsjef helse og omsorg, leder i Havbu kommune",
        "Samlede tall for Havbu kommune, aldri pasientopplysninger; godkjente Olas plan",
        organisation="havbu",
        is_leader=True,
    ),
)


def _org_number(index: int) -> str:
    """A stable organisation number with a valid check digit for the index-th organisation."""
    n = 98_600_000 + index * 10
    while not (number := org_number_with_check_digit(f"{n:08d}")):
        n += 1
    return number


def _phone(serial: int) -> str:
    """+47 4000 xxxx: a valid Norwegian mobile number, invented for the demo."""
    return f"+474000{serial:04d}"


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


def patient_username(patient: Patient) -> str:
    return patient.user.username if patient.user is not None else ""


def _saved(obj: _ModelT) -> _ModelT:
    obj.full_clean()
    obj.save()
    return obj


class _Seed:
    """Creates the demo rows and remembers them by key, so each team can refer to its people."""

    def __init__(self) -> None:
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.orgs: dict[str, Organisation] = {}
        self.users: dict[str, User] = {}
        self._serial = 0

    def organisations(self) -> None:
        for index, spec in enumerate(ORGANISATIONS):
            self.orgs[spec.key] = _saved(
                Organisation(
                    name=spec.name,
                    org_number=_org_number(index),
                    kind=spec.kind,
                    level=spec.level,
                    parent=self.orgs[spec.parent] if spec.parent else None,
                )
            )

    def logins(self) -> None:
        # Hash once: everyone shares the published password, and hashing is slow on purpose.
        password = make_password(DEMO_PASSWORD)
        for index, spec in enumerate(LOGINS, start=1):
            self.users[spec.username] = _saved(
                User(
                    username=spec.username,
                    password=password,
                    first_name=spec.first_name,
                    last_name=spec.last_name,
                    email=f"{spec.username}@lkt-demo.example",
                    kind=spec.kind,
                    phone=_phone(index),
                    organisation=self.orgs[spec.organisation] if spec.organisation else None,
                    is_leader=spec.is_leader,
                    is_staff=spec.is_admin,
                    is_superuser=spec.is_admin,
                    profession=spec.profession,
                    last_login=self.now - dt.timedelta(days=index % 5 + 1)
                    if spec.logged_in
                    else None,
                )
            )
            self.users[spec.username].organisations.set(
                [self.orgs[key] for key in spec.organisations]
            )

    def patient(self, name: str, birth_date: dt.date, user: str | None = None) -> Patient:
        self._serial += 1
        return _saved(
            Patient(
                name=name,
                national_id=synthetic_national_id(birth_date, self._serial),
                birth_date=birth_date,
                user=self.users[user] if user else None,
            )
        )

    def team(self, patient: Patient, creator: str, status: Team.Status, days_ago: int) -> Team:
        established = self.today - dt.timedelta(days=days_ago)
        return _saved(
            Team(
                patient=patient,
                status=status,
                established_on=established,
                activated_on=established + dt.timedelta(days=14)
                if status == Team.Status.ACTIVE
                else None,
                created_by=self.users[creator],
            )
        )

    def member(self, team: Team, role: Role, user: str, **extra: Any) -> Member:
        staff = self.users[user]
        return _saved(
            Member(
                team=team,
                user=staff,
                organisation=staff.organisation,
                level=staff.organisation.level if staff.organisation else NetworkLevel.ANNEN,
                role=role,
                joined_on=team.established_on,
                **extra,
            )
        )

    def external(
        self, team: Team, role: Role, name: str, phone: str, organisation: str | None = None
    ) -> Member:
        """A private-network or other-sector contact without a login."""
        return _saved(
            Member(
                team=team,
                external_name=name,
                external_phone=phone,
                organisation=self.orgs[organisation] if organisation else None,
                level=self.orgs[organisation].level if organisation else NetworkLevel.PRIVAT,
                role=role,
                involvement=Member.Involvement.AS_NEEDED,
                joined_on=team.established_on,
            )
        )

    def consent(
        self,
        patient: Patient,
        scope: Consent.Scope,
        recorded_by: str,
        days_ago: int,
        given_by: Consent.GivenBy = Consent.GivenBy.PATIENT,
        note: str = "",
    ) -> Consent:
        return _saved(
            Consent(
                patient=patient,
                scope=scope,
                method=Consent.Method.WRITTEN,
                given_by=given_by,
                given_at=self.now - dt.timedelta(days=days_ago),
                recorded_by=self.users[recorded_by],
                note=note,
                renew_on=consent_review_date(self.today - dt.timedelta(days=days_ago)),
            )
        )

    def relative(
        self,
        patient: Patient,
        relative: str | None,
        relation: RelativeLink.Relation,
        created_by: str,
        born: dt.date,
        name: str = "",
        **access: Any,
    ) -> RelativeLink:
        """A relative named by fødselsnummer and phone; ``relative`` None for one who has not
        logged in yet (the first login links them)."""
        self._serial += 1
        user = self.users[relative] if relative else None
        return _saved(
            RelativeLink(
                patient=patient,
                relative=user,
                name=name or str(user),
                national_id=synthetic_national_id(born, self._serial),
                phone=_phone(200 + self._serial),
                relation=relation,
                created_by=self.users[created_by],
                patient_confirmed_at=self.now if created_by == patient_username(patient) else None,
                added_on_behalf=created_by != patient_username(patient),
                **access,
            )
        )

    def representation(
        self, link: RelativeLink, basis: Representation.Basis, recorded_by: str, days_ago: int
    ) -> Representation:
        return _saved(
            Representation(
                patient=link.patient,
                relative_link=link,
                basis=basis,
                valid_from=self.today - dt.timedelta(days=days_ago),
                recorded_by=self.users[recorded_by],
            )
        )


def _kari(seed: _Seed) -> None:
    """Complete team across both levels, a member about to leave, limited and excluded relatives,
    and the element A and B work of a team that has been going for half a year."""
    kari = seed.patient("Kari Solstrand", dt.date(1993, 5, 14), user="kari")
    team = seed.team(kari, "cecilie", Team.Status.ACTIVE, days_ago=200)
    cecilie = seed.member(team, Role.COORDINATOR, "cecilie", closeness=Closeness.WEEKLY)
    fredrik = seed.member(team, Role.GP, "fredrik")
    kristin = seed.member(team, Role.SPECIALIST_CONTACT, "kristin", closeness=Closeness.WEEKLY)
    seed.member(team, Role.INTERNAL_COORDINATOR, "ingrid", closeness=Closeness.RARELY)
    # Leaving within weeks: the actor map's "who leaves next" scenario has something to show.
    tor = seed.member(
        team,
        Role.PSYCHIATRIC_NURSE,
        "tor",
        closeness=Closeness.DAILY,
        expected_leave_on=seed.today + dt.timedelta(days=21),
    )
    seed.external(team, Role.NAV_ADVISER, "Nora Fjellstad", _phone(101), "fjordvik_nav")
    jonny = seed.external(team, Role.OTHER, "Jonny Berget (støttekontakt)", _phone(102))
    seed.consent(kari, Consent.Scope.TEAM_SHARING, "cecilie", days_ago=190)
    seed.consent(kari, Consent.Scope.RELATIVES, "cecilie", days_ago=190)
    seed.consent(kari, Consent.Scope.CRISIS_PLAN, "cecilie", days_ago=150)
    seed.relative(
        kari,
        "per",
        RelativeLink.Relation.PARENT,
        created_by="kari",
        born=dt.date(1962, 8, 2),
        may_see_team=True,
        may_see_goals=True,
        may_see_plan=False,
        may_communicate=True,
    )
    seed.relative(
        kari,
        "lise",
        RelativeLink.Relation.SIBLING,
        created_by="kari",
        born=dt.date(1996, 1, 20),
        excluded=True,
    )

    sleep = _kari_good_day(seed, kari)
    actor = seed.users["cecilie"]
    channel, often = CommunicationLine.Channel, CommunicationLine.Frequency
    for from_member, to_member, by, how_often, note in (
        (cecilie, fredrik, channel.DIALOGUE_MESSAGE, often.MONTHLY, ""),
        (cecilie, kristin, channel.MEETING, often.MONTHLY, ""),
        (cecilie, tor, channel.PHONE, often.WEEKLY, ""),
        (tor, jonny, channel.PHONE, often.WEEKLY, ""),
        # The DPS and the GP hear of each other only through Kari: the warning the team must see.
        (
            kristin,
            fredrik,
            channel.VIA_PATIENT,
            often.AS_NEEDED,
            "Kari tar med epikrisen til fastlegen.",
        ),
    ):
        network_services.communication_line_add(
            actor=actor,
            team=team,
            from_member=from_member,
            to_member=to_member,
            channel=by,
            frequency=how_often,
            note=note,
        )
    # Perspectives on sleep diverge: the DPS sees the core problem, the GP a side effect.
    for member, user, text, importance in (
        (kristin, "kristin", "Søvnen er nøkkelen: uro om kvelden øker ruspresset.", 5),
        (tor, "tor", "Kveldene er vanskeligst; tur etter middag hjelper.", 4),
        (fredrik, "fredrik", "Bivirkning av medisinen; kan justeres.", 2),
    ):
        perspective_services.perspective_save(
            actor=seed.users[user],
            member=member,
            challenge=sleep,
            text=text,
            importance=importance,
        )
    network_services.scenario_prepare_detected(
        actor=actor,
        team=team,
        kind=Scenario.Kind.MEMBER_LEAVING,
        member=tor,
        what_then="Jonny tar over kveldsturene. Cecilie ber psykisk helse og rus om ny "
        "sykepleier før Tor slutter, og de møter Kari sammen én gang.",
        responsible=cecilie,
    )
    plan = _plan(
        seed,
        team,
        "cecilie",
        communication="Dialogmelding mellom fastlege og DPS; koordinator ringer Tor hver uke.",
        information_sharing="Kari vil at teamet deler det som trengs for å hjelpe; ikke detaljer "
        "om familien.",
        preparedness="Når Tor slutter: Jonny tar kveldsturene til ny sykepleier er på plass.",
        documentation="Hver tjeneste journalfører i egen journal; planen er ingen kopi av den.",
        evaluation_plan="Evalueringsmøte hver sjette måned med Kari, om målene hennes.",
    )
    _approve_all(seed, plan)


# Kari's, Emma's and the night patient's phase plan: (phase, signs, actions, call at night).
_PHASES: tuple[tuple[Phase, str, str, str], ...] = (
    (
        Phase.GREEN,
        "Jeg sover, går på jobbtrening og svarer på telefonen.",
        "Vanlig oppfølging etter planen. Tor ringer hver uke.",
        "",
    ),
    (
        Phase.YELLOW,
        "Jeg sover dårlig flere netter og avlyser avtaler.",
        "Koordinator kaller inn til møte innen en uke; hjemmebesøk to ganger i uka.",
        "Legevakt 116 117",
    ),
    (
        Phase.RED,
        "Jeg sier at jeg ikke orker mer, eller slutter å svare.",
        "Kontakt DPS akutteam samme dag. Ved fare: ring 113.",
        "AMK 113 · Legevakt 116 117 · Pappa (Per) 400 00 016",
    ),
)
_WISHES = "Ring pappa. Ikke send politi hvis det kan unngås."


def _plan(
    seed: _Seed,
    team: Team,
    coordinator: str,
    *,
    phases: tuple[tuple[Phase, str, str, str], ...] = _PHASES,
    office_hours: str = "Koordinator Cecilie 400 00 001",
    wishes: str = _WISHES,
    **sections: Any,
) -> CarePlanVersion:
    """A draft plan for the team with the written sections and a phase plan."""
    actor = seed.users[coordinator]
    draft, _new = plan_services.plan_draft_open(actor=actor, team=team)
    draft = plan_services.plan_draft_update(
        actor=actor, version=draft, base_version=draft.plan.version, **sections
    )
    lead = team.members.active().get(role=Role.COORDINATOR)
    # The specialist contact is the named contact for evenings and nights in yellow and red.
    night_member = team.members.active().filter(role=Role.SPECIALIST_CONTACT).first()
    for phase, signs, actions, night in phases:
        phase_services.phase_entry_save(
            actor=actor,
            version=draft,
            phase=phase,
            signs=signs,
            actions=actions,
            actor_member=lead,
            night_contact=night_member if phase != Phase.GREEN else None,
            call_office_hours=office_hours,
            call_night=night,
            patient_wishes=wishes if phase == Phase.RED else "",
        )
    draft.refresh_from_db()
    return draft


def _approve_all(
    seed: _Seed,
    version: CarePlanVersion,
    approvers: tuple[str, ...] = ("cecilie", "kari", "leif", "hilde"),
) -> None:
    """The coordinator (the first approver) closes the window for corrections (everyone has
    read the draft), then every required approver approves, so the version comes into force."""
    plan_services.plan_corrections_close(actor=seed.users[approvers[0]], version=version)
    for username in approvers:
        version.refresh_from_db()
        plan_services.plan_approve(
            actor=seed.users[username], version=version, base_version=version.plan.version
        )


def _kari_good_day(seed: _Seed, kari: Patient) -> Challenge:
    """Two versions of Min gode dag, written by Kari (the first together with Cecilie), so
    the history and the diff have something to show. Returns the sleep challenge."""
    kari_user, cecilie = seed.users["kari"], seed.users["cecilie"]
    common: dict[str, Any] = {
        "what_matters": "At noen ringer tilbake når jeg sier fra. Å slippe å fortelle alt på nytt.",
        "own_resources": "Jeg er flink med dyr og liker å gå tur.",
        "network_resources": "Pappa (Per) og støttekontakten Jonny.",
        "life_arena": "Jobbtrening på gartneriet tre dager i uka.",
    }
    careplan_services.good_day_save(
        actor=cecilie,
        patient=kari,
        base_version=0,
        good_day="En god dag er når jeg har sovet og kommer meg på jobbtreningen.",
        challenges=[
            ChallengeInput(text="Jeg sover dårlig og blir urolig om kvelden", ref="sleep"),
            ChallengeInput(text="Jeg glemmer avtaler når det blir mye", ref="appointments"),
        ],
        goals=[
            GoalInput(
                text="Sove minst seks timer de fleste netter",
                ref="sleep-goal",
                challenge="sleep",
                target_date=seed.today + dt.timedelta(days=90),
            ),
            GoalInput(text="Gå tur etter middag tre kvelder i uka", parent="sleep-goal"),
        ],
        written_with="Kari Solstrand",
        co_writers=[cecilie],
        **common,
    )
    sleep = Challenge.objects.get(patient=kari, text__startswith="Jeg sover")
    appointments = Challenge.objects.get(patient=kari, text__startswith="Jeg glemmer")
    careplan_services.good_day_save(
        actor=kari_user,
        patient=kari,
        base_version=1,
        good_day="En god dag er når jeg har sovet, tatt bussen til jobbtreningen og spist "
        "middag med pappa.",
        challenges=[
            ChallengeInput(text=sleep.text, id=sleep.pk),
            ChallengeInput(text=appointments.text, id=appointments.pk),
            ChallengeInput(text="Pengene tar slutt før måneden er omme", ref="money"),
        ],
        goals=[
            *(
                GoalInput(
                    text=goal.text,
                    id=goal.pk,
                    challenge=f"c{goal.challenge_id}" if goal.challenge_id else "",
                    parent=f"g{goal.parent_id}" if goal.parent_id else "",
                    target_date=goal.target_date,
                )
                for goal in kari.goals.filter(retired_at__isnull=True).order_by("pk")
            ),
            GoalInput(
                text="Lage en enkel budsjettplan sammen med NAV",
                challenge="money",
                target_date=seed.today + dt.timedelta(days=60),
            ),
        ],
        co_writers=[cecilie],
        **common,
    )
    return sleep


def _ola(seed: _Seed) -> None:
    """The incomplete team: no intern koordinator at the hospital, so the page must warn."""
    ola = seed.patient("Ola Havbakken", dt.date(1940, 11, 2), user="ola")
    team = seed.team(ola, "hanne", Team.Status.ACTIVE, days_ago=380)
    seed.member(team, Role.COORDINATOR, "hanne")
    seed.member(team, Role.GP, "gunnar")
    seed.member(team, Role.SPECIALIST_CONTACT, "sigrid")
    seed.member(team, Role.NURSE, "astrid")
    seed.external(team, Role.OTHER, "Randi Moe (besøksvenn, frivilligsentralen)", _phone(103))
    # Given almost a year ago: up for review this month (a reminder in Hanne's inbox).
    seed.consent(ola, Consent.Scope.TEAM_SHARING, "hanne", days_ago=350)
    seed.consent(ola, Consent.Scope.RELATIVES, "hanne", days_ago=350)
    # Issue 16, item 18: an elderly patient with a plan in force, approved by Hanne, Ola, the
    # leader of Havbu kommune (Hanne, Gunnar and Astrid work there) and Hilde (Sigrid works
    # at the hospital). He has not consented to crisis sharing: legevakt opens his crisis card
    # with break-glass only.
    plan = _plan(
        seed,
        team,
        "hanne",
        phases=(
            (
                Phase.GREEN,
                "Ola går sin daglige tur, spiser og tar medisinene selv.",
                "Hjemmetjenesten kommer morgen og kveld; fastlegen ser ham hver tredje måned.",
                "",
            ),
            (
                Phase.YELLOW,
                "Ola er forvirret om kvelden, spiser lite eller har falt.",
                "Hjemmetjenesten kommer fire ganger om dagen; fastlegen ser ham innen en uke.",
                "Legevakt 116 117 · Datteren Berit 400 00 399",
            ),
            (
                Phase.RED,
                "Ola er brått mye mer forvirret, har feber eller har falt og slått seg.",
                "Ring legevakt; hjemmetjenesten blir hos ham til hjelpen kommer.",
                "AMK 113 · Legevakt 116 117 · Datteren Berit 400 00 399",
            ),
        ),
        office_hours="Koordinator Hanne 400 00 007 · Fastlege Gunnar 400 00 008",
        wishes="Ring datteren Berit. Helst behandling hjemme hvis det er forsvarlig.",
        communication="Hjemmetjenesten skriver i journalen; Hanne samler teamet hver måned.",
        evaluation_plan="Evaluering hvert halvår sammen med Ola og datteren.",
    )
    _approve_all(seed, plan, ("hanne", "ola", "solveig", "hilde"))
    # Unstable after a fall at home: the team has strengthened the measures (yellow).
    phase_services.phase_change(
        actor=seed.users["hanne"],
        team=team,
        phase=Phase.YELLOW,
        reason="Ola falt hjemme og er mer forvirret om kvelden; hjemmetjenesten kommer oftere.",
    )


def _emma(seed: _Seed) -> None:
    """A 15-year-old: her parents consent on her behalf (pasient- og brukerrettighetsloven
    § 4-3), and her mother, as a relative, may see the plan too."""
    emma = seed.patient(
        "Emma Lid", _years_before(seed.today, 15) - dt.timedelta(days=120), user="emma"
    )
    team = seed.team(emma, "cecilie", Team.Status.ACTIVE, days_ago=60)
    seed.member(team, Role.COORDINATOR, "cecilie")
    seed.member(team, Role.GP, "fredrik")
    seed.member(team, Role.SPECIALIST_CONTACT, "bjorn")
    seed.member(team, Role.INTERNAL_COORDINATOR, "ingrid")
    seed.external(team, Role.TEACHER, "Silje Haugland (kontaktlærer)", _phone(104))
    guardian_note = "Foreldrene samtykket; Emma er hørt og er enig."
    for scope in (Consent.Scope.TEAM_SHARING, Consent.Scope.RELATIVES):
        seed.consent(
            emma,
            scope,
            "cecilie",
            days_ago=55,
            given_by=Consent.GivenBy.GUARDIAN,
            note=guardian_note,
        )
    # Both parents have foreldreansvar, recorded as her representatives; her father has not
    # logged in yet (named by fødselsnummer, linked at his first login). At 16 the daily sweep
    # ends their authority (coordination.referral.turning_16).
    full = {"may_see_team": True, "may_see_goals": True, "may_see_plan": True}
    for username, name, born in (
        ("marte", "", dt.date(1981, 4, 9)),
        (None, "Jon Lid", dt.date(1979, 11, 30)),
    ):
        parent = seed.relative(
            emma,
            username,
            RelativeLink.Relation.PARENT,
            created_by="cecilie",
            born=born,
            name=name,
            may_communicate=True,
            **full,
        )
        seed.representation(
            parent, Representation.Basis.PARENTAL_RESPONSIBILITY, "cecilie", days_ago=55
        )
    # A draft still open for corrections (the fastlege has sent one); then the coordinator,
    # Emma's mother and the leaders approve it.
    draft = _plan(
        seed,
        team,
        "cecilie",
        communication="Kontaktlærer og BUP møtes på skolen hver måned.",
        evaluation_plan="Evaluering før sommerferien, sammen med Emma og mamma.",
    )
    plan_services.plan_correction_add(
        actor=seed.users["fredrik"],
        version=draft,
        text="Legg til at jeg trenger blodprøvesvar før møtet.",
    )


def _jonas(seed: _Seed) -> None:
    """A team being set up: all roles filled, but no consent yet ("samtykke mangler"), so only
    the coordinator sees him. He has no portal login."""
    jonas = seed.patient("Jonas Brekkestø", dt.date(1987, 9, 23))
    team = seed.team(jonas, "hanne", Team.Status.ESTABLISHING, days_ago=5)
    seed.member(team, Role.COORDINATOR, "hanne")
    seed.member(team, Role.GP, "gunnar")
    seed.member(team, Role.SPECIALIST_CONTACT, "kristin")
    seed.member(team, Role.INTERNAL_COORDINATOR, "ingrid")
    seed.external(team, Role.NAV_ADVISER, "Nils Vikane", _phone(105), "havbu_nav")


def _invitations(seed: _Seed) -> None:
    """Leif has invited a vernepleier to Fjordvik hjemmetjeneste: she takes it in use at her
    first HelseID login."""
    _saved(
        StaffInvitation(
            organisation=seed.orgs["fjordvik_hjemme"],
            name="Siv Aune",
            hpr_number="9144551",
            profession=Profession.VERNEPLEIER,
            invited_by=seed.users["leif"],
        )
    )


def _load() -> None:
    seed = _Seed()
    seed.organisations()
    seed.logins()
    for build_team in (_kari, _ola, _emma, _jonas):
        build_team(seed)
    _invitations(seed)
    coordination_demo.load(seed.users, seed.today)
    demo_leaders.load(seed.users, seed.today)  # issue 8: background teams for leaders


def _already_loaded() -> bool:
    # Fjordvik kommune's organisation number marks the demo: it is created with everything else.
    return Organisation.objects.filter(org_number=_org_number(0)).exists()


# Column widths of the login table; the two text columns wrap so it fits a terminal.
_USER_WIDTH = max(len("Brukernavn"), *(len(login.username) for login in LOGINS))
_PASSWORD_WIDTH = max(len("Passord"), len(DEMO_PASSWORD))
_WHO_WIDTH = 44
_SEES_WIDTH = 46
_TABLE_WIDTH = _USER_WIDTH + _PASSWORD_WIDTH + _WHO_WIDTH + _SEES_WIDTH + 6


def _login_rows(username: str, password: str, who: str, sees: str) -> list[str]:
    """One row of the login table, as many lines as its longest wrapped column needs."""
    columns = itertools.zip_longest(
        [username], [password], textwrap.wrap(who, _WHO_WIDTH), textwrap.wrap(sees, _SEES_WIDTH)
    )
    return [
        f"{user or '':<{_USER_WIDTH}}  {pw or '':<{_PASSWORD_WIDTH}}  "
        f"{who_line or '':<{_WHO_WIDTH}}  {sees_line or ''}".rstrip()
        for user, pw, who_line, sees_line in columns
    ]


def _login_table() -> list[str]:
    rule = "-" * _TABLE_WIDTH
    lines = [rule, *_login_rows("Brukernavn", "Passord", "Hvem", "Ser"), rule]
    for login in LOGINS:
        lines += _login_rows(login.username, DEMO_PASSWORD, login.who, login.sees)
    return [*lines, rule]


class Command(BaseCommand):
    help = "Laster fiktive demodata og skriver ut demo-innloggingene."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.LKT_SYNTHETIC_IDS:
            raise CommandError(
                "Demodata bruker syntetiske fødselsnummer: sett LKT_SYNTHETIC_IDS=true."
            )
        if _already_loaded():
            self.stdout.write("Demo data already loaded (demodata finnes allerede).")
        else:
            self._refuse_username_clash()
            with transaction.atomic():
                _load()
            self.stdout.write(self.style.SUCCESS("Demodata lastet inn."))
        self.stdout.write("")
        self.stdout.write(f"Demo-innlogginger (samme passord for alle: {DEMO_PASSWORD}):")
        for line in _login_table():
            self.stdout.write(line)
        self._admin_totp()
        malene = Patient.objects.filter(name=demo_night.NAME).first()
        if malene is not None:
            # Issue 7: the number a legevakt would type; synthetic, and new each day (age 24).
            self.stdout.write(
                f"Kriseplan-demo: logg inn som lars og slå opp {malene.name}, "
                f"fødselsnummer {malene.national_id}."
            )

    def _admin_totp(self) -> None:
        """The admin asks for a TOTP code after the password (lkt.urls): the demo's admin
        gets a device, and its key is printed for an authenticator app."""
        admin = User.objects.filter(username="admin", is_superuser=True).first()
        if admin is None:
            return
        device = admin_totp_enrol(admin)
        self.stdout.write(
            f"Administrasjonen (/admin/) ber om engangskode etter passordet: legg nøkkelen "
            f"{totp_secret(device)} for admin inn i en autentiseringsapp."
        )

    def _refuse_username_clash(self) -> None:
        """A database with someone else's "admin" is not a demo database: say so, not crash."""
        taken = sorted(
            User.objects.filter(username__in=[login.username for login in LOGINS]).values_list(
                "username", flat=True
            )
        )
        if taken:
            raise CommandError(
                "Kan ikke laste demodata: brukernavnene finnes allerede: "
                f"{', '.join(taken)}. Bruk en tom database."
            )
