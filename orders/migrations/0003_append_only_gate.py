from django.db import migrations

from salesadmin.db import append_only


class Migration(migrations.Migration):
    dependencies = [("orders", "0002_deliverynote_gatecheck_gateexit_salesorder_and_more")]

    operations = [
        append_only("orders_gateexit"),
        append_only("orders_gatecheck"),
        append_only("orders_dispatchallocation"),
    ]
