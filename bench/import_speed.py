"""Time the first-day import at scale: customers, products, opening stock and
opening receivables of N rows each, through the same import the page and
`manage.py import_data` use, in one transaction rolled back at the end (the
database is left as it was).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/salesadmin_load \\
        .venv/bin/python bench/import_speed.py -n 10000
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salesadmin.settings")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", "--rows", type=int, default=10_000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from inventory.models import Warehouse
    from portal.imports import BY_KEY, import_file
    from salesadmin.clock import company_today
    from tests.imports.sheets import first_day_files

    User = get_user_model()
    users = {
        "customers": "manager",
        "products": "manager",
        "opening_stock": "keeper",
        "opening_receivables": "finance",
    }

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            warehouse = Warehouse.objects.order_by("id").first()
            prefix = f"B{int(time.time()) % 100000}"
            for kind, name, content in first_day_files(
                args.rows, prefix, warehouse=warehouse.code, today=company_today()
            ):
                user = User.objects.get(username=users[kind])
                start = time.perf_counter()
                result = import_file(
                    kind=BY_KEY[kind], content=content, filename=name, user=user, dry_run=False
                )
                elapsed = time.perf_counter() - start
                ok = "ok" if result.imported else f"REFUSED {result.errors[:3]}"
                print(f"{kind:<20} {args.rows} rows  {elapsed:6.1f} s  {ok}")
            raise Rollback
    except Rollback:
        print("rolled back")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
