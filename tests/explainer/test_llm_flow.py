"""Submissions get their Gemini explanation on the llm queue, or keep the offline one."""

from __future__ import annotations

import pytest

from explainer.models import Submission
from explainer.services import submit_code
from sparkhub.runs import RunStatus
from tests.explainer.gemini_standin import GOOD_ANSWER, GeminiStandIn
from tests.explainer.test_api import JOB
from tests.sparkhub.factories import UserFactory
from tests.sparkhub.helpers import run_burst_worker

pytestmark = [pytest.mark.redis, pytest.mark.slow, pytest.mark.usefixtures("empty_queues")]


def gemini_env(worker_env, stand_in) -> dict[str, str]:
    return {
        **worker_env,
        "GEMINI_API_KEY": "test-key",
        "GEMINI_MODEL": "gemini-test",
        "GEMINI_BASE_URL": stand_in.url,
        "GEMINI_TIMEOUT_SECONDS": "5",
    }


def test_a_worker_stores_geminis_explanation_and_token_usage(worker_env, settings, client):
    settings.GEMINI_API_KEY, settings.GEMINI_MODEL = "test-key", "gemini-test"
    submission, cached = submit_code(files={"main.py": JOB}, title="Orders")
    assert (cached, submission.status) == (False, RunStatus.QUEUED)

    with GeminiStandIn() as stand_in:
        run_burst_worker(gemini_env(worker_env, stand_in), "llm")

    submission.refresh_from_db()
    assert submission.status == RunStatus.SUCCEEDED
    assert submission.llm_explanation == GOOD_ANSWER
    assert (submission.prompt_tokens, submission.output_tokens) == (1234, 321)
    client.force_login(UserFactory())
    page = client.get(f"/explainer/{submission.pk}/").content.decode()
    assert "Written by gemini-test" in page and "Bound the collect" in page


def test_when_gemini_fails_the_offline_explanation_stays_and_the_page_says_why(
    worker_env, settings, client
):
    settings.GEMINI_API_KEY, settings.GEMINI_MODEL = "test-key", "gemini-test"
    submission, _ = submit_code(files={"main.py": JOB}, title="Orders")

    with GeminiStandIn() as stand_in:
        stand_in.failures_before_success = [500] * 10
        run_burst_worker(gemini_env(worker_env, stand_in), "llm")

    submission.refresh_from_db()
    assert submission.status == RunStatus.SUCCEEDED
    assert submission.llm_explanation == {}
    assert "500" in submission.llm_error
    client.force_login(UserFactory())
    page = client.get(f"/explainer/{submission.pk}/").content.decode()
    assert "Gemini could not explain this" in page
    assert submission.offline_explanation.split("\n")[0][:40] in page
    assert Submission.objects.count() == 1
