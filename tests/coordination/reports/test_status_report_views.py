"""The status report download (coordination.reports.status_report_views): the PDF read back, who gets
which version, and the export in the audit log."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from actors.models import Team
from coordination.models import Mandate
from coordination.reports.status_report import LEADER_REASON, STATUS_REPORT
from lkt.models import AccessLog
from tests.conftest import Cast, client_for
from tests.coordination.reports.test_status_report import CLINICAL, rich_team
from tests.private_circle import karis_private_circle

pytestmark = pytest.mark.django_db

CONFIDENTIAL = "Taushetsbelagt — unntatt offentlighet, jf. offentleglova § 13"


def url(cast: Cast) -> str:
    return reverse("coordination:status-report", args=[cast.team.pk])


def pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def download(cast: Cast, who: str) -> list[str]:
    response = client_for(cast.user(who)).get(url(cast))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store, private"
    return pages(response.content)


def test_the_coordinator_gets_every_page_with_header_confidentiality_and_numbers(cast: Cast):
    rich_team(cast, size=40)  # long enough for several pages
    texts = download(cast, "coordinator")
    kari = cast.team.patient
    assert len(texts) > 1
    for number, text in enumerate(texts, start=1):
        assert f"{kari.name}, født {kari.birth_date:%-d.%-m.%Y}" in text
        assert f"Aktørfellesskap nr. {cast.team.pk}" in text
        assert "av Cecilie Testesen" in text
        assert CONFIDENTIAL in text
        assert f"Side {number} av {len(texts)}" in text


def test_the_full_report_shows_every_part(cast: Cast):
    rich_team(cast)
    text = " ".join(" ".join(download(cast, "coordinator")).split())
    for part in (
        "Min gode dag",
        "Versjon 1",
        CLINICAL["good_day"],
        "Fase nå: Gul",
        CLINICAL["phase_reason"],
        "Koordinator og leder av aktørfellesskapet",
        "Fastlege",  # missing
        "Stedfortreder: Tor Testesen",
        "Versjon 1 gjelder",
        "Utkast versjon 2: 1 av",
        "1 utført, 1 kommer, 1 over frist.",
        "2 åpne tiltak, 1 over frist.",
        CLINICAL["task"],
        CLINICAL["evaluation"],
        "1 mål vurdert: 1 nådd",
        "1 kontakt siste 90 dager.",
        CLINICAL["night_reason"],
        "Kriseplan til legevakt/AMK Ikke gitt",
    ):
        assert part in text, part
    assert CLINICAL["draft_good_day"] not in text
    assert "Gammel kontakt" not in text  # older than 90 days


def test_a_member_of_the_team_gets_the_full_report_too(cast: Cast):
    rich_team(cast)
    assert CLINICAL["good_day"] in " ".join(" ".join(download(cast, "member")).split())


def test_the_leader_gets_the_structure_and_nothing_clinical_nor_who_the_patient_is(cast: Cast):
    rich_team(cast)
    text = " ".join(" ".join(download(cast, "leader")).split())
    for secret in CLINICAL.values():
        assert secret not in text
    kari = cast.team.patient
    assert kari.name not in text
    assert f"{kari.birth_date:%-d.%-m.%Y}" not in text
    assert "Fase nå" not in text
    for part in (
        f"Aktørfellesskap nr. {cast.team.pk}",
        "av Leif Testesen",
        "Lederversjon",
        "Versjon 1,",  # Min gode dag: its number and date only
        "Cecilie Testesen",
        "Stedfortreder: Tor Testesen",
        "1 utført, 1 kommer, 1 over frist.",
        "2 åpne tiltak, 1 over frist.",
        "1 kontakt siste 90 dager.",
        "Deling i aktørfellesskapet Gitt",
        CONFIDENTIAL,
    ):
        assert part in text, part


def test_the_leader_reads_roles_and_organisations_of_karis_circle_never_their_names(cast: Cast):
    rich_team(cast)
    circle = karis_private_circle(cast)
    # Her mother stands in for the coordinator: the leader learns a family member does.
    Mandate.objects.filter(team=cast.team).update(deputy=circle.mother)
    leader = " ".join(" ".join(download(cast, "leader")).split())
    for name in circle.names:
        assert name not in leader
    assert "41234567" not in leader
    for part in ("Familie", "NAV-veileder", "NAV Fjordvik", "Stedfortreder: Familie", "Cecilie"):
        assert part in leader, part
    assert "Navn vises bare for ansatte i kommunen og spesialisthelsetjenesten" in leader
    # The team itself reads every name.
    team = " ".join(" ".join(download(cast, "coordinator")).split())
    for name in (*circle.names, "Stedfortreder: Torborg Kvalsvik"):
        assert name in team, name


@pytest.mark.parametrize(
    "who", ["outsider", "patient", "relative", "excluded_relative", "other_patient", "night"]
)
def test_anyone_else_gets_404(cast: Cast, who: str):
    assert client_for(cast.user(who)).get(url(cast)).status_code == 404


def test_a_closed_team_has_no_report(cast: Cast):
    Team.objects.filter(pk=cast.team.pk).update(status=Team.Status.CLOSED, closed_on="2026-01-01")
    assert client_for(cast.coordinator).get(url(cast)).status_code == 404


def test_each_download_is_audited_as_an_export_with_the_leaders_reason(cast: Cast):
    download(cast, "coordinator")
    download(cast, "leader")
    rows = list(
        AccessLog.objects.filter(action=AccessLog.Action.EXPORT)
        .order_by("pk")
        .values_list("user__username", "patient_id", "object_type", "object_id", "reason")
    )
    kari, team = cast.team.patient_id, str(cast.team.pk)
    assert rows == [
        ("cecilie", kari, STATUS_REPORT, team, ""),
        ("leif", kari, STATUS_REPORT, team, LEADER_REASON),
    ]


def test_a_refused_download_leaves_no_export(cast: Cast):
    client_for(cast.outsider).get(url(cast))
    assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORT).exists()


def test_the_team_page_links_to_the_report_for_staff_in_the_team_only(cast: Cast):
    page = reverse("workspace:team-detail", args=[cast.team.pk])
    assert url(cast) in client_for(cast.coordinator).get(page).content.decode()
    assert url(cast) not in client_for(cast.patient).get(page).content.decode()


def test_the_leaders_lists_link_to_the_report_per_team(cast: Cast):
    from careplans.plan.services import plan_draft_open

    plan_draft_open(actor=cast.coordinator, team=cast.team)
    leif = client_for(cast.leader)
    for page in ("careplans:plan-approvals-for-leader", "actors:incomplete-teams"):
        assert url(cast) in leif.get(reverse(page)).content.decode(), page
