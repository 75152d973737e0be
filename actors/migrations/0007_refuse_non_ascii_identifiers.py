"""Refuse to migrate over identifiers saved with digits other than 0-9 (issue 13).

Until then ``\\d`` and ``int()`` took full-width and Arabic-Indic digits, so a fødselsnummer,
organisation number, HPR number or phone could be stored in them (and a patient registered twice,
once in each script). From here on the validators take 0-9 only; rows saved before must be
corrected by hand first, so this migration stops with the table, column and row ids.
"""

from django.db import migrations

from actors.validators import refuse_rows_with_non_ascii_digits

IDENTIFIERS = {
    "User": ["hpr_number", "phone"],
    "Organisation": ["org_number"],
    "Patient": ["national_id"],
    "Member": ["external_phone"],
}


def refuse_non_ascii_identifiers(apps, schema_editor):
    refuse_rows_with_non_ascii_digits(apps, "actors", IDENTIFIERS)


class Migration(migrations.Migration):

    dependencies = [
        ("actors", "0006_login_lockout_by_axes"),
    ]

    operations = [
        migrations.RunPython(refuse_non_ascii_identifiers, migrations.RunPython.noop),
    ]
