"""The aktørkart: the layout function (pure, no database) and the map section of the team page."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from actors.models import CommunicationLine, Level, NetworkLevel, Organisation, Role
from actors.network.aktorkart import (
    ELLIPSIS,
    LEVELS,
    MAX_LABEL_CHARS,
    RINGS,
    ClosenessKey,
    LevelKey,
    MapActor,
    MapLayout,
    MapLine,
    layout_actor_map,
    text_box_size,
)
from tests.conftest import KEYED_PLANS, client_for, team_section_html
from tests.factories import (
    ConsentFactory,
    MemberFactory,
    OrganisationFactory,
    StaffFactory,
    TeamFactory,
)

FIRST = ["Cecilie", "Tor", "Anne-Marie", "Mohammed", "Ingrid", "Bjørn", "Siri", "Per", "Ola"]
LAST = ["Hansen", "Kristiansen Haugland", "Al-Rashid", "Dahl", "Nordmann", "Aarre", "Li"]


def _actors(
    count: int,
    *,
    ring: ClosenessKey | None = None,
    level: LevelKey | None = None,
) -> list[MapActor]:
    """A deterministic mix of names (short and long), levels, rings and leaving actors."""
    return [
        MapActor(
            id=100 + i,
            label=f"{FIRST[i % len(FIRST)]} {LAST[(i * 3) % len(LAST)]} {i}",
            level=level or LEVELS[(i * 7 + i // 5) % len(LEVELS)],
            closeness=ring or RINGS[(i * 5 + i // 3) % len(RINGS)],
            status="leaving" if i % 6 == 0 else "active",
        )
        for i in range(count)
    ]


CASES = {
    "3 actors": _actors(3),
    "12 actors": _actors(12),
    "40 actors": _actors(40),
    "40 actors on the inner ring": _actors(40, ring="daily"),
    "40 actors on the outer ring": _actors(40, ring="rarely"),
    "40 actors in one level": _actors(40, level="privat"),
    "12 actors on one ring in one level": _actors(12, ring="weekly", level="spesialist"),
    "40 actors with long names": [
        dataclasses.replace(a, label=a.label * 3) for a in _actors(40, ring="monthly")
    ],
}


def _circular_levels(layout: MapLayout) -> list[str]:
    """Levels in the order a reader goes round the map: up the left side, down the right."""
    left = sorted((a for a in layout.actors if a.x < 0), key=lambda a: -a.y)
    right = sorted((a for a in layout.actors if a.x >= 0), key=lambda a: a.y)
    return [a.actor.level for a in left + right]


@pytest.mark.parametrize("case", list(CASES))
def test_no_label_overlaps_another_label_a_node_or_a_ring_label(case):
    layout = layout_actor_map(CASES[case], patient_label="Kari Nordvik")
    labels = [a.label for a in layout.actors]
    for first, second in itertools.combinations(labels, 2):
        assert not first.overlaps(second)
    for label in labels:
        for obstacle in layout.obstacles():
            assert not label.overlaps(obstacle)
    for first, second in itertools.combinations([a.node for a in layout.actors], 2):
        assert not first.overlaps(second)


@pytest.mark.parametrize("case", list(CASES))
def test_everything_drawn_lies_inside_the_canvas(case):
    layout = layout_actor_map(CASES[case], patient_label="Kari Nordvik")
    box = layout.view_box
    outer = layout.rings[-1].radius
    assert box.x <= -outer and box.right >= outer and box.y <= -outer and box.bottom >= outer
    for drawn in [*layout.obstacles(), *(a.label for a in layout.actors)]:
        assert box.x <= drawn.x and drawn.right <= box.right
        assert box.y <= drawn.y and drawn.bottom <= box.bottom


@pytest.mark.parametrize("case", list(CASES))
def test_each_actor_sits_on_the_ring_for_its_closeness_daily_innermost(case):
    layout = layout_actor_map(CASES[case], patient_label="Kari Nordvik")
    radii = [ring.radius for ring in layout.rings]
    assert [ring.closeness for ring in layout.rings] == list(RINGS)
    assert radii == sorted(radii) and len(set(radii)) == len(radii)
    assert radii[0] > layout.patient_radius
    for placed in layout.actors:
        assert placed.ring == RINGS.index(placed.actor.closeness)
        assert math.hypot(placed.x, placed.y) == pytest.approx(radii[placed.ring], abs=0.5)


def test_actors_of_one_level_are_grouped_together_round_the_map():
    layout = layout_actor_map(_actors(40), patient_label="Kari Nordvik")
    levels = _circular_levels(layout)
    runs = [level for level, _group in itertools.groupby(levels)]
    assert sorted(runs) == sorted(set(levels)), runs  # one run per level
    assert len(set(levels)) == 4


def test_the_same_input_gives_the_same_map_whatever_the_order():
    actors = _actors(40)
    lines = [MapLine(100, 101, "phone"), MapLine(102, 103, "via_patient")]
    first = layout_actor_map(actors, lines, patient_label="Kari Nordvik")
    again = layout_actor_map(list(reversed(actors)), lines[::-1], patient_label="Kari Nordvik")
    assert first == again


def test_a_long_name_is_cut_with_an_ellipsis_and_its_box_fits_the_cut_text():
    long_name = "Anne-Marie Kristiansen Haugland-Johannessen"
    layout = layout_actor_map(
        [MapActor(1, long_name, "kommune", "weekly"), MapActor(2, "Tor", "privat", "daily")]
    )
    placed = {a.actor.id: a for a in layout.actors}
    assert placed[1].truncated and placed[1].text.endswith(ELLIPSIS)
    assert len(placed[1].text) <= MAX_LABEL_CHARS
    assert long_name.startswith(placed[1].text[:-1])
    assert placed[1].label.width == pytest.approx(text_box_size(placed[1].text)[0], abs=0.1)
    assert placed[1].actor.label == long_name  # the full name stays for the accessible name
    assert not placed[2].truncated and placed[2].text == "Tor"


def test_rings_grow_when_many_actors_share_one():
    few = layout_actor_map(_actors(4, ring="daily"))
    many = layout_actor_map(_actors(40, ring="daily"))
    assert many.rings[0].radius > few.rings[0].radius
    assert many.view_box.height > few.view_box.height


def test_a_line_via_the_patient_is_drawn_through_the_centre():
    actors = _actors(4)
    layout = layout_actor_map(
        actors,
        [
            MapLine(100, 101, "phone"),
            MapLine(101, 100, "email"),  # the same pair: drawn once
            MapLine(102, 103, "via_patient"),
            MapLine(100, 999, "phone"),  # an actor not on the map: left out
        ],
    )
    assert [(ln.line.from_id, ln.line.to_id, ln.via_patient) for ln in layout.lines] == [
        (100, 101, False),
        (102, 103, True),
    ]
    direct, via = layout.lines
    assert len(direct.points) == 2
    assert via.points[1] == (0.0, 0.0) and len(via.points) == 3


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="unique"):
        layout_actor_map([MapActor(1, "A", "kommune", "daily")] * 2)
    with pytest.raises(ValueError, match="unknown"):
        layout_actor_map([MapActor(1, "A", "fylke", "daily")])


def test_the_layout_runs_without_django_settings():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    code = (
        "from actors.network.aktorkart import MapActor, layout_actor_map;"
        "m = layout_actor_map([MapActor(1, 'Tor', 'kommune', 'daily')], patient_label='Kari');"
        "print(len(m.actors))"
    )
    result = subprocess.run(  # noqa: S603 – our own interpreter and code
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[3],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1"


# --- The section on the team page.


def _line(team, source, target, channel, created_by) -> CommunicationLine:
    return CommunicationLine.objects.create(
        team=team,
        from_member=source,
        to_member=target,
        channel=channel,
        frequency=CommunicationLine.Frequency.WEEKLY,
        created_by=created_by,
    )


@pytest.fixture
def kari_map(cast):
    """Kari's team with an actor on every level, one who leaves soon and two lines."""
    team = cast.team
    coordinator = team.members.get(user=cast.coordinator)
    nurse = team.members.get(user=cast.member)
    dps = OrganisationFactory(
        name="Vestfjord DPS", kind=Organisation.Kind.DPS, level=Level.SPESIALIST
    )
    doctor = MemberFactory(
        team=team,
        user=StaffFactory(first_name="Sara", last_name="Lege", organisation=dps),
        role=Role.SPECIALIST_CONTACT,
        closeness="monthly",
        expected_leave_on=timezone.localdate() + dt.timedelta(days=20),
    )
    nav = OrganisationFactory(name="NAV Fjordvik", kind=Organisation.Kind.NAV, level=Level.ANNEN)
    MemberFactory(
        team=team,
        user=None,
        external_name="Nils NAV",
        organisation=nav,
        level=NetworkLevel.ANNEN,
        role=Role.NAV_ADVISER,
        closeness="rarely",
    )
    neighbour = MemberFactory(
        team=team,
        user=None,
        external_name="Nabo Nora",
        organisation=None,
        level=NetworkLevel.PRIVAT,
        role=Role.NEIGHBOUR,
        closeness="daily",
    )
    _line(team, coordinator, nurse, CommunicationLine.Channel.PHONE, cast.coordinator)
    _line(team, doctor, neighbour, CommunicationLine.Channel.VIA_PATIENT, cast.coordinator)
    return team


def _section(user, team) -> str:
    response = client_for(user).get(
        reverse("workspace:team-aktorkart", args=[team.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_the_map_partial_shows_every_actor_ring_and_level_with_accessible_names(cast, kari_map):
    body = _section(cast.coordinator, kari_map)
    assert body.lstrip().startswith('<h2 class="ds-heading" data-size="md" id="aktorkart-heading">')
    assert "<html" not in body
    svg = body[body.index("<svg") : body.index("</svg>")]
    assert 'role="group"' in svg and 'aria-labelledby="aktorkart-map-title"' in svg
    assert '<title id="aktorkart-map-title">Aktørkart for Kari Nordvik</title>' in svg
    assert '<desc id="aktorkart-map-desc">' in svg
    for ring in ("Daglig", "Ukentlig", "Månedlig", "Sjeldnere"):
        assert f">{ring}</text>" in svg
    assert svg.count('class="lkt-map__ring"') == 4
    for name in ("Cecilie Testesen", "Tor Testesen", "Sara Lege", "Nils NAV", "Nabo Nora"):
        assert f">{name}</text>" in svg
    assert svg.count('<a class="lkt-map__actor"') == 5
    assert (
        'aria-label="Sara Lege, Kontaktlege/kontaktpsykolog i spesialisthelsetjenesten, '
        "Vestfjord DPS. Nivå: Spesialisthelsetjenesten. Nærhet: månedlig. Slutter snart ("
    ) in svg
    assert 'aria-label="Nabo Nora, Nabo. Nivå: Privat nettverk. Nærhet: daglig."' in svg
    assert svg.count('data-leaving="true"') == 1
    assert ">Kari Nordvik</text>" in svg  # the patient in the centre
    # The legend names each level, with its letter and shape as well as its colour.
    legend = body[body.index('class="lkt-map__legend"') :]
    for level in ("Kommune", "Spesialisthelsetjenesten", "Annen sektor", "Privat nettverk"):
        assert level in legend
    assert "Slutter snart" in legend and "Via pasienten" in legend


@pytest.mark.django_db
def test_a_line_via_the_patient_is_dashed_and_marked(cast, kari_map):
    body = _section(cast.coordinator, kari_map)
    lines = re.findall(r"<polyline [^>]*>", body)
    assert len(lines) == 2
    via = [line for line in lines if 'data-channel="via_patient"' in line]
    assert len(via) == 1 and "lkt-map__line--via-patient" in via[0]
    assert 'stroke-dasharray="8 5"' in via[0]
    assert " 0,0 " in via[0]  # through the patient in the centre
    assert "1 kommunikasjonslinje går via pasienten." in body
    assert "Fra Sara Lege: Via pasienten, ukentlig" in body


@pytest.mark.django_db
def test_the_table_under_the_map_holds_the_same_data(cast, kari_map):
    body = _section(cast.coordinator, kari_map)
    table = body[body.index("<table") :]
    for heading in ("Navn", "Rolle", "Organisasjon", "Nivå", "Nærhet", "Status"):
        assert f'<th scope="col">{heading}</th>' in table
    assert table.count('<tr id="aktorkart-aktor-') == 5
    sara = kari_map.members.get(user__first_name="Sara")
    row = table[table.index(f'id="aktorkart-aktor-{sara.pk}"') :].split("</tr>")[0]
    assert "Sara Lege" in row and "Vestfjord DPS" in row and "Månedlig" in row
    assert "Slutter snart" in row and "Til Nabo Nora: Via pasienten, ukentlig" in row
    # Each actor on the map links to its row.
    assert f'href="#aktorkart-aktor-{sara.pk}"' in body


@pytest.mark.django_db
def test_the_map_is_on_the_full_team_page(cast, kari_map):
    response = client_for(cast.relative).get(reverse("workspace:team-detail", args=[kari_map.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="aktorkart"' in body and 'id="aktorkart-heading"' in body
    assert 'href="#aktorkart"' in body  # in the section menu
    body = team_section_html(client_for(cast.relative), kari_map.pk, "aktorkart")  # lazy
    assert ">Nabo Nora</text>" in body and "lkt-map__legend" in body


@pytest.mark.django_db
def test_the_map_uses_no_inline_style_or_script_and_svg_numbers_use_a_decimal_point(cast, kari_map):
    body = _section(cast.coordinator, kari_map)
    assert "style=" not in body and "<script" not in body
    view_box = re.search(r'viewBox="([^"]+)"', body)
    assert view_box and re.fullmatch(r"-?\d+ -?\d+ \d+ \d+", view_box.group(1))
    for value in re.findall(r' (?:x|y|cx|cy|r|width|height)="([^"]+)"', body):
        assert "," not in value


@pytest.mark.django_db
def test_a_team_without_members_gets_a_plain_sentence_instead_of_a_map(cast):
    team = TeamFactory.create(created_by=cast.coordinator)
    MemberFactory(
        team=team, user=cast.coordinator, role=Role.COORDINATOR, left_on=timezone.localdate()
    )
    body = _section(cast.coordinator, team)
    assert "<svg" not in body and "Ingen aktører ennå" in body


# The map section as htmx: 1 session, 2 user, 3 team with patient and the viewer's standing,
# 4 the audit row, 5 members with user and organisation, 6 the team's open communication
# lines, and the transaction of keyed plans. The same for 3 and for 40 members.
MAP_SECTION_QUERIES = 6 + KEYED_PLANS


@pytest.mark.django_db
@pytest.mark.parametrize("members", [3, 40])
def test_the_map_section_uses_the_same_queries_for_3_and_40_members(
    members, django_assert_num_queries
):
    coordinator = StaffFactory()
    team = TeamFactory.create(created_by=coordinator)
    ConsentFactory(patient=team.patient, recorded_by=coordinator)
    lead = MemberFactory(team=team, user=coordinator, role=Role.COORDINATOR, closeness="weekly")
    organisations = [OrganisationFactory(level=level) for level in Level.values]
    for i in range(members - 1):
        member = MemberFactory(
            team=team,
            organisation=organisations[i % 3],
            level=LEVELS[i % 4],
            closeness=RINGS[i % 4],
            role=Role.NURSE,
        )
        _line(team, member, lead, CommunicationLine.Channel.PHONE, coordinator)
    client = client_for(coordinator)
    with django_assert_num_queries(MAP_SECTION_QUERIES):
        response = client.get(
            reverse("workspace:team-aktorkart", args=[team.pk]), headers={"HX-Request": "true"}
        )
    body = response.content.decode()
    assert body.count('<a class="lkt-map__actor"') == members
    assert body.count("<polyline") == members - 1
