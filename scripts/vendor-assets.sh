#!/usr/bin/env bash
# Refresh the vendored front-end assets from the npm registry. The files are
# committed under static/vendor/ so the app needs no CDN and no npm at runtime.
set -euo pipefail
BOOTSTRAP=5.3.9
HTMX=2.0.11
JSQR=1.4.0
CHARTJS=4.5.1
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm pack "bootstrap@$BOOTSTRAP" "htmx.org@$HTMX" "jsqr@$JSQR" "chart.js@$CHARTJS" >/dev/null
for f in *.tgz; do mkdir -p "${f%.tgz}"; tar xzf "$f" -C "${f%.tgz}"; done
V="$here/static/vendor"
mkdir -p "$V/bootstrap" "$V/htmx" "$V/jsqr" "$V/chartjs"
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
echo "vendored bootstrap $BOOTSTRAP, htmx $HTMX, jsqr $JSQR and chart.js $CHARTJS into $V"
