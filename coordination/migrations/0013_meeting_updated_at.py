# The time a row was last saved, for FHIR's meta.lastUpdated and _lastUpdated (lkt.fhir). Rows
# that exist get the time of the migration: nothing older is known about them.
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("coordination", "0012_notification_kinds_of_both_branches")]

    operations = [
        migrations.AddField(
            model_name="meeting",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
    ]
