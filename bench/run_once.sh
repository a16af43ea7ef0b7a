#!/usr/bin/env bash
# One run as bench/run_lifecycle.sh does it (same settings, bench_setup with its
# VACUUM, the 1- and 4-client phases), for bench/compare.sh: migrate and
# collectstatic only once per worktree and database, and the gunicorn workers'
# CPU time per lifecycle after each phase.
set -euo pipefail
cd "$1"
PORT=${PORT:-8177}; N=${N:-300}; WORKERS=${WORKERS:-$(nproc)}
export DATABASE_URL DEBUG=0 SECRET_KEY="bench-$(head -c 48 /dev/urandom | base64 | tr -d "/+=")" \
  ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=0 LOG_LEVEL=WARNING
stamp="var/.bench-migrated-${DATABASE_URL##*/}"
if [ ! -e "$stamp" ]; then
  .venv/bin/python manage.py migrate --noinput -v 0
  [ -e var/staticfiles/staticfiles.json ] || .venv/bin/python manage.py collectstatic --noinput -v 0
  touch "$stamp"
fi
setup=$(mktemp)
.venv/bin/python manage.py bench_setup | tail -1 > "$setup"
.venv/bin/gunicorn salesadmin.wsgi:application --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
  --log-level warning &
gpid=$!
trap 'kill $gpid 2>/dev/null; rm -f "$setup"' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
ticks() {  # CPU ticks (user + system) of the gunicorn workers
  local total=0
  for pid in $(pgrep -P $gpid); do total=$((total + $(awk '{print $14+$15}' /proc/$pid/stat))); done
  echo "$total"
}
phase() {  # phase LIFECYCLES CLIENTS [lifecycle.py options]
  local n=$1 c=$2; shift 2
  local t0 t1
  t0=$(ticks)
  .venv/bin/python bench/lifecycle.py --base "http://127.0.0.1:$PORT" --setup-json "$setup" \
    -n "$n" -c "$c" "$@"
  t1=$(ticks)
  python3 -c "print(f'gunicorn CPU per lifecycle: {($t1-$t0)*1000/$(getconf CLK_TCK)/$n:.1f} ms')"
}
echo "== 1 client"
phase "$((N / 3))" 1
echo "== 4 clients, a customer each"
phase "$N" 4
