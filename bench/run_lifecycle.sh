#!/usr/bin/env bash
# Benchmark the approval chain against gunicorn on PostgreSQL, production settings.
#   bench/run_lifecycle.sh            # machine PostgreSQL via DATABASE_URL, else the embedded one
#   N=400 WORKERS=4 bench/run_lifecycle.sh   # workers: default one per core
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-8077}
N=${N:-300}
# One sync worker per core: the chain is CPU-bound in Django and PostgreSQL shares
# the cores here; on 2 cores 2 workers did 33 lifecycles/s and 4 workers 29.6
# (and one client waited ~6 ms longer per lifecycle), the processes crowding the cores.
WORKERS=${WORKERS:-$(nproc)}
if [ -z "${DATABASE_URL:-}" ]; then
  # Start (or reuse) the embedded server and borrow its URL for gunicorn.
  DATABASE_URL=$(.venv/bin/python -c "
from pathlib import Path
from salesadmin.embedded_pg import embedded_database_url
print(embedded_database_url(Path('.').resolve()))" 2>/dev/null)
fi
export DATABASE_URL DEBUG=0 SECRET_KEY="bench-$(head -c 48 /dev/urandom | base64 | tr -d "/+=")" \
  ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=0 LOG_LEVEL=WARNING \
  API_THROTTLE_USER=100000/min API_THROTTLE_AUTH_TOKEN=1000/min  # one client per role at full speed; a token per run
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py collectstatic --noinput -v 0  # whitenoise serves from here with DEBUG off
setup=$(mktemp)
.venv/bin/python manage.py bench_setup | tail -1 > "$setup"
.venv/bin/gunicorn salesadmin.wsgi:application --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
  --log-level warning &
gpid=$!
trap 'kill $gpid 2>/dev/null; rm -f "$setup"' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
echo "== 1 client"
.venv/bin/python bench/lifecycle.py --base "http://127.0.0.1:$PORT" -n "$((N / 3))" -c 1 --setup-json "$setup"
echo "== 4 clients, a customer each"
.venv/bin/python bench/lifecycle.py --base "http://127.0.0.1:$PORT" -n "$N" -c 4 --setup-json "$setup"
echo "== 4 clients, one shared customer (worst case: stamps and dispatches queue on its lock)"
.venv/bin/python bench/lifecycle.py --base "http://127.0.0.1:$PORT" -n "$N" -c 4 --setup-json "$setup" --one-customer
echo "== like for like with ERPs that invoice every sale: 1 and 4 clients, prepaid customers, invoice + its PDF"
.venv/bin/python bench/lifecycle.py --base "http://127.0.0.1:$PORT" -n "$((N / 3))" -c 1 --setup-json "$setup" --invoiced
.venv/bin/python bench/lifecycle.py --base "http://127.0.0.1:$PORT" -n "$N" -c 4 --setup-json "$setup" --invoiced
