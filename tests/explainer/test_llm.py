"""The Gemini layer against a local server speaking the Gemini REST API."""

from __future__ import annotations

import pytest

from explainer import llm
from explainer.analysis import analyse
from tests.explainer.gemini_standin import GOOD_ANSWER, GeminiStandIn

CODE = {"job.py": "df = spark.read.parquet('/lake/orders')\nrows = df.collect()\n"}


def config_for(stand_in, **overrides) -> llm.GeminiConfig:
    return llm.GeminiConfig(
        api_key="test-key", model="gemini-test", base_url=stand_in.url, **overrides
    )


def test_the_analysis_and_a_system_instruction_are_sent_and_json_comes_back():
    with GeminiStandIn() as stand_in:
        answer = llm.explain(CODE, analyse(CODE), config_for(stand_in))

    assert answer.content == GOOD_ANSWER
    assert (answer.prompt_tokens, answer.output_tokens, answer.total_tokens) == (1234, 321, 1555)
    request = stand_in.requests[0]
    assert request["path"] in (
        "/v1/models/gemini-test:generateContent",
        "/v1beta/models/gemini-test:generateContent",
    )
    assert request["key"] == "test-key"
    prompt = request["body"]["contents"][0]["parts"][0]["text"]
    assert '"method": "collect"' in prompt and "rows = df.collect()" in prompt
    assert "senior Apache Spark engineer" in str(request["body"]["systemInstruction"])
    assert request["body"]["generationConfig"]["responseMimeType"] == "application/json"


def test_busy_answers_are_retried_with_backoff_then_succeed():
    with GeminiStandIn() as stand_in:
        stand_in.failures_before_success = [429, 503]
        answer = llm.explain(CODE, analyse(CODE), config_for(stand_in, attempts=3))

    assert len(stand_in.requests) == 3
    assert answer.content["summary"] == GOOD_ANSWER["summary"]


def test_retries_are_bounded_and_the_error_says_what_gemini_answered():
    with GeminiStandIn() as stand_in:
        stand_in.failures_before_success = [500, 500, 500, 500]
        with pytest.raises(llm.LLMError, match="500"):
            llm.explain(CODE, analyse(CODE), config_for(stand_in, attempts=2))

    assert len(stand_in.requests) == 2


def test_an_answer_that_is_not_json_is_an_llm_error():
    with GeminiStandIn() as stand_in:
        stand_in.answer_text = "Sure! Here is what your job does…"
        with pytest.raises(llm.LLMError, match="not valid JSON"):
            llm.explain(CODE, analyse(CODE), config_for(stand_in))


def test_a_slow_gemini_times_out_into_an_llm_error():
    with GeminiStandIn() as stand_in:
        stand_in.delay_seconds = 3
        with pytest.raises(llm.LLMError, match="could not be reached"):
            llm.explain(CODE, analyse(CODE), config_for(stand_in, timeout_seconds=1, attempts=1))


def test_nothing_listening_is_an_llm_error_not_a_crash():
    config = llm.GeminiConfig(api_key="k", model="m", base_url="http://127.0.0.1:9", attempts=1)

    with pytest.raises(llm.LLMError):
        llm.explain(CODE, analyse(CODE), config)
