"""Give the moved notices table and its index this app's names (a rename in
place: the rows stay), and hand salesadmin's notice content type (and so its
permissions and admin history) over to this app."""

from django.db import migrations


def content_type_to(app_label: str, from_label: str):
    def move(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        if not ContentType.objects.filter(app_label=app_label, model="notice").exists():
            ContentType.objects.filter(app_label=from_label, model="notice").update(
                app_label=app_label
            )

    return move


class Migration(migrations.Migration):

    dependencies = [
        ("notices", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RenameIndex(
            model_name="notice",
            new_name="notices_not_recipie_d8909a_idx",
            old_name="salesadmin__recipie_e1e2a9_idx",
        ),
        migrations.AlterModelTable(name="notice", table=None),
        migrations.RunPython(
            content_type_to("notices", "salesadmin"), content_type_to("salesadmin", "notices")
        ),
    ]
