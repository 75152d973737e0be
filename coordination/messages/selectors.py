"""Reads for messages and documents (issue 19): the team's threads with what is unread, one
thread with its messages, files and who has read it, the team's documents, and the team page's
section "Meldinger".

Every read goes through the access policy and is audited as a read of patient data: the list
once for the team, a thread once for the thread, a download once for the file (as an export).
Each page reads a fixed number of queries whatever the number of threads or messages
(tests/coordination/messages/test_selectors.py pins them at two sizes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404

from actors.access import (
    Action,
    Standing,
    allows,
    authorize_thread,
    check,
    check_unit_thread,
    reads_document,
    reads_thread,
    require_user,
    takes_writes,
    unit_writes_to,
)
from actors.models import Patient, Team, User
from actors.selectors import portal_patient
from coordination.messages.services import next_meeting, unit_reads
from coordination.messages.thread_rows import ThreadRow, thread_rows, unread_total
from coordination.models import Document, Meeting, Message, Thread, ThreadRead
from coordination.referral.selectors import is_unit_staff, is_unit_staff_for_team
from lkt.core import audit
from lkt.core.compiled_query import CompiledQuery

if TYPE_CHECKING:
    from actors.access import AnyUser
    from actors.selectors import TeamPage

# The team page's section shows the latest threads; the list page shows them all.
SECTION_THREADS = 5


def _threads_for(team: Team, standing: Standing, user: User) -> QuerySet[Thread]:
    """The team's threads the standing reads, each with its number of messages and of those
    unread by ``user`` (newer than their read mark, not their own): one query."""
    return _team_threads(team.pk, user.pk, staff=reads_thread(standing, with_patient=False))


def _team_threads(team: int, user: int, *, staff: bool) -> QuerySet[Thread]:
    """``_threads_for`` by keys: ``staff`` whether the standing reads the threads among staff
    too, not only those with the patient."""
    threads = _annotated(Thread.objects.filter(team_id=team), user)
    if not staff:
        threads = threads.filter(audience=Thread.Audience.WITH_PATIENT)
    return threads.select_related("created_by")


def _annotated(threads: QuerySet[Thread], user: User | int) -> QuerySet[Thread]:
    """Each thread with its number of messages and of those unread by ``user``, newest first."""
    last_read = ThreadRead.objects.filter(thread=OuterRef("pk"), user=user).values("last_read_at")[
        :1
    ]
    return threads.annotate(
        last_read=Subquery(last_read),
        message_count=Count("messages"),
        unread_count=Count(
            "messages",
            filter=~Q(messages__author=user)
            & (Q(last_read__isnull=True) | Q(messages__created_at__gt=F("last_read"))),
        ),
    ).order_by("-last_message_at", "-pk")


@dataclass
class ThreadList:
    team: Team
    standing: Standing
    threads: list[Thread]

    @property
    def rows(self) -> list[ThreadRow]:
        return thread_rows(self.threads)

    @property
    def may_start(self) -> bool:
        return allows(self.standing, Action.POST_MESSAGE) and takes_writes(self.team)

    @property
    def is_staff(self) -> bool:
        return reads_thread(self.standing, with_patient=False)

    @property
    def documents(self) -> bool:
        return allows(self.standing, Action.VIEW_DOCUMENTS)


def _team(pk: int) -> Team:
    team = Team.objects.select_related("patient").filter(pk=pk).first()
    if team is None:
        raise Http404
    return team


def thread_list_for_team(user: AnyUser, pk: int) -> ThreadList:
    """The team's threads the user reads, newest first. Four queries whatever the number of
    threads and messages: 1 team with patient, 2 standing, 3 audit row, 4 threads with their
    starter and message and unread counts."""
    team = _team(pk)
    standing = check(user, Action.VIEW_THREADS, team.patient)
    actor = require_user(user)
    audit.record(user=actor, patient=team.patient, action=audit.VIEW, obj=team)
    return ThreadList(
        team=team, standing=standing, threads=list(_threads_for(team, standing, actor))
    )


def portal_team(patient: Patient) -> Team | None:
    """The patient's team as the portal shows it: the open one, else the latest closed."""
    return (
        Team.objects.filter(patient=patient)
        .select_related("patient")
        .order_by(F("closed_on").desc(nulls_first=True), "-pk")
        .first()
    )


def thread_list_for_portal(user: AnyUser, patient_pk: int) -> ThreadList | None:
    """The threads of the patient's team in the portal (the patient, a relative who may
    communicate); None when there is no team yet. Five queries: the patient, the standing,
    the team, the audit row and the threads."""
    patient, standing = portal_patient(user, patient_pk)
    if not allows(standing, Action.VIEW_THREADS):
        raise PermissionDenied
    team = portal_team(patient)
    if team is None:
        return None
    actor = require_user(user)
    audit.record(user=actor, patient=patient, action=audit.VIEW, obj=team)
    return ThreadList(
        team=team, standing=standing, threads=list(_threads_for(team, standing, actor))
    )


@dataclass
class ThreadPage:
    thread: Thread
    standing: Standing
    messages: list[Message]
    # Who has read the newest message (not its author), by name.
    read_by: list[str]
    next_meeting: Meeting | None = None
    viewer_id: int | None = None
    # The viewer reads it as the koordinerende enhet, not as one of the team.
    as_unit: bool = False

    @property
    def team(self) -> Team:
        return self.thread.team

    @property
    def is_staff(self) -> bool:
        return self.as_unit or reads_thread(self.standing, with_patient=False)

    @property
    def may_post(self) -> bool:
        return takes_writes(self.team)

    @property
    def may_make_task(self) -> bool:
        return self.may_post and allows(self.standing, Action.EDIT_NETWORK)

    @property
    def may_put_on_agenda(self) -> bool:
        return self.may_post and allows(self.standing, Action.MANAGE_TEAM)


def thread_get(user: AnyUser, pk: int) -> ThreadPage:
    """One thread with its messages, their authors and files, and who has read it. Seven
    queries whatever the number of messages: 1 thread with team and patient, 2 standing,
    3 audit row, 4 messages with author and what they became, 5 their files, 6 the read marks
    with their readers, 7 the next meeting (only for those who may put a matter on it)."""
    thread = Thread.objects.select_related("team__patient").filter(pk=pk).first()
    if thread is None:
        raise Http404
    team = thread.team
    viewer = require_user(user)
    as_unit = unit_reads(viewer, thread)
    standing = authorize_thread(
        user,
        Action.VIEW_THREADS,
        team.patient,
        with_patient=thread.with_patient,
        obj=thread,
        unit_reads=as_unit,
    )
    messages = list(
        Message.objects.filter(thread=thread)
        .select_related("author", "task", "agenda_item__meeting")
        .prefetch_related(Prefetch("attachments", queryset=Document.objects.order_by("pk")))
        .order_by("created_at", "pk")
    )
    read_by: list[str] = []
    if messages:
        last = messages[-1]
        read_by = [
            str(read.user)
            for read in ThreadRead.objects.filter(thread=thread, last_read_at__gte=last.created_at)
            .exclude(user_id=last.author_id)
            .select_related("user")
            .order_by("user__first_name", "pk")
        ]
    page = ThreadPage(
        thread=thread,
        standing=standing,
        messages=messages,
        read_by=read_by,
        viewer_id=viewer.pk,
        as_unit=as_unit,
    )
    if page.may_put_on_agenda:
        page.next_meeting = next_meeting(team)
    return page


def threads_section(page: TeamPage) -> dict[str, Any]:
    """The team page's "Meldinger": the newest threads with what is unread (one query)."""
    viewer = page.viewer
    if viewer is None:
        return {"rows": [], "may_start": False}
    staff = reads_thread(page.standing, with_patient=False)
    threads = _SECTION_THREADS[staff].all(team=page.team.pk, user=viewer.pk)
    return {
        "rows": thread_rows(threads),
        "unread_total": unread_total(
            sum(t.unread_count for t in threads)  # type: ignore[attr-defined]
        ),
        "may_start": allows(page.standing, Action.POST_MESSAGE) and takes_writes(page.team),
    }


# The section's read, compiled once per kind of reader (staff, or the patient's side): compiling
# it took longer than running it, on every request of the team page (issue 17,
# lkt.core.compiled_query).
_SECTION_THREADS = {
    staff: CompiledQuery(
        lambda team, user, staff=staff: _team_threads(team, user, staff=staff)[:SECTION_THREADS],
        "team",
        "user",
    )
    for staff in (False, True)
}


@dataclass
class DocumentList:
    team: Team
    standing: Standing
    documents: list[Document]
    meetings: list[Meeting]

    @property
    def may_upload(self) -> bool:
        return allows(self.standing, Action.UPLOAD_DOCUMENT) and takes_writes(self.team)


def _documents(team: Team, standing: Standing) -> list[Document]:
    documents = Document.objects.filter(team=team).select_related(
        "uploaded_by", "meeting", "message__thread", "plan_version"
    )
    if not (standing.is_member and standing.team_consent):
        documents = documents.filter(for_patient=True)
    return [
        d
        for d in documents
        if reads_document(
            standing,
            for_patient=d.for_patient,
            thread_with_patient=d.message.thread.with_patient if d.message else None,
        )
    ]


def document_list_for_team(user: AnyUser, pk: int) -> DocumentList:
    """The team's documents (the patient: those marked for her). Five queries: 1 team,
    2 standing, 3 audit, 4 documents with uploader, meeting and thread, 5 the meetings a new
    file may go with."""
    team = _team(pk)
    standing = check(user, Action.VIEW_DOCUMENTS, team.patient)
    audit.record(user=require_user(user), patient=team.patient, action=audit.VIEW, obj=team)
    meetings = list(Meeting.objects.filter(team=team).order_by("-starts_at")[:20])
    return DocumentList(
        team=team, standing=standing, documents=_documents(team, standing), meetings=meetings
    )


def document_list_for_portal(user: AnyUser, patient_pk: int) -> DocumentList | None:
    """The documents marked for the patient, in her portal."""
    patient, standing = portal_patient(user, patient_pk)
    if not allows(standing, Action.VIEW_DOCUMENTS):
        raise PermissionDenied
    team = portal_team(patient)
    if team is None:
        return None
    audit.record(user=require_user(user), patient=patient, action=audit.VIEW, obj=team)
    return DocumentList(
        team=team, standing=standing, documents=_documents(team, standing), meetings=[]
    )


def document_for_download(user: AnyUser, pk: int) -> Document:
    """A document the user may open, audited as an export (it leaves LKT); 404 otherwise."""
    document = (
        Document.objects.select_related("team__patient", "message__thread").filter(pk=pk).first()
    )
    if document is None:
        raise Http404
    patient = document.team.patient
    thread = document.message.thread if document.message else None
    viewer = require_user(user)
    as_unit = thread is not None and unit_reads(viewer, thread)
    standing = Standing() if as_unit else check(user, Action.VIEW_IDENTITY, patient)
    if not reads_document(
        standing,
        for_patient=document.for_patient,
        thread_with_patient=thread.with_patient if thread else None,
        unit_reads=as_unit,
    ):
        raise Http404
    audit.record(user=require_user(user), patient=patient, action=audit.EXPORT, obj=document)
    return document


def meeting_documents(meeting: Meeting, standing: Standing) -> list[Document]:
    """A meeting's files as its page shows them (one query)."""
    return [
        d
        for d in Document.objects.filter(meeting=meeting).order_by("pk")
        if reads_document(standing, for_patient=d.for_patient, thread_with_patient=None)
    ]


@dataclass
class UnitThreads:
    threads: list[Thread]


def thread_list_for_unit(user: AnyUser) -> UnitThreads:
    """The threads addressed to the koordinerende enhet the user works at, for the teams it is
    responsible for (as ``coordination.referral.selectors.is_unit_staff_for_team``), newest first, each
    with its team's patient and what is unread; one audit row per thread shown. Three queries:
    the user's organisation, the threads, the audit rows."""
    viewer = require_user(user)
    if not is_unit_staff(viewer) or viewer.organisation is None:
        raise PermissionDenied
    unit = viewer.organisation
    teams = Team.objects.filter(
        Q(need_reports__kommune_id=unit.parent_id) | Q(created_by__organisation_id=unit.pk)
    ).values("pk")
    threads = list(
        _annotated(
            Thread.objects.filter(audience=Thread.Audience.UNIT, team__in=teams), viewer
        ).select_related("team__patient")
    )
    audit.record_list(user=viewer, objects=[(t.team.patient, t) for t in threads])
    return UnitThreads(threads=threads)


@dataclass
class UnitThreadStart:
    team: Team
    # The patient's consent to sharing in the team stands: the unit may write to the team.
    consent: bool

    @property
    def may_start(self) -> bool:
        return self.consent and takes_writes(self.team)


def team_for_unit_thread(user: AnyUser, pk: int) -> UnitThreadStart:
    """The team the koordinerende enhet writes to, for its staff at the unit responsible for it
    (``actors.access.check_unit_thread``); the page's read is audited as a view. Five queries: the
    team with its patient, the user's organisation and the need reports
    (``is_unit_staff_for_team``), the audit row, the consent."""
    team = _team(pk)
    viewer = require_user(user)
    check_unit_thread(viewer, team, responsible=is_unit_staff_for_team(viewer, team))
    audit.record(user=viewer, patient=team.patient, action=audit.VIEW, obj=team)
    return UnitThreadStart(team=team, consent=unit_writes_to(team))
