"""A large, consistent dataset for the reports' benchmark (bench/dashboard.py).

Defaults: 5,000 customers, 250,000 sales orders of 4 lines (1,000,000 order
lines), 200,000 delivery notes of 2 lines spread over the last 365 days in
every state, with stock moves, dispatch allocations and gate exits for the
loaded ones, stock levels (some below safety stock) and open invoices for the
aging. Written with INSERT … SELECT generate_series in PostgreSQL itself: a
few minutes on a small machine, no Python loop over rows.

Run it on a database of its own, freshly migrated:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/r_bench \\
        .venv/bin/python manage.py migrate
    DATABASE_URL=... .venv/bin/python manage.py bench_reports_data

The documents skip the services (that is the point: speed), so they are
consistent by construction: every loaded note has its moves and allocations
(quantities equal), every exited note its gate exit; about one loaded note in
a thousand of the past never left the gate, which the reconciliation lists.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from psycopg import ClientCursor

from reports.rollup import sales_rollup
from salesadmin.clock import company_today
from salesadmin.roles import Role, role_group_name

PASSWORD = "demo1234"
SALESPEOPLE = 10
PRODUCTS = 200
LINES_PER_ORDER = 4
LINES_PER_NOTE = 2
INVOICES = 20_000


class Command(BaseCommand):
    help = "Fill an empty database with a large dataset for the reports benchmark."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=5_000)
        parser.add_argument("--order-lines", type=int, default=1_000_000)
        parser.add_argument("--notes", type=int, default=200_000)
        parser.add_argument("--days", type=int, default=365)

    def handle(self, *args, **opts):
        if connection.vendor != "postgresql":
            raise CommandError("PostgreSQL only.")
        with connection.cursor() as cur:
            cur.execute("SELECT EXISTS (SELECT 1 FROM orders_salesorder)")
            if cur.fetchone()[0]:
                raise CommandError("Sales orders exist already: use an empty, migrated database.")
        orders = opts["order_lines"] // LINES_PER_ORDER
        notes = min(opts["notes"], orders)
        params = {
            "customers": opts["customers"],
            "orders": orders,
            "notes": notes,
            "days": opts["days"],
            "products": PRODUCTS,
            "today": company_today(),
            "tz": settings.TIME_ZONE,
        }
        started = time.monotonic()
        people = self._people()
        params.update(people)
        with transaction.atomic():
            connection.ensure_connection()
            # Client-side binding: several statements per step, parameters in
            # CREATE TABLE AS (the project's connections bind on the server).
            cur = ClientCursor(connection.connection)
            for label, sql in _steps():
                t = time.monotonic()
                cur.execute(sql, params)
                self.stdout.write(f"{label}: {cur.rowcount} rows in {time.monotonic() - t:.1f}s")
            for table in TABLES:
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
                )
        # Closed days into the dashboard's day tables, as the nightly job does.
        t = time.monotonic()
        days = sales_rollup()
        self.stdout.write(f"rollup of {days} closed days in {time.monotonic() - t:.1f}s")
        if not connection.in_atomic_block:  # a test runs this inside its transaction
            t = time.monotonic()
            with connection.cursor() as cur:
                # Fresh statistics and visibility map: the planner and index-only scans need them.
                cur.execute("VACUUM ANALYZE")
            self.stdout.write(f"vacuum analyze in {time.monotonic() - t:.1f}s")
        self.stdout.write(
            self.style.SUCCESS(
                f"Done in {time.monotonic() - started:.0f}s: {opts['customers']} customers, "
                f"{orders} orders, {orders * LINES_PER_ORDER} order lines, {notes} notes. "
                f"Log in as manager / {PASSWORD}."
            )
        )

    def _people(self) -> dict:
        User = get_user_model()

        def person(username: str, role: Role, **extra):
            user, created = User.objects.get_or_create(username=username, defaults=extra)
            if created:
                user.set_password(PASSWORD)
                user.save()
            user.groups.add(Group.objects.get(name=role_group_name(role)))
            return user

        manager = person("manager", Role.MANAGER, email="manager@example.com")
        clerk = person("clerk", Role.SALES_CLERK)
        guard = person("guard", Role.GATE_GUARD)
        keeper = person("keeper", Role.WAREHOUSE_KEEPER)
        sales = [
            person(f"sales{i:02d}", Role.SALES_CLERK, first_name=f"Sales {i:02d}")
            for i in range(1, SALESPEOPLE + 1)
        ]
        return {
            "manager": manager.pk,
            "clerk": clerk.pk,
            "guard": guard.pk,
            "keeper": keeper.pk,
            "sales_first": sales[0].pk,
            "sales_n": len(sales),
        }


TABLES = [
    "customers_customer",
    "inventory_product",
    "inventory_warehouse",
    "inventory_batch",
    "inventory_stocklevel",
    "inventory_batchlevel",
    "inventory_stockmove",
    "orders_salesorder",
    "orders_salesorderline",
    "orders_deliverynote",
    "orders_deliverynoteline",
    "orders_dispatchallocation",
    "orders_gateexit",
    "finance_invoice",
]


def _steps() -> list[tuple[str, str]]:
    """The SQL, in order. Ids are offsets over what the tables hold already
    (products, customers from demo data) so the rows can refer to each other
    by arithmetic instead of lookups."""
    # A note's state from its number g and its day: today's spread over the
    # chain, earlier ones mostly out through the gate.
    note_status = """
        CASE WHEN s.day = %(today)s THEN
            (ARRAY['issued','issued','stamped','stamped','dispatched','dispatched',
                   'awaiting_topup','exited','exited','exited'])[(s.g / 365) %% 10 + 1]
        ELSE CASE WHEN s.g %% 1000 < 30 THEN 'cancelled'
                  WHEN s.g %% 1000 < 100 THEN 'expired'
                  WHEN s.g %% 1000 = 100 THEN 'dispatched'
                  ELSE 'exited' END
        END"""
    day = "(%(today)s::date - ((g::bigint * 7919) %% %(days)s)::int)"
    line_product = f"(((g::bigint * {LINES_PER_ORDER} + pos) * 31) %% %(products)s)::int"
    return [
        (
            "warehouse",
            """INSERT INTO inventory_warehouse (code, name, address, active)
               VALUES ('BENCH', 'Bench warehouse', '', true)
               ON CONFLICT (code) DO NOTHING""",
        ),
        (
            "products",
            """CREATE TEMP TABLE bench_ids ON COMMIT DROP AS SELECT
                 (SELECT COALESCE(MAX(id), 0) FROM inventory_product) AS product0,
                 (SELECT COALESCE(MAX(id), 0) FROM customers_customer) AS customer0,
                 (SELECT COALESCE(MAX(id), 0) FROM inventory_batch) AS batch0,
                 (SELECT COALESCE(MAX(id), 0) FROM inventory_stockmove) AS move0,
                 (SELECT COALESCE(MAX(id), 0) FROM orders_deliverynote) AS note0,
                 (SELECT id FROM inventory_warehouse WHERE code = 'BENCH') AS warehouse;
               INSERT INTO inventory_product (id, sku, name, specification, unit, standard,
                   unit_weight, weighed, safety_stock, active, non_standard, never_produced)
               SELECT product0 + g, 'B-' || lpad(g::text, 4, '0'), 'Bench product ' || g,
                   (10 + g %% 40) || 'L', 'cyl', 'GB/T', 50, false, 500, true, false, false
               FROM bench_ids, generate_series(1, %(products)s) g""",
        ),
        (
            "batches",
            """INSERT INTO inventory_batch (id, number, produced_on, product_id)
               SELECT batch0 + g, 'BB' || g, %(today)s::date - 400, product0 + g
               FROM bench_ids, generate_series(1, %(products)s) g""",
        ),
        (
            "stock levels (one in ten products below safety stock)",
            """INSERT INTO inventory_stocklevel (on_hand, reserved, product_id, warehouse_id)
               SELECT CASE WHEN g %% 10 = 0 THEN 100 ELSE 100000 END, 0, product0 + g, warehouse
               FROM bench_ids, generate_series(1, %(products)s) g;
               INSERT INTO inventory_batchlevel (on_hand, batch_id, product_id, warehouse_id)
               SELECT CASE WHEN g %% 10 = 0 THEN 100 ELSE 100000 END, batch0 + g,
                   product0 + g, warehouse
               FROM bench_ids, generate_series(1, %(products)s) g""",
        ),
        (
            "customers (one in fifty on credit hold)",
            """INSERT INTO customers_customer (id, code, name, tax_id, bank_name, bank_account,
                   address, trading_since, credit_terms, credit_limit, credit_terms_custom,
                   on_credit_hold, credit_hold_reason, credit_hold_since, active, notes,
                   created_at, updated_at, salesperson_id, credit_hold_auto)
               SELECT customer0 + g, 'B' || lpad(g::text, 5, '0'), 'Bench customer ' || g,
                   '', '', '', '', DATE '2020-01-01', 'monthly', 200000, false,
                   g %% 50 = 0, CASE WHEN g %% 50 = 0 THEN 'Overdue invoices' ELSE '' END,
                   CASE WHEN g %% 50 = 0 THEN now() - (g %% 30) * interval '1 day' END,
                   true, '', now(), now(), %(sales_first)s + g %% %(sales_n)s, false
               FROM bench_ids, generate_series(1, %(customers)s) g""",
        ),
        (
            "sales orders",
            f"""CREATE TEMP TABLE bench_orders ON COMMIT DROP AS
               SELECT g, {day} AS day FROM generate_series(1, %(orders)s) g;
               INSERT INTO orders_salesorder (id, number, order_date, pickup_mode, remarks,
                   status, total, approval_reasons, decision_comment, created_at, submitted_at,
                   decided_at, created_by_id, customer_id, decided_by_id, contract_type, formal)
               SELECT g, 'BLG' || lpad(g::text, 7, '0'), o.day, 'self_pickup', '',
                   CASE WHEN g <= %(notes)s THEN 'completed'
                        WHEN g > %(orders)s - 50 THEN 'submitted'
                        WHEN g %% 10 = 0 THEN 'draft'
                        ELSE 'approved' END,
                   (SELECT SUM((1 + (g + pos) %% 20) * (10 + {line_product}))
                      FROM generate_series(1, {LINES_PER_ORDER}) pos),
                   CASE WHEN g > %(orders)s - 50
                        THEN '[{{"code": "below_list", "detail": "bench"}}]'::jsonb
                        ELSE '[]'::jsonb END,
                   '',
                   (o.day + time '08:00') AT TIME ZONE %(tz)s,
                   (o.day + time '08:05') AT TIME ZONE %(tz)s,
                   CASE WHEN g <= %(orders)s - 50 AND g %% 10 <> 0
                        THEN (o.day + time '08:10') AT TIME ZONE %(tz)s END,
                   %(clerk)s, customer0 + 1 + (g * 7) %% %(customers)s, NULL, 'A', false
               FROM bench_orders o, bench_ids""",
        ),
        (
            "order lines",
            f"""INSERT INTO orders_salesorderline (id, position, quantity, unit_price, amount,
                   price_source, list_price, minimum_price, order_id, product_id)
               SELECT (g - 1) * {LINES_PER_ORDER} + pos, pos, 1 + (g + pos) %% 20,
                   10 + {line_product},
                   (1 + (g + pos) %% 20) * (10 + {line_product}),
                   'list', 10 + {line_product}, 9 + {line_product},
                   g, product0 + 1 + {line_product}
               FROM bench_ids, generate_series(1, %(orders)s) g,
                    generate_series(1, {LINES_PER_ORDER}) pos""",
        ),
        (
            "delivery notes",
            f"""CREATE TEMP TABLE bench_notes ON COMMIT DROP AS
               SELECT s.g, s.day, {note_status} AS status,
                   (s.day + time '08:00' + (s.g %% 480) * interval '1 minute')
                       AT TIME ZONE %(tz)s AS issued_at
               FROM (SELECT g, {day} AS day FROM generate_series(1, %(notes)s) g) s;
               INSERT INTO orders_deliverynote (id, number, issue_date, vehicle_plate, driver,
                   status, value, issued_at, coverage, covered_amount, stamped_at,
                   override_reason, actual_value, dispatched_at, pass_code, cancel_reason,
                   customer_id, dispatched_by_id, issued_by_id, stamped_by_id, warehouse_id,
                   order_id)
               SELECT note0 + n.g, 'BDN' || lpad(n.g::text, 7, '0'), n.day,
                   '浙E' || lpad((n.g %% 100000)::text, 5, '0'), '', n.status, v.value,
                   n.issued_at,
                   CASE WHEN n.status IN ('issued', 'cancelled', 'expired') THEN ''
                        ELSE 'credit' END,
                   CASE WHEN n.status IN ('issued', 'cancelled', 'expired') THEN 0 ELSE v.value END,
                   CASE WHEN n.status IN ('issued', 'cancelled', 'expired') THEN NULL
                        ELSE n.issued_at + interval '20 minutes' END,
                   '',
                   CASE WHEN n.status IN ('dispatched', 'awaiting_topup', 'exited')
                        THEN v.value END,
                   CASE WHEN n.status IN ('dispatched', 'awaiting_topup', 'exited')
                        THEN n.issued_at + interval '60 minutes' END,
                   'BP' || lpad(n.g::text, 10, '0'),
                   CASE WHEN n.status = 'cancelled' THEN 'bench' ELSE '' END,
                   o.customer_id,
                   CASE WHEN n.status IN ('dispatched', 'awaiting_topup', 'exited')
                        THEN %(keeper)s END,
                   %(clerk)s,
                   CASE WHEN n.status IN ('issued', 'cancelled', 'expired') THEN NULL
                        ELSE %(manager)s END,
                   warehouse, n.g
               FROM bench_notes n
               JOIN orders_salesorder o ON o.id = n.g
               CROSS JOIN bench_ids
               CROSS JOIN LATERAL (
                   SELECT SUM(amount) AS value FROM orders_salesorderline
                   WHERE order_id = n.g AND position <= {LINES_PER_NOTE}
               ) v""",
        ),
        (
            "delivery note lines",
            f"""INSERT INTO orders_deliverynoteline (id, quantity, unit_price, amount,
                   actual_quantity, note_id, product_id, order_line_id)
               SELECT (n.g - 1) * {LINES_PER_NOTE} + ol.position, ol.quantity, ol.unit_price,
                   ol.amount,
                   CASE WHEN n.status IN ('dispatched', 'awaiting_topup', 'exited')
                        THEN ol.quantity END,
                   note0 + n.g, ol.product_id, ol.id
               FROM bench_notes n
               CROSS JOIN bench_ids
               JOIN orders_salesorderline ol
                 ON ol.order_id = n.g AND ol.position <= {LINES_PER_NOTE}""",
        ),
        (
            "stock: receipts",
            """INSERT INTO inventory_stockmove (id, kind, quantity, reference, note, created_at,
                   batch_id, created_by_id, product_id, warehouse_id)
               SELECT move0 + g, 'receipt', 10000000, 'bench', '',
                   (%(today)s::date - 400 + time '07:00') AT TIME ZONE %(tz)s,
                   batch0 + g, %(keeper)s, product0 + g, warehouse
               FROM bench_ids, generate_series(1, %(products)s) g""",
        ),
        (
            "stock: dispatch moves of the loaded notes",
            """INSERT INTO inventory_stockmove (id, kind, quantity, reference, note, created_at,
                   batch_id, created_by_id, product_id, warehouse_id)
               SELECT move0 + %(products)s + l.id, 'dispatch', -l.actual_quantity,
                   dn.number, '', dn.dispatched_at,
                   batch0 + (l.product_id - product0), %(keeper)s, l.product_id, warehouse
               FROM orders_deliverynoteline l
               JOIN orders_deliverynote dn ON dn.id = l.note_id
               CROSS JOIN bench_ids
               WHERE dn.id > note0 AND l.actual_quantity IS NOT NULL""",
        ),
        (
            "dispatch allocations",
            """INSERT INTO orders_dispatchallocation (id, quantity, batch_id, note_line_id,
                   stock_move_id)
               SELECT l.id, l.actual_quantity, batch0 + (l.product_id - product0), l.id,
                   move0 + %(products)s + l.id
               FROM orders_deliverynoteline l
               JOIN orders_deliverynote dn ON dn.id = l.note_id
               CROSS JOIN bench_ids
               WHERE dn.id > note0 AND l.actual_quantity IS NOT NULL""",
        ),
        (
            "gate exits",
            """INSERT INTO orders_gateexit (vehicle_plate, exited_at, guard_id, note_id)
               SELECT vehicle_plate, dispatched_at + interval '30 minutes', %(guard)s, id
               FROM orders_deliverynote, bench_ids
               WHERE id > note0 AND status = 'exited'""",
        ),
        (
            "invoices (open, part paid and paid, due over the last 200 days)",
            f"""INSERT INTO finance_invoice (number, period_start, period_end, issue_date,
                   due_date, amount, paid_amount, status, official_number, void_reason,
                   created_at, customer_id)
               SELECT 'BINV' || lpad(g::text, 7, '0'),
                   %(today)s::date - (g %% 200) - 60, %(today)s::date - (g %% 200) - 31,
                   %(today)s::date - (g %% 200) - 30, %(today)s::date - (g %% 200),
                   1000 + g %% 9000,
                   CASE WHEN g %% 3 = 0 THEN 1000 + g %% 9000
                        WHEN g %% 3 = 1 THEN 500 ELSE 0 END,
                   CASE WHEN g %% 3 = 0 THEN 'paid' ELSE 'open' END, '', '', now(),
                   customer0 + 1 + (g * 13) %% %(customers)s
               FROM bench_ids, generate_series(1, {INVOICES}) g""",
        ),
    ]
