"""Store every phone number in E.164 (issue 16, item 14).

Numbers were saved as typed by the admin and as ``+47`` and eight digits by the forms; from here
on every form, the API and the demo store E.164 through ``lkt.core.phones`` (foreign numbers with
their own country code). Rows whose text is no valid number are left as they are and named in
the migration's output, for a person to correct: the pages show them as they are, without a
``tel:`` link.
"""

import sys

from django.db import migrations

from actors.validators import normalize_stored_phones

PHONES = {
    "User": ["phone"],
    "Member": ["external_phone"],
    "RelativeLink": ["phone"],
}


def phones_to_e164(apps, schema_editor):
    unreadable = normalize_stored_phones(apps, "actors", PHONES)
    if unreadable:
        sys.stdout.write(
            "\n  These phone numbers are no valid number and were left as they are; correct "
            "them by hand:\n    " + "\n    ".join(unreadable) + "\n"
        )


class Migration(migrations.Migration):

    dependencies = [
        ("actors", "0015_machine_client"),
    ]

    operations = [
        migrations.RunPython(phones_to_e164, migrations.RunPython.noop, elidable=True),
    ]
