"""A real browser (Debian's Chromium driven by Playwright) logs in and sees the dashboard."""

from __future__ import annotations

import pytest

from tests.conftest import ARTIFACTS
from tests.sparkhub.factories import UserFactory, WorkerCheckFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_user_logs_in_and_sees_the_dashboard_with_recent_runs(page, live_server):
    UserFactory(username="ada")
    check = WorkerCheckFactory()
    check.claim()
    check.report_progress(60, "Holding")
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", "ada")
    page.fill("#id_password", "pw-for-tests")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    assert page.locator("h1").inner_text() == "Dashboard"
    assert page.locator("nav.apps a").all_inner_texts() == [
        "Explainer",
        "Log analytics",
        "ML bench",
        "Lakehouse",
    ]
    row = page.locator("table.runs tbody tr").first
    assert "Running" in row.inner_text() and "60%" in row.inner_text()
    assert page.evaluate("getComputedStyle(document.body).fontFamily") != ""
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)


def test_live_status_updates_without_reloading_the_page(page, live_server, client):
    UserFactory(username="grace")
    check = WorkerCheckFactory()
    check.claim()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "grace")
    page.fill("#id_password", "pw-for-tests")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/runs/sparkhub.workercheck/{check.pk}/")
    page.evaluate("window.notReloaded = true")

    check.report_progress(100, "All done")
    check.mark_succeeded("All done")

    page.wait_for_selector(".run-status .status-succeeded", timeout=10_000)
    assert page.evaluate("window.notReloaded") is True
