"""Who may see what: login everywhere, API authentication, superuser-only RQ dashboard."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token

from tests.sparkhub.factories import UserFactory, WorkerCheckFactory

pytestmark = pytest.mark.django_db

PAGES = ["/", "/explainer/", "/loganalytics/", "/mlbench/", "/lakehouse/", "/runs/recent"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_send_anonymous_visitors_to_the_login_page(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=")


@pytest.mark.parametrize("path", PAGES)
def test_pages_answer_a_logged_in_user(client, path):
    client.force_login(UserFactory())

    assert client.get(path).status_code == 200


def test_the_run_page_shows_status_and_progress(client):
    client.force_login(UserFactory())
    check = WorkerCheckFactory()
    check.claim()
    check.report_progress(42, "Holding")

    page = client.get(f"/runs/sparkhub.workercheck/{check.pk}/").content.decode()

    assert "Running" in page and "42%" in page and "Holding" in page
    assert "Cancel run" in page


def test_an_unknown_kind_of_run_is_a_404_page(client):
    client.force_login(UserFactory())

    response = client.get("/runs/auth.user/1/")

    assert response.status_code == 404
    assert b"Not found" in response.content


@pytest.mark.parametrize("path", ["/api/runs/", "/api/schema/"])
def test_the_api_refuses_anonymous_callers(client, path):
    assert client.get(path).status_code in (401, 403)


def test_the_api_accepts_a_token_and_lists_runs(client):
    user = UserFactory()
    token = Token.objects.create(user=user)
    check = WorkerCheckFactory()

    response = client.get("/api/runs/", HTTP_AUTHORIZATION=f"Token {token.key}")

    assert response.status_code == 200
    assert response.json()[0] == {
        **response.json()[0],
        "kind": "sparkhub.workercheck",
        "id": check.pk,
        "status": "queued",
    }


def test_the_api_only_speaks_json(client):
    client.force_login(UserFactory())

    response = client.post(
        "/api/runs/", data="a=1", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code in (405, 415)


def test_swagger_ui_is_served_without_a_cdn(client):
    client.force_login(UserFactory())

    page = client.get("/api/docs/").content.decode()

    assert "swagger-ui" in page
    assert "cdn" not in page.lower()


def test_the_rq_dashboard_refuses_staff_who_are_not_superusers(client):
    client.force_login(UserFactory(is_staff=True))

    response = client.get("/admin/django_rq/")

    assert response.status_code == 302
    assert "login" in response.url


def test_the_rq_dashboard_opens_for_superusers(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    assert client.get("/admin/django_rq/").status_code == 200


def test_the_admin_is_branded(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    assert b"sparkhub admin" in client.get("/admin/").content


def test_healthz_answers_without_login_and_checks_database_and_redis(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_metrics_are_served_to_localhost_without_a_token(client):
    client.get("/healthz")

    body = client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()

    assert 'sparkhub_http_requests_total{method="GET",route="healthz",status="200"}' in body
    assert 'sparkhub_queue_length{queue="spark"}' in body
    assert "sparkhub_http_request_duration_seconds_bucket" in body


def test_metrics_refuse_other_addresses_and_need_the_token_when_one_is_set(client, settings):
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 403

    settings.METRICS_TOKEN = "s3cret"
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 401
    authorised = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret", REMOTE_ADDR="10.1.2.3")
    assert authorised.status_code == 200


def test_runs_by_status_are_counted_in_metrics(client):
    WorkerCheckFactory.create_batch(2)

    body = client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()

    assert 'sparkhub_runs{kind="sparkhub.workercheck",status="queued"} 2.0' in body


def test_admin_cancel_asks_for_confirmation_before_cancelling(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    check = WorkerCheckFactory()
    url = "/admin/sparkhub/workercheck/"
    form = {"action": "cancel_runs", "_selected_action": [check.pk]}

    first = client.post(url, form)
    check.refresh_from_db()
    assert first.status_code == 200 and b"Yes, cancel them" in first.content
    assert check.status == "queued"

    client.post(url, {**form, "confirmed": "yes"})
    check.refresh_from_db()
    assert check.status == "cancelled"


def test_every_response_carries_a_request_id_for_log_correlation(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="abc-123")

    assert response["X-Request-ID"] == "abc-123"
    assert len(client.get("/healthz")["X-Request-ID"]) == 32


def test_the_openapi_schema_generates_without_warnings():
    import io

    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", stdout=io.StringIO())


def test_healthz_answers_a_local_probe_whatever_allowed_hosts_say(client, settings):
    settings.ALLOWED_HOSTS = ["sparkhub.example.com"]
    settings.SECURE_SSL_REDIRECT = True

    response = client.get("/healthz", HTTP_HOST="127.0.0.1:8000")

    assert response.status_code == 200
    assert client.get("/", HTTP_HOST="127.0.0.1:8000").status_code == 400  # others still refused


def test_the_healthcheck_command_reports_database_and_redis():
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("healthcheck", stdout=out)

    assert out.getvalue().strip() == '{"database": "ok", "redis": "ok"}'
