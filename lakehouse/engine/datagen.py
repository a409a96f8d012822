"""Realistic dirty returns data at any size, the same for the same seed.

A few percent of rows carry each kind of dirt the returns pipeline must handle: missing ids,
SKUs and dates, padded and lower-case strings, negative or unparseable amounts, impossible or
wrongly formatted dates, empty reasons and repeated return ids. Used by tests and the benchmark.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

HEADER = "return_id,order_id,sku,return_reason,amount,return_date,customer_id"
REASONS = (
    "damaged",
    "wrong size",
    "not as described",
    "late delivery",
    "changed mind",
    "defective",
    "Damaged",
    "WRONG SIZE",
)
BAD_DATES = ("2024-13-45", "01/02/2024", "2024-02-30", "yesterday")
BAD_AMOUNTS = ("n/a", '"12,50"', "abc")  # a decimal comma, quoted as CSV requires


def returns_lines(
    rows: int,
    *,
    seed: int = 0,
    dirty: float = 0.03,
    days: int = 365,
    start: dt.date = dt.date(2024, 1, 1),
    offset: int = 0,
) -> list[str]:
    """``rows`` CSV lines (without header); ``dirty`` is the share of each kind of dirt."""
    import numpy as np

    rng = np.random.default_rng(seed)
    index = np.arange(offset, offset + rows)
    sku = rng.integers(1, 2000, rows)
    reason = rng.integers(0, len(REASONS), rows)
    amount = np.round(rng.gamma(2.0, 25.0, rows), 2)
    day = rng.integers(0, days, rows)
    customer = rng.integers(1, max(rows // 3, 2), rows)
    dirt = rng.random((9, rows)) < dirty
    duplicate_of = (rng.random(rows) * np.maximum(index - offset, 1)).astype(int) + offset
    dates = [(start + dt.timedelta(days=int(d))).isoformat() for d in range(days)]
    lines = []
    for i in range(rows):
        rid = f"R{duplicate_of[i] if dirt[0, i] and i else index[i]:08d}"
        if dirt[1, i]:
            rid = ""
        sku_text = f"SKU-{sku[i]:05d}"
        if dirt[2, i]:
            sku_text = f"  {sku_text.lower()} "
        if dirt[3, i]:
            sku_text = ""
        amount_text = f"{amount[i]:.2f}"
        if dirt[4, i]:
            amount_text = f"-{amount_text}"
        elif dirt[5, i]:
            amount_text = BAD_AMOUNTS[i % len(BAD_AMOUNTS)]
        date_text = dates[day[i]]
        if dirt[6, i]:
            date_text = BAD_DATES[i % len(BAD_DATES)] if i % 3 else ""
        reason_text = "" if dirt[7, i] else REASONS[reason[i]]
        if dirt[8, i]:
            reason_text = f" {reason_text} "
        reason_text = f'"{reason_text}"' if "," in reason_text else reason_text
        lines.append(
            f"{rid},O{index[i] * 7 % 10_000_019:08d},{sku_text},{reason_text},"
            f"{amount_text},{date_text},C{customer[i]:07d}"
        )
    return lines


def write_returns_csv(
    directory: str | Path,
    rows: int,
    *,
    seed: int = 0,
    files: int = 1,
    dirty: float = 0.03,
    days: int = 365,
) -> list[Path]:
    """Write ``rows`` rows split over ``files`` CSV files; returns their paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    per_file = -(-rows // files)
    for number in range(files):
        count = min(per_file, rows - number * per_file)
        if count <= 0:
            break
        lines = returns_lines(
            count, seed=seed + number, dirty=dirty, days=days, offset=number * per_file
        )
        path = directory / f"returns_{number:03d}.csv"
        path.write_text(HEADER + "\n" + "\n".join(lines) + "\n")
        paths.append(path)
    return paths
