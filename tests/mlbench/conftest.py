import pytest

from mlbench.engine.synthetic import write_synthetic


@pytest.fixture(scope="session")
def synthetic_csv(tmp_path_factory):
    """300 synthetic rows: enough for every task, small enough for a 2-core machine."""
    return write_synthetic(tmp_path_factory.mktemp("synthetic") / "synthetic.csv", rows=300)


@pytest.fixture(scope="session")
def synthetic_data(spark, synthetic_csv):
    from mlbench.engine.loaders import load_dataset

    loaded = load_dataset(spark, synthetic_csv, "csv", partitions=2)
    loaded.df = loaded.df.cache()
    return loaded
