"""sparkhub's History Server JSON equals the real History Server's, field by field.

The fast test compares with answers recorded from the real SHS 4.3 by make_eventlogs.py; the
slow one starts the real SHS from the pyspark package and asks it live.
"""

from __future__ import annotations

import json

import pytest

from tests.loganalytics.history_server import running_history_server
from tests.loganalytics.parity import (
    capture_history_server,
    differences,
    engine_answers,
    sparkhub_answers,
)

COMPLETE = [
    "plain_mixed",
    "zstd_sql",
    "lz4_retries",
    "snappy_shuffle",
    "lzf_shuffle",
    "rolling_zstd",
    "rolling_split",
    "cluster_executor_loss",
    "duplicate_stage_completed",
    # The real cluster_executor_loss log with only "App Attempt ID": "1" added to its
    # ApplicationStart (Spark writes attempt ids on YARN only); asked on the attempt paths.
    "cluster_attempt",
    # Its second attempt in a log of its own: one application with two attempts.
    "cluster_attempt_2",
]

# For a log still being written, SHS times running things by its own clock at request time.
OBSERVATION_TIME_FIELDS = ("lastUpdated", "lastUpdatedEpoch", "totalDuration", "duration")


def other_attempts(manifest, eventlog, scenario: str) -> list:
    """The logs of the scenario's application's other attempts."""
    app_id = manifest[scenario]["app_id"]
    return [
        eventlog(name)
        for name, entry in manifest.items()
        if entry["app_id"] == app_id
        if name != scenario
    ]


@pytest.mark.parametrize("scenario", COMPLETE)
def test_every_answer_matches_the_recorded_history_server_answer(
    scenario, manifest, eventlog, shs_answers
):
    expected = engine_answers(shs_answers(scenario))

    actual = sparkhub_answers(
        eventlog(scenario), expected, other_attempts(manifest, eventlog, scenario)
    )

    assert differences(expected, actual, scenario) == []


def test_an_inprogress_log_matches_the_history_server_except_its_clock(eventlog, shs_answers):
    expected = engine_answers(shs_answers("plain_inprogress"))

    actual = sparkhub_answers(eventlog("plain_inprogress"), expected)

    found = differences(expected, actual, "plain_inprogress")
    unexplained = [d for d in found if not d.split(":")[0].endswith(OBSERVATION_TIME_FIELDS)]
    assert unexplained == []
    assert expected["application"]["attempts"][0]["completed"] is False
    assert actual["jobs"][0]["status"] == "RUNNING"


@pytest.mark.slow
def test_the_live_history_server_from_pyspark_agrees_with_sparkhub(tmp_path, manifest, eventlog):
    chosen = [
        "cluster_executor_loss",
        "lz4_retries",
        "rolling_zstd",
        "cluster_attempt",
        "cluster_attempt_2",
    ]
    logs = [eventlog(name) for name in chosen]

    with running_history_server(logs, tmp_path) as shs:
        shs.wait_for_applications({manifest[name]["app_id"] for name in chosen})
        live = {
            name: capture_history_server(
                shs, manifest[name]["app_id"], manifest[name].get("attempt_id")
            )
            for name in chosen
        }

    for name in chosen:
        expected = engine_answers(live[name])
        actual = sparkhub_answers(
            eventlog(name), expected, other_attempts(manifest, eventlog, name)
        )
        assert differences(expected, actual, name) == []
    assert json.dumps(live["cluster_executor_loss"]["stages"]).count('"FAILED"') >= 1
    assert live["cluster_attempt"]["application_attempt"]["attemptId"] == "1"
    assert len(live["cluster_attempt"]["application"]["attempts"]) == 2
    assert set(live["cluster_attempt"]["unqualified"].values()) == {404}
    assert set(live["lz4_retries"]["unknown_attempt"].values()) == {404}
