"""Importing a CSV file of night contacts (coordination.night.importer, night_services).

Every row is judged on its own: good rows are kept, each bad row is reported with its line and
reason; a file that is too large is refused whole. Layout: docs/night_contacts_csv.md.
"""

from __future__ import annotations

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from coordination.models import ContactImport, NightContact, Observation
from coordination.night.importer import MAX_ROWS, parse
from coordination.night.services import night_contact_import
from tests.conftest import Cast
from tests.coordination.night.test_services import NOW
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

HEADER = "fodselsnummer;tjeneste;tidspunkt;arsak;utfall;selvmordsfare"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def run(cast: Cast, text: str, actor=None, encoding: str = "utf-8") -> ContactImport:
    return night_contact_import(
        actor=actor or cast.night, file_name="natt.csv", content=text.encode(encoding)
    )


def test_good_rows_are_kept_and_each_bad_row_is_reported_with_line_and_reason(cast: Cast):
    kari = cast.team.patient.national_id
    stranger = PatientFactory.build().national_id
    ola = cast.other_team.patient.national_id
    text = "\n".join(
        [
            HEADER,
            f"{kari};legevakt;2026-03-10 02:15;Uro;sendt hjem;nei",  # 2 good
            f"{kari};Politi;2026-03-11 23:40;Bekymringsmelding;Overført;",  # 3 good (labels)
            f"{stranger};amk;2026-03-12 01:00;Angst;sent_home;nei",  # 4 unknown
            f"{kari};tannlege;2026-03-12 01:00;Vondt;sendt hjem;nei",  # 5 unknown service
            f"{kari};amk;12/03/2026 kl 01;Angst;sendt hjem;nei",  # 6 bad date
            f"{kari};legevakt;2026-03-10 02:15;Uro;sendt hjem;nei",  # 7 duplicate of line 2
            f"{kari};amk;2026-03-12 04:00;;sendt hjem;nei",  # 8 no reason
            "12345678901;amk;2026-03-12 04:00;Angst;sendt hjem;nei",  # 9 bad fnr
            f"{kari};amk;2026-03-12 04:00;Angst;sendt hjem",  # 10 too few fields
            f"{ola};amk;2026-03-12T05:00:00+01:00;Angst;innlagt;ja",  # 11 good (ISO)
        ]
    )
    batch = run(cast, text)
    assert (batch.rows_total, batch.rows_imported) == (10, 3)
    reasons = {e["line"]: e["reason"] for e in batch.errors}
    assert sorted(reasons) == [4, 5, 6, 7, 8, 9, 10]
    assert "ukjent fødselsnummer" in reasons[4]
    assert "tjeneste" in reasons[5]
    assert "tidspunkt" in reasons[6]
    assert "registrert fra før" in reasons[7]
    assert "årsak" in reasons[8]
    assert "fødselsnummer" in reasons[9]
    assert "felt" in reasons[10]
    kept = NightContact.objects.order_by("occurred_at")
    assert [(c.service, c.outcome, c.source) for c in kept] == [
        ("legevakt", "sent_home", "import"),
        ("politi", "transferred", "import"),
        ("amk", "admitted", "import"),
    ]
    assert all(c.batch == batch for c in kept)


def test_rows_for_a_patient_without_an_open_team_are_refused(cast: Cast):
    lonely = PatientFactory()
    batch = run(cast, f"{HEADER}\n{lonely.national_id};amk;2026-03-12 01:00;Angst;innlagt;nei")
    assert batch.rows_imported == 0
    assert "ingen aktørfellesskap i LKT" in batch.errors[0]["reason"]


def test_a_coordinator_imports_only_for_patients_in_her_teams(cast: Cast):
    kari = cast.team.patient.national_id
    ola = cast.other_team.patient.national_id
    text = f"{HEADER}\n{kari};amk;2026-03-12 01:00;A;innlagt;nei\n{ola};amk;2026-03-12 01:00;A;innlagt;nei"
    batch = run(cast, text, actor=cast.coordinator)
    assert batch.rows_imported == 1
    assert batch.errors[0]["line"] == 3


def test_a_bom_and_commas_are_accepted(cast: Cast):
    kari = cast.team.patient.national_id
    text = "fødselsnummer,tjeneste,tidspunkt,årsak,utfall,selvmordsfare\n"
    text += f'{kari},AMK,2026-03-12 01:00,"Angst, uro",Sendt hjem,Ja\n'
    batch = run(cast, text, encoding="utf-8-sig")
    assert batch.rows_imported == 1, batch.errors
    contact = NightContact.objects.get()
    assert (contact.reason, contact.suicide_risk) == ("Angst, uro", True)


def test_semicolons_with_a_header_only_in_other_case_are_read(cast: Cast):
    kari = cast.team.patient.national_id
    batch = run(cast, f"{HEADER.upper()}\r\n{kari};Legevakt;2026-03-12 01:00;Uro;INNLAGT;\r\n")
    assert batch.rows_imported == 1


def test_imported_contacts_run_the_phase_rules(cast: Cast):
    kari = cast.team.patient.national_id
    run(cast, f"{HEADER}\n{kari};legevakt;2026-03-12 01:00;Uro;innlagt;nei")
    assert Observation.objects.get().proposed_phase == "red"


def test_a_file_over_one_megabyte_is_refused_whole(cast: Cast):
    kari = cast.team.patient.national_id
    line = f"{kari};legevakt;2026-03-12 01:00;{'x' * 200};sendt hjem;nei\n"
    with pytest.raises(ValidationError) as error:
        run(cast, HEADER + "\n" + line * 5000)
    assert "1 MB" in error.value.messages[0]
    assert not ContactImport.objects.exists()
    assert not NightContact.objects.exists()


def test_a_file_over_5000_rows_is_refused_whole():
    rows = "\n".join("x;y;z;a;b;c" for _ in range(MAX_ROWS + 1))
    with pytest.raises(ValidationError) as error:
        parse(f"{HEADER}\n{rows}".encode())
    assert "5000" in error.value.messages[0]


def test_a_missing_header_is_refused_whole():
    with pytest.raises(ValidationError) as error:
        parse(b"12345678901;amk;2026-03-12 01:00;A;innlagt;nei\n")
    assert "overskriftene" in error.value.messages[0]


def test_a_file_not_in_utf8_is_refused_whole():
    with pytest.raises(ValidationError) as error:
        parse(f"{HEADER}\nx;y;z;årsak;b;c\n".encode("latin-1"))
    assert "UTF-8" in error.value.messages[0]


def test_only_night_services_and_coordinators_import(cast: Cast):
    with pytest.raises(PermissionDenied):
        run(cast, HEADER + "\n", actor=cast.member)


def test_a_file_with_nul_is_refused_whole_and_saves_nothing(cast: Cast):
    """PostgreSQL stores no NUL: a reason with one lost the whole import in a 500 (issue 13)."""
    kari = cast.team.patient.national_id
    with pytest.raises(ValidationError) as error:
        run(cast, f"{HEADER}\n{kari};legevakt;2026-03-10 02:15;Uro\x00;sendt hjem;nei\n")
    assert "nulltegn (NUL)" in error.value.messages[0]
    assert not ContactImport.objects.exists()
    assert not NightContact.objects.exists()


def test_a_file_saved_as_utf16_without_a_byte_order_mark_is_refused_whole(cast: Cast):
    kari = cast.team.patient.national_id
    text = f"{HEADER}\n{kari};legevakt;2026-03-10 02:15;Uro;sendt hjem;nei\n"
    with pytest.raises(ValidationError) as error:
        run(cast, text, encoding="utf-16-le")
    assert "«CSV UTF-8»" in error.value.messages[0]


def test_a_row_outside_the_date_range_is_reported_and_the_good_rows_kept(cast: Cast):
    """A year-1 row lost the whole file in a 500 before issue 13 (the phase rules count back a
    week from each contact)."""
    kari = cast.team.patient.national_id
    text = "\n".join(
        [
            HEADER,
            f"{kari};legevakt;0001-01-01 00:00;Uro;sendt hjem;nei",  # 2 year 1
            f"{kari};legevakt;2026-03-10 02:15;Uro;sendt hjem;nei",  # 3 good
            f"{kari};amk;0001-01-01T00:30:00+01:00;Angst;innlagt;ja",  # 4 year 1 with an offset
            f"{kari};amk;9999-12-31T23:59:59Z;Angst;innlagt;ja",  # 5 year 9999
            f"{kari};politi;1899-12-31 23:00;Funnet ute;overført;",  # 6 before 1900
        ]
    )
    batch = run(cast, text)
    assert (batch.rows_total, batch.rows_imported) == (5, 1)
    assert batch.errors == [
        {"line": line, "reason": "Skriv en dato mellom 1.1.1900 og 31.12.2100."}
        for line in (2, 4, 5, 6)
    ]
    assert NightContact.objects.get().occurred_at.year == 2026
