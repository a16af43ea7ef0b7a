"""A backup restored into a new database is the same company: every table's
rows, the ledgers and balances, the sequences, the append-only triggers and the
constraints; and the next gapless number continues where the original was.

The world is built through the services and committed (pg_dump reads committed
data only), then `manage.py backup` and `manage.py restore` run as an operator
runs them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from contextlib import contextmanager
from decimal import Decimal

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection, connections

from finance.invoicing import invoices_issue_due
from finance.reminders import reminders_create_due
from finance.services import payment_record
from orders.models import DeliveryNote, SalesOrder
from orders.services.exit_pass import exit_pass_use
from salesadmin import pgtools
from salesadmin.clock import company_today
from tests.finance.invoice_world import overdue


def _connect(database: str) -> psycopg.Connection:
    env = pgtools.libpq_env("default", database=database)
    return psycopg.connect(
        host=env.get("PGHOST"),
        port=env.get("PGPORT"),
        user=env.get("PGUSER"),
        password=env.get("PGPASSWORD"),
        dbname=database,
        autocommit=True,
    )


def _facts(database: str) -> dict:
    """Everything that must survive: each table's rows (a digest of its content),
    every sequence's position, and the names of triggers and constraints."""
    with _connect(database) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        facts = {}
        for table in tables:
            facts[table] = conn.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"
                f' FROM "{table}" t'
            ).fetchone()
        facts["sequences"] = conn.execute(
            "SELECT sequencename, last_value FROM pg_sequences"
            " WHERE schemaname = 'public' ORDER BY 1"
        ).fetchall()
        facts["triggers"] = conn.execute(
            "SELECT tgrelid::regclass::text, tgname FROM pg_trigger"
            " WHERE NOT tgisinternal ORDER BY 1, 2"
        ).fetchall()
        facts["constraints"] = conn.execute(
            "SELECT conrelid::regclass::text, conname, contype FROM pg_constraint"
            " WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2"
        ).fetchall()
    return facts


@contextmanager
def _django_on(database: str):
    """The services, run against another database of the same server."""
    default = connections["default"]
    saved = default.settings_dict["NAME"]
    default.close()
    default.settings_dict["NAME"] = database
    try:
        yield
    finally:
        default.close()
        default.settings_dict["NAME"] = saved


def _fill(chain, guard) -> None:
    today = company_today()
    order = chain.order(("40", "400", "20"))
    # a note through the gate, one dispatched, one stamped, one only issued
    exited = chain.dispatched(chain.stamped(chain.note(order, quantities=["10", "100", "5"])))
    exit_pass_use(raw=exited.pass_code, user=guard, vehicle_plate="浙E12345")
    chain.dispatched(chain.stamped(chain.note(order, quantities=["10", "100", "5"])))
    chain.stamped(chain.note(order, quantities=["5", "50", "0"]))
    chain.note(order, quantities=["5", "50", "0"])
    # invoices for the month, a payment settling part, an overdue invoice reminded
    next_month = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    assert invoices_issue_due(today=next_month, user=chain.finance)
    payment_record(
        customer=chain.customer, amount=Decimal("500.00"), user=chain.finance, reference="BK-1"
    )
    overdue(20, today=today, customer=chain.customer)
    assert reminders_create_due(today=today) >= 1


def _next(number: str) -> str:
    prefix, _, serial = number.rpartition("-")
    return f"{prefix}-{int(serial) + 1:0{len(serial)}d}"


@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_is_the_same_company(chain, guard, tmp_path):
    # Given a database filled through the services, and committed
    _fill(chain, guard)
    original = connection.settings_dict["NAME"]
    before = _facts(original)
    assert before["inventory_stockmove"][0] >= 9  # 3 receipts + 2 dispatches of 3 lines
    assert before["finance_reminder"][0] >= 1
    restored = f"restored_{uuid.uuid4().hex[:12]}"

    # When it is backed up (twice: --keep 1 prunes the older) and restored
    call_command("backup", dir=str(tmp_path), keep=1)
    call_command("backup", dir=str(tmp_path), keep=1)
    [dump] = tmp_path.glob("*.dump")
    call_command("restore", str(dump), into=restored)
    try:
        # Then every table, sequence, trigger and constraint is there as it was
        after = _facts(restored)
        assert after == before

        with _connect(restored) as conn:
            # the ledgers are still append-only
            for table in ("inventory_stockmove", "finance_receivableentry"):
                with pytest.raises(psycopg.errors.RestrictViolation):
                    conn.execute(f"UPDATE {table} SET id = id")
                with pytest.raises(psycopg.errors.RestrictViolation):
                    conn.execute(f"DELETE FROM {table}")
            # stock cannot go negative, and a reminder is sent once per level
            with pytest.raises(psycopg.errors.CheckViolation):
                conn.execute("UPDATE inventory_stocklevel SET on_hand = -1")
            with pytest.raises(psycopg.errors.UniqueViolation):
                conn.execute(
                    "INSERT INTO finance_reminder (invoice_id, customer_id, level, days_overdue,"
                    " open_amount, status, email, attempts, last_error, created_at)"
                    " SELECT invoice_id, customer_id, level, days_overdue, open_amount, status,"
                    " email, attempts, last_error, created_at FROM finance_reminder LIMIT 1"
                )

        # and the services go on there: the next contract and note take the next numbers
        last_order = SalesOrder.objects.order_by("-number").values_list("number", flat=True)[0]
        last_note = DeliveryNote.objects.order_by("-number").values_list("number", flat=True)[0]
        with _django_on(restored):
            order = chain.order(("1",))
            note = chain.note(order)
        assert order.number == _next(last_order)
        assert note.number == _next(last_note)
        assert not DeliveryNote.objects.filter(number=note.number).exists()  # not in the original
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')


def test_the_dump_tool_is_at_least_as_new_as_the_server(db):
    server = pgtools.server_major()
    for tool in ("pg_dump", "pg_restore"):
        path = pgtools.find_tool(tool, at_least=server)
        assert pgtools.tool_major(path) >= server
    with pytest.raises(pgtools.ToolNotFound, match="PG_BIN_DIR"):
        pgtools.find_tool("pg_dump", at_least=99)


def test_restore_never_overwrites_a_database(db, tmp_path):
    from django.core.management.base import CommandError

    dump = tmp_path / "x.dump"
    dump.write_bytes(b"not used")
    with pytest.raises(CommandError, match="exists"):
        call_command("restore", str(dump), into=connection.settings_dict["NAME"])
