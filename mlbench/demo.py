"""Demo data: the shipped sample datasets and a small synthetic one, queued for profiling."""

from pathlib import Path

from django.conf import settings

from mlbench.engine.catalog import copy_samples
from mlbench.models import Dataset
from mlbench.services import upload_local_file

DEMO_SYNTHETIC_ROWS = 5_000


def load() -> str:
    folder = Path(settings.VAR_DIR) / "samples"
    loaded = 0
    for path in copy_samples(folder, synthetic_rows=DEMO_SYNTHETIC_ROWS):
        if not Dataset.objects.filter(original_name=path.name).exists():
            upload_local_file(path=path)
            loaded += 1
    return f"{loaded} sample dataset(s) uploaded and queued for profiling"
