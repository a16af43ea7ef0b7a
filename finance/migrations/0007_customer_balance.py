"""Each customer's ledger balance, kept by a trigger on the receivable ledger.

The ledger is append-only (0003), so adding each new entry's amount keeps the
balance exact. The table is filled from the ledger under a SHARE lock on it
(no entry can be written meanwhile) in the same transaction that creates the
trigger, so no entry is counted twice or missed on a live database.
"""

import django.db.models.deletion
from django.db import migrations, models


KEEP_BALANCE = """
CREATE OR REPLACE FUNCTION finance_keep_customer_balance() RETURNS trigger AS $$
BEGIN
    INSERT INTO finance_customerbalance AS b (customer_id, balance)
    VALUES (NEW.customer_id, NEW.amount)
    ON CONFLICT (customer_id) DO UPDATE SET balance = b.balance + EXCLUDED.balance;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

LOCK TABLE finance_receivableentry IN SHARE MODE;
INSERT INTO finance_customerbalance (customer_id, balance)
SELECT customer_id, SUM(amount) FROM finance_receivableentry GROUP BY customer_id;
CREATE TRIGGER finance_receivableentry_balance AFTER INSERT ON finance_receivableentry
FOR EACH ROW EXECUTE FUNCTION finance_keep_customer_balance();
"""

UNDO = """
DROP TRIGGER IF EXISTS finance_receivableentry_balance ON finance_receivableentry;
DROP FUNCTION IF EXISTS finance_keep_customer_balance();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0003_credit_hold_origin"),
        ("finance", "0006_payment_payer"),
    ]

    operations = [
        migrations.CreateModel(
            name="CustomerBalance",
            fields=[
                (
                    "customer",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="ledger_balance",
                        serialize=False,
                        to="customers.customer",
                        verbose_name="customer",
                    ),
                ),
                (
                    "balance",
                    models.DecimalField(
                        decimal_places=2, default=0, max_digits=14, verbose_name="balance"
                    ),
                ),
            ],
            options={
                "verbose_name": "customer balance",
                "verbose_name_plural": "customer balances",
            },
        ),
        migrations.RunSQL(sql=KEEP_BALANCE, reverse_sql=UNDO),
    ]
