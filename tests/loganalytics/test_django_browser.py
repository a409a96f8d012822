"""A real browser opens an application page, sees its timeline drawn, and follows a bar."""

from __future__ import annotations

import pytest

from loganalytics.services import import_event_log
from tests.conftest import ARTIFACTS, log_in
from tests.sparkhub.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True, scope="module")
def orm_beside_playwright():
    # Playwright's sync API runs an event loop in this thread; the database is flushed after
    # ``page`` has ended, so the ORM's async guard must stand down until this module ends.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


def test_the_application_page_draws_its_timeline_and_findings(
    django_db_setup, page, live_server, eventlog
):
    # django_db_setup first: the test database must exist before Playwright starts its loop.
    run = import_event_log(path=eventlog("cluster_executor_loss"))
    UserFactory(username="ada")
    log_in(page, live_server, "ada")
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(f"{live_server.url}{run.application.get_absolute_url()}")
    page.wait_for_selector("#timeline .main-svg")

    assert page.locator("#timeline .bars path").count() >= 2
    assert page.locator(".la-finding").count() >= 1
    assert "Executors" in page.content()
    page.screenshot(path=str(ARTIFACTS / "loganalytics-application.png"), full_page=True)
    page.locator("#timeline .bars path").first.click(force=True)  # plotly listens on its layer
    page.wait_for_url("**/jobs/**")
    assert page.locator("#job-tasks .main-svg").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "loganalytics-job.png"), full_page=True)
