#!/usr/bin/env bash
# The HTTP ingest benchmark generates its load with wrk (Debian's package), a bounded C client.
set -euo pipefail
if command -v wrk >/dev/null 2>&1; then
  exit 0
fi
echo "==> Installing Debian's wrk for the HTTP ingest benchmark"
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq wrk >/dev/null
