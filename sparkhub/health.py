"""Health: the database and Redis both answer. Served to load balancers and container health
checks before host validation, which they cannot satisfy (they call 127.0.0.1)."""

from __future__ import annotations

from django.db import connection
from django.http import JsonResponse


def check_health() -> dict[str, str]:
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as error:  # report, never raise: health must always answer
        checks["database"] = f"error: {type(error).__name__}"
    try:
        import django_rq

        django_rq.get_connection("default").ping()
        checks["redis"] = "ok"
    except Exception as error:
        checks["redis"] = f"error: {type(error).__name__}"
    return checks


class HealthCheckMiddleware:
    """Answer ``GET /healthz`` (no login) before ALLOWED_HOSTS and the HTTPS redirect apply."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != "/healthz" or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        request.metrics_route = "healthz"  # answered before URL resolution
        checks = check_health()
        healthy = all(value == "ok" for value in checks.values())
        response = JsonResponse(
            {"status": "ok" if healthy else "unhealthy", **checks}, status=200 if healthy else 503
        )
        response["Cache-Control"] = "no-store"
        return response
