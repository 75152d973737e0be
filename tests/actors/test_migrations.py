"""The migrations that refuse to run over identifiers saved with digits other than 0-9 before
issue 13: their check names the table, column and rows, and passes over clean data."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import connection

from actors.models import Member, Organisation, User
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
