from __future__ import annotations

import orjson
import pytest

from loganalytics.eventlog import EventLogError, normalise_batch

JOB_START = {
    "job_id": 1,
    "event": "SparkListenerJobStart",
    "timestamp": 1_700_000_000,
    "user": "alice",
}
NATIVE = {
    "Event": "SparkListenerJobEnd",
    "Job ID": 1,
    "Completion Time": 1_700_000_001_000,
    "Job Result": {"Result": "JobSucceeded"},
}


def test_one_event_an_array_and_ndjson_all_give_the_same_events():
    single = normalise_batch(orjson.dumps(JOB_START))
    array = normalise_batch(orjson.dumps([JOB_START, NATIVE]))
    ndjson = normalise_batch(orjson.dumps(JOB_START) + b"\n" + orjson.dumps(NATIVE) + b"\n")

    assert [e.identity for e in single.events] == ["JobStart:1"]
    assert [e.identity for e in array.events] == [e.identity for e in ndjson.events]
    assert array.errors == ndjson.errors == []


def test_a_batch_keeps_its_good_events_and_reports_the_bad_ones_by_index():
    body = b"\n".join(
        [
            orjson.dumps(JOB_START),
            b"{not json",
            orjson.dumps({**JOB_START, "timestamp": "soon"}),
            orjson.dumps(NATIVE),
        ]
    )

    batch = normalise_batch(body)

    assert [e.kind for e in batch.events] == ["JobStart", "JobEnd"]
    assert [(error["index"], error["field"]) for error in batch.errors] == [
        (1, None),
        (2, "timestamp"),
    ]


@pytest.mark.parametrize("body", [b"", b"   \n", b"%PDF-1.4\n\x00\x01"])
def test_a_body_that_is_not_json_at_all_is_refused_whole(body):
    with pytest.raises(EventLogError):
        normalise_batch(body)
