"""Compare two runs of the same application: what got slower, and where.

Jobs and stages are matched by their name (Spark names them after the call site, e.g.
``count at etl.py:42``) and, for repeated names, by the order they ran in. Each match reports
both times and the change; the biggest slowdowns come first.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from .model import ApplicationModel


def _duration(start: int | None, end: int | None) -> int | None:
    return end - start if start is not None and end is not None else None


def _jobs(model: ApplicationModel) -> dict[tuple[str, int], dict[str, Any]]:
    seen: dict[str, int] = defaultdict(int)
    matched = {}
    for job in sorted(model.jobs.values(), key=lambda j: (j.submission_time or 0, str(j.job_id))):
        end = (job.snapshot or {}).get("completion_time")
        key = (job.name, seen[job.name])
        seen[job.name] += 1
        matched[key] = {"id": job.job_id, "ms": _duration(job.submission_time, end)}
    return matched


def _stages(model: ApplicationModel) -> dict[tuple[str, int], dict[str, Any]]:
    seen: dict[str, int] = defaultdict(int)
    matched = {}
    ran = [s for s in model.stages.values() if s.info["submission_time"] is not None]
    for stage in sorted(ran, key=lambda s: (s.info["submission_time"], s.stage_id, s.attempt)):
        key = (stage.name, seen[stage.name])
        seen[stage.name] += 1
        matched[key] = {
            "id": stage.stage_id,
            "attempt": stage.attempt,
            "ms": _duration(stage.info["submission_time"], stage.info["completion_time"]),
        }
    return matched


def _pair(base: dict, new: dict) -> list[dict[str, Any]]:
    rows = []
    for key in base.keys() | new.keys():
        before, after = base.get(key, {}), new.get(key, {})
        change = (
            after["ms"] - before["ms"]
            if before.get("ms") is not None and after.get("ms") is not None
            else None
        )
        rows.append(
            {
                "name": key[0],
                "occurrence": key[1],
                "base": before or None,
                "new": after or None,
                "change_ms": change,
            }
        )
    return sorted(rows, key=lambda r: (r["change_ms"] is None, -(r["change_ms"] or 0)))


def compare_runs(base: ApplicationModel, new: ApplicationModel) -> dict[str, Any]:
    """``new`` against ``base``: the application, its jobs and its stages, slowest change first.

    A job or stage found in one run only has ``None`` on the other side.
    """
    return {
        "base": base.app.app_id,
        "new": new.app.app_id,
        "duration_ms": {
            "base": base.app.duration,
            "new": new.app.duration,
            "change": new.app.duration - base.app.duration,
        },
        "jobs": _pair(_jobs(base), _jobs(new)),
        "stages": _pair(_stages(base), _stages(new)),
    }
