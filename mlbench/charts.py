"""Plotly figures for a benchmark's results document, as JSON-ready dicts (no Django).

Pages render them with the vendored plotly.js: ``Plotly.newPlot(div, fig.data, fig.layout)``.
Worker counts above the machine's cores are shaded and labelled "oversubscribed": those points
measure contention, not scaling.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import plotly.graph_objects as go

OVERSUBSCRIBED_NOTE = "oversubscribed (more workers than cores)"


def benchmark_charts(document: Mapping) -> dict[str, dict]:
    """Every chart for a results document, keyed by a stable name."""
    charts = {
        "time_vs_workers": time_vs_workers(document),
        "speedup": speedup_vs_ideal(document),
        "efficiency": efficiency(document),
    }
    if document.get("comparison"):
        charts["spark_vs_baseline"] = spark_vs_baseline(document)
    metrics_by_task = {}
    for row in document.get("results", []):
        metrics_by_task.setdefault(row["task"], row["metrics"])
    for task, picture in (document.get("pictures") or {}).items():
        figure = task_picture(task, picture, metrics_by_task.get(task, {}))
        if figure:
            charts[f"result_{task}"] = figure
    return charts


def time_vs_workers(document: Mapping) -> dict:
    figure = go.Figure()
    for task, by_workers in _scaling(document):
        workers = sorted(by_workers, key=int)
        figure.add_trace(
            go.Scatter(
                x=[int(n) for n in workers],
                y=[by_workers[n]["median_seconds"] for n in workers],
                mode="lines+markers",
                name=task,
                marker={
                    "symbol": [
                        "x" if by_workers[n]["oversubscribed"] else "circle" for n in workers
                    ]
                },
            )
        )
    _shade_oversubscribed(figure, document)
    return _finish(figure, "Median compute time by worker count", "workers", "seconds")


def speedup_vs_ideal(document: Mapping) -> dict:
    figure = go.Figure()
    all_workers: set[int] = set()
    for task, by_workers in _scaling(document):
        workers = sorted(by_workers, key=int)
        all_workers.update(int(n) for n in workers)
        figure.add_trace(
            go.Scatter(
                x=[int(n) for n in workers],
                y=[by_workers[n]["speedup"] for n in workers],
                mode="lines+markers",
                name=task,
            )
        )
    if all_workers:
        ideal = sorted(all_workers)
        base = ideal[0]
        figure.add_trace(
            go.Scatter(
                x=ideal,
                y=[n / base for n in ideal],
                mode="lines",
                name="ideal",
                line={"dash": "dash", "color": "grey"},
            )
        )
    _shade_oversubscribed(figure, document)
    return _finish(figure, "Speedup S(N) = T(1) / T(N) against ideal", "workers", "speedup")


def efficiency(document: Mapping) -> dict:
    figure = go.Figure()
    for task, by_workers in _scaling(document):
        workers = sorted(by_workers, key=int)
        figure.add_trace(
            go.Scatter(
                x=[int(n) for n in workers],
                y=[by_workers[n]["efficiency"] for n in workers],
                mode="lines+markers",
                name=task,
            )
        )
    figure.add_hline(y=1.0, line_dash="dash", line_color="grey")
    _shade_oversubscribed(figure, document)
    return _finish(figure, "Parallel efficiency E(N) = S(N) / N", "workers", "efficiency")


def spark_vs_baseline(document: Mapping) -> dict:
    comparison = document.get("comparison") or {}
    tasks = list(comparison)
    figure = go.Figure(
        [
            go.Bar(
                name="pandas / scikit-learn (1 process)",
                x=tasks,
                y=[comparison[t]["baseline_seconds"] for t in tasks],
            ),
            go.Bar(
                name="Spark (best worker count)",
                x=tasks,
                y=[comparison[t]["spark_seconds"] for t in tasks],
                text=[f"N={comparison[t]['spark_workers']}" for t in tasks],
            ),
        ]
    )
    figure.update_layout(barmode="group")
    return _finish(figure, "Spark against a single-process baseline", "task", "seconds")


def task_picture(task: str, picture: Mapping, metrics: Mapping) -> dict | None:
    """A picture of one task's result, or None when the task has nothing to draw."""
    builder = {
        "linear_regression": _predicted_vs_actual,
        "logistic_regression": _confusion_matrix,
        "kmeans": _clusters,
        "fpgrowth": _top_rules,
        "time_series": _time_series_line,
        "descriptive_stats": _column_overview,
    }.get(task)
    return builder(picture, metrics) if builder else None


def _predicted_vs_actual(picture: Mapping, metrics: Mapping) -> dict:
    actual, predicted = picture.get("actual", []), picture.get("predicted", [])
    figure = go.Figure(
        go.Scatter(x=actual, y=predicted, mode="markers", name="test rows", marker={"opacity": 0.6})
    )
    if actual:
        low, high = min(actual), max(actual)
        figure.add_trace(
            go.Scatter(
                x=[low, high],
                y=[low, high],
                mode="lines",
                name="perfect prediction",
                line={"dash": "dash"},
            )
        )
    r2 = metrics.get("r2")
    title = "Predicted against actual" + (f" (R² = {r2:.3f})" if r2 is not None else "")
    return _finish(figure, title, f"actual {picture.get('label', '')}", "predicted")


def _confusion_matrix(picture: Mapping, metrics: Mapping) -> dict:
    labels = [str(label) for label in picture.get("labels", [])]
    figure = go.Figure(
        go.Heatmap(
            z=picture.get("confusion", []),
            x=labels,
            y=labels,
            colorscale="Blues",
            texttemplate="%{z}",
        )
    )
    return _finish(
        figure,
        f"Confusion matrix (accuracy {metrics.get('accuracy', 0):.3f})",
        "predicted",
        "actual",
    )


def _clusters(picture: Mapping, metrics: Mapping) -> dict:
    figure = go.Figure()
    clusters = picture.get("cluster", [])
    for cluster in sorted(set(clusters)):
        chosen = [i for i, c in enumerate(clusters) if c == cluster]
        figure.add_trace(
            go.Scatter(
                x=[picture["x"][i] for i in chosen],
                y=[picture["y"][i] for i in chosen],
                mode="markers",
                name=f"cluster {cluster}",
                marker={"opacity": 0.6},
            )
        )
    figure.add_trace(
        go.Scatter(
            x=picture.get("centres_x", []),
            y=picture.get("centres_y", []),
            mode="markers",
            name="centres",
            marker={"symbol": "x", "size": 14, "color": "black"},
        )
    )
    axes = (
        ("PC1", "PC2")
        if picture.get("projected")
        else tuple((metrics.get("features") or ["x", "y"]) + ["y"])[:2]
    )
    return _finish(figure, f"k-means clusters (k = {metrics.get('k')})", axes[0], axes[1])


def _top_rules(picture: Mapping, metrics: Mapping) -> dict:
    rules = list(picture.get("rules", []))[:15][::-1]
    names = [f"{', '.join(r['antecedent'])} → {', '.join(r['consequent'])}" for r in rules]
    figure = go.Figure(
        go.Bar(
            x=[r["confidence"] for r in rules],
            y=names,
            orientation="h",
            marker={
                "color": [r["lift"] for r in rules],
                "colorscale": "Viridis",
                "colorbar": {"title": "lift"},
            },
            customdata=[r["support"] for r in rules],
            hovertemplate="confidence %{x:.3f}<br>support %{customdata:.3f}<extra></extra>",
        )
    )
    return _finish(figure, "Top association rules", "confidence", "")


def _time_series_line(picture: Mapping, metrics: Mapping) -> dict:
    series = metrics.get("series", [])
    measure = picture.get("measure", "count")
    periods = [point["period"] for point in series]
    figure = go.Figure(
        [
            go.Scatter(x=periods, y=[p[measure] for p in series], mode="lines", name=measure),
            go.Scatter(
                x=periods,
                y=[p["rolling_mean"] for p in series],
                mode="lines",
                name=f"rolling mean ({metrics.get('rolling_window')})",
            ),
        ]
    )
    trend = metrics.get("trend") or {}
    if trend.get("slope_per_period") is not None:
        figure.add_trace(
            go.Scatter(
                x=periods,
                y=[trend["intercept"] + trend["slope_per_period"] * i for i in range(len(periods))],
                mode="lines",
                name="trend",
                line={"dash": "dot"},
            )
        )
    return _finish(figure, f"{measure} per {metrics.get('frequency', 'period')}", "period", measure)


def _column_overview(picture: Mapping, metrics: Mapping) -> dict:
    if metrics.get("top_words"):
        words = metrics["top_words"][::-1]
        figure = go.Figure(
            go.Bar(x=[w["count"] for w in words], y=[w["word"] for w in words], orientation="h")
        )
        return _finish(figure, "Most frequent words", "count", "")
    per_column = metrics.get("per_column", {})
    names = list(per_column)
    figure = go.Figure(go.Bar(x=names, y=[per_column[n]["null_pct"] for n in names]))
    return _finish(figure, "Missing values per column", "column", "% null")


def _scaling(document: Mapping):
    return sorted((document.get("summary") or {}).items())


def _shade_oversubscribed(figure: go.Figure, document: Mapping) -> None:
    cores = (document.get("machine") or {}).get("available_cores")
    counts = [int(n) for by_workers in (document.get("summary") or {}).values() for n in by_workers]
    if cores and counts and max(counts) > cores:
        figure.add_vrect(
            x0=cores + 0.5,
            x1=max(counts) + 0.5,
            fillcolor="orange",
            opacity=0.12,
            line_width=0,
            annotation_text=OVERSUBSCRIBED_NOTE,
            annotation_position="top left",
        )


def _finish(figure: go.Figure, title: str, x_title: str, y_title: str) -> dict:
    figure.update_layout(
        title=title,
        xaxis_title=x_title,
        yaxis_title=y_title,
        template="plotly_white",
        margin={"l": 60, "r": 20, "t": 60, "b": 50},
    )
    # Through JSON so numpy values and plotly objects become plain lists and dicts.
    return json.loads(figure.to_json())
