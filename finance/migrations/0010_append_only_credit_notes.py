from django.db import migrations

from salesadmin.db import append_only


class Migration(migrations.Migration):
    dependencies = [("finance", "0009_credit_notes_and_refunds")]

    operations = [
        append_only("finance_creditnote"),
        append_only("finance_creditnoteline"),
        append_only("finance_refund"),
    ]
