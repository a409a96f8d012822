"""Demo data: the shipped pipelines (the returns medallion) as editable rows."""

from lakehouse.services import sync_shipped_pipelines


def load() -> str:
    return f"{sync_shipped_pipelines()} shipped pipeline(s) ready to run"
