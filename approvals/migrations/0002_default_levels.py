"""The three approval levels of DESIGN.md with example limits; a company
changes the limits and assigns its people in the admin."""

from decimal import Decimal

from django.db import migrations

from salesadmin.db import append_only

LEVELS = [
    ("department_head", "部门负责人 Department head", 10, Decimal("2000.00")),
    ("sales_director", "销售厂长 Sales director", 20, Decimal("20000.00")),
    ("general_manager", "总经理 General manager", 30, None),
]


def create_levels(apps, schema_editor):
    ApprovalLevel = apps.get_model("approvals", "ApprovalLevel")
    for code, name, rank, limit in LEVELS:
        ApprovalLevel.objects.get_or_create(
            code=code, defaults={"name": name, "rank": rank, "limit": limit}
        )


class Migration(migrations.Migration):
    dependencies = [("approvals", "0001_initial")]

    operations = [
        migrations.RunPython(create_levels, migrations.RunPython.noop),
        append_only("approvals_approvalstep"),
    ]
