from __future__ import annotations

from loganalytics.eventlog import aggregate, compare_runs, load_application, read_events


def test_a_stage_made_slower_is_the_first_change_reported(eventlog):
    base = load_application(eventlog("snappy_shuffle"))
    events = list(read_events(eventlog("snappy_shuffle")))
    slowed = max(base.stages.values(), key=lambda s: s.stage_id)
    for event in events:
        same_stage = event.kind == "StageCompleted" and event.fields["info"]["stage_id"] == (
            slowed.stage_id
        )
        if same_stage:
            event.fields["info"]["completion_time"] += 5000

    report = compare_runs(base, aggregate(events))

    top = report["stages"][0]
    assert (top["name"], top["change_ms"]) == (slowed.name, 5000)
    assert all(row["change_ms"] == 0 for row in report["stages"][1:])


def test_runs_of_different_programs_pair_nothing(eventlog):
    report = compare_runs(
        load_application(eventlog("snappy_shuffle")), load_application(eventlog("zstd_sql"))
    )

    assert all(row["change_ms"] is None for row in report["jobs"])
    assert report["duration_ms"]["change"] == (
        report["duration_ms"]["new"] - report["duration_ms"]["base"]
    )
