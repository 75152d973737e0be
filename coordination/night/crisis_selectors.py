"""Reads for the crisis card (kriseplan til legevakt og AMK).

The card is for the night: one page, one request, and two small queries whatever the size of the
team or the plan. It shows the rød and gul phases of the plan version the team works by (the
version in force, else the newest draft: ``careplans.phase.selectors.shown_versions``), whom to
call now, what the patient asked for in a crisis and the coordinator for the morning; nothing
else of the plan (no Min gode dag, goals, members or minutes), so nothing else is read. Under a night user's link the first statement also reads what
the crisis rule needs at this request (``crisis_card_for_grant``): the link names the logged
opening, never the decision, so a withdrawn consent counts at the next request at no extra query.

Why hand-written SQL: issue 7 asks that the card answer within 2× the time of the plain login
page (scripts/bench/crisis.py). Built with the ORM, most of the time went to compiling the
queries and to building full User rows for two names and phone numbers; two statements that
select only the columns shown take a fraction of that. The members are a second statement, not
more joins: with them PostgreSQL spent longer planning the statement than running it. The tests
pin the result against the ORM's rules (tests/coordination/test_crisis_*.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.db.models import Exists, Model, OuterRef

from actors.access import (
    CRISIS_CARD,
    CrisisAccess,
    CrisisStanding,
    crisis_granted,
    crisis_standing,
)
from actors.models import Consent, Member, Organisation, Patient, Role, Team, User
from careplans.models import CarePlan, CarePlanVersion, Phase, PhaseChange, PhasePlanEntry
from careplans.phase.selectors import PHASE_COLOURS
from lkt.core import phones
from lkt.core.keyed_plans import keyed_plans
from lkt.models import AccessLog

# The acute phase first: on the card what to do now comes before what to watch for.
CARD_PHASES = [Phase.RED, Phase.YELLOW]


def crisis_patient_find(national_id: str) -> Patient | None:
    """The patient with this fødselsnummer who has an open team, else None (one query). The
    caller says the same thing for "no such person" and "no team": no enumeration."""
    open_team = Team.objects.open().filter(patient=OuterRef("pk"))
    return Patient.objects.filter(Exists(open_team), national_id=national_id).first()


@dataclass(frozen=True)
class Contact:
    name: str
    role: str
    phone: str

    @property
    def tel(self) -> str:
        """The ``tel:`` address, or "" when the stored text is no valid number."""
        return phones.tel_uri(self.phone)

    @property
    def shown(self) -> str:
        """The number as people read it ("400 00 007", a foreign one with its country code)."""
        return phones.display(self.phone)


@dataclass(frozen=True)
class CardEntry:
    phase: str
    signs: str
    actions: str
    actor: Contact | None
    night_contact: Contact | None
    call_night: str
    patient_wishes: str

    @property
    def label(self) -> str:
        return str(Phase(self.phase).label)

    @property
    def colour(self) -> str:
        return PHASE_COLOURS[Phase(self.phase)]


@dataclass
class CrisisCard:
    team_pk: int
    patient_name: str
    birth_date: dt.date
    phase: str
    version_status: str  # "" when the team has no plan yet
    entries: list[CardEntry] = field(default_factory=list)
    coordinator: Contact | None = None

    @property
    def phase_label(self) -> str:
        return str(Phase(self.phase).label)

    @property
    def phase_colour(self) -> str:
        return PHASE_COLOURS[Phase(self.phase)]

    @property
    def is_draft(self) -> bool:
        return self.version_status == CarePlanVersion.Status.DRAFT

    @cached_property
    def call_first(self) -> Contact | None:
        """The team's single point of contact at night: the rød phase's named night contact,
        else the coordinator."""
        red = next((e for e in self.entries if e.phase == Phase.RED), None)
        if red is not None and red.night_contact is not None:
            return red.night_contact
        return self.coordinator

    @cached_property
    def patient_wishes(self) -> list[CardEntry]:
        return [e for e in self.entries if e.patient_wishes]


def _t(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


# Table names come from the models, never from input; values are parameters.
# The team, its patient, its current phase and the version shown, with that version's rød and
# gul entries: one row per entry, or one row with no entry when there are none.
_HEAD_COLUMNS = f"""
SELECT t.id, p.name, p.birth_date,
    (SELECT pc.phase FROM {_t(PhaseChange)} pc WHERE pc.team_id = t.id
        ORDER BY pc.changed_at DESC, pc.id DESC LIMIT 1),
    v.status, e.phase, e.signs, e.actions, e.call_night, e.patient_wishes, e.actor_id,
    e.night_contact_id"""  # noqa: S608
_HEAD_FROM = f"""
FROM {_t(Team)} t JOIN {_t(Patient)} p ON p.id = t.patient_id
LEFT JOIN {_t(CarePlanVersion)} v ON v.id = (
    SELECT sv.id FROM {_t(CarePlanVersion)} sv JOIN {_t(CarePlan)} cp ON cp.id = sv.plan_id
    WHERE cp.team_id = t.id AND sv.status IN (%(in_force)s, %(draft)s)
    ORDER BY sv.status = %(in_force)s DESC, sv.number DESC LIMIT 1)
LEFT JOIN {_t(PhasePlanEntry)} e ON e.version_id = v.id AND e.phase IN (%(red)s, %(yellow)s)
"""  # noqa: S608
_HEAD_SQL = _HEAD_COLUMNS + _HEAD_FROM + "WHERE t.status <> %(closed)s AND "
# The night card adds, in the same statement, what the crisis rule reads now (actors.access
# ``crisis_standing``, the same rule as ``crisis_team``'s ORM): the audit row of the access that
# was granted (its action: a view by consent or break-glass) and, at this request, the user's
# membership of an open team around the patient, the standing team and crisis consents and the
# kind of the user's organisation. So a withdrawn consent, a closed team or a user who left the
# legevakt counts at once, and the card still costs two statements.
_STANDING_COLUMNS = f""",
    g.action, t.patient_id,
    EXISTS(SELECT 1 FROM {_t(Member)} m JOIN {_t(Team)} mt ON mt.id = m.team_id
        WHERE mt.patient_id = t.patient_id AND mt.status IN (%(establishing)s, %(active)s)
        AND m.user_id = %(user)s AND m.left_on IS NULL),
    EXISTS(SELECT 1 FROM {_t(Consent)} c WHERE c.patient_id = t.patient_id
        AND c.scope = %(team_sharing)s AND c.withdrawn_at IS NULL),
    EXISTS(SELECT 1 FROM {_t(Consent)} c WHERE c.patient_id = t.patient_id
        AND c.scope = %(crisis_plan)s AND c.withdrawn_at IS NULL),
    (SELECT o.kind FROM {_t(Organisation)} o WHERE o.id = %(organisation)s)"""  # noqa: S608
_BY_GRANT = f"""JOIN {_t(AccessLog)} g ON g.patient_id = t.patient_id
WHERE t.status <> %(closed)s AND g.id = %(grant)s AND g.user_id = %(user)s
    AND g.object_type = %(crisis_card)s AND g.at BETWEEN %(granted_from)s AND %(granted_to)s
"""  # noqa: S608
_NIGHT_HEAD_SQL = _HEAD_COLUMNS + _STANDING_COLUMNS + _HEAD_FROM + _BY_GRANT
_BY_TEAM = "t.id = %(team)s"
_BY_PATIENT = "t.patient_id = %(patient)s"
# The members named on the card (actors, night contacts) and the coordinator, with only the
# columns of ``Member.display_name`` and ``Member.contact_phone``.
_MEMBERS_SQL = f"""
SELECT m.id, m.role, m.user_id, m.external_name, m.external_phone,
    u.first_name, u.last_name, u.username, u.phone, m.joined_on,
    (m.team_id = %(team)s AND m.role = %(coordinator)s AND m.left_on IS NULL)
FROM {_t(Member)} m LEFT JOIN {_t(User)} u ON u.id = m.user_id
WHERE m.id IN (%(named0)s, %(named1)s, %(named2)s, %(named3)s)
    OR (m.team_id = %(team)s AND m.role = %(coordinator)s AND m.left_on IS NULL)
"""  # noqa: S608


def _contact_row(row: tuple[Any, ...]) -> Contact:
    _pk, role, user_id, external_name, external_phone, first, last, username, phone = row[:9]
    if user_id is None:
        name, number = external_name, external_phone
    else:
        name, number = (f"{first} {last}".strip() or username), phone
    return Contact(name=name, role=str(Role(role).label), phone=number or "")


def _params(**extra: Any) -> dict[str, Any]:
    return {
        "closed": Team.Status.CLOSED.value,
        "in_force": CarePlanVersion.Status.IN_FORCE.value,
        "draft": CarePlanVersion.Status.DRAFT.value,
        "coordinator": Role.COORDINATOR.value,
        "red": Phase.RED.value,
        "yellow": Phase.YELLOW.value,
        **extra,
    }


def _card(cursor: CursorWrapper, rows: list[tuple[Any, ...]], params: dict[str, Any]) -> CrisisCard:
    """The card from the head's rows (the second statement reads the members they name)."""
    head = rows[0]
    params["team"] = head[0]
    entries = [row[5:12] for row in rows if row[5] is not None]
    named = sorted({pk for row in entries for pk in (row[5], row[6]) if pk is not None})
    # At most four (who acts and the night contact, in rød and gul): fixed placeholders,
    # padded with 0 (no member has it), work on SQLite (the demo) as on PostgreSQL.
    padded = {f"named{i}": pk for i, pk in enumerate((named + [0, 0, 0, 0])[:4])}
    cursor.execute(_MEMBERS_SQL, {**params, **padded})
    members = cursor.fetchall()
    by_pk = {row[0]: _contact_row(row) for row in members}
    coordinators = sorted((row for row in members if row[10]), key=lambda row: (row[9], row[0]))
    by_phase = {
        row[0]: CardEntry(
            phase=row[0],
            signs=row[1],
            actions=row[2],
            call_night=row[3],
            patient_wishes=row[4],
            actor=by_pk.get(row[5]) if row[5] is not None else None,
            night_contact=by_pk.get(row[6]) if row[6] is not None else None,
        )
        for row in entries
    }
    return CrisisCard(
        team_pk=head[0],
        patient_name=head[1],
        # SQLite (the demo) returns dates from raw SQL as text.
        birth_date=dt.date.fromisoformat(head[2]) if isinstance(head[2], str) else head[2],
        phase=head[3] or Phase.GREEN.value,
        version_status=head[4] or "",
        entries=[by_phase[p.value] for p in CARD_PHASES if p.value in by_phase],
        coordinator=by_pk[coordinators[0][0]] if coordinators else None,
    )


def crisis_card_get(
    *, team_pk: int | None = None, patient_pk: int | None = None
) -> CrisisCard | None:
    """The card of an open team (by its pk or its patient's), or None. Two small statements
    whatever the size of the team or the plan: 1 team, patient, current phase and the version
    shown with its rød and gul entries, 2 the members they name and the coordinator (see the
    module's docstring for why by hand). Access is decided before this is called."""
    params = _params(team=team_pk, patient=patient_pk)
    with keyed_plans() as cursor:
        cursor.execute(_HEAD_SQL + (_BY_TEAM if team_pk is not None else _BY_PATIENT), params)
        rows = cursor.fetchall()
        return _card(cursor, rows, params) if rows else None


@dataclass(frozen=True)
class NightCard:
    """The card under a night user's grant, with what the access policy needs to decide,
    at this request, whether the grant still holds."""

    card: CrisisCard
    patient_pk: int
    granted: CrisisAccess  # how it was opened: by the patient's consent, or break-glass
    standing: CrisisStanding  # the user's crisis standing now


def crisis_card_for_grant(
    user: User, grant_pk: int, granted_within: tuple[dt.datetime, dt.datetime]
) -> NightCard | None:
    """The card of the patient of ``grant_pk`` (the user's own audit row of a crisis card
    access, ``actors.access.record_crisis_access``, written within ``granted_within``) and the
    user's crisis standing read now, in the card's two statements; None when the row is not the
    user's or the team is closed. The caller asks the policy whether the grant holds
    (``actors.access.crisis_grant_holds``). The time bounds let PostgreSQL plan the access
    log's one or two monthly partitions instead of every one, and the statement is planned
    afresh each time (``plan_cache_mode``): that planning was most of its cost."""
    params = _params(
        granted_from=granted_within[0],
        granted_to=granted_within[1],
        grant=grant_pk,
        user=user.pk,
        organisation=user.organisation_id,
        crisis_card=CRISIS_CARD,
        establishing=Team.Status.ESTABLISHING.value,
        active=Team.Status.ACTIVE.value,
        team_sharing=Consent.Scope.TEAM_SHARING.value,
        crisis_plan=Consent.Scope.CRISIS_PLAN.value,
    )
    with keyed_plans() as cursor:
        cursor.execute(_NIGHT_HEAD_SQL, params)
        rows = cursor.fetchall()
        if not rows:
            return None
        action, patient_pk, is_member, team_consent, crisis_consent, kind = rows[0][12:18]
        return NightCard(
            card=_card(cursor, rows, params),
            patient_pk=patient_pk,
            granted=crisis_granted(action),
            standing=crisis_standing(
                user,
                is_member=bool(is_member),
                team_consent=bool(team_consent),
                crisis_consent=bool(crisis_consent),
                organisation_kind=kind,
            ),
        )
