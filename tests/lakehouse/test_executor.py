"""Hooks, retries, circuit breakers, skipped downstream steps and secrets in a real run."""

import pytest

from lakehouse.engine import run_pipeline
from lakehouse.engine.resilience import reset_breakers
from tests.lakehouse import user_components

USER = "tests.lakehouse.user_components"


@pytest.fixture(autouse=True)
def fresh_state():
    user_components.ATTEMPTS.clear()
    user_components.EVENTS.clear()
    reset_breakers()


def _pipeline(tmp_path, source_options: str, extra_steps: str = "", pipeline_block: str = ""):
    return f"""
    pipeline {{
      name = test_run
      {pipeline_block}
    }}
    steps {{
      ids {{ type = {USER}.FlakySource, {source_options} }}
      out {{ type = write_parquet, path = "{tmp_path}/out" }}
      {extra_steps}
    }}
    """


def test_a_flaky_step_is_retried_with_exponential_backoff_until_it_succeeds(spark, tmp_path):
    delays = []
    text = _pipeline(
        tmp_path,
        "rows = 4, fail_times = 2, key = flaky, "
        "retry { max_attempts = 3, initial_delay = 0.5, multiplier = 4, max_delay = 1 }",
    )

    report = run_pipeline(text, spark=spark, sleep=delays.append)

    assert report["status"] == "succeeded"
    assert report["steps"][0]["attempts"] == 3
    assert delays == [0.5, 1.0]
    assert spark.read.parquet(f"{tmp_path}/out").count() == 4
    assert report["steps"][1]["rows_out"] == 4


def test_exhausted_retries_fail_the_step_and_skip_everything_downstream(spark, tmp_path):
    extra = f"""
      other {{ type = {USER}.FlakySource, rows = 2, key = other }}
      other_out {{ type = write_parquet, path = "{tmp_path}/other" }}
    """
    text = _pipeline(tmp_path, "fail_times = 5, key = down, retry { max_attempts = 2 }", extra)

    report = run_pipeline(text, spark=spark, sleep=lambda s: None)

    statuses = {s["name"]: s["status"] for s in report["steps"]}
    assert statuses == {
        "ids": "failed",
        "out": "skipped",
        "other": "succeeded",
        "other_out": "succeeded",
    }
    assert report["status"] == "failed"
    assert "ConnectionError: source unavailable (attempt 2)" in report["steps"][0]["error"]
    assert report["steps"][1]["skipped_because"] == "upstream step ids failed"
    assert not (tmp_path / "out").exists()
    assert (tmp_path / "other").exists()


def test_an_open_circuit_fails_fast_across_runs_until_its_open_time_passes(spark, tmp_path):
    breaker = "circuit_breaker { failure_threshold = 2, open_seconds = 600, name = db }"
    options = f"fail_times = 99, key = cb, retry {{ max_attempts = 5 }}, {breaker}"
    text = _pipeline(tmp_path, options)

    first = run_pipeline(text, spark=spark, sleep=lambda s: None)
    second = run_pipeline(text, spark=spark, sleep=lambda s: None)

    assert first["steps"][0]["attempts"] == 2  # two failures open it; the third call is refused
    assert "CircuitOpen" in first["steps"][0]["error"]
    assert second["steps"][0]["attempts"] == 0
    assert "CircuitOpen" in second["steps"][0]["error"]
    assert user_components.ATTEMPTS["cb"] == 2


def test_user_hooks_see_every_step_before_after_and_on_error(spark, tmp_path):
    extra = f"boom {{ type = {USER}.BoomTransform, inputs = [ids] }}"
    hooks = f'hooks = [{{ type = "{USER}.RecordingHook" }}]'
    text = _pipeline(tmp_path, "rows = 1", extra, hooks)

    report = run_pipeline(text, spark=spark)

    assert user_components.EVENTS == [
        ("before", "ids"),
        ("after", "ids"),
        ("before", "out"),
        ("after", "out"),
        ("before", "boom"),
        ("error", "boom"),
        ("after", "boom"),
    ]
    assert report["steps"][2]["error"] == "RuntimeError: boom"


def test_secrets_are_resolved_for_the_run_but_masked_in_the_report(spark, tmp_path, monkeypatch):
    monkeypatch.setenv("LAKE_TEST_SECRET", "s3cr3t-value")
    extra = f"""
      boom {{ type = {USER}.BoomTransform, inputs = [ids],
              message = "secret://env/LAKE_TEST_SECRET" }}
    """
    text = _pipeline(tmp_path, "rows = 1", extra)

    report = run_pipeline(text, spark=spark)

    assert report["steps"][2]["error"] == "RuntimeError: ***"
    assert "s3cr3t-value" not in str(report)


def test_a_missing_secret_is_a_start_up_error_naming_the_step(spark, tmp_path, monkeypatch):
    from lakehouse.engine import PipelineError

    monkeypatch.delenv("LAKE_NO_SUCH_SECRET", raising=False)
    secret = "secret://env/LAKE_NO_SUCH_SECRET"
    extra = f'boom {{ type = {USER}.BoomTransform, message = "{secret}" }}'

    with pytest.raises(PipelineError, match="LAKE_NO_SUCH_SECRET is not set"):
        run_pipeline(_pipeline(tmp_path, "rows = 1", extra), spark=spark)


def test_lineage_links_each_sink_to_the_sources_feeding_it(spark, tmp_path):
    report = run_pipeline(_pipeline(tmp_path, "rows = 2"), spark=spark)

    assert report["lineage"]["edges"] == []  # a generated source has no dataset name
    assert report["lineage"]["outputs"] == [f"{tmp_path}/out"]
