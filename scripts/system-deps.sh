#!/usr/bin/env bash
# Install the Debian packages the project needs, only when some are missing.
#   scripts/system-deps.sh run   what serving the app needs (PDFs, Chinese fonts, translations)
#   scripts/system-deps.sh test  that, plus what the tests and browser checks need
set -euo pipefail
want=(gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk)
if [ "${1:-run}" = "test" ]; then
  # caddy and pgbouncer: tests/ops check the compose stack's Caddyfile and the
  # transaction-pooling settings against the real programs.
  want+=(poppler-utils chromium caddy pgbouncer)
fi
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing system packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "Please install as root: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
