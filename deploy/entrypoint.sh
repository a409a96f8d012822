#!/bin/sh
# Container entry point: `web` (migrate, then gunicorn) or `worker` (RQ on all queues).
set -eu
mkdir -p "${PROMETHEUS_MULTIPROC_DIR:-/tmp/sparkhub-metrics}"
case "${1:-web}" in
  web)
    # gunicorn's processes share their Prometheus counters through this directory.
    rm -rf "${PROMETHEUS_MULTIPROC_DIR:?}"/*
    python manage.py migrate --noinput
    exec gunicorn sparkhub.wsgi:application \
      --bind 0.0.0.0:8000 --worker-class gthread \
      --workers "${WEB_CONCURRENCY:-2}" --threads "${WEB_THREADS:-8}" \
      --access-logfile - --no-control-socket
    ;;
  worker)
    exec python manage.py rqworker ${RQ_QUEUES:-default llm spark}
    ;;
  *)
    exec "$@"
    ;;
esac
