from django.db import migrations

from salesadmin.db import append_only


class Migration(migrations.Migration):
    dependencies = [("inventory", "0001_initial")]

    operations = [
        append_only("inventory_stockmove"),
        append_only("inventory_reservationmove"),
    ]
