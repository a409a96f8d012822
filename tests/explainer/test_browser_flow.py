"""Submit code in a real browser, see the result, click the DAG, find the line."""

from __future__ import annotations

import pytest

from tests.conftest import ARTIFACTS, log_in
from tests.explainer.test_api import JOB
from tests.sparkhub.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_paste_submit_and_explore_the_result(page, live_server, settings):
    settings.GEMINI_API_KEY = ""
    UserFactory(username="lin")
    log_in(page, live_server, "lin")
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(f"{live_server.url}/explainer/")
    page.fill("#id_title", "Orders by country")
    page.fill("#id_code", JOB)
    page.click("#submit-form button[type=submit]")
    page.wait_for_selector("h1:has-text('Orders by country')")

    assert page.locator(".graph .node").count() >= 4
    assert page.locator(".finding.sev-high").first.inner_text().startswith("AP-D01")
    page.locator(".graph .node[data-line='5']").first.click()
    page.wait_for_selector("#Lmain\\.py-5.selected")
    assert "collect" in page.locator(".code-line.selected").inner_text()
    assert "Download documentation" in page.content()
    page.screenshot(path=str(ARTIFACTS / "explainer-result.png"), full_page=True)
