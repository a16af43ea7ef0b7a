"""Create the five role groups with their permissions (salesadmin/roles.py)."""

from django.db import migrations


def create_roles(apps, schema_editor):
    from salesadmin.roles import sync_roles

    sync_roles(apps)


def remove_roles(apps, schema_editor):
    from salesadmin.roles import Role

    apps.get_model("auth", "Group").objects.filter(name__in=[str(r) for r in Role]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("customers", "0002_append_only_credit_changes"),
        ("inventory", "0002_append_only_ledgers"),
        ("orders", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
