#!/usr/bin/env bash
# The chain over HTTP against gunicorn with the production settings, on a fresh
# database: once in the plain-HTTP mode (HTTPS=0, gunicorn straight), once in
# the TLS mode (HTTPS=1) behind Caddy with deploy/Caddyfile and its own CA,
# as docker-compose.yml runs them. CI runs it (.ci/run); without Docker this is
# the compose stack's stand-in.
#   DATABASE_URL=postgres://…/fresh_db scripts/http-chain.sh
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?a fresh database}"
PORT=${PORT:-8097}
TLS_PORT=${TLS_PORT:-8443}
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
export DEBUG=0 SECRET_KEY="http-chain-$(head -c 32 /dev/urandom | base64 | tr -d '/+=')" \
  ALLOWED_HOSTS=127.0.0.1,localhost LOG_FORMAT=json LOG_LEVEL=INFO \
  PROMETHEUS_MULTIPROC_DIR="$work/prometheus" WEB_CONCURRENCY=2 STATIC_COMPRESS=0
unset REDIS_URL  # tasks in-process: the chain needs no worker
PY=.venv/bin/python
$PY manage.py migrate --noinput -v 0
$PY manage.py collectstatic --noinput -v 0
$PY manage.py bench_setup | tail -1 > "$work/setup.json"

serve() {  # serve HTTPS_VALUE: gunicorn on 127.0.0.1:$PORT
  HTTPS=$1 GUNICORN_BIND="127.0.0.1:$PORT" .venv/bin/gunicorn salesadmin.wsgi:application \
    -c deploy/gunicorn.conf.py >"$work/gunicorn-$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && return; sleep 0.1; done
  cat "$work/gunicorn-$1.log"; return 1
}

echo "== plain-HTTP mode (HTTPS=0): http://127.0.0.1:$PORT"
serve 0
$PY scripts/chain_over_http.py --base "http://127.0.0.1:$PORT" --setup-json "$work/setup.json"
# Both gunicorn workers' samples add up on /metrics (PROMETHEUS_MULTIPROC_DIR) ...
curl -fsS "http://127.0.0.1:$PORT/metrics" >"$work/metrics.txt"
grep -q 'salesadmin_transitions_total{document="delivery_note",outcome="ok",transition="exit"} 1.0' \
  "$work/metrics.txt" || { echo "FAIL /metrics did not count the gate exit"; grep transitions "$work/metrics.txt"; exit 1; }
# ... and every request left one JSON log line with its facts.
grep -q '"logger": "salesadmin.request".*"status": 200.*"sql_count"' "$work/gunicorn-0.log" \
  || { echo "FAIL no JSON request log line"; head -5 "$work/gunicorn-0.log"; exit 1; }
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true

echo "== TLS mode (HTTPS=1) behind Caddy: https://localhost:$TLS_PORT"
serve 1
XDG_DATA_HOME="$work/caddy-data" XDG_CONFIG_HOME="$work/caddy-config" \
  SITE_ADDRESS="localhost:$TLS_PORT" CADDY_HTTPS_PORT="$TLS_PORT" CADDY_HTTP_PORT=$((TLS_PORT + 1)) \
  CADDY_ADMIN=off WEB_HOST=127.0.0.1 WEB_PORT="$PORT" \
  caddy run --adapter caddyfile --config deploy/Caddyfile >"$work/caddy.log" 2>&1 &
pids+=($!)
root="$work/caddy-data/caddy/pki/authorities/local/root.crt"
for _ in $(seq 100); do
  [ -f "$root" ] && curl -fs --cacert "$root" "https://localhost:$TLS_PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
$PY scripts/chain_over_http.py --base "https://localhost:$TLS_PORT" --cafile "$root" \
  --setup-json "$work/setup.json"
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$root" "https://localhost:$TLS_PORT/metrics")
[ "$code" = 403 ] || { echo "FAIL /metrics through Caddy answered $code, not 403"; exit 1; }
# Plain HTTP to the TLS-mode app is redirected to https, never served.
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/accounts/login/")
[ "$code" = 301 ] || { echo "FAIL plain HTTP in TLS mode answered $code, not 301"; exit 1; }
echo "OK both modes"
