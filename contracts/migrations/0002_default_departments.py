"""The reviewing departments of seed 002 1.1.3 (技术, 生产, 质量): a company
changes the list in the admin."""

from django.db import migrations

from salesadmin.db import append_only

DEPARTMENTS = [
    ("technology", "技术部 Technology", 10),
    ("production", "生产部 Production", 20),
    ("quality", "质量部 Quality", 30),
]


def create(apps, schema_editor):
    Department = apps.get_model("contracts", "Department")
    if Department.objects.exists():
        return
    for code, name, position in DEPARTMENTS:
        Department.objects.create(code=code, name=name, position=position)


class Migration(migrations.Migration):
    dependencies = [("contracts", "0001_initial")]
    operations = [
        migrations.RunPython(create, migrations.RunPython.noop),
        # A receipt counted against a task stays counted.
        append_only("contracts_productionreceiptlink"),
    ]
