"""The migrations that refuse to run over identifiers saved with digits other than 0-9 before
issue 13: their check names the table, column and rows, and passes over clean data."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import connection

from actors.models import Member, Organisation, RelativeLink, User
from actors.validators import NonAsciiDigitRows
from coordination.models import NeedReport

pytestmark = pytest.mark.django_db

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
actors_check = importlib.import_module("actors.migrations.0007_refuse_non_ascii_identifiers")
coordination_check = importlib.import_module(
    "coordination.migrations.0007_refuse_non_ascii_national_ids"
)


def test_the_check_passes_over_identifiers_in_0_to_9(cast):
    Member.objects.filter(team=cast.team).update(external_phone="+47 912 34 567")
    actors_check.refuse_non_ascii_identifiers(apps, None)
    coordination_check.refuse_non_ascii_national_ids(apps, None)


def test_the_check_names_the_table_column_and_rows_with_full_width_digits(cast):
    kari = cast.team.patient
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE actors_patient SET national_id = %s WHERE id = %s",
            [kari.national_id.translate(FULL_WIDTH), kari.pk],
        )
    User.objects.filter(pk=cast.member.pk).update(phone="９８７ ６５ ４３２")
    organisation = Organisation.objects.get(pk=cast.kommune.pk)
    Organisation.objects.filter(pk=organisation.pk).update(
        org_number=organisation.org_number.translate(FULL_WIDTH)
    )
    with pytest.raises(NonAsciiDigitRows) as refused:
        actors_check.refuse_non_ascii_identifiers(apps, None)
    lines = [line.strip() for line in str(refused.value).splitlines()]
    assert lines[1:] == [
        f"actors_user.phone: rows with id {cast.member.pk}",
        f"actors_organisation.org_number: rows with id {organisation.pk}",
        f"actors_patient.national_id: rows with id {kari.pk}",
    ]


def test_a_phone_with_a_no_break_space_is_not_refused(cast):
    """Only digits outside 0–9 are refused, not every character beyond ASCII."""
    User.objects.filter(pk=cast.member.pk).update(phone="912\u00a034\u00a0567")
    actors_check.refuse_non_ascii_identifiers(apps, None)


def test_the_check_of_need_reports_names_their_rows(cast):
    report = NeedReport.objects.create(
        kommune=cast.kommune,
        patient_name="Kari Nordvik",
        national_id="١٥٠٢٩٠١٢٣٤٥",
        need="Trenger hjelp til å samordne",
        reported_by=cast.relative,
        relation=NeedReport.Relation.RELATIVE,
        patient_knows=True,
        patient_agrees=True,
    )
    with pytest.raises(
        NonAsciiDigitRows, match=rf"coordination_needreport.national_id: rows with id {report.pk}$"
    ):
        coordination_check.refuse_non_ascii_national_ids(apps, None)


phones_migration = importlib.import_module("actors.migrations.0016_phone_numbers_e164")


def test_stored_phone_numbers_become_e164_and_unreadable_ones_are_named(cast, capsys):
    """Issue 16, item 14: numbers saved as typed are rewritten in E.164; a text that is no
    number is left for a person to correct, and the migration says where it is."""
    User.objects.filter(pk=cast.member.pk).update(phone="987 65 432")
    User.objects.filter(pk=cast.coordinator.pk).update(phone="ring sentralen")
    member = Member.objects.filter(team=cast.team).earliest("pk")
    Member.objects.filter(pk=member.pk).update(external_phone="0046 70 1234567")
    link = RelativeLink.objects.filter(patient=cast.team.patient).earliest("pk")
    RelativeLink.objects.filter(pk=link.pk).update(phone="+47 400 00 007")
    phones_migration.phones_to_e164(apps, None)
    assert User.objects.get(pk=cast.member.pk).phone == "+4798765432"
    assert User.objects.get(pk=cast.coordinator.pk).phone == "ring sentralen"
    assert Member.objects.get(pk=member.pk).external_phone == "+46701234567"
    assert RelativeLink.objects.get(pk=link.pk).phone == "+4740000007"
    report = capsys.readouterr().out
    assert f"actors_user.phone: rows with id {cast.coordinator.pk}" in report
    assert "actors_member" not in report and "actors_relativelink" not in report
    phones_migration.phones_to_e164(apps, None)  # a second run changes nothing
    assert User.objects.get(pk=cast.member.pk).phone == "+4798765432"
