#!/bin/sh
# Container entry point: `web` (migrate, then gunicorn), `worker` (RQ on all queues), or
# `health` (the HEALTHCHECK: whichever role this container runs).
set -eu
mkdir -p "${PROMETHEUS_MULTIPROC_DIR:-/tmp/sparkhub-metrics}"
ROLE_FILE=/tmp/sparkhub-role
case "${1:-web}" in
  web)
    echo web > "$ROLE_FILE"
    # gunicorn's processes share their Prometheus counters through this directory.
    rm -rf "${PROMETHEUS_MULTIPROC_DIR:?}"/*
    python manage.py migrate --noinput
    exec gunicorn sparkhub.wsgi:application \
      --bind 0.0.0.0:8000 --worker-class gthread \
      --workers "${WEB_CONCURRENCY:-2}" --threads "${WEB_THREADS:-8}" \
      --access-logfile - --no-control-socket
    ;;
  worker)
    echo worker > "$ROLE_FILE"
    exec python manage.py rqworker ${RQ_QUEUES:-default llm spark}
    ;;
  health)
    # /healthz is answered before host checks, so 127.0.0.1 works whatever ALLOWED_HOSTS say.
    if [ "$(cat "$ROLE_FILE" 2>/dev/null)" = "worker" ]; then
      exec python manage.py healthcheck
    fi
    exec curl -fsS http://127.0.0.1:8000/healthz
    ;;
  *)
    exec "$@"
    ;;
esac
