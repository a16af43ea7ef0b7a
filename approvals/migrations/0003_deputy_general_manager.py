from django.db import migrations

from approvals.defaults import add_deputy_general_manager


def add_level(apps, schema_editor):
    add_deputy_general_manager(
        apps.get_model("approvals", "ApprovalLevel"), using=schema_editor.connection.alias
    )


class Migration(migrations.Migration):
    """The deputy general manager (副总经理) approves non-sale outbound (issue 11)."""

    dependencies = [("approvals", "0002_default_levels")]

    operations = [migrations.RunPython(add_level, migrations.RunPython.noop)]
