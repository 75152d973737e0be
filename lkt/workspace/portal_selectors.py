"""Reads for the patient and relative portal ("Min side"): plain pages, few fixed queries.

Every page starts from ``portal_get``, which decides what the viewer may see through the one
access policy and reads the open team, its active members, the plan version in force with its
phase plan and årshjul, and the consents: a fixed number of queries whatever the team's size.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from actors.access import (
    Action,
    Standing,
    allows,
    reads_document,
    require_user,
)
from actors.models import Consent, Member, Patient, Role, Team
from actors.selectors import portal_patient
from careplans.annual.rules import upcoming_shown
from careplans.models import AnnualActivity, CarePlanVersion, Phase, PhasePlanEntry
from careplans.plan.selectors import role_rows
from coordination.meetings.selectors import MeetingsFor, MeetingsSeen
from lkt.core import audit, phones

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

    from actors.access import AnyUser

# How many of the next årshjul activities the home page shows.
NEXT_ACTIVITIES = 5

# "Hva gjør jeg hvis": the acute phase first, where the night numbers matter most.
PHASE_ORDER = (Phase.RED, Phase.YELLOW, Phase.GREEN)


# Every role in plain words, capitalised, as a 70-year-old reads them on Min side and in
# "Planen min" (issue 16, item 13): what the person does rather than the service's own title.
PLAIN_ROLES: dict[str, StrOrPromise] = {
    Role.COORDINATOR: _("Koordinator – holder oversikten og er den du spør først"),
    Role.GP: _("Fastlege"),
    Role.SPECIALIST_CONTACT: _("Lege eller psykolog på sykehuset eller DPS"),
    Role.INTERNAL_COORDINATOR: _("Kontaktperson på sykehuset eller DPS"),
    Role.NURSE: _("Sykepleier"),
    Role.PSYCHIATRIC_NURSE: _("Sykepleier for psykisk helse"),
    Role.OCCUPATIONAL_THERAPIST: _("Ergoterapeut – hjelper deg med hverdagen og hjelpemidler"),
    Role.PHYSIOTHERAPIST: _("Fysioterapeut – hjelper deg med å bevege deg"),
    Role.SPEECH_THERAPIST: _("Logoped – hjelper deg med å snakke og forstå"),
    Role.PSYCHOLOGIST: _("Psykolog"),
    Role.MILIEU_THERAPIST: _("Miljøterapeut – støtter deg i hverdagen"),
    Role.SOCIAL_WORKER: _("Sosionom – hjelper deg med penger, bolig og rettigheter"),
    Role.PHARMACIST: _("Farmasøyt – hjelper deg med medisinene"),
    Role.NAV_ADVISER: _("Kontaktperson i NAV"),
    Role.TEACHER: _("Lærer"),
    Role.CHILD_WELFARE: _("Kontaktperson i barnevernet"),
    Role.HOUSING: _("Kontaktperson for bolig"),
    Role.POLICE: _("Kontaktperson i politiet"),
    Role.DENTAL: _("Tannlege eller tannpleier"),
    Role.RELATIVE_CONTACT: _("Kontaktperson for pårørende"),
    Role.FAMILY: _("Familie"),
    Role.FRIEND: _("Venn"),
    Role.NEIGHBOUR: _("Nabo"),
    Role.OTHER: _("Annen rolle"),
}
# The coordinator first on Min side (the one to ask first), then the other mandatory roles.
ROLE_ORDER: tuple[str, ...] = (
    Role.COORDINATOR,
    Role.GP,
    Role.SPECIALIST_CONTACT,
    Role.INTERNAL_COORDINATOR,
)


def plain_role(role: str) -> str:
    """A role in plain words; a role the team wrote itself, with a capital first letter."""
    if role in PLAIN_ROLES:
        return str(PLAIN_ROLES[role])
    text = role.strip()
    return text[:1].upper() + text[1:]


def phone_numbers(text: str) -> list[phones.Found]:
    """The phone numbers in a free text ("Legevakt 116 117, AMK 113"), for tel: buttons."""
    return phones.numbers_in(text)


@dataclass(frozen=True)
class PlainRole:
    """One line of "Hvem gjør hva" in plain words."""

    name: str
    role: str


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
    def night_numbers(self) -> list[phones.Found]:
        return phone_numbers(self.entry.call_night)

    @property
    def day_numbers(self) -> list[phones.Found]:
        return phone_numbers(self.entry.call_office_hours)


@dataclass
class NextActivity:
    """One line of "Neste aktiviteter": an årshjul day, or a real meeting the viewer may see."""

    title: str
    when: str
    responsible: str
    mandatory: bool
    day: dt.date | None = None
    meeting: bool = False
    place: str = ""
    url: str = ""


@dataclass
class PortalPage:
    """What the portal pages show one viewer: only what the policy allows them."""

    patient: Patient
    standing: Standing
    team: Team | None
    members: list[TeamRow] = field(default_factory=list)
    version: CarePlanVersion | None = None
    # The documents of the version in force marked for the patient (her own page only).
    plan_documents: list[Any] = field(default_factory=list)
    roles: list[PlainRole] = field(default_factory=list)
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


def _next_activities(version: CarePlanVersion, meetings: MeetingsSeen) -> list[NextActivity]:
    """The next dates of the årshjul and the real meetings ahead, soonest first; an årshjul
    day a real meeting carries out is listed once, as the meeting (no queries: the activities,
    their version and responsible members are prefetched; the meetings are read by the
    caller)."""
    today = timezone.localdate()
    planned = [
        NextActivity(
            title=shown.activity.title,
            when=date_format(shown.day, "SHORT_DATE_FORMAT"),
            responsible=(
                shown.activity.responsible.display_name if shown.activity.responsible else ""
            ),
            mandatory=shown.activity.mandatory,
            day=shown.day,
        )
        for shown in upcoming_shown(
            version.annual_activities.all(), today, NEXT_ACTIVITIES, meetings.real
        )
        if shown.meeting is None
    ]
    real = [
        NextActivity(
            title=meeting.title,
            when=date_format(timezone.localtime(meeting.starts_at), MEETING_WHEN),
            responsible=meeting.leader,
            mandatory=False,
            day=timezone.localtime(meeting.starts_at).date(),
            meeting=True,
            place=meeting.place,
            url=meeting.url,
        )
        for meeting in meetings.ahead
    ]
    merged = sorted(planned + real, key=lambda a: (a.day or today, not a.meeting, a.title))
    return merged[:NEXT_ACTIVITIES]


# A meeting's day with its weekday and time: "tirsdag 1.12.2026 kl. 10:00".
MEETING_WHEN = r"l j.n.Y \k\l. H:i"


def portal_get(
    user: AnyUser,
    pk: int,
    action: Action = Action.VIEW_IDENTITY,
    *,
    meetings_for: MeetingsFor | None = None,
    documents: bool = False,
) -> PortalPage:
    """The portal for one patient, as this viewer may see it; ``action`` is what the page needs
    (404 for strangers, 403 for what they may not see here). Audited as the page is read.
    ``meetings_for``: the real meetings the viewer may see, for "Neste aktiviteter" (pages
    without that list pass none). ``documents``: the plan's documents marked for the patient
    (her plan page).

    Queries: patient (1), standing (1 for a relative, 0 for the patient), audit (1), open team
    (1), active members with user and organisation (1), the version in force (1), its phase plan
    (1) and årshjul with the responsible member's user (1), consents (1), and for the patient the
    version's documents (1, with ``documents``): ten at most.
    """
    patient, standing = portal_patient(user, pk)
    if not allows(standing, action):
        # A relative who may not see this page learns nothing about it: 404, as for strangers.
        raise Http404
    # The standing is decided above by the policy (``check``); the audit row is written here
    # rather than through ``authorize``, which would read the relative's standing a second time.
    audit.record(user=require_user(user), patient=patient, action=audit.VIEW, obj=patient)
    team = Team.objects.open().filter(patient=patient).order_by("-established_on").first()
    page = PortalPage(patient=patient, standing=standing, team=team)
    if page.may_manage_consent or standing.is_self:
        page.consents = list(patient.consents.select_related("recorded_by").order_by("-given_at"))
    if team is None:
        return page
    if page.may_see_team:
        members = (
            Member.objects.active()
            .filter(team=team)
            .select_related("user", "organisation")
            .order_by("role", "joined_on")
        )
        # The coordinator first: the one to ask first.
        ordered = sorted(
            members,
            key=lambda m: ROLE_ORDER.index(m.role) if m.role in ROLE_ORDER else len(ROLE_ORDER),
        )
        page.members = [TeamRow(m, plain_role(m.role)) for m in ordered]
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
            seen = meetings_for(team, standing) if meetings_for else MeetingsSeen()
            page.activities = _next_activities(page.version, seen)
            page.roles = [
                PlainRole(name=r.name, role=plain_role(r.role)) for r in role_rows(page.version)
            ]
            if documents and standing.is_self:
                # A relative opens files only in the threads she reads (actors.access.reads_document).
                page.plan_documents = [
                    d
                    for d in page.version.documents.all()
                    if reads_document(standing, for_patient=d.for_patient, thread_with_patient=None)
                ]
    return page
