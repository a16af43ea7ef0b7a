from django.db import migrations

from salesadmin.db import append_only


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]

    operations = [append_only("customers_creditchange")]
