"""The sample datasets shipped in ``mlbench/samples`` and a way to install them with the
synthetic dataset (``manage.py mlbench_samples`` calls :func:`copy_samples`)."""

from __future__ import annotations

import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path

from mlbench.engine.synthetic import write_synthetic

SAMPLES_DIR = Path(__file__).resolve().parent.parent / "samples"
SYNTHETIC_NAME = "synthetic.csv"


@dataclass(frozen=True)
class Sample:
    name: str
    fmt: str
    description: str
    tasks: tuple[str, ...]
    options: dict = field(default_factory=dict)

    @property
    def path(self) -> Path:
        return SAMPLES_DIR / self.name


SAMPLES = (
    Sample(
        "iris.csv",
        "csv",
        "Fisher's iris flowers: four measurements and the species.",
        ("descriptive_stats", "logistic_regression", "kmeans"),
        {"k": 3},
    ),
    Sample(
        "diabetes.csv",
        "csv",
        "Diabetes patients: ten baseline variables and disease progression after a year.",
        ("descriptive_stats", "linear_regression"),
    ),
    Sample(
        "wine.json",
        "json",
        "Chemical analysis of wines from three cultivars (NDJSON).",
        ("descriptive_stats", "logistic_regression", "kmeans"),
        {"k": 3},
    ),
    Sample(
        "stocks.csv",
        "csv",
        "Weekly normalised closing prices of six tech stocks, 2018-2019.",
        ("descriptive_stats", "time_series"),
        {"frequency": "month"},
    ),
    Sample(
        "zen_of_python.txt",
        "txt",
        "The Zen of Python, one aphorism per line.",
        ("descriptive_stats", "fpgrowth", "kmeans"),
        {"min_support": 0.1, "k": 3},
    ),
)


def sample_catalog() -> list[dict]:
    """The samples as plain dicts (with their absolute path), for pages and commands."""
    return [{**asdict(sample), "path": str(sample.path)} for sample in SAMPLES]


def copy_samples(
    target_dir: str | Path, *, synthetic_rows: int = 10_000, seed: int = 42
) -> list[Path]:
    """Copy every shipped sample into ``target_dir`` and write the synthetic dataset there."""
    target_dir = Path(target_dir)
    target_dir.mkdir(parents=True, exist_ok=True)
    written = [Path(shutil.copyfile(sample.path, target_dir / sample.name)) for sample in SAMPLES]
    if synthetic_rows:
        written.append(write_synthetic(target_dir / SYNTHETIC_NAME, synthetic_rows, seed))
    return written
