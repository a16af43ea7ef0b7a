"""The role groups get the target and commission permissions (salesadmin/roles.py)."""

from django.db import migrations


def sync(apps, schema_editor):
    from salesadmin.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("sales", "0003_targets_and_commission"),
        ("salesadmin", "0001_roles"),
    ]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
