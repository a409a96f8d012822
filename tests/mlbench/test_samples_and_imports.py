import subprocess
import sys

import pytest

from mlbench.engine.catalog import SAMPLES, copy_samples
from mlbench.engine.loaders import load_dataset
from mlbench.engine.sniffing import SNIFF_BYTES, sniff_format
from mlbench.engine.synthetic import COLUMNS, synthetic_rows
from mlbench.engine.tasks import run_task


def test_every_shipped_sample_passes_the_upload_sniffer():
    for sample in SAMPLES:
        head = sample.path.read_bytes()[:SNIFF_BYTES]

        assert sniff_format(sample.name, head) == sample.fmt


def test_copy_samples_writes_the_samples_and_a_synthetic_file(tmp_path):
    written = copy_samples(tmp_path, synthetic_rows=25)

    assert sorted(p.name for p in written) == sorted([s.name for s in SAMPLES] + ["synthetic.csv"])
    assert len((tmp_path / "synthetic.csv").read_text().splitlines()) == 26


def test_synthetic_rows_are_deterministic_by_seed():
    first = list(synthetic_rows(50, seed=7))

    assert first == list(synthetic_rows(50, seed=7))
    assert first != list(synthetic_rows(50, seed=8))
    assert tuple(first[0]) == COLUMNS


@pytest.mark.parametrize(
    ("name", "task", "check"),
    [
        (
            "iris.csv",
            "logistic_regression",
            lambda m: m["label"] == "species" and len(m["classes"]) == 3,
        ),
        (
            "stocks.csv",
            "time_series",
            lambda m: m["timestamp"] == "date" and m["frequency"] == "month",
        ),
    ],
)
def test_samples_run_their_suggested_tasks_with_automatic_choices(spark, name, task, check):
    sample = next(s for s in SAMPLES if s.name == name)
    data = load_dataset(spark, sample.path, sample.fmt)

    # A few iterations are enough to check the automatic choices; accuracy is tested elsewhere.
    metrics = run_task(task, data, {**sample.options, "max_iter": 5}).metrics

    assert check(metrics)


def test_engine_modules_never_import_django_and_light_ones_never_import_pyspark():
    light = [
        "sniffing",
        "precheck",
        "pdftext",
        "summary",
        "synthetic",
        "machine",
        "catalog",
        "baseline",
        "runner",
        "worker",
    ]
    code = (
        "import sys\n"
        + "".join(f"import mlbench.engine.{name}\n" for name in light)
        + "import mlbench.charts, mlbench.databricks\n"
        + "assert 'pyspark' not in sys.modules, 'pyspark imported'\n"
        + "import mlbench.engine.tasks, mlbench.engine.loaders\n"
        + "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'\n"
    )

    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )

    assert completed.returncode == 0, completed.stderr
