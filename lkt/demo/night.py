"""Issue 7 in the demo: Malene Fjord, 24, whose nights the daytime team used not to know about.

Everything here is invented (the fødselsnummer is synthetic, month + 80). Malene has an active
team led by Cecilie, a plan in force with a full crisis plan (gul and rød with the named night
contact, whom to call at night, and what Malene asks for in a crisis), and she has consented to
legevakt and AMK seeing it. Over the last year she had eight contacts with legevakt, AMK and the
police, one of which ended in an admission; two were in the last week, so the default rule
proposes gul and the proposal waits for Cecilie. Then this morning's night digest runs, as
Celery beat runs it at 07:30, so Cecilie's inbox shows "Nattens kontakter".

No break-glass in the data: Malene and Kari have consented to crisis sharing; Ola has a crisis
plan in force without that consent (seed_demo), so a demo user at the legevakt opens his card
with break-glass only, and Jonas has no plan.

Called by ``lkt.demo.teams.load`` inside ``seed_demo``'s transaction. Contacts are recorded
through ``night_contact_record`` as Lars at the legevakt would; the rule proposals for the
contacts of months ago are answered by Cecilie then, and moved back to their time (demo history).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from actors.models import Consent, Member, NetworkLevel, Patient, Role, Team, User
from actors.services import consent_review_date
from actors.validators import synthetic_national_id
from careplans.models import CarePlanVersion, Phase
from careplans.phase import services as phase_services
from careplans.plan import services as plan_services
from coordination.models import (
    Delivery,
    Mandate,
    NightContact,
    NightService,
    Notification,
    Observation,
)
from coordination.night import digest as night_digest
from coordination.night.digest import night_digest_send
from coordination.night.services import night_contact_record
from coordination.observations import services as observation_services

Outcome = NightContact.Outcome
NAME = "Malene Fjord"
# Synthetic ids are the n-th valid one for the birth date; the other demo patients use 1-4.
SERIAL = 24

# (days ago, hour, service, outcome, suicide risk, reason). The last two are within a week.
HISTORY: tuple[tuple[int, int, str, str, bool, str], ...] = (
    (330, 23, NightService.LEGEVAKT, Outcome.SENT_HOME, False, "Panikkangst, fikk samtale."),
    (290, 2, NightService.POLICE, Outcome.TRANSFERRED, False, "Uro i sentrum, kjørt til legevakt."),
    (240, 1, NightService.AMK, Outcome.SENT_HOME, False, "Ringte 113, redd og alene."),
    (
        160,
        3,
        NightService.LEGEVAKT,
        Outcome.ADMITTED,
        False,
        "Ikke sovet på fire døgn, innlagt DPS.",
    ),
    (95, 22, NightService.LEGEVAKT, Outcome.SENT_HOME, False, "Selvskading, sår behandlet."),
    (40, 0, NightService.AMK, Outcome.TRANSFERRED, False, "Ringte 113, sendt til legevakt."),
    (4, 2, NightService.AMK, Outcome.SENT_HOME, False, "Ringte 113, roet seg i samtale."),
)
# The last one happened yesterday evening, inside this morning's digest window.
LAST_NIGHT = (NightService.LEGEVAKT, Outcome.SENT_HOME, False, "Uro og søvnløshet, ville prate.")


def _saved(obj: Any) -> Any:
    obj.full_clean()
    obj.save()
    return obj


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _member(team: Team, user: User, role: Role) -> Member:
    organisation = user.organisation
    return _saved(
        Member(
            team=team,
            user=user,
            organisation=organisation,
            level=organisation.level if organisation else NetworkLevel.ANNEN,
            role=role,
            joined_on=team.established_on,
        )
    )


def _consent(patient: Patient, scope: Consent.Scope, by: User, given: dt.datetime) -> None:
    _saved(
        Consent(
            patient=patient,
            scope=scope,
            method=Consent.Method.WRITTEN,
            given_by=Consent.GivenBy.PATIENT,
            given_at=given,
            recorded_by=by,
            renew_on=consent_review_date(timezone.localdate(given)),
        )
    )


def _team(users: dict[str, User], today: dt.date) -> tuple[Team, dict[str, Member]]:
    birth = _years_before(today, 24) - dt.timedelta(days=100)
    malene = _saved(
        Patient(
            name=NAME,
            national_id=synthetic_national_id(birth, SERIAL),
            birth_date=birth,
            user=users["malene"],
        )
    )
    established = today - dt.timedelta(days=400)
    team = _saved(
        Team(
            patient=malene,
            status=Team.Status.ACTIVE,
            established_on=established,
            activated_on=established + dt.timedelta(days=14),
            created_by=users["cecilie"],
        )
    )
    members = {
        "cecilie": _member(team, users["cecilie"], Role.COORDINATOR),
        "fredrik": _member(team, users["fredrik"], Role.GP),
        "kristin": _member(team, users["kristin"], Role.SPECIALIST_CONTACT),
        "ingrid": _member(team, users["ingrid"], Role.INTERNAL_COORDINATOR),
    }
    given = timezone.now() - dt.timedelta(days=380)
    for scope in (Consent.Scope.TEAM_SHARING, Consent.Scope.CRISIS_PLAN):
        _consent(malene, scope, users["cecilie"], given)
    # The deputy gets the night digest too, for the days Cecilie is away.
    _saved(
        Mandate(
            team=team,
            task_description="Lede aktørfellesskapet rundt Malene og holde planen oppdatert.",
            authority="Kalle inn til møter og fordele tiltak i teamet.",
            hours_per_month=10,
            deputy=members["fredrik"],
            updated_by=users["cecilie"],
        )
    )
    return team, members


def _plan(team: Team, members: dict[str, Member], users: dict[str, User]) -> CarePlanVersion:
    """A plan in force with the crisis plan the legevakt reads at night."""
    cecilie = users["cecilie"]
    draft, _new = plan_services.plan_draft_open(actor=cecilie, team=team)
    draft = plan_services.plan_draft_update(
        actor=cecilie,
        version=draft,
        base_version=draft.plan.version,
        communication="Legevakt og AMK ser kriseplanen; koordinator leser nattens kontakter "
        "hver morgen og ringer Malene samme dag.",
        preparedness="Ved innleggelse: DPS varsler koordinator, og teamet møtes innen en uke.",
        evaluation_plan="Evaluering hver tredje måned med Malene, om nettene og målene hennes.",
    )
    kristin = members["kristin"]
    for phase, signs, actions, night, wishes in (
        (
            Phase.GREEN,
            "Jeg sover, går på skolen og svarer på meldinger.",
            "Vanlig oppfølging. Kristin har samtale hver andre uke.",
            "",
            "",
        ),
        (
            Phase.YELLOW,
            "Jeg sover lite, ringer 113 om natta og avlyser avtaler.",
            "Kristin ringer Malene neste dag; koordinator kaller inn til møte innen en uke.",
            "Legevakt 116 117 · Kristin (kontaktpsykolog) 400 00 004",
            "Ring meg heller enn å sende brev. Snakk rolig.",
        ),
        (
            Phase.RED,
            "Jeg sier at jeg ikke orker mer, skader meg eller svarer ikke.",
            "Legevakten vurderer selvmordsfare og ringer DPS akutteam; ved fare ring 113. "
            "Ikke send Malene hjem alene.",
            "AMK 113 · Legevakt 116 117 · DPS akutteam 400 00 099 · Mamma (Anne) 400 00 120",
            "Ring mamma. Ikke politi hvis det kan unngås. Jeg vil heller på DPS enn i "
            "akuttmottaket.",
        ),
    ):
        phase_services.phase_entry_save(
            actor=cecilie,
            version=draft,
            phase=phase,
            signs=signs,
            actions=actions,
            actor_member=kristin,
            night_contact=kristin if phase != Phase.GREEN else None,
            call_office_hours="Koordinator Cecilie 400 00 001",
            call_night=night,
            patient_wishes=wishes,
        )
    draft.refresh_from_db()
    plan_services.plan_corrections_close(actor=cecilie, version=draft)
    for username in ("cecilie", "malene", "leif", "hilde"):
        draft.refresh_from_db()
        plan_services.plan_approve(
            actor=users[username], version=draft, base_version=draft.plan.version
        )
    draft.refresh_from_db()
    return draft


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _answer_old_proposals(team: Team, cecilie: User, recent: dt.datetime) -> None:
    """Proposals from contacts before this week were answered by Cecilie at the time: noted,
    with their notifications gone (they are history, not today's news)."""
    old = Observation.objects.filter(
        team=team, status=Observation.Status.OPEN, night_contact__occurred_at__lt=recent
    ).select_related("night_contact")
    for observation in old:
        observation_services.observation_decide(
            actor=cecilie,
            observation=observation,
            decision=observation_services.Decision.NOTE,
            note="Fulgt opp i teamet samme uke.",
        )
        assert observation.night_contact is not None  # noqa: S101 - filtered on it
        occurred = observation.night_contact.occurred_at
        Observation.objects.filter(pk=observation.pk).update(
            created_at=occurred, decided_at=occurred + dt.timedelta(hours=8)
        )
        notifications = Notification.objects.filter(
            team=team, occurrence=f"observation:{observation.pk}"
        )
        Delivery.objects.filter(notification__in=notifications).delete()
        notifications.delete()


def _told_on_their_mornings(team: Team) -> None:
    """The history reached the coordinator in the digest of each contact's own morning (the
    demo writes it afterwards, so the digest would otherwise take it as registered late)."""
    for contact in NightContact.objects.filter(patient=team.patient, digested_at__isnull=True):
        morning = night_digest.contact_morning(contact.occurred_at)
        taken = (
            night_digest.night_window(morning)[1] if morning is not None else contact.occurred_at
        )
        NightContact.objects.filter(pk=contact.pk).update(digested_at=taken)


def _history(team: Team, users: dict[str, User], today: dt.date) -> None:
    lars, cecilie = users["lars"], users["cecilie"]
    recent = _at(today - dt.timedelta(days=7), 0)
    for days_ago, hour, service, outcome, suicide_risk, reason in HISTORY:
        night_contact_record(
            actor=lars,
            patient=team.patient,
            service=service,
            occurred_at=_at(today - dt.timedelta(days=days_ago), hour, 10),
            reason=reason,
            outcome=outcome,
            suicide_risk=suicide_risk,
        )
        _answer_old_proposals(team, cecilie, recent)
    _told_on_their_mornings(team)
    service, outcome, suicide_risk, reason = LAST_NIGHT
    # 22:40 yesterday: in this morning's window (after 15:30) whenever the demo is loaded.
    night_contact_record(
        actor=lars,
        patient=team.patient,
        service=service,
        occurred_at=_at(today - dt.timedelta(days=1), 22, 40),
        reason=reason,
        outcome=outcome,
        suicide_risk=suicide_risk,
    )


def load(users: dict[str, User], today: dt.date) -> None:
    team, members = _team(users, today)
    _plan(team, members, users)
    _history(team, users, today)
    # This morning's run of the beat schedule's night digest (07:30).
    night_digest_send(today)
