"""Parse an ingest body: one event, a JSON array of events, or NDJSON (one event per line).

Good events are kept and bad ones reported by their 0-based index with the field at fault, so
a batch with some bad lines never loses the valid ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import orjson

from .errors import EventLogError
from .normalise import Event, normalise


@dataclass
class Batch:
    events: list[Event] = field(default_factory=list)
    raws: list[dict] = field(default_factory=list)  # each event as received, beside ``events``
    indexes: list[int] = field(default_factory=list)  # each event's place in the body
    errors: list[dict] = field(default_factory=list)  # {"index", "field", "message"}


def normalise_batch(body: bytes | str, *, app_id: str | None = None) -> Batch:
    """Split and normalise a request body; raises :class:`EventLogError` only when the body as
    a whole is unreadable (not JSON, not NDJSON, or empty)."""
    data = body.encode() if isinstance(body, str) else body
    if not data.strip():
        raise EventLogError("the body is empty: send an event, a JSON array or NDJSON")
    try:
        parsed = orjson.loads(data)
        items = parsed if isinstance(parsed, list) else [parsed]
    except orjson.JSONDecodeError:
        items = _ndjson(data)
    batch = Batch()
    for index, item in enumerate(items):
        if isinstance(item, EventLogError):
            batch.errors.append({"index": index, "field": None, "message": item.reason})
            continue
        try:
            event = normalise(item, app_id=app_id)
        except EventLogError as exc:
            batch.errors.append({"index": index, "field": exc.field, "message": exc.reason})
            continue
        batch.events.append(event)
        batch.raws.append(item)
        batch.indexes.append(index)
    return batch


def _ndjson(data: bytes) -> list:
    lines = [line for line in data.split(b"\n") if line.strip()]
    items: list = []
    for line in lines:
        try:
            items.append(orjson.loads(line))
        except orjson.JSONDecodeError as exc:
            items.append(EventLogError(f"not JSON ({exc})"))
    if all(isinstance(item, EventLogError) for item in items):
        raise EventLogError("the body is neither JSON nor NDJSON")
    return items
