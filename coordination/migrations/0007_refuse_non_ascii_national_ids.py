"""Refuse to migrate over a need report's fødselsnummer saved with digits other than 0-9
(issue 13); the same check as actors' 0007_refuse_non_ascii_identifiers."""

from django.db import migrations

from actors.validators import refuse_rows_with_non_ascii_digits

IDENTIFIERS = {"NeedReport": ["national_id"]}


def refuse_non_ascii_national_ids(apps, schema_editor):
    refuse_rows_with_non_ascii_digits(apps, "coordination", IDENTIFIERS)


class Migration(migrations.Migration):

    dependencies = [
        ("coordination", "0006_report_job_attempts"),
    ]

    operations = [
        migrations.RunPython(refuse_non_ascii_national_ids, migrations.RunPython.noop),
    ]
