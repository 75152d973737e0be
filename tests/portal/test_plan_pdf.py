"""The patient's plan as a PDF from the portal (actors.portal_pdf): who gets it, what it says in
plain words, and the export in her access log."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from actors.models import RelativeLink
from lkt.models import AccessLog
from tests.conftest import Cast, client_for
from tests.portal.helpers import karis_plan_in_force

pytestmark = pytest.mark.django_db

CONFIDENTIAL = "Taushetsbelagt — unntatt offentlighet, jf. offentleglova § 13"


def url(cast: Cast) -> str:
    return reverse("actors:portal-plan-pdf", args=[cast.team.patient.pk])


def text_of(cast: Cast, who: str) -> str:
    response = client_for(cast.user(who)).get(url(cast))
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages]
    for number, page in enumerate(pages, start=1):
        assert CONFIDENTIAL in page
        assert f"Side {number} av {len(pages)}" in page
    return " ".join(" ".join(pages).split())


def let_per_see_the_plan(cast: Cast) -> None:
    RelativeLink.objects.filter(patient=cast.team.patient, relative=cast.relative).update(
        may_see_plan=True
    )


def test_kari_gets_her_plan_her_team_and_what_to_do_in_plain_words(cast: Cast):
    cast.member.phone = "90011222"
    cast.member.save()
    karis_plan_in_force(cast)
    text = text_of(cast, "patient")
    kari = cast.team.patient
    for part in (
        f"{kari.name}, født {kari.birth_date:%-d.%-m.%Y}",
        "av Kari Testesen",
        "Planen min",
        "Jeg vil gå tur hver dag",
        "Teamet mitt",
        "Tor Testesen",
        "90011222",
        "Koordinator – holder oversikten og er den du spør først",
        "Hva gjør jeg hvis",
        "Rødt: når det er akutt",
        "Jeg sover ikke og vil ikke leve",
        "Ring kveld og natt Legevakt 116 117. AMK 113.",
        "Gult: når det begynner å gå dårlig",
        "Grønt: når det går bra",
        "Evalueringsmøte",
    ):
        assert part in text, part


def test_without_a_plan_in_force_the_pdf_says_the_team_is_working_on_it(cast: Cast):
    text = text_of(cast, "patient")
    assert "Det finnes ingen godkjent plan ennå" in text
    assert "ring legevakten på 116 117" in text


def test_a_relative_kari_lets_see_the_plan_gets_it(cast: Cast):
    let_per_see_the_plan(cast)
    karis_plan_in_force(cast)
    text = text_of(cast, "relative")
    assert "Planen til Kari Nordvik" in text
    assert "Rødt: når det er akutt" in text
    # Her birth date is on her own copy only, as on the pages: Per's has her name.
    assert f"{cast.team.patient.birth_date:%-d.%-m.%Y}" not in text


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("relative", 404),  # Per sees the team but not the plan
        ("excluded_relative", 404),
        ("other_patient", 404),
        ("outsider", 404),
        ("leader", 404),
        ("coordinator", 403),  # staff in her team use the team page
        ("anonymous", 302),
    ],
)
def test_no_one_else_gets_it(cast: Cast, who: str, status: int):
    karis_plan_in_force(cast)
    assert client_for(cast.user(who)).get(url(cast)).status_code == status


def test_the_excluded_relative_gets_nothing_even_when_allowed_the_plan(cast: Cast):
    RelativeLink.objects.filter(relative=cast.excluded_relative).update(may_see_plan=True)
    assert client_for(cast.excluded_relative).get(url(cast)).status_code == 404


def test_the_download_is_an_export_in_karis_access_log(cast: Cast):
    let_per_see_the_plan(cast)
    version = karis_plan_in_force(cast)
    text_of(cast, "relative")
    export = AccessLog.objects.get(action=AccessLog.Action.EXPORT)
    assert (export.user, export.patient, export.object_type, export.object_id) == (
        cast.relative,
        cast.team.patient,
        "careplans.careplanversion",
        str(version.pk),
    )
    log = client_for(cast.patient).get(
        reverse("actors:portal-access-log", args=[cast.team.patient.pk])
    )
    assert "lastet ned planen din" in log.content.decode()


def test_the_plan_page_links_to_the_pdf(cast: Cast):
    html = client_for(cast.patient).get(reverse("actors:portal-plan", args=[cast.team.patient.pk]))
    assert url(cast) in html.content.decode()
    assert "Last ned planen som PDF" in html.content.decode()
