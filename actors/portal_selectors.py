"""Reads for the patient and relative portal ("Min side"): plain pages, few fixed queries.

Every page starts from ``portal_get``, which decides what the viewer may see through the one
access policy and reads the open team, its active members, the plan version in force with its
phase plan and årshjul, and the consents: a fixed number of queries whatever the team's size.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from actors.models import Consent, Member, Patient, RelativeLink, Role, Team, User
from actors.relative_selectors import patient_relative_links
from careplans.annual import upcoming
from careplans.models import AnnualActivity, CarePlanVersion, Phase, PhasePlanEntry
from careplans.plan_selectors import RoleRow, role_rows
from lkt import audit
from lkt.access import Action, Standing, allows, as_user, authorize, check, require_user
from lkt.models import AccessLog

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

    from lkt.access import AnyUser

ACCESS_LOG_PER_PAGE = 50
# How many of the next årshjul activities the home page shows.
NEXT_ACTIVITIES = 5

# "Hva gjør jeg hvis": the acute phase first, where the night numbers matter most.
PHASE_ORDER = (Phase.RED, Phase.YELLOW, Phase.GREEN)


def portal_patient(user: AnyUser, pk: int) -> tuple[Patient, Standing]:
    """The patient whose portal this is, and the viewer's standing (404 for strangers, 403 for
    staff: the portal is the patient's and their relatives' own view). Not audited."""
    patient = Patient.objects.filter(pk=pk).first()
    if patient is None:
        raise Http404
    standing = check(user, Action.VIEW_IDENTITY, patient)
    viewer = as_user(user)
    if viewer is None or viewer.kind == User.Kind.STAFF:
        raise PermissionDenied
    return patient, standing


def own_patient(user: User) -> Patient:
    """The patient record of a patient user."""
    patient = Patient.objects.filter(user=user).first()
    if patient is None:
        raise Http404
    return patient


# The four mandatory roles in plain words; other roles keep their own (already plain) names.
PLAIN_ROLES: dict[str, StrOrPromise] = {
    Role.COORDINATOR: _("Koordinator – holder oversikten og er den du spør først"),
    Role.GP: _("Fastlege"),
    Role.SPECIALIST_CONTACT: _("Lege eller psykolog på sykehuset eller DPS"),
    Role.INTERNAL_COORDINATOR: _("Kontaktperson på sykehuset eller DPS"),
}
# ASCII digits only: a tel: link with full-width or Arabic-Indic digits dials nothing.
_PHONE = re.compile(r"\+?[0-9][0-9 ]{1,14}[0-9]")


def phone_numbers(text: str) -> list[str]:
    """The phone numbers in a free text ("Legevakt 116 117, AMK 113"), for tel: links."""
    return [n.strip() for n in _PHONE.findall(text) if sum(c.isdigit() for c in n) >= 3]


@dataclass
class TeamRow:
    member: Member
    role: StrOrPromise


@dataclass
class PhaseStep:
    """One phase of "hva gjør jeg hvis", with the numbers to call."""

    phase: str
    label: StrOrPromise
    entry: PhasePlanEntry

    @property
    def night_numbers(self) -> list[str]:
        return phone_numbers(self.entry.call_night)

    @property
    def day_numbers(self) -> list[str]:
        return phone_numbers(self.entry.call_office_hours)


@dataclass
class NextActivity:
    title: str
    when: str
    responsible: str
    mandatory: bool


@dataclass
class PortalPage:
    """What the portal pages show one viewer: only what the policy allows them."""

    patient: Patient
    standing: Standing
    team: Team | None
    members: list[TeamRow] = field(default_factory=list)
    version: CarePlanVersion | None = None
    roles: list[RoleRow] = field(default_factory=list)
    phases: list[PhaseStep] = field(default_factory=list)
    activities: list[NextActivity] = field(default_factory=list)
    consents: list[Consent] = field(default_factory=list)

    @property
    def is_own(self) -> bool:
        return self.standing.is_self

    @property
    def may_see_team(self) -> bool:
        return allows(self.standing, Action.VIEW_TEAM)

    @property
    def may_see_goals(self) -> bool:
        return allows(self.standing, Action.VIEW_GOALS)

    @property
    def may_see_plan(self) -> bool:
        return allows(self.standing, Action.VIEW_PLAN)

    @property
    def shows_personal_id(self) -> bool:
        """The birth date on the plan's PDF: the patient's own, never a relative's copy."""
        return allows(self.standing, Action.VIEW_PERSONAL_ID)

    @property
    def may_manage_consent(self) -> bool:
        return allows(self.standing, Action.RECORD_CONSENT)

    @property
    def may_message(self) -> bool:
        """Messages with the team (issue 19): the patient, a relative allowed to communicate."""
        return allows(self.standing, Action.VIEW_THREADS)

    @property
    def may_see_documents(self) -> bool:
        """The documents marked for the patient: only she herself."""
        return allows(self.standing, Action.VIEW_DOCUMENTS)

    @property
    def sees_anything(self) -> bool:
        return self.may_see_team or self.may_see_goals or self.may_see_plan or self.may_message


def _next_activities(version: CarePlanVersion) -> list[NextActivity]:
    """The next dates of the årshjul, soonest first (no queries: the activities, their
    version and responsible members are prefetched)."""
    return [
        NextActivity(
            title=activity.title,
            when=date_format(day, "j. F Y"),
            responsible=activity.responsible.display_name if activity.responsible else "",
            mandatory=activity.mandatory,
        )
        for day, activity in upcoming(
            version.annual_activities.all(), timezone.localdate(), NEXT_ACTIVITIES
        )
    ]


def portal_get(user: AnyUser, pk: int, action: Action = Action.VIEW_IDENTITY) -> PortalPage:
    """The portal for one patient, as this viewer may see it; ``action`` is what the page needs
    (404 for strangers, 403 for what they may not see here). Audited as the page is read.

    Queries: patient (1), standing (1 for a relative, 0 for the patient), audit (1), open team
    (1), active members with user and organisation (1), the version in force (1), its phase plan
    (1) and årshjul with the responsible member's user (1), consents (1): nine at most.
    """
    patient, standing = portal_patient(user, pk)
    if not allows(standing, action):
        # A relative who may not see this page learns nothing about it: 404, as for strangers.
        raise Http404
    # The standing is decided above by the policy (``check``); the audit row is written here
    # rather than through ``authorize``, which would read the relative's standing a second time.
    audit.record(user=require_user(user), patient=patient, action=audit.VIEW, obj=patient)
    team = (
        Team.objects.filter(patient=patient)
        .exclude(status=Team.Status.CLOSED)
        .order_by("-established_on")
        .first()
    )
    page = PortalPage(patient=patient, standing=standing, team=team)
    if page.may_manage_consent or standing.is_self:
        page.consents = list(patient.consents.select_related("recorded_by").order_by("-given_at"))
    if team is None:
        return page
    if page.may_see_team:
        members = (
            Member.objects.filter(team=team, left_on__isnull=True)
            .select_related("user", "organisation")
            .order_by("role", "joined_on")
        )
        # The coordinator first: the one to ask first.
        ordered = sorted(
            members,
            key=lambda m: (
                list(PLAIN_ROLES).index(m.role) if m.role in PLAIN_ROLES else len(PLAIN_ROLES)
            ),
        )
        page.members = [TeamRow(m, PLAIN_ROLES.get(m.role, m.get_role_display())) for m in ordered]
    if page.may_see_plan:
        page.version = (
            CarePlanVersion.objects.filter(plan__team=team, status=CarePlanVersion.Status.IN_FORCE)
            # The patient's own approval given in person, shown with the plan (a join).
            .select_related("personal_approval__witness_member__user")
            .prefetch_related(
                Prefetch(
                    "phase_entries",
                    queryset=PhasePlanEntry.objects.select_related("actor__user"),
                ),
                Prefetch(
                    "annual_activities",
                    queryset=AnnualActivity.objects.select_related("responsible__user").order_by(
                        "pk"
                    ),
                ),
            )
            .first()
        )
        if page.version is not None:
            entries = {e.phase: e for e in page.version.phase_entries.all()}
            page.phases = [
                PhaseStep(phase=p.value, label=p.label, entry=entries[p.value])
                for p in PHASE_ORDER
                if p.value in entries
            ]
            page.activities = _next_activities(page.version)
            page.roles = role_rows(page.version)
    return page


# The audit log in plain words: what was done, and to what.
ACTION_WORDS: dict[str, StrOrPromise] = {
    AccessLog.Action.VIEW: _("leste"),
    AccessLog.Action.CHANGE: _("endret"),
    AccessLog.Action.EXPORT: _("eksporterte"),
    AccessLog.Action.BREAK_GLASS: _("nødtilgang"),
}
OBJECT_WORDS: dict[str, StrOrPromise] = {
    "actors.patient": _("opplysninger om deg"),
    "actors.team": _("teamet ditt"),
    "actors.member": _("teamet ditt"),
    "actors.consent": _("samtykkene dine"),
    "actors.relativelink": _("pårørende-tilgangene dine"),
    "actors.communicationline": _("teamets samarbeid"),
    "actors.perspective": _("teamets syn på utfordringene dine"),
    "actors.scenario": _("planer for endringer"),
    "careplans.goodday": _("Min gode dag"),
    "careplans.gooddayversion": _("Min gode dag"),
    "careplans.careplan": _("planen din"),
    "careplans.careplanversion": _("planen din"),
    "crisis_card": _("kriseplanen din"),
    "coordination.status_report": _("statusrapporten om teamet ditt"),
}


@dataclass(frozen=True)
class LogRow:
    at: dt.datetime
    who: str
    organisation: str
    what: str
    emergency: bool
    # Why they looked: shown for crisis card access (the reason legevakt/AMK wrote).
    reason: str = ""


def _log_row(entry: AccessLog) -> LogRow:
    user = entry.user
    if user is None:
        who, organisation = str(_("Ukjent")), ""
    else:
        who = str(user)
        if user.kind == User.Kind.RELATIVE:
            organisation = str(_("Pårørende"))
        else:
            organisation = str(user.organisation) if user.organisation else ""
    verb = ACTION_WORDS.get(entry.action, entry.action)
    thing = OBJECT_WORDS.get(entry.object_type, _("opplysningene dine"))
    return LogRow(
        at=timezone.localtime(entry.at),
        who=who,
        organisation=organisation,
        what=f"{verb} {thing}",
        emergency=entry.action == AccessLog.Action.BREAK_GLASS,
        reason=entry.reason if entry.object_type == "crisis_card" else "",
    )


def access_log_page(
    user: AnyUser, pk: int, number: Any = 1
) -> tuple[Patient, Page[AccessLog], list[LogRow]]:
    """ "Hvem har sett mine opplysninger": who read or changed the patient's data, newest first,
    50 a page. Queries: patient (1), standing (0 for the patient), count (1), page with user and
    organisation (1) — constant in the number of rows.

    The patient's own look at their own log is not audited: it reveals nothing to anyone new,
    and a row for every look would bury the entries that matter. Their own earlier reads and
    changes are left out of the list for the same reason (they stay in the log). A parent or
    guardian looking at a child's log is someone else reading, so that is audited.
    """
    patient, standing = portal_patient(user, pk)
    if not (standing.is_self or standing.acts_for_child):
        raise PermissionDenied
    if not standing.is_self:
        authorize(user, Action.VIEW_IDENTITY, patient, reason="innsyn i tilgangslogg")
    entries = (
        AccessLog.objects.filter(patient=patient)
        .select_related("user__organisation")
        .order_by("-at", "-pk")
    )
    if patient.user_id is not None:
        entries = entries.exclude(user_id=patient.user_id)
    page = Paginator(entries, ACCESS_LOG_PER_PAGE).get_page(number)
    return patient, page, [_log_row(entry) for entry in page.object_list]


def relative_links_for_patient(user: AnyUser, pk: int) -> tuple[Patient, list[RelativeLink]]:
    """The patient's relatives and what each may see, for the patient to change (audited).
    Queries: patient, standing, audit row, the links with their users, their open
    representations."""
    patient, standing = portal_patient(user, pk)
    authorize(user, Action.MANAGE_RELATIVES, patient)
    return patient, patient_relative_links(patient)
