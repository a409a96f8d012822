#!/usr/bin/env bash
# Browser tests drive Debian's Chromium through Playwright (never `playwright install`).
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  echo "==> Chromium found: $(chromium --version 2>/dev/null || echo /usr/bin/chromium)"
  exit 0
fi
echo "==> Installing Debian's chromium for the browser tests"
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium >/dev/null
chromium --version
