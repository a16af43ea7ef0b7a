"""Indexes the dashboard and reports read through, on the chain's tables.

They live here (not in orders/ or inventory/) because only the reports need
them; IF NOT EXISTS keeps them safe to re-run, CONCURRENTLY keeps the tables
writable while they build. Each serves one report query:

- notes by dispatch moment (sales per day, top lists, reconciliation), with
  the columns the sums read so PostgreSQL can answer from the index alone;
- approved orders by order date (the "ordered" figure);
- gate exits by time (reconciliation);
- dispatch moves by time (reconciliation's unlinked moves).
"""

from django.db import migrations

INDEXES = [
    (
        "reports_note_dispatched_idx",
        "orders_deliverynote (dispatched_at) INCLUDE (status, customer_id, actual_value, value)"
        " WHERE dispatched_at IS NOT NULL",
    ),
    (
        "reports_order_date_idx",
        "orders_salesorder (order_date) INCLUDE (status, total)",
    ),
    ("reports_gate_exit_at_idx", "orders_gateexit (exited_at)"),
    (
        "reports_dispatch_move_at_idx",
        "inventory_stockmove (created_at) WHERE kind = 'dispatch'",
    ),
]


class Migration(migrations.Migration):
    # CONCURRENTLY: a live database keeps taking notes while the indexes build.
    atomic = False

    dependencies = [
        ("reports", "0001_initial"),
        ("orders", "0003_append_only_gate"),
        ("inventory", "0002_append_only_ledgers"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {definition}",
            reverse_sql=f"DROP INDEX CONCURRENTLY IF EXISTS {name}",
        )
        for name, definition in INDEXES
    ]
