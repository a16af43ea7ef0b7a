#!/usr/bin/env bash
# A working day's load with Locust: the five roles at once against gunicorn with
# the production settings (bench/load/locustfile.py says who does what).
#   bench/load.sh                          # 50 users, 3 minutes, on DATABASE_URL or the embedded PG
#   USERS=50 DURATION=5m bench/load.sh     # the figures land in bench/load/results/<time>/
#   STEPS="10 25 50 75 100" bench/load.sh  # one run per user count: where p95 first passes 500 ms
# For the large data set, fill an empty database first:
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/r_bench .venv/bin/python manage.py migrate
#   DATABASE_URL=... .venv/bin/python manage.py bench_reports_data
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-8078}
USERS=${USERS:-50}
STEPS=${STEPS:-$USERS}
DURATION=${DURATION:-3m}
WORKERS=${WORKERS:-$(nproc)}
if [ -z "${DATABASE_URL:-}" ]; then
  DATABASE_URL=$(.venv/bin/python -c "
from pathlib import Path
from salesadmin.embedded_pg import embedded_database_url
print(embedded_database_url(Path('.').resolve()))" 2>/dev/null)
fi
export DATABASE_URL DEBUG=0 SECRET_KEY="load-$(head -c 48 /dev/urandom | base64 | tr -d "/+=")" \
  ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=0 HTTPS=0 LOG_LEVEL=WARNING
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py collectstatic --noinput -v 0
out="bench/load/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
.venv/bin/python manage.py bench_setup | tail -1 > "$out/setup.json"
.venv/bin/gunicorn salesadmin.wsgi:application --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
  --timeout 30 --log-level warning &
gpid=$!
trap 'kill $gpid 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
for users in $STEPS; do
  echo "== $users users for $DURATION (gunicorn: $WORKERS workers)"
  LOAD_SETUP="$out/setup.json" .venv/bin/locust -f bench/load/locustfile.py --headless \
    --host "http://127.0.0.1:$PORT" -u "$users" -r "$(( users < 10 ? users : 10 ))" -t "$DURATION" \
    --csv "$out/u$users" --only-summary --loglevel WARNING >"$out/u$users.log" 2>&1 || true
  .venv/bin/python bench/load/report.py "$out/u${users}_stats.csv" | tee "$out/u$users.txt"
done
echo "figures in $out/"
