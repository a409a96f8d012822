from __future__ import annotations

from loganalytics.eventlog import aggregate, find_issues, load_application, read_events
from loganalytics.eventlog import findings as rules


def _rules(model) -> set[str]:
    return {finding.rule for finding in find_issues(model)}


def test_the_skewed_stage_is_found_with_its_evidence(eventlog):
    model = load_application(eventlog("plain_mixed"))

    skew = [f for f in find_issues(model) if f.rule == "task_skew"]

    assert len(skew) == 1
    assert skew[0].evidence["max_ms"] >= 1000
    assert skew[0].evidence["max_ms"] >= rules.SKEW_RATIO * skew[0].evidence["median_ms"]
    assert model.stages[(skew[0].stage_id, 0)].num_tasks == 4


def test_forced_spills_are_reported_per_stage(eventlog):
    model = load_application(eventlog("plain_mixed"))

    spills = [f for f in find_issues(model) if f.rule == "spill"]

    assert spills
    assert all(f.evidence["memory_bytes_spilled"] > 0 for f in spills)


def test_a_lost_executor_and_its_fetch_failure_are_critical(eventlog):
    found = find_issues(load_application(eventlog("cluster_executor_loss")))

    critical = {f.rule for f in found if f.severity == "critical"}

    assert {"executor_loss", "fetch_failures", "failed_tasks"} <= critical
    assert found[0].severity == "critical"


def test_retried_tasks_in_a_succeeded_stage_are_a_warning_not_critical(eventlog):
    found = find_issues(load_application(eventlog("lz4_retries")))

    retried = [f for f in found if f.rule == "failed_tasks" and f.stage_id == 0]

    assert [f.severity for f in retried] == ["warning"]
    assert retried[0].evidence["reasons"] == {"ExceptionFailure": 1}


def test_a_clean_short_run_has_no_findings(eventlog):
    assert find_issues(load_application(eventlog("snappy_shuffle"))) == []


def test_a_long_pause_between_jobs_is_a_driver_gap(eventlog):
    events = list(read_events(eventlog("snappy_shuffle")))
    for event in events:
        if event.kind == "ApplicationEnd":
            event.fields["time"] += 120_000
            event.retime(event.time + 120_000)

    found = [f for f in find_issues(aggregate(events)) if f.rule == "driver_gaps"]

    assert found[0].evidence["total_ms"] >= 120_000
    assert "idle_cores" in _rules(aggregate(events))
