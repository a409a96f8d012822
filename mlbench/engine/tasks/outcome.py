"""What every task returns."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class TaskOutcome:
    """``metrics`` follow the results-document contract; ``picture`` feeds the result chart."""

    metrics: dict
    picture: dict = field(default_factory=dict)


def plain(value):
    """A Spark value as JSON: dates and timestamps as ISO text, decimals as floats."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)
