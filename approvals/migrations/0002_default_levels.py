from django.db import migrations

from approvals.defaults import create_default_levels
from salesadmin.db import append_only


def create_levels(apps, schema_editor):
    create_default_levels(
        apps.get_model("approvals", "ApprovalLevel"), using=schema_editor.connection.alias
    )


class Migration(migrations.Migration):
    dependencies = [("approvals", "0001_initial")]

    operations = [
        migrations.RunPython(create_levels, migrations.RunPython.noop),
        append_only("approvals_approvalstep"),
    ]
