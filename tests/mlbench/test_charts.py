import json

from mlbench.charts import benchmark_charts, speedup_vs_ideal, task_picture, time_vs_workers
from mlbench.engine.summary import compare_with_baseline, summarise


def document(cores=2):
    results = [
        {
            "task": "kmeans",
            "workers": n,
            "repetition": 0,
            "seconds": s,
            "metrics": {"k": 2, "features": ["x1", "x2"]},
        }
        for n, s in ((1, 8.0), (2, 4.5), (4, 4.4))
    ]
    summary = summarise(results, available_cores=cores)
    return {
        "results": results,
        "summary": summary,
        "comparison": compare_with_baseline(summary, {"kmeans": {"seconds": 1.0}}),
        "machine": {"available_cores": cores},
        "pictures": {
            "kmeans": {
                "x": [0, 1, 5],
                "y": [0, 1, 5],
                "cluster": [0, 0, 1],
                "centres_x": [0.5, 5],
                "centres_y": [0.5, 5],
                "projected": False,
            }
        },
    }


def test_benchmark_charts_builds_every_chart_as_plain_json():
    charts = benchmark_charts(document())

    assert set(charts) == {
        "time_vs_workers",
        "speedup",
        "efficiency",
        "spark_vs_baseline",
        "result_kmeans",
    }
    for figure in charts.values():
        json.dumps(figure)
        assert figure["data"] and figure["layout"]["title"]["text"]


def test_speedup_chart_draws_the_ideal_line_next_to_the_measured_one():
    figure = speedup_vs_ideal(document(cores=8))

    measured, ideal = figure["data"]
    assert measured["x"] == [1, 2, 4]
    assert measured["y"] == [1.0, 8.0 / 4.5, 8.0 / 4.4]
    assert ideal["name"] == "ideal" and ideal["y"] == [1.0, 2.0, 4.0]
    assert not figure["layout"].get("shapes")


def test_worker_counts_above_the_cores_are_shaded_as_oversubscribed():
    figure = time_vs_workers(document(cores=2))

    shapes = figure["layout"]["shapes"]
    assert len(shapes) == 1 and shapes[0]["x0"] == 2.5 and shapes[0]["x1"] == 4.5
    assert "oversubscribed" in figure["layout"]["annotations"][0]["text"]
    assert figure["data"][0]["marker"]["symbol"] == ["circle", "circle", "x"]


def test_task_pictures_show_each_result_kind():
    regression = task_picture(
        "linear_regression",
        {"actual": [1, 2, 3], "predicted": [1, 2, 4], "label": "y"},
        {"r2": 0.9},
    )
    rules = task_picture(
        "fpgrowth",
        {
            "rules": [
                {
                    "antecedent": ["bread"],
                    "consequent": ["butter"],
                    "confidence": 0.9,
                    "lift": 2.0,
                    "support": 0.3,
                }
            ]
        },
        {},
    )
    series = task_picture(
        "time_series",
        {"measure": "mean"},
        {
            "frequency": "day",
            "rolling_window": 2,
            "trend": {"slope_per_period": 1.0, "intercept": 0.0},
            "series": [
                {"period": "2024-01-01", "mean": 1.0, "rolling_mean": 1.0},
                {"period": "2024-01-02", "mean": 3.0, "rolling_mean": 2.0},
            ],
        },
    )
    confusion = task_picture(
        "logistic_regression",
        {"labels": ["0", "1"], "confusion": [[5, 1], [2, 7]]},
        {"accuracy": 0.8},
    )

    assert regression["data"][1]["name"] == "perfect prediction"
    assert rules["data"][0]["y"] == ["bread → butter"]
    assert [trace["name"] for trace in series["data"]] == ["mean", "rolling mean (2)", "trend"]
    assert series["data"][2]["y"] == [0.0, 1.0]
    assert confusion["data"][0]["z"] == [[5, 1], [2, 7]]
