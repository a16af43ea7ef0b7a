"""Notices now live in the notices app (notices 0001 took over the model and
its table): drop the model from salesadmin's state only, keeping the rows."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("salesadmin", "0004_notice"),
        ("notices", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Notice")],
            database_operations=[],
        ),
    ]
