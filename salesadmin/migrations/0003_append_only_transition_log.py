from django.db import migrations

from salesadmin.db import append_only


class Migration(migrations.Migration):
    dependencies = [("salesadmin", "0002_initial")]

    operations = [append_only("salesadmin_transitionlog")]
