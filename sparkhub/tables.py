"""Rows stored as JSON objects, shown as tables in a known column order.

PostgreSQL's jsonb does not keep an object's key order (it sorts keys), so a table's column
order must come from elsewhere: a schema, or a column list stored beside the rows.
"""

from __future__ import annotations


def ordered_table(rows: list[dict], columns: list[str] | None = None) -> dict:
    """``{"columns", "rows"}``: ``columns`` first (those the rows have), then any other keys in
    the order first seen; each row as a list of cells in that order."""
    seen: dict[str, None] = {}
    for row in rows:
        seen.update(dict.fromkeys(row))
    ordered = [name for name in columns or [] if name in seen]
    ordered += [name for name in seen if name not in ordered]
    return {"columns": ordered, "rows": [[row.get(name) for name in ordered] for row in rows]}
