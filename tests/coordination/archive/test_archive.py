"""Closing an aktørfellesskap (issue 19, retention): who may, with a reason and a confirmation;
after it the threads and documents take nothing new (the policy refuses); and the archive copy,
a PDF/A of the plan in force with the lists of documents and threads, for the coordinator in
full and for the leader as structure only, refused to everyone else."""

from __future__ import annotations

import io
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from actors.models import Member, Role, Team
from actors.services import team_close
from careplans.models import CarePlan, CarePlanVersion
from coordination.archive.export import team_archive_get, team_archive_team
from coordination.messages.document_services import document_upload
from coordination.messages.services import message_post, thread_start
from coordination.models import Document, Message, Thread
from lkt.models import AccessLog
from tests.conftest import Cast, client_for
from tests.factories import MemberFactory, TeamFactory
from tests.files import upload

pytestmark = pytest.mark.django_db
REASON = "Målene er nådd; Kari ønsker ikke lenger et team."


def _plan_with_a_document(cast: Cast) -> None:
    plan = CarePlan.objects.create(team=cast.team, version=1)
    CarePlanVersion.objects.create(
        plan=plan,
        number=1,
        status=CarePlanVersion.Status.IN_FORCE,
        in_force_at=timezone.now(),
        patient_summary="Jeg liker å gå tur med hunden.",
        communication="Vi ringer hverandre hver fredag.",
        created_by=cast.coordinator,
    )
    document_upload(actor=cast.coordinator, team=cast.team, upload=upload("IOP.pdf"), for_plan=True)


def _closed(cast: Cast) -> Team:
    _plan_with_a_document(cast)
    thread_start(
        actor=cast.member,
        team=cast.team,
        subject="Bolig",
        audience="with_patient",
        body="Søknaden om bolig er sendt til kommunen.",
    )
    return team_close(actor=cast.coordinator, team=cast.team, reason=REASON)


def test_cecilie_closes_the_team_with_a_reason_and_it_is_audited(cast: Cast):
    team = team_close(actor=cast.coordinator, team=cast.team, reason=f"  {REASON} ")

    team.refresh_from_db()
    assert team.status == Team.Status.CLOSED and team.closed_on == timezone.localdate()
    assert team.closed_by == cast.coordinator and team.closed_reason == REASON
    assert AccessLog.objects.filter(
        user=cast.coordinator, action=AccessLog.Action.CHANGE, object_id=str(team.pk)
    ).exists()
    with pytest.raises(ValidationError, match="allerede avsluttet"):
        team_close(actor=cast.leader, team=team, reason=REASON)


def test_closing_needs_a_reason_and_the_right_to_close(cast: Cast):
    with pytest.raises(ValidationError, match="hvorfor"):
        team_close(actor=cast.coordinator, team=cast.team, reason="  ")
    with pytest.raises(PermissionDenied):
        team_close(actor=cast.member, team=cast.team, reason=REASON)
    with pytest.raises(PermissionDenied):
        team_close(actor=cast.patient, team=cast.team, reason=REASON)
    with pytest.raises(Http404):
        team_close(actor=cast.outsider, team=cast.team, reason=REASON)
    cast.team.refresh_from_db()
    assert cast.team.status != Team.Status.CLOSED


def test_leif_the_leader_may_close_the_team_and_the_audit_says_why(cast: Cast):
    team_close(actor=cast.leader, team=cast.team, reason=REASON)

    assert AccessLog.objects.filter(
        user=cast.leader, action=AccessLog.Action.CHANGE, reason__startswith="Leder"
    ).exists()


def test_the_confirmation_page_refuses_without_the_confirmation_and_closes_with_it(cast: Cast):
    client = client_for(cast.coordinator)
    url = reverse("actors:team-close", args=[cast.team.pk])

    refused = client.post(url, {"reason": REASON})
    assert refused.status_code == 200
    assert "Bekreft at du vil avslutte" in refused.content.decode()
    cast.team.refresh_from_db()
    assert cast.team.status != Team.Status.CLOSED

    closed = client.post(url, {"reason": REASON, "confirm": "on"})
    assert closed.status_code == 302
    assert closed["Location"] == reverse("coordination:team-archive", args=[cast.team.pk])
    cast.team.refresh_from_db()
    assert cast.team.status == Team.Status.CLOSED


def test_after_closing_the_policy_refuses_new_messages_and_documents_with_the_reason(cast: Cast):
    thread = thread_start(
        actor=cast.member, team=cast.team, subject="Bolig", audience="with_patient", body="Hei"
    )
    team_close(actor=cast.coordinator, team=cast.team, reason=REASON)
    thread.refresh_from_db()

    with pytest.raises(ValidationError, match="kan leses, men ikke skrives i"):
        message_post(actor=cast.patient, thread=thread, body="Takk for hjelpen")
    with pytest.raises(ValidationError, match="kan leses, men ikke skrives i"):
        thread_start(
            actor=cast.patient, team=thread.team, subject="Ny", audience="with_patient", body="Hei"
        )
    assert thread.messages.count() == 1
    # Kari still reads the thread, without the form to answer.
    page = client_for(cast.patient).get(reverse("coordination:thread-detail", args=[thread.pk]))
    assert page.status_code == 200
    assert "kan leses, men ikke skrives i" in page.content.decode()
    answer = client_for(cast.patient).post(
        reverse("coordination:message-post", args=[thread.pk]), {"body": "Takk"}
    )
    assert answer.status_code == 200 and thread.messages.count() == 1


def test_no_document_goes_to_a_closed_team_even_for_a_member_of_the_patients_new_one(cast: Cast):
    closed = team_close(actor=cast.coordinator, team=cast.team, reason=REASON)
    # Cecilie is in no open team around Kari now: the policy does not know her there (404).
    with pytest.raises(Http404):
        document_upload(actor=cast.coordinator, team=closed, upload=upload())
    # Tor in Kari's new team may upload to it, never to the closed one.
    new = Team.objects.create(
        patient=closed.patient, created_by=cast.coordinator, established_on=timezone.localdate()
    )
    Member.objects.create(
        team=new, user=cast.member, role=Role.NURSE, level="kommune", joined_on=new.established_on
    )
    with pytest.raises(ValidationError, match="tar ikke imot nye dokumenter"):
        document_upload(actor=cast.member, team=closed, upload=upload())
    assert not closed.documents.exists()


def _pdf(response) -> PdfReader:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store, private"
    return PdfReader(io.BytesIO(b"".join(response.streaming_content)))


def _text(reader: PdfReader) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_the_archive_copy_is_pdf_a_with_the_plan_the_documents_and_the_threads(cast: Cast):
    team = _closed(cast)

    reader = _pdf(
        client_for(cast.coordinator).get(reverse("coordination:team-archive-pdf", args=[team.pk]))
    )

    xmp = reader.xmp_metadata
    assert xmp is not None
    raw = xmp.stream.get_data().decode()
    assert re.search(r"pdfaid:part(>|=\")2", raw) and re.search(r"pdfaid:conformance(>|=\")B", raw)
    text = _text(reader)
    assert team.patient.name in text and team.patient.national_id in text
    assert "Jeg liker å gå tur med hunden." in text and "hver fredag" in text
    assert "IOP.pdf" in text and "Planen, versjon 1" in text
    assert "Bolig" in text and REASON in text
    # No message bodies in the archive (coordination.archive.export says why).
    assert "Søknaden om bolig er sendt" not in text
    assert AccessLog.objects.filter(
        user=cast.coordinator, action=AccessLog.Action.EXPORT, reason__startswith="Arkivkopi"
    ).exists()


def test_the_leaders_archive_copy_holds_structure_only(cast: Cast):
    team = _closed(cast)

    text = _text(
        _pdf(client_for(cast.leader).get(reverse("coordination:team-archive-pdf", args=[team.pk])))
    )

    assert "Lederversjon" in text
    for clinical in (team.patient.name, "hunden", "IOP.pdf", "Bolig", REASON):
        assert clinical not in text
    assert "1 dokument." in text and "1 samtale. 1 melding i alt." in text
    page = client_for(cast.leader).get(reverse("coordination:team-archive", args=[team.pk]))
    assert page.status_code == 200 and REASON not in page.content.decode()


def test_the_archive_copy_is_refused_to_everyone_else_and_while_the_team_is_open(cast: Cast):
    url = reverse("coordination:team-archive-pdf", args=[cast.team.pk])
    assert client_for(cast.coordinator).get(url).status_code == 404
    _closed(cast)

    # Kari and Per know her (403); Tor is in no open team around her, like strangers (404).
    for knows in (cast.patient, cast.relative):
        assert client_for(knows).get(url).status_code == 403
    for someone in (cast.member, cast.outsider, cast.night):
        assert client_for(someone).get(url).status_code == 404
    assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORT).exists()


def _many(cast: Cast, size: int) -> None:
    """``size`` threads of two messages and ``size`` documents in Kari's team."""
    for n in range(size):
        thread = Thread.objects.create(team=cast.team, subject=f"Sak {n}", created_by=cast.member)
        Message.objects.bulk_create(
            Message(thread=thread, author=cast.member, body="Hei") for _ in range(2)
        )
    Document.objects.bulk_create(
        Document(
            team=cast.team,
            key=f"k{size}-{n}",
            file=f"team-{cast.team.pk}/k{size}-{n}",
            name=f"Vedlegg {n}.pdf",
            content_type=Document.Kind.PDF,
            size=100,
            sha256="0" * 64,
            uploaded_by=cast.coordinator,
        )
        for n in range(size)
    )


# The archive copy's reads: the status report's (coordination.reports.status_report: 11 for the full
# copy, whose documents query it repeats with the plan's versions; 9 for the leader's), then
# for the full copy the plan in force with its phase entries and årshjul (3), the documents
# with where they belong (1) and the threads with their counts (1); for the leader's the
# threads' and messages' counts (1) and the documents' (1).
ARCHIVE_QUERIES = {True: 16, False: 11}


@pytest.mark.parametrize("full", [True, False])
def test_the_archive_copy_reads_the_same_queries_for_5_and_50_threads_and_documents(
    cast: Cast, full: bool
):
    _plan_with_a_document(cast)
    team = team_close(actor=cast.coordinator, team=cast.team, reason=REASON)
    counts = []
    for size in (5, 45):  # 5, then 50 threads and documents (the plan's document besides)
        _many(cast, size)
        archive_team = team_archive_team(team.pk)
        with CaptureQueriesContext(connection) as ctx:
            archive = team_archive_get(archive_team, full=full)
        counts.append(len(ctx.captured_queries))
    assert counts == [ARCHIVE_QUERIES[full]] * 2
    assert archive.thread_count == 50 and archive.message_count == 100
    assert archive.document_count == 51


def _closed_teams(cast: Cast, count: int) -> None:
    """``count`` closed teams Cecilie coordinated, with a core member from Leif's kommune."""
    for _ in range(count):
        team: Team = TeamFactory.create(created_by=cast.outsider)
        MemberFactory.create(team=team, user=cast.coordinator, role=Role.COORDINATOR)
        MemberFactory.create(team=team, role=Role.NURSE, organisation=cast.kommune)
        Team.objects.filter(pk=team.pk).update(
            status=Team.Status.CLOSED, closed_on=timezone.localdate()
        )


# Cecilie's list: 1 session, 2 user, 3 the closed teams she coordinated or created with their
# patients, 4 the audit rows for them (one insert). Leif's: 1 session, 2 user, 3 his own (none,
# so no audit row), 4 his organisations (actors.access.leader_organisations), 5 the closed teams
# with a core member in them.
@pytest.mark.parametrize("count", [5, 50])
def test_the_list_of_closed_teams_reads_a_fixed_number_of_queries(
    cast: Cast, count: int, django_assert_num_queries
):
    _closed_teams(cast, count)
    url = reverse("coordination:archive-list")
    cecilie, leif = client_for(cast.coordinator), client_for(cast.leader)

    with django_assert_num_queries(4):
        mine = cecilie.get(url).content.decode()
    with django_assert_num_queries(5):
        led = leif.get(url).content.decode()

    assert mine.count("avsluttet ") == count
    assert led.count("Aktørfellesskap nr.") == count
    assert AccessLog.objects.filter(user=cast.coordinator, action="view").count() == count
    # Kari and Per are not staff: 403.
    assert client_for(cast.patient).get(url).status_code == 403
