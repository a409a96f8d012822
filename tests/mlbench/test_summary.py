import pytest

from mlbench.engine.summary import compare_with_baseline, karp_flatt, median, summarise


def rows(task, timings):
    return [
        {"task": task, "workers": n, "repetition": i, "seconds": s}
        for n, series in timings.items()
        for i, s in enumerate(series)
    ]


def test_summarise_reports_median_speedup_and_efficiency_per_worker_count():
    results = rows("kmeans", {1: [10.0, 12.0, 11.0], 2: [6.0, 5.0, 5.5], 4: [4.0, 4.0, 3.0]})

    summary = summarise(results, available_cores=4)["kmeans"]

    assert summary["1"]["median_seconds"] == 11.0
    assert summary["2"]["speedup"] == pytest.approx(2.0)
    assert summary["2"]["efficiency"] == pytest.approx(1.0)
    assert summary["4"]["speedup"] == pytest.approx(11 / 4)
    assert summary["4"]["efficiency"] == pytest.approx(11 / 16)
    assert summary["1"]["serial_fraction"] is None
    assert summary["2"]["serial_fraction"] == pytest.approx(0.0, abs=1e-12)


def test_karp_flatt_recovers_the_serial_fraction_of_amdahls_law():
    serial = 0.2
    for workers in (2, 4, 8):
        amdahl_speedup = 1 / (serial + (1 - serial) / workers)

        assert karp_flatt(amdahl_speedup, workers) == pytest.approx(serial)


def test_summarise_flags_worker_counts_above_the_available_cores_as_oversubscribed():
    summary = summarise(rows("fpgrowth", {1: [4.0], 2: [2.5], 8: [2.4]}), available_cores=2)

    assert [summary["fpgrowth"][n]["oversubscribed"] for n in ("1", "2", "8")] == [
        False,
        False,
        True,
    ]


def test_summarise_uses_the_smallest_worker_count_when_one_was_not_measured():
    summary = summarise(rows("time_series", {2: [8.0], 4: [4.0]}), available_cores=8)

    assert summary["time_series"]["4"]["speedup"] == pytest.approx(2.0)
    assert summary["time_series"]["4"]["efficiency"] == pytest.approx(1.0)
    assert summary["time_series"]["4"]["base_workers"] == 2


def test_median_of_an_even_number_of_values_averages_the_middle_pair():
    assert median([4.0, 1.0, 3.0, 2.0]) == 2.5


def test_compare_with_baseline_ignores_oversubscribed_counts_when_picking_sparks_best():
    summary = summarise(rows("kmeans", {1: [3.0], 2: [2.0], 8: [1.0]}), available_cores=2)

    comparison = compare_with_baseline(summary, {"kmeans": {"seconds": 2.5}})["kmeans"]

    assert comparison["spark_workers"] == 2
    assert comparison["spark_seconds"] == 2.0
    assert comparison["spark_pays_off"] is True
