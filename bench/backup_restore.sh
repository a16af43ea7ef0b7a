#!/usr/bin/env bash
# Time manage.py backup and restore on the database of DATABASE_URL (or the
# embedded one), and print the dump's size. Restores into a scratch database
# on the same server and drops it afterwards.
#   DATABASE_URL=postgres://…/salesadmin bench/backup_restore.sh
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(mktemp -d)
scratch="bench_restore_$$"
trap 'rm -rf "$dir"; .venv/bin/python manage.py shell -c "from django.db import connection; connection.cursor().execute(\"DROP DATABASE IF EXISTS $scratch WITH (FORCE)\")" 2>/dev/null' EXIT
.venv/bin/python manage.py shell -c "
from django.db import connection
with connection.cursor() as c:
    c.execute('SELECT pg_size_pretty(pg_database_size(current_database()))')
    print('database size:', c.fetchone()[0])
    c.execute('SELECT count(*) FROM inventory_stockmove'); print('stock moves:', c.fetchone()[0])
    c.execute('SELECT count(*) FROM orders_deliverynote'); print('delivery notes:', c.fetchone()[0])
" 2>/dev/null
echo "== backup"
/usr/bin/time -f "%e s wall" .venv/bin/python manage.py backup --dir "$dir" --keep 1 2>&1 | grep -v Warning
echo "== restore"
/usr/bin/time -f "%e s wall" .venv/bin/python manage.py restore "$dir"/*.dump --into "$scratch" 2>&1 | grep -v Warning
