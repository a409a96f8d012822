from __future__ import annotations

import os
import shutil
import tracemalloc

import lz4.block
import orjson
import pytest
import zstandard

from loganalytics.eventlog import EventLogError, is_in_progress, log_files, read_events
from loganalytics.eventlog.codecs import lzf_decompress
from loganalytics.eventlog.readers import iter_lines, read_raw_events

CODEC_SCENARIOS = [
    "plain_mixed",
    "zstd_sql",
    "lz4_retries",
    "snappy_shuffle",
    "lzf_shuffle",
    "rolling_zstd",
    "rolling_split",
    "cluster_executor_loss",
]


@pytest.mark.parametrize("scenario", CODEC_SCENARIOS)
def test_every_layout_spark_writes_reads_from_log_start_to_application_end(scenario, eventlog):
    events = list(read_events(eventlog(scenario)))

    kinds = [event.kind for event in events]
    assert kinds[0] == "LogStart"
    assert kinds[-1] == "ApplicationEnd"
    assert kinds.count("TaskStart") == kinds.count("TaskEnd") > 0


def test_every_event_carries_the_application_id_even_those_before_application_start(
    eventlog, manifest
):
    events = list(read_events(eventlog("zstd_sql")))

    assert {event.app_id for event in events} == {manifest["zstd_sql"]["app_id"]}


def test_a_rolling_directory_split_in_three_reads_like_the_single_lz4_file(eventlog):
    single = [line for line in iter_lines(eventlog("lz4_retries"))]
    files = log_files(eventlog("rolling_split"))
    rolled = [line for line in iter_lines(eventlog("rolling_split"))]

    assert len(files) == 3
    assert len(rolled) == len(single)


def test_an_inprogress_log_cut_mid_line_reads_up_to_the_last_complete_event(eventlog):
    path = eventlog("plain_inprogress")
    complete_lines = path.read_bytes().count(b"\n")

    events = list(read_raw_events(path))

    assert is_in_progress(path)
    assert len(events) == complete_lines
    assert events[-1].line == complete_lines


def test_a_compact_file_replaces_the_files_before_it_and_dot_and_crc_files_are_skipped(tmp_path):
    folder = tmp_path / "eventlog_v2_app-1"
    folder.mkdir()
    for name in [
        "events_1_app-1",
        "events_2_app-1.compact",
        "events_3_app-1",
        ".events_3_app-1.crc",
        "events_4_app-1.crc",
        "appstatus_app-1",
    ]:
        (folder / name).write_text('{"Event": "SparkListenerLogStart", "Spark Version": "4"}\n')

    names = [path.name for path in log_files(folder)]

    assert names == ["events_2_app-1.compact", "events_3_app-1"]


def test_lz4_streams_written_block_by_block_decode_across_blocks(tmp_path):
    lines = [
        orjson.dumps({"Event": "SparkListenerLogStart", "Spark Version": str(i)}) + b"\n"
        for i in range(3000)
    ]
    payload = b"".join(lines)
    blocks = [payload[i : i + 7000] for i in range(0, len(payload), 7000)]
    framed = bytearray()
    for block in blocks:
        compressed = lz4.block.compress(block, store_size=False)
        framed += b"LZ4Block" + bytes([0x20]) + len(compressed).to_bytes(4, "little")
        framed += len(block).to_bytes(4, "little") + b"\0\0\0\0" + compressed
    framed += b"LZ4Block" + bytes([0x10]) + bytes(12)
    path = tmp_path / "app.lz4"
    path.write_bytes(bytes(framed))

    versions = [event.fields["spark_version"] for event in read_events(path)]

    assert versions == [str(i) for i in range(3000)]


def test_lzf_back_references_that_overlap_their_own_output_expand_correctly():
    # literal "ab", then a back-reference of length 6 at distance 2: "abababab"
    chunk = bytes([1]) + b"ab" + bytes([(4 << 5) | 0, 1])

    assert lzf_decompress(chunk, 8) == b"abababab"


def test_a_concatenation_of_zstd_frames_reads_as_one_log(tmp_path):
    first = b'{"Event": "SparkListenerLogStart", "Spark Version": "4.0.0"}\n'
    second = b'{"Event": "SparkListenerApplicationEnd", "Timestamp": 5}\n'
    path = tmp_path / "app.zstd"
    compressor = zstandard.ZstdCompressor()
    path.write_bytes(compressor.compress(first) + compressor.compress(second))

    kinds = [event.kind for event in read_events(path)]

    assert kinds == ["LogStart", "ApplicationEnd"]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("random.bin", os.urandom(4096), "line 1"),
        ("report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n", "line 1"),
        ("empty", b"", "no complete event"),
        ("list.json", b"[1, 2, 3]\n", "expected a JSON object"),
        ("not-an-event.json", b'{"hello": "world"}\n', "'Event'"),
        (
            "wrong-type.json",
            b'{"Event": "SparkListenerJobStart", "Job ID": "seven"}\n',
            "'Job ID' must be an integer",
        ),
        ("random.lz4", os.urandom(4096), "content is not lz4"),
        ("garbage.zstd", b"\x28\xb5\x2f\xfd" + os.urandom(200), "zstd"),
    ],
)
def test_bad_input_raises_one_clear_error_naming_the_file(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content)

    with pytest.raises(EventLogError) as raised:
        list(read_events(path))

    assert name in str(raised.value)
    assert expected in str(raised.value)


def test_a_bad_line_in_the_middle_of_a_real_log_is_reported_with_its_line_number(
    tmp_path, eventlog
):
    lines = eventlog("plain_mixed").read_bytes().splitlines(keepends=True)
    lines[9] = b'{"Event": "SparkListenerTaskEnd", "Stage ID": 0}\n'
    path = tmp_path / "broken"
    path.write_bytes(b"".join(lines))

    with pytest.raises(EventLogError) as raised:
        list(read_events(path))

    assert raised.value.line == 10
    assert raised.value.field == "Task Info"


def test_a_200_mb_single_line_is_refused_without_holding_it_in_memory(tmp_path):
    path = tmp_path / "one-line.json"
    with path.open("wb") as handle:
        handle.write(b'{"Event": "SparkListenerLogStart", "pad": "')
        block = b"x" * (1 << 20)
        for _ in range(200):
            handle.write(block)
        handle.write(b'"}\n')
    tracemalloc.start()

    with pytest.raises(EventLogError) as raised:
        list(read_events(path))

    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert "longer than 64 MiB" in str(raised.value)
    assert raised.value.line == 1
    assert peak < 200 << 20


def test_reading_a_large_compressed_log_keeps_memory_flat(tmp_path, eventlog):
    raw = list(iter_lines(eventlog("lz4_retries")))
    path = tmp_path / "big.zstd"
    with path.open("wb") as handle, zstandard.ZstdCompressor().stream_writer(handle) as out:
        for _ in range(400):
            for line in raw:
                out.write(line + b"\n")
    tracemalloc.start()

    count = sum(1 for _ in read_raw_events(path))

    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    decompressed = 400 * sum(len(line) + 1 for line in raw)
    assert count == 400 * len(raw)
    assert decompressed > 20 << 20
    assert peak < 8 << 20


def test_a_missing_path_names_itself(tmp_path):
    with pytest.raises(EventLogError, match="no such file"):
        list(read_events(tmp_path / "absent.zstd"))


def test_a_copied_log_with_a_crc_sidecar_reads_the_same(tmp_path, eventlog):
    folder = tmp_path / eventlog("rolling_zstd").name
    shutil.copytree(eventlog("rolling_zstd"), folder)
    (folder / ".events_1.crc").write_bytes(b"\x00\x01")

    assert len(list(read_events(folder))) == len(list(read_events(eventlog("rolling_zstd"))))


def test_a_log_cut_before_application_start_takes_its_id_from_its_name(tmp_path):
    path = tmp_path / "local-1700000000000.zstd.inprogress"
    path.write_bytes(
        zstandard.ZstdCompressor().compress(
            b'{"Event": "SparkListenerLogStart", "Spark Version": "4.0.0"}\n'
        )
    )

    (event,) = read_events(path)

    assert event.app_id == "local-1700000000000"


@pytest.mark.parametrize("scenario", ["zstd_sql", "lz4_retries", "snappy_shuffle", "lzf_shuffle"])
def test_a_compressed_log_cut_mid_block_reads_a_prefix_of_the_complete_log(
    tmp_path, eventlog, scenario
):
    source = eventlog(scenario)
    complete = [event.identity for event in read_events(source)]
    cut = tmp_path / f"{source.name}.inprogress"
    cut.write_bytes(source.read_bytes()[: int(source.stat().st_size * 0.8)])

    partial = [event.identity for event in read_events(cut)]

    assert 0 < len(partial) < len(complete)
    assert partial == complete[: len(partial)]
