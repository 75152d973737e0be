"""The patient's plan as a PDF from the portal (lkt.workspace.portal_pdf): who gets it, what it says in
plain words, and the export in her access log."""

from __future__ import annotations

import io
import math

import pytest
from django.urls import reverse
from pypdf import PdfReader

from actors.models import RelativeLink
from lkt.models import AccessLog
from tests.conftest import Cast, client_for
from tests.lkt.workspace.portal.helpers import karis_plan_in_force

pytestmark = pytest.mark.django_db

CONFIDENTIAL = "Taushetsbelagt — unntatt offentlighet, jf. offentleglova § 13"


def url(cast: Cast) -> str:
    return reverse("workspace:portal-plan-pdf", args=[cast.team.patient.pk])


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
        "900 11 222",
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
        reverse("workspace:portal-access-log", args=[cast.team.patient.pk])
    )
    assert "lastet ned planen din" in log.content.decode()


def test_the_plan_page_links_to_the_pdf(cast: Cast):
    html = client_for(cast.patient).get(
        reverse("workspace:portal-plan", args=[cast.team.patient.pk])
    )
    assert url(cast) in html.content.decode()
    assert "Last ned planen som PDF" in html.content.decode()


def _sizes(cast: Cast, who: str) -> dict[float, list[str]]:
    """The text of the PDF by the size it is drawn at on the page (points)."""
    response = client_for(cast.user(who)).get(url(cast))
    sizes: dict[float, list[str]] = {}

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            scale = math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3])
            sizes.setdefault(round(size * scale, 1), []).append(text.strip())

    for page in PdfReader(io.BytesIO(response.content)).pages:
        page.extract_text(visitor_text=visit)
    return sizes


def test_every_word_of_planen_min_is_at_least_12_points(cast: Cast):
    karis_plan_in_force(cast)
    sizes = _sizes(cast, "patient")
    assert sizes, "no text found"
    assert min(sizes) >= 12, {size: words[:3] for size, words in sizes.items() if size < 12}
    # The body text itself is larger than the running header and footer.
    assert any("Jeg vil gå tur hver dag" in w for w in sizes[13.0])


def test_roles_read_as_plain_capitalised_words(cast: Cast):
    version = karis_plan_in_force(cast)
    version.roles = [
        {"name": "Nils", "role": "nav_veileder"},
        {"name": "Lise", "role": "kontaktlege"},
        {"name": "Sara", "role": "intern_koordinator"},
        {"name": "Bjørn", "role": "støttekontakt"},
    ]
    version.save()
    text = text_of(cast, "patient")
    for part in (
        "Nils: Kontaktperson i NAV",
        "Lise: Lege eller psykolog på sykehuset eller DPS",
        "Sara: Kontaktperson på sykehuset eller DPS",
        "Bjørn: Støttekontakt",
    ):
        assert part in text, part
    for jargon in ("nav-veileder", "kontaktlege", "spesialisthelsetjenesten", "Aktørfellesskap"):
        assert jargon not in text, jargon


def test_phone_numbers_are_written_one_way_however_they_were_typed(cast: Cast):
    cast.member.phone = "+4790011222"
    cast.member.save()
    version = karis_plan_in_force(cast)
    red = version.phase_entries.get(phase="red")
    red.call_office_hours = "Cecilie 98765432"
    red.call_night = "Legevakt 116117. AMK 113."
    red.save()
    text = text_of(cast, "patient")
    assert "900 11 222" in text and "+4790011222" not in text
    assert "Cecilie 987 65 432" in text
    assert "Legevakt 116 117. AMK 113." in text
