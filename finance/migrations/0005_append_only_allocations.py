from django.db import migrations

from salesadmin.db import append_only


class Migration(migrations.Migration):
    dependencies = [("finance", "0004_invoice_invoiceitem_paymentallocation_reminder_and_more")]

    operations = [append_only("finance_paymentallocation")]
