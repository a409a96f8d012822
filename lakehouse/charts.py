"""Pictures of a pipeline run: step timeline, rows per step, data-quality failures."""

from __future__ import annotations

from datetime import timedelta

from sparkhub.charts import figure_data

STATUS_COLOURS = {
    "succeeded": "#12b76a",
    "failed": "#d92d20",
    "skipped": "#98a2b3",
    "running": "#f79009",
    "pending": "#d0d5dd",
}


def step_timeline(steps) -> dict | None:
    """A Gantt chart of the steps that ran, coloured by outcome."""
    import plotly.graph_objects as go

    timed = [s for s in steps if s.started_at and s.duration_seconds is not None]
    if not timed:
        return None
    figure = go.Figure()
    for step in timed:
        finished = step.started_at + timedelta(seconds=step.duration_seconds)
        figure.add_trace(
            go.Scatter(
                x=[step.started_at, finished],
                y=[step.name, step.name],
                mode="lines",
                line={"width": 18, "color": STATUS_COLOURS.get(step.status, "#2e90fa")},
                name=step.name,
                showlegend=False,
                hovertemplate=f"{step.name}: {step.duration_seconds:.2f}s ({step.status})"
                "<extra></extra>",
            )
        )
    figure.update_layout(title="Step timeline", yaxis={"autorange": "reversed"}, xaxis_title="time")
    return figure_data(figure)


def rows_per_step(steps) -> dict | None:
    import plotly.graph_objects as go

    counted = [s for s in steps if s.rows_out is not None or s.rows_in is not None]
    if not counted:
        return None
    names = [s.name for s in counted]
    figure = go.Figure(
        [
            go.Bar(name="rows in", x=names, y=[s.rows_in for s in counted], marker_color="#84caff"),
            go.Bar(
                name="rows out", x=names, y=[s.rows_out for s in counted], marker_color="#2e90fa"
            ),
            go.Bar(
                name="rejected",
                x=names,
                y=[s.rows_rejected for s in counted],
                marker_color="#f04438",
            ),
        ]
    )
    figure.update_layout(title="Rows per step", barmode="group", yaxis_title="rows")
    return figure_data(figure)


def quality_failures(results) -> dict | None:
    import plotly.graph_objects as go

    measured = [r for r in results if r.failed is not None]
    if not measured:
        return None
    labels = [f"{r.step}.{r.rule}" for r in measured]
    figure = go.Figure(
        [
            go.Bar(
                name="passed",
                y=labels,
                x=[r.passed or 0 for r in measured],
                orientation="h",
                marker_color="#12b76a",
            ),
            go.Bar(
                name="failed",
                y=labels,
                x=[r.failed for r in measured],
                orientation="h",
                marker_color="#f04438",
            ),
        ]
    )
    figure.update_layout(
        title="Data quality: rows passing and failing each rule",
        barmode="stack",
        height=max(300, 40 * len(labels) + 120),
    )
    return figure_data(figure)
