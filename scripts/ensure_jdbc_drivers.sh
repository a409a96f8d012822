#!/usr/bin/env bash
# JDBC drivers for the lakehouse's jdbc source and sink, from Debian (never a Maven download):
# PostgreSQL and SQLite (the SQLite one lets a machine without a database server test JDBC).
# sparkhub finds them in /usr/share/java by default (SPARK_JARS, see the README).
set -euo pipefail
JARS=(/usr/share/java/postgresql.jar /usr/share/java/sqlite-jdbc.jar)
PACKAGES=(libpostgresql-jdbc-java libxerial-sqlite-jdbc-java)
missing=0
for jar in "${JARS[@]}"; do
  [ -e "$jar" ] || missing=1
done
if [ "$missing" -eq 0 ]; then
  echo "==> JDBC drivers found: ${JARS[*]}"
  exit 0
fi
echo "==> Installing Debian's JDBC drivers (${PACKAGES[*]})"
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
for jar in "${JARS[@]}"; do
  [ -e "$jar" ] || { echo "$jar is still missing after installing ${PACKAGES[*]}" >&2; exit 1; }
done
echo "==> JDBC drivers installed: ${JARS[*]}"
