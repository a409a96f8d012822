"""Cheap checks and samples of an uploaded file, in plain Python (no Spark).

The upload form, the profiling job and the benchmark runner call :func:`sample_file` first, so
an empty file, a header without rows, a wrong delimiter or broken JSON is reported in
milliseconds, before any JVM starts. The loaders infer the schema from the same sample.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from mlbench.engine.errors import MLBenchInputError

SAMPLE_ROWS = 1000
DELIMITER_CANDIDATES = ",;\t|"


@dataclass
class FileSample:
    """The first records of a file: CSV lines (header first), JSON objects as NDJSON lines, or
    text lines."""

    fmt: str
    lines: list[str] = field(default_factory=list)
    delimiter: str | None = None
    json_array: bool = False


def sample_file(
    path: str | Path, fmt: str, *, delimiter: str | None = None, records: bool = True
) -> FileSample:
    """Validate the start of ``path`` as ``fmt`` and return a sample of it.

    ``records=False`` skips collecting JSON records when the schema is already known (a JSON
    array has to be parsed whole to sample it).
    """
    path = Path(path)
    if not path.is_file():
        raise MLBenchInputError(f"{path.name} does not exist or is not a file.")
    if fmt == "txt":
        if not any(line.strip() for line in first_lines(path, SAMPLE_ROWS * 10)):
            raise MLBenchInputError(f"{path.name} is empty: it has no non-blank lines.")
        return FileSample(fmt="txt")
    if fmt == "csv":
        lines = [line for line in first_lines(path, SAMPLE_ROWS + 1) if line.strip()]
        if not lines:
            raise MLBenchInputError(f"{path.name} is empty.")
        if len(lines) == 1:
            raise MLBenchInputError(f"{path.name} has a header line but no data rows.")
        delimiter = delimiter or _detect_delimiter(lines)
        _check_delimiter(path.name, lines, delimiter)
        return FileSample(fmt="csv", lines=lines, delimiter=delimiter)
    if fmt == "json":
        is_array = _json_is_array(path)
        lines = _json_sample(path, is_array) if records or not is_array else []
        return FileSample(fmt="json", lines=lines, json_array=is_array)
    raise MLBenchInputError(f"Unsupported format {fmt!r}; use csv, json, txt or pdf.")


def _detect_delimiter(sample: list[str]) -> str:
    # The delimiter is the candidate that splits the header and the rows into the same number of
    # fields most often; ties go to the comma.
    best, best_score = ",", (0, 0)
    for candidate in DELIMITER_CANDIDATES:
        widths = [
            len(row) for row in csv.reader(io.StringIO("\n".join(sample[:50])), delimiter=candidate)
        ]
        if widths[0] < 2:
            continue
        score = (sum(width == widths[0] for width in widths), widths[0])
        if score > best_score:
            best, best_score = candidate, score
    return best


def _check_delimiter(filename: str, sample: list[str], delimiter: str) -> None:
    rows = list(csv.reader(io.StringIO("\n".join(sample[:50])), delimiter=delimiter))
    header_width = len(rows[0])
    if header_width == 1:
        others = [c for c in DELIMITER_CANDIDATES if c != delimiter and c in sample[0]]
        if others:
            raise MLBenchInputError(
                f"{filename} has a single column when split on {delimiter!r}, but its header "
                f"contains {others[0]!r}: set the delimiter option to {others[0]!r}.",
                field="delimiter",
            )
        return
    mismatched = [i + 1 for i, row in enumerate(rows[1:], start=1) if len(row) != header_width]
    if len(mismatched) > (len(rows) - 1) / 2:
        raise MLBenchInputError(
            f"{filename}: the header has {header_width} fields when split on {delimiter!r} but "
            f"line {mismatched[0]} has {len(rows[mismatched[0] - 1])}; check the delimiter.",
            field="delimiter",
        )


def _json_is_array(path: Path) -> bool:
    with path.open("r", encoding="utf-8-sig", errors="replace") as handle:
        while chunk := handle.read(4096):
            stripped = chunk.lstrip()
            if stripped:
                return stripped.startswith("[")
    raise MLBenchInputError(f"{path.name} is empty.")


def _json_sample(path: Path, is_array: bool) -> list[str]:
    if is_array:
        try:
            records = json.loads(path.read_text(encoding="utf-8-sig"))
        except json.JSONDecodeError as error:
            raise MLBenchInputError(
                f"{path.name} is not valid JSON: {error.msg} at line {error.lineno}, column "
                f"{error.colno}."
            ) from None
        records = records[:SAMPLE_ROWS]
        lines_and_numbers = [
            (json.dumps(record), index + 1) for index, record in enumerate(records)
        ]
        where = "element"
    else:
        lines_and_numbers = []
        for number, line in enumerate(first_lines(path, SAMPLE_ROWS * 2), start=1):
            if line.strip():
                lines_and_numbers.append((line, number))
            if len(lines_and_numbers) >= SAMPLE_ROWS:
                break
        where = "line"
    if not lines_and_numbers:
        raise MLBenchInputError(f"{path.name} contains no records.")
    for text, number in lines_and_numbers:
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            raise MLBenchInputError(
                f"{path.name}, line {number}: not valid JSON ({error.msg}); use an array of "
                "objects or one object per line."
            ) from None
        if not isinstance(value, dict):
            raise MLBenchInputError(
                f"{path.name}, {where} {number}: expected a JSON object, got "
                f"{type(value).__name__}."
            )
    return [text for text, _ in lines_and_numbers]


def first_lines(path: Path, count: int) -> list[str]:
    with path.open("r", encoding="utf-8-sig", errors="replace", newline="") as handle:
        return [line.rstrip("\r\n") for line in islice(handle, count)]
