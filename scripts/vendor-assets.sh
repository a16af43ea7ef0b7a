#!/usr/bin/env bash
# Refresh the vendored front-end assets from the npm registry. The files are
# committed under static/vendor/ so the app needs no CDN and no npm at runtime.
set -euo pipefail
BOOTSTRAP=5.3.9
HTMX=2.0.11
JSQR=1.4.0
CHARTJS=4.5.1
AXE=4.14.1
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm pack "bootstrap@$BOOTSTRAP" "htmx.org@$HTMX" "jsqr@$JSQR" "chart.js@$CHARTJS" "axe-core@$AXE" >/dev/null
for f in *.tgz; do mkdir -p "${f%.tgz}"; tar xzf "$f" -C "${f%.tgz}"; done
V="$here/static/vendor"
mkdir -p "$V/bootstrap" "$V/htmx" "$V/jsqr" "$V/chartjs" "$V/axe-core"
cp "bootstrap-$BOOTSTRAP/package/dist/css/bootstrap.min.css" \
   "bootstrap-$BOOTSTRAP/package/dist/css/bootstrap.min.css.map" \
   "bootstrap-$BOOTSTRAP/package/dist/js/bootstrap.bundle.min.js" \
   "bootstrap-$BOOTSTRAP/package/dist/js/bootstrap.bundle.min.js.map" \
   "bootstrap-$BOOTSTRAP/package/LICENSE" "$V/bootstrap/"
cp "htmx.org-$HTMX/package/dist/htmx.min.js" "htmx.org-$HTMX/package/LICENSE" "$V/htmx/"
# The gate page decodes exit-pass QR codes from the phone camera with jsQR.
cp "jsqr-$JSQR/package/dist/jsQR.js" "jsqr-$JSQR/package/LICENSE" "$V/jsqr/"
# The manager dashboard draws its sales charts with Chart.js.
cp "chart.js-$CHARTJS/package/dist/chart.umd.min.js" \
   "chart.js-$CHARTJS/package/dist/chart.umd.min.js.map" \
   "chart.js-$CHARTJS/package/LICENSE.md" "$V/chartjs/"
# The accessibility test (tests/e2e/test_accessibility.py) injects axe-core into
# each page with Playwright; no template loads it, so users never receive it.
cp "axe-core-$AXE/package/axe.min.js" "axe-core-$AXE/package/LICENSE" "$V/axe-core/"
echo "vendored bootstrap $BOOTSTRAP, htmx $HTMX, jsqr $JSQR, chart.js $CHARTJS and axe-core $AXE into $V"
