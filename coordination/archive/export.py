"""The archive copy of a closed aktørfellesskap (issue 19, retention): one PDF/A-2b for the
kommune's archive, taken by the team's coordinator after ``actors.services.team_close``.

It holds the closing (when, by whom, why), the roster at the closing, the plan for samarbeid
as it was in force (the approved version: what the actors agreed), the list of the team's
documents with where each belongs (the plan's version, a meeting, a message) and the list of
its threads: subject, who could read it, when it started and by whom, its number of messages
and the last one's date.

No message text, by choice: the threads are the team's working talk, and what in them matters
for the patient's care is documented in each service's own journal (helsepersonelloven § 39,
pasientjournalloven), not in the plan. Copying every message into the kommune's archive would
put health information from other services there that the plan does not need (the minimum
necessary, personvernforordningen art. 5 (1) c). The list accounts for what was said where and
when; the threads themselves stay in LKT under the policy, read-only, for the patient. The same
holds for the documents: listed, not embedded (PDF/A-3 could carry them; an archive deposit
takes each document on its own, from the service that wrote it).

Two copies, as the status report (``coordination.reports.status_report``): the full one for the
coordinator and the team's creator; the structure only for a leader of a core member's
organisation (``actors.access.archive_copy_full``), with no patient identity, no plan text, no file
or thread names, only counts and dates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from actors.access import is_leader, leader_organisations, require_user
from actors.models import Member, Role, Team, User
from careplans.models import AnnualActivity, CarePlanVersion, PhasePlanEntry
from careplans.plan.selectors import role_rows
from coordination.models import Document, Thread
from coordination.reports.status_report import StatusReport, status_report_get
from lkt.core import audit
from lkt.core.pdf import ARCHIVE_VARIANT, render_pdf

if TYPE_CHECKING:
    from actors.access import AnyUser

TEMPLATE = "coordination/team_archive_pdf.html"


@dataclass(frozen=True)
class ThreadRow:
    subject: str
    audience: str
    started_at: dt.datetime
    started_by: str
    messages: int
    last_message_at: dt.datetime | None


@dataclass
class TeamArchive:
    team: Team
    full: bool
    report: StatusReport
    # The version in force at the closing, in full (the full copy only).
    plan: CarePlanVersion | None
    documents: list[Document] = field(default_factory=list)
    threads: list[ThreadRow] = field(default_factory=list)
    document_count: int = 0
    thread_count: int = 0
    message_count: int = 0


def team_archive_team(pk: int) -> Team:
    """The team of an archive copy, with its patient and who closed it."""
    team = Team.objects.select_related("patient__user", "closed_by").filter(pk=pk).first()
    if team is None:
        raise Http404
    return team


def _plan_in_force(team: Team, full: bool) -> CarePlanVersion | None:
    if not full:
        return None
    version = (
        CarePlanVersion.objects.filter(plan__team=team, status=CarePlanVersion.Status.IN_FORCE)
        .prefetch_related(
            Prefetch(
                "phase_entries",
                queryset=PhasePlanEntry.objects.select_related("actor__user").in_phase_order(),
            ),
            Prefetch("annual_activities", queryset=AnnualActivity.objects.order_by("pk")),
        )
        .first()
    )
    if version is not None:
        version.role_rows = role_rows(version, full=True)  # type: ignore[attr-defined]
    return version


def team_archive_get(team: Team, *, full: bool) -> TeamArchive:
    """Everything the archive copy shows, in a fixed number of queries whatever the team's
    size: the status report's reads (``status_report_get``), the plan in force with its phase
    entries and årshjul (three, full copy only), the documents (one) and the threads with their
    counts (one)."""
    report = status_report_get(team, full=full)
    threads = (
        Thread.objects.filter(team=team)
        .select_related("created_by")
        .annotate(n=Count("messages"), last=Max("messages__created_at"))
        .order_by("created_at", "pk")
    )
    if full:
        documents = list(
            Document.objects.filter(team=team)
            .select_related("meeting", "message__thread", "plan_version")
            .order_by("uploaded_at", "pk")
        )
        rows = [
            ThreadRow(
                subject=t.subject,
                audience=str(t.get_audience_display()),
                started_at=t.created_at,
                started_by=str(t.created_by),
                messages=t.n,
                last_message_at=t.last,
            )
            for t in threads
        ]
        return TeamArchive(
            team=team,
            full=True,
            report=report,
            plan=_plan_in_force(team, full),
            documents=documents,
            threads=rows,
            document_count=len(documents),
            thread_count=len(rows),
            message_count=sum(r.messages for r in rows),
        )
    counts = Thread.objects.filter(team=team).aggregate(
        threads=Count("pk", distinct=True), messages=Count("messages")
    )
    return TeamArchive(
        team=team,
        full=False,
        report=report,
        plan=None,
        document_count=Document.objects.filter(team=team).count(),
        thread_count=counts["threads"],
        message_count=counts["messages"],
    )


def team_archive_pdf(archive: TeamArchive, *, generated_by: User) -> bytes:
    """The archive copy as PDF/A-2b (``lkt.core.pdf.ARCHIVE_VARIANT``), made now by ``generated_by``."""
    return render_pdf(
        TEMPLATE,
        {"archive": archive, "generated_by": generated_by, "generated_at": timezone.localtime()},
        variant=ARCHIVE_VARIANT,
    )


# The newest closed teams a list shows: an archive copy is taken at the closing; the list is
# for coming back to it, not a register of every team ever closed (the kommune's archive is).
ARCHIVE_LIST = 50


@dataclass
class ArchiveList:
    # Closed teams the user coordinated or created: the full copy, by the patient's name.
    own: list[Team]
    # Closed teams of the leader's organisations: the structure, by the team's number.
    led: list[Team]


def archive_list_for(who: AnyUser) -> ArchiveList:
    """The closed teams whose archive copy the user takes (``actors.access.archive_copy_full``),
    newest first. Queries: 1 the teams the user coordinated or created, with their patients,
    2 the audit rows for the patients shown (one bulk insert; none when there are none), and
    for a leader 3 the closed teams with a core member in the leader's organisations (a
    subquery; no patient data, no audit). 403 for anyone but staff."""
    user = require_user(who)
    if user.kind != User.Kind.STAFF:
        raise PermissionDenied
    coordinated = Member.objects.active().filter(
        team=OuterRef("pk"), user=user, role=Role.COORDINATOR
    )
    closed = Team.objects.filter(status=Team.Status.CLOSED).order_by("-closed_on", "-pk")
    own = list(
        closed.filter(Q(created_by=user) | Exists(coordinated)).select_related("patient")[
            :ARCHIVE_LIST
        ]
    )
    audit.record_list(user=user, objects=((t.patient, t) for t in own))
    led: list[Team] = []
    if is_leader(user):
        core = Member.objects.active().filter(
            team=OuterRef("pk"),
            involvement=Member.Involvement.CORE,
            organisation__in=leader_organisations(user),
        )
        led = list(closed.filter(Exists(core)).exclude(pk__in=[t.pk for t in own])[:ARCHIVE_LIST])
    return ArchiveList(own=own, led=led)
