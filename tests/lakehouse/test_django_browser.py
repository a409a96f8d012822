"""The pipeline page in a real browser: DAG, plan, validation messages on a bad edit."""

from __future__ import annotations

import pytest

from lakehouse.services import sync_shipped_pipelines
from tests.conftest import ARTIFACTS, log_in
from tests.sparkhub.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_returns_pipeline_page_draws_its_steps_and_refuses_a_broken_edit(page, live_server):
    sync_shipped_pipelines()
    UserFactory(username="ines")
    log_in(page, live_server, "ines")
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(f"{live_server.url}/lakehouse/pipelines/returns/")
    assert page.locator(".graph .node").count() == 11
    page.screenshot(path=str(ARTIFACTS / "lakehouse-pipeline.png"), full_page=True)

    editor = page.locator("form:has(input[value=save]) textarea[name=config]")
    editor.fill(editor.input_value().replace("inputs = [read_raw]", "inputs = [read_rawx]", 1))
    page.click("form:has(input[value=save]) button[type=submit]")

    assert "read_rawx" in page.locator("ul.problems").first.inner_text()
