"""One open draft per plan (issue 13, finding 11): every "Lag et nytt utkast" used to leave
another draft behind.

Before the unique key can hold, each plan keeps as its open draft only its newest version, if
that is a draft (the one the plan page has always shown as "the draft"). Every other draft, an
earlier click or a draft older than a version that went in force, is marked superseded, as
``plan_draft_open`` now does with a draft it replaces. None is deleted: a draft may carry
approvals, members' corrections, a phase plan and an årshjul (protected rows), and every version
is history the diff page shows, so superseding loses nothing while deleting would. A superseded
draft keeps ``in_force_at`` empty, which tells it from a version that was once in force.
"""

from typing import Any

from django.db import migrations, models
from django.db.models import Exists, OuterRef


def supersede_all_but_the_newest_draft(apps: Any, schema_editor: Any) -> None:
    version = apps.get_model("careplans", "CarePlanVersion")
    newer = version.objects.filter(plan=OuterRef("plan"), number__gt=OuterRef("number"))
    version.objects.filter(status="draft").filter(Exists(newer)).update(status="superseded")


class Migration(migrations.Migration):
    dependencies = [
        ("careplans", "0006_annual_missed"),
    ]

    operations = [
        # Backwards there is nothing to undo: which superseded versions were drafts is not
        # kept, and they are history either way.
        migrations.RunPython(supersede_all_but_the_newest_draft, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="careplanversion",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "draft")),
                fields=("plan",),
                name="one_open_plan_draft",
                violation_error_message="Planen har allerede et utkast.",
            ),
        ),
    ]
