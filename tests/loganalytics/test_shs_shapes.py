from __future__ import annotations

from loganalytics.eventlog import (
    load_application,
    shs_date,
    task_list_options,
    to_shs_applications,
    to_shs_stage_attempt,
    to_shs_task_summary,
)
from loganalytics.eventlog.metrics import metric


def test_dates_use_the_history_servers_format_in_gmt():
    assert shs_date(1_704_067_200_000) == "2024-01-01T00:00:00.000GMT"
    assert shs_date(1_704_067_200_789) == "2024-01-01T00:00:00.789GMT"
    assert shs_date(-1) == "1969-12-31T23:59:59.999GMT"


def test_applications_are_listed_newest_first(eventlog):
    models = [load_application(eventlog(name)) for name in ("zstd_sql", "lzf_shuffle")]

    listed = to_shs_applications(models)

    starts = [app["attempts"][0]["startTimeEpoch"] for app in listed]
    assert starts == sorted(starts, reverse=True)


def test_an_unknown_stage_attempt_or_one_without_tasks_has_no_answer(eventlog):
    model = load_application(eventlog("plain_mixed"))
    skipped = next(stage for stage in model.stages.values() if stage.status == "SKIPPED")

    assert to_shs_stage_attempt(model, 999, 0) is None
    assert to_shs_task_summary(model, skipped.stage_id, skipped.attempt) is None


def test_task_summary_quantiles_come_from_sorted_successful_task_values(eventlog):
    model = load_application(eventlog("plain_mixed"))
    stage = max(model.stages.values(), key=lambda s: s.completed_tasks)
    run_times = sorted(
        metric(task.metrics, "executorRunTime") for task in stage.tasks.values() if task.successful
    )

    summary = to_shs_task_summary(model, stage.stage_id, stage.attempt, quantiles=(0.0, 1.0))

    assert summary["executorRunTime"] == [float(run_times[0]), float(run_times[-1])]


def test_task_list_options_take_the_history_servers_defaults_and_spellings():
    defaults = task_list_options()

    chosen = task_list_options(offset="-3", length="5", sort_by="-Runtime", statuses=["failed"])

    assert defaults == {"offset": 0, "length": 20, "sort_by": "ID", "statuses": ()}
    assert chosen == {
        "offset": 0,
        "length": 5,
        "sort_by": "DECREASING_RUNTIME",
        "statuses": ("FAILED",),
    }
