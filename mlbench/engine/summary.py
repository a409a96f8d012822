"""Scaling arithmetic for a benchmark, in plain Python (no Spark, no numpy).

For each task and worker count N: the median time over repetitions, speedup
S(N) = T(base) / T(N), efficiency E(N) = S(N) / (N / base) and the Karp-Flatt serial fraction
e(N) = (1/S - base/N) / (1 - base/N). ``base`` is 1 when N=1 was measured, otherwise the smallest
N measured. A worker count above the machine's available cores is flagged ``oversubscribed``:
its time measures contention, not scaling.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping


def median(values: Iterable[float]) -> float:
    ordered = sorted(values)
    if not ordered:
        raise ValueError("median of no values")
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def karp_flatt(speedup: float, workers: int, base_workers: int = 1) -> float | None:
    """Experimentally determined serial fraction; undefined at the base worker count."""
    ratio = base_workers / workers
    if workers <= base_workers or speedup <= 0:
        return None
    return (1 / speedup - ratio) / (1 - ratio)


def summarise(results: Iterable[Mapping], available_cores: int) -> dict:
    """``{task: {str(N): {median_seconds, speedup, efficiency, serial_fraction,
    oversubscribed, repetitions}}}`` from result rows with task, workers and seconds."""
    times: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for row in results:
        if row.get("seconds") is not None:
            times[row["task"]][int(row["workers"])].append(float(row["seconds"]))
    summary: dict[str, dict[str, dict]] = {}
    for task, by_workers in times.items():
        base = min(by_workers)
        base_median = median(by_workers[base])
        summary[task] = {}
        for workers in sorted(by_workers):
            middle = median(by_workers[workers])
            speedup = base_median / middle if middle > 0 else None
            summary[task][str(workers)] = {
                "median_seconds": middle,
                "speedup": speedup,
                "efficiency": speedup / (workers / base) if speedup is not None else None,
                "serial_fraction": (
                    karp_flatt(speedup, workers, base) if speedup is not None else None
                ),
                "oversubscribed": workers > available_cores,
                "repetitions": len(by_workers[workers]),
                "base_workers": base,
            }
    return summary


def compare_with_baseline(summary: Mapping, baseline: Mapping) -> dict:
    """Per task, the best Spark median among worker counts that fit the machine, against the
    single-process baseline: ``spark_pays_off`` is true when Spark is faster."""
    comparison = {}
    for task, by_workers in summary.items():
        if task not in baseline or baseline[task].get("seconds") is None:
            continue
        honest = {n: row for n, row in by_workers.items() if not row["oversubscribed"]}
        candidates = honest or by_workers
        best_workers = min(candidates, key=lambda n: candidates[n]["median_seconds"])
        spark_seconds = candidates[best_workers]["median_seconds"]
        baseline_seconds = baseline[task]["seconds"]
        comparison[task] = {
            "baseline_seconds": baseline_seconds,
            "spark_seconds": spark_seconds,
            "spark_workers": int(best_workers),
            "spark_over_baseline": spark_seconds / baseline_seconds if baseline_seconds else None,
            "spark_pays_off": spark_seconds < baseline_seconds,
        }
    return comparison
