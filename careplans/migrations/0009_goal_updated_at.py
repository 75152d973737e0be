# The time a row was last saved, for FHIR's meta.lastUpdated and _lastUpdated (lkt.fhir). Rows
# that exist get the time of the migration: nothing older is known about them.
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("careplans", "0008_personal_approval")]

    operations = [
        migrations.AddField(
            model_name="goal",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
    ]
