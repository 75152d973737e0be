""" "Hvem har sett mine opplysninger": the patient's audit trail in plain words (issue 16, item 15).

The audit log has a row for every page a person opened; the patient reads it as Helsenorge shows
journal access: one line per person and day ("Tor Testesen, Fjordvik kommune, 2. desember, kl.
09.12–09.40: leste planen din og så teamet ditt"), with what was done in plain words and the
basis of the access: a member of the team (with the patient's consent to the team), emergency
access (helsepersonelloven § 7), the patient themself, a relative the patient gave access, or a
system (an EPJ reading for the team, or LKT's own daily sweep).

The words come from what the log holds (its action, the kind of object and the reason the
service wrote): a night contact is "registrerte en kontakt med legevakten", an approval of the
plan is "godkjente planen", never the bare "endret opplysningene dine" that alarmed patients.
The basis is read at the time the page is shown (membership of the patient's teams, ever):
who was a member then still was, and the log's own action says when it was break-glass.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, Case, Count, Max, Min, Q, QuerySet, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actors.access import CRISIS_CARD, Action, as_user, authorize
from actors.models import Member, Organisation, Patient, User
from actors.selectors import portal_patient
from actors.staff_eligibility import NIGHT_SERVICE_KINDS
from lkt.core import audit
from lkt.models import AccessLog

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

    from actors.access import AnyUser

# Groups (a person's accesses on one day) per page: a month of a busy team on one phone screen
# is too many; 30 keeps the page short and the rest a tap away.
GROUPS_PER_PAGE = 30

_VIEW, _CHANGE = AccessLog.Action.VIEW, AccessLog.Action.CHANGE
_EXPORT, _BREAK_GLASS = AccessLog.Action.EXPORT, AccessLog.Action.BREAK_GLASS

# What was done, by the kind of object, in the words of a sentence after the person's name.
_PLAN: tuple[str, ...] = (
    "careplans.careplan",
    "careplans.careplanversion",
    "careplans.phaseplanentry",
    "careplans.annualactivity",
    "careplans.planapproval",
)
_GOOD_DAY: tuple[str, ...] = (
    "careplans.goodday",
    "careplans.gooddayversion",
    "careplans.goal",
    "careplans.challenge",
)
_NETWORK: tuple[str, ...] = ("actors.communicationline", "actors.perspective", "actors.scenario")
_TEAM: tuple[str, ...] = ("actors.team", "actors.member", *_NETWORK)
_EVALUATION: tuple[str, ...] = (
    "coordination.planperiod",
    "coordination.evaluation",
    "coordination.goalevaluation",
    "coordination.evaluationcorrection",
)


def _words(kinds: tuple[str, ...], words: StrOrPromise) -> dict[str, StrOrPromise]:
    return dict.fromkeys(kinds, words)


READ_WORDS: dict[str, StrOrPromise] = {
    "actors.patient": _("så opplysninger om deg"),
    **_words(_TEAM, _("så teamet ditt")),
    "actors.consent": _("så samtykkene dine"),
    "actors.relativelink": _("så hvem som er pårørende til deg"),
    "actors.representation": _("så hvem som er foresatt eller verge for deg"),
    **_words(_GOOD_DAY, _("leste Min gode dag")),
    "careplans.gooddayrating": _("så hvordan du har hatt det"),
    **_words(_PLAN, _("leste planen din")),
    CRISIS_CARD: _("åpnet kriseplanen din"),
    "coordination.reports.status_report": _("så statusrapporten om teamet ditt"),
    "coordination.meeting": _("så et møte i teamet ditt"),
    "coordination.nightcontact": _("leste om en kontakt med legevakten"),
    **_words(_EVALUATION, _("så evalueringen av planen")),
    "coordination.observation": _("leste en beskjed om at noe har endret seg"),
    "coordination.task": _("så oppgavene i teamet ditt"),
    "coordination.surveyround": _("så en spørreundersøkelse i teamet ditt"),
    "coordination.needreport": _("leste meldingen om behov for koordinator"),
}
WRITE_WORDS: dict[str, StrOrPromise] = {
    "actors.patient": _("registrerte opplysninger om deg"),
    "actors.team": _("arbeidet med teamet ditt"),
    "actors.member": _("endret hvem som er med i teamet ditt"),
    **_words(_NETWORK, _("arbeidet med samarbeidet i teamet ditt")),
    "actors.consent": _("registrerte et samtykke"),
    "actors.relativelink": _("endret tilgangen til en pårørende"),
    "actors.representation": _("registrerte foresatt eller verge"),
    **_words(_GOOD_DAY, _("skrev i Min gode dag")),
    "careplans.gooddayrating": _("registrerte hvordan du har hatt det"),
    **_words(_PLAN, _("skrev i planen din")),
    "careplans.personalapproval": _("registrerte at du har godkjent planen"),
    "careplans.plancorrection": _("foreslo en rettelse i planen"),
    "coordination.meeting": _("planla et møte eller skrev referat"),
    "coordination.nightcontact": _("registrerte en kontakt med legevakten"),
    **_words(_EVALUATION, _("arbeidet med evalueringen av planen")),
    "coordination.observation": _("skrev en beskjed om at noe har endret seg"),
    "coordination.task": _("arbeidet med oppgavene i teamet ditt"),
    "coordination.surveyround": _("startet en spørreundersøkelse i teamet ditt"),
    "coordination.needreport": _("meldte behov for koordinator"),
}
APPROVED = _("godkjente planen")
LEADER_READ = _("så hvordan planen er bygd opp (ikke helseopplysninger)")
EXPORTED_PLAN = _("lastet ned planen din")
EXPORTED = _("lastet ned opplysninger om deg")
EMERGENCY_CARD = _("åpnet kriseplanen din med nødtilgang")
EMERGENCY = _("brukte nødtilgang til opplysninger om deg")
READ = _("så opplysninger om deg")
WROTE = _("arbeidet med opplysninger om deg")


def _is_approval(reason: str) -> bool:
    # careplans.plan.services._audit_approval: the leader's reason, or "Godkjenning av plan…".
    return reason == audit.LEADER_PLAN_REASON or reason.startswith(
        ("Godkjenning av plan", "Representant")
    )


def what_was_done(action: str, object_type: str, reason: str) -> StrOrPromise:
    """One access in plain words ("registrerte en kontakt med legevakten")."""
    if action == _BREAK_GLASS:
        return EMERGENCY_CARD if object_type == CRISIS_CARD else EMERGENCY
    if action == _EXPORT:
        return EXPORTED_PLAN if object_type in _PLAN else EXPORTED
    if object_type in _PLAN and _is_approval(reason):
        return APPROVED if action == _CHANGE else LEADER_READ
    if action == _CHANGE:
        return WRITE_WORDS.get(object_type, WROTE)
    return READ_WORDS.get(object_type, READ)


class Basis:
    """Why the person could see the patient's data, in the patient's words."""

    SELF = "self"
    EMERGENCY = "emergency"
    TEAM = "team"
    RELATIVE = "relative"
    SYSTEM = "system"
    LKT = "lkt"
    LEADER = "leader"
    CRISIS_CONSENT = "crisis_consent"
    NIGHT_SERVICE = "night_service"
    KOORDINERENDE_ENHET = "ke"
    CASE = "case"

    LABELS: dict[str, StrOrPromise] = {
        SELF: _("Deg selv"),
        EMERGENCY: _("Nødtilgang (helsepersonelloven § 7)"),
        TEAM: _("Med i teamet ditt, med samtykket ditt"),
        RELATIVE: _("Pårørende du har gitt tilgang"),
        SYSTEM: _("Et journalsystem (EPJ) hos en i teamet ditt"),
        LKT: _("LKT selv, automatisk"),
        LEADER: _("Leder som godkjenner planen, uten helseopplysninger"),
        CRISIS_CONSENT: _("Legevakt eller AMK, med samtykket ditt til kriseplanen"),
        NIGHT_SERVICE: _("Legevakt eller AMK som hjalp deg"),
        KOORDINERENDE_ENHET: _("Koordinerende enhet i kommunen"),
        CASE: _("Ansatt som arbeider med saken din"),
    }


@dataclass(frozen=True)
class LogGroup:
    """What one person did with the patient's data on one day, on one basis."""

    day: dt.date
    first: dt.datetime
    last: dt.datetime
    who: str
    organisation: str
    basis: str
    what: list[str]
    times: int
    # What legevakt or AMK wrote when they opened the crisis card (break-glass or consent).
    reasons: list[str]

    @property
    def basis_label(self) -> StrOrPromise:
        return Basis.LABELS[self.basis]

    @property
    def emergency(self) -> bool:
        return self.basis == Basis.EMERGENCY

    @property
    def sentence(self) -> str:
        """ "leste planen din og registrerte en kontakt med legevakten"."""
        if len(self.what) == 1:
            return self.what[0]
        return f"{', '.join(self.what[:-1])} {_('og')} {self.what[-1]}"


def _basis(
    *,
    user: User | None,
    emergency: bool,
    kinds: list[dict[str, Any]],
    patient: Patient,
    viewer: User | None,
    members: set[int],
) -> str:
    if user is None:
        return Basis.LKT
    if user.pk == patient.user_id or (viewer is not None and user.pk == viewer.pk):
        return Basis.SELF
    if emergency:
        return Basis.EMERGENCY
    if user.kind == User.Kind.SYSTEM:
        return Basis.SYSTEM
    if user.kind == User.Kind.RELATIVE:
        return Basis.RELATIVE
    if user.pk in members:
        return Basis.TEAM
    if any(k["reason"] == audit.LEADER_PLAN_REASON for k in kinds):
        return Basis.LEADER
    if all(k["object_type"] == CRISIS_CARD for k in kinds):
        return Basis.CRISIS_CONSENT
    organisation = user.organisation
    if organisation and organisation.kind in NIGHT_SERVICE_KINDS:
        return Basis.NIGHT_SERVICE  # a contact they recorded (coordination.night.services)
    if organisation and organisation.kind == Organisation.Kind.KOORDINERENDE_ENHET:
        return Basis.KOORDINERENDE_ENHET
    return Basis.CASE


def _organisation(user: User | None) -> str:
    if user is None:
        return ""
    if user.kind == User.Kind.RELATIVE:
        return str(_("Pårørende"))
    return str(user.organisation) if user.organisation else ""


def _annotated(entries: QuerySet[AccessLog]) -> QuerySet[Any]:
    """The rows with their Oslo day and whether they were break-glass (typed ``Any``: the
    stubs do not know annotations by name in ``values``)."""
    emergency = Case(
        When(action=_BREAK_GLASS, then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )
    return entries.annotate(
        day=TruncDate("at", tzinfo=timezone.get_current_timezone()), emergency=emergency
    )


def _key(row: dict[str, Any]) -> tuple[int | None, dt.date, bool]:
    return row["user_id"], row["day"], row["emergency"]


def access_log_page(
    user: AnyUser, pk: int, number: Any = 1
) -> tuple[Patient, Page[dict[str, Any]], list[LogGroup]]:
    """Who read or changed the patient's data, a person and a day a line, newest first,
    GROUPS_PER_PAGE lines a page.

    Queries, whatever the number of rows: patient (1), standing (0 for the patient), the count
    of groups (1), the page of groups (1), what each group did (1: the distinct kinds of
    access of the page's people on the page's days), the people with their organisations (1)
    and which of them were members of the patient's teams (1). Seven for a page with lines.

    The patient's own look at their own log is not audited: it reveals nothing to anyone new,
    and a row for every look would bury the entries that matter. Their own earlier reads and
    changes are left out of the list for the same reason (they stay in the log). A parent or
    guardian looking at a child's log is someone else reading, so that is audited, and their
    own accesses are shown as "Deg selv".
    """
    patient, standing = portal_patient(user, pk)
    if not (standing.is_self or standing.acts_for_child):
        raise PermissionDenied
    if not standing.is_self:
        authorize(user, Action.VIEW_IDENTITY, patient, reason="innsyn i tilgangslogg")
    entries = AccessLog.objects.filter(patient=patient)
    if patient.user_id is not None:
        entries = entries.exclude(user_id=patient.user_id)
    groups = (
        _annotated(entries)
        .values("user_id", "day", "emergency")
        .annotate(first=Min("at"), last=Max("at"), times=Count("pk"), newest=Max("pk"))
        # The newest row breaks ties of time (rows written in one request share a second).
        .order_by("-last", "-newest")
    )
    page = Paginator(groups, GROUPS_PER_PAGE).get_page(number)
    rows = list(page.object_list)
    if not rows:
        return patient, page, []
    people = {row["user_id"] for row in rows}
    ids = [person for person in people if person is not None]
    by_group = _kinds_by_group(entries, rows, people, ids)
    users = {u.pk: u for u in User.objects.filter(pk__in=ids).select_related("organisation")}
    members = set(
        Member.objects.filter(team__patient=patient, user_id__in=ids).values_list(
            "user_id", flat=True
        )
    )
    viewer = as_user(user)
    lines = [
        _line(
            row,
            by_group.get(_key(row), []),
            person=users.get(row["user_id"]) if row["user_id"] is not None else None,
            patient=patient,
            viewer=viewer,
            members=members,
        )
        for row in rows
    ]
    return patient, page, lines


def _kinds_by_group(
    entries: QuerySet[AccessLog],
    rows: list[dict[str, Any]],
    people: set[int | None],
    ids: list[int],
) -> dict[tuple[int | None, dt.date, bool], list[dict[str, Any]]]:
    """What each group of the page did: the distinct kinds of access (one query)."""
    of_people = Q(user_id__in=ids) | (Q(user__isnull=True) if None in people else Q(pk__in=[]))
    # The page's days bound the scan to the rows of the index (patient, -at) it needs.
    since = min(row["first"] for row in rows)
    until = max(row["last"] for row in rows)
    kinds = (
        _annotated(entries.filter(of_people, at__gte=since, at__lte=until))
        .values("user_id", "day", "emergency", "action", "object_type", "reason")
        .annotate(first=Min("at"))
        .order_by("first")
    )
    by_group: dict[tuple[int | None, dt.date, bool], list[dict[str, Any]]] = {}
    for kind in kinds:
        by_group.setdefault(_key(kind), []).append(kind)
    return by_group


def _line(
    row: dict[str, Any],
    group_kinds: list[dict[str, Any]],
    *,
    person: User | None,
    patient: Patient,
    viewer: User | None,
    members: set[int],
) -> LogGroup:
    """One person's day in plain words."""
    what: list[str] = []
    for kind in group_kinds:
        words = str(what_was_done(kind["action"], kind["object_type"], kind["reason"]))
        if words not in what:
            what.append(words)
    reasons = [k["reason"] for k in group_kinds if k["object_type"] == CRISIS_CARD and k["reason"]]
    return LogGroup(
        day=row["day"],
        first=timezone.localtime(row["first"]),
        last=timezone.localtime(row["last"]),
        who=str(person) if person is not None else str(_("LKT")),
        organisation=_organisation(person),
        basis=_basis(
            user=person,
            emergency=row["emergency"],
            kinds=group_kinds,
            patient=patient,
            viewer=viewer,
            members=members,
        ),
        what=what or [str(READ)],
        times=row["times"],
        reasons=list(dict.fromkeys(reasons)),
    )
