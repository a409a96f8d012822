"""Plotly figures for pages: built server-side, drawn by plotly.js served from static/."""

from __future__ import annotations

import json

LAYOUT = {
    "margin": {"l": 60, "r": 20, "t": 40, "b": 50},
    "font": {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 12},
    "paper_bgcolor": "rgba(0,0,0,0)",
    "plot_bgcolor": "#fcfcfd",
    "height": 360,
}


def figure_data(figure) -> dict:
    """A plain dict for ``json_script`` (plotly's encoder handles numpy and dates)."""
    # House defaults, without undoing what the figure set itself (a taller chart, a title).
    figure.update_layout(
        {key: value for key, value in LAYOUT.items() if figure.layout[key] is None}
    )
    return json.loads(figure.to_json())
