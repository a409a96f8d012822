"""plotly figures for the log analytics pages, built server-side and embedded as JSON.

Pages draw them with the vendored plotly.js: ``Plotly.newPlot(div, figure.data, figure.layout)``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import plotly.graph_objects as go

from loganalytics.eventlog import ApplicationModel
from loganalytics.eventlog.model import Job, StageAttempt

STATUS_COLOURS = {
    "SUCCEEDED": "#12b76a",
    "COMPLETE": "#12b76a",
    "FAILED": "#f04438",
    "RUNNING": "#f79009",
    "ACTIVE": "#f79009",
    "PENDING": "#98a2b3",
    "SKIPPED": "#d0d5dd",
}
MAX_TIMELINE_ROWS = 400


def _when(millis: int) -> str:
    return datetime.fromtimestamp(millis / 1000, tz=UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]


def _stage_window(stage: StageAttempt, now: int | None) -> tuple[int, int] | None:
    start = stage.info.get("submission_time") or stage.first_launch_time
    if start is None:
        return None
    end = stage.info.get("completion_time") or now or start
    return start, max(end, start)


def _job_window(job: Job, now: int | None) -> tuple[int, int] | None:
    if job.submission_time is None:
        return None
    end = (job.snapshot or {}).get("completion_time") or job.completion_time or now
    return job.submission_time, max(end or job.submission_time, job.submission_time)


def timeline(model: ApplicationModel) -> dict | None:
    """A Gantt chart: one bar per job, and under it one per stage attempt it ran."""
    labels, starts, lengths, colours, hovers, links = [], [], [], [], [], []
    now = model.now

    def add(label, window, status, hover, link):
        labels.append(label)
        starts.append(_when(window[0]))
        lengths.append(max(window[1] - window[0], 1))
        colours.append(STATUS_COLOURS.get(status, "#2e90fa"))
        hovers.append(f"{hover}<br>{status} · {(window[1] - window[0]) / 1000:.2f}s")
        links.append(link)

    jobs = sorted(model.jobs.values(), key=lambda job: job.submission_time or 0)
    for job in jobs:
        window = _job_window(job, now)
        if window is None:
            continue
        status = (job.snapshot or {}).get("status", job.status)
        add(
            f"Job {job.job_id}",
            window,
            status,
            job.name or f"Job {job.job_id}",
            f"job:{job.job_id}",
        )
        for (stage_id, attempt), stage in sorted(model.stages.items()):
            if job.job_id not in stage.job_ids:
                continue
            stage_window = _stage_window(stage, now)
            if stage_window is not None:
                add(
                    f"  Stage {stage_id}.{attempt}",
                    stage_window,
                    stage.status,
                    stage.name,
                    f"stage:{stage_id}:{attempt}",
                )
        if len(labels) >= MAX_TIMELINE_ROWS:
            break
    if not labels:
        return None
    figure = go.Figure(
        go.Bar(
            y=labels,
            x=lengths,
            base=starts,
            orientation="h",
            marker_color=colours,
            hovertext=hovers,
            hoverinfo="text",
            customdata=links,
        )
    )
    figure.update_yaxes(autorange="reversed", type="category")
    figure.update_xaxes(type="date")
    return _finish(figure, "Jobs and stages over time", height=max(220, 26 * len(labels) + 90))


def task_durations(stage: StageAttempt, now: int | None) -> dict | None:
    """How long the stage's tasks took: a histogram, failed attempts apart."""
    finished = [task for task in stage.tasks.values() if task.finished]
    if not finished:
        return None
    figure = go.Figure()
    for name, tasks, colour in (
        ("succeeded", [t for t in finished if t.successful], "#2e90fa"),
        ("failed or killed", [t for t in finished if not t.successful], "#f04438"),
    ):
        if tasks:
            figure.add_trace(
                go.Histogram(
                    x=[task.duration(now) for task in tasks], name=name, marker_color=colour
                )
            )
    figure.update_layout(barmode="overlay", xaxis_title="task duration (ms)", yaxis_title="tasks")
    return _finish(figure, f"Task durations, stage {stage.stage_id}.{stage.attempt}", height=320)


def job_task_durations(model: ApplicationModel, job: Job) -> dict | None:
    """One box per stage attempt of the job: where the job's time went, and how unevenly."""
    figure = go.Figure()
    for (stage_id, attempt), stage in sorted(model.stages.items()):
        if job.job_id not in stage.job_ids:
            continue
        durations = [task.duration(model.now) for task in stage.tasks.values() if task.finished]
        if durations:
            figure.add_trace(go.Box(y=durations, name=f"Stage {stage_id}.{attempt}"))
    if job.seed:
        durations = [task.duration(model.now) for task in job.seed_tasks.values()]
        if durations:
            figure.add_trace(go.Box(y=durations, name=f"Job {job.job_id} tasks"))
    if not figure.data:
        return None
    figure.update_layout(yaxis_title="task duration (ms)", showlegend=False)
    return _finish(figure, "Task durations per stage", height=340)


def _finish(figure: go.Figure, title: str, *, height: int) -> dict:
    figure.update_layout(
        title=title,
        template="plotly_white",
        height=height,
        margin={"l": 130, "r": 20, "t": 50, "b": 40},
    )
    # Through JSON so plotly objects become plain lists and dicts for json_script.
    return json.loads(figure.to_json())
