from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0017_team_closing"),
    ]

    operations = [
        migrations.AddField(
            model_name="team",
            name="revision",
            field=models.BigIntegerField(db_default=0, editable=False),
        ),
    ]
