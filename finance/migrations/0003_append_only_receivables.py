from django.db import migrations

from salesadmin.db import append_only


class Migration(migrations.Migration):
    dependencies = [("finance", "0002_initial")]

    operations = [append_only("finance_receivableentry")]
