"""Notices move from salesadmin to their own app, rows and all.

The model's state moves here; its table, salesadmin_notice, stays where it is
(no database change in this step). 0002 then gives the table and its index
this app's names, and salesadmin 0005 drops the model from salesadmin's state.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("salesadmin", "0004_notice"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Notice",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(max_length=40)),
                        ("message", models.CharField(max_length=300)),
                        ("params", models.JSONField(blank=True, default=dict)),
                        ("link", models.CharField(blank=True, max_length=200)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("read_at", models.DateTimeField(blank=True, null=True)),
                        ("recipient", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="notices", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "verbose_name": "notice",
                        "verbose_name_plural": "notices",
                        "ordering": ["-created_at", "-id"],
                        "db_table": "salesadmin_notice",
                        "indexes": [models.Index(fields=["recipient", "read_at"], name="salesadmin__recipie_e1e2a9_idx")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
