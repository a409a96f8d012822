"""Input a person has to fix ends in MLBenchInputError with a message saying what to change."""

import pytest

from mlbench.engine.errors import MLBenchInputError
from mlbench.engine.loaders import load_dataset
from mlbench.engine.tasks import run_task


@pytest.mark.parametrize(
    ("task", "options", "complaint", "field"),
    [
        ("linear_regression", {"label": "category"}, "not numeric", "label"),
        ("linear_regression", {"label": "missing"}, "no column named 'missing'", "label"),
        ("linear_regression", {"features": "category"}, "not numeric", "features"),
        ("kmeans", {"k": 301}, "k=301 is larger than the number of usable rows", "k"),
        ("kmeans", {"k": "three"}, "whole number", "k"),
        ("fpgrowth", {"min_support": 0.99}, "lower min_support", "min_support"),
        ("fpgrowth", {"min_support": 2}, "between", "min_support"),
        ("fpgrowth", {"items": "x1"}, "must hold text", "items"),
        ("time_series", {"frequency": "hourly"}, "day, week, month", "frequency"),
        ("time_series", {"timestamp": "category"}, "could be read as a date", "timestamp"),
        ("no_such_task", {}, "Unknown task", "tasks"),
    ],
)
def test_tasks_explain_bad_options_on_good_data(synthetic_data, task, options, complaint, field):
    with pytest.raises(MLBenchInputError, match=complaint) as raised:
        run_task(task, synthetic_data, options)

    assert raised.value.field == field


def test_logistic_regression_refuses_a_label_with_one_class(spark, tmp_path):
    path = tmp_path / "one_class.csv"
    path.write_text("x,label\n" + "".join(f"{i},yes\n" for i in range(20)))
    data = load_dataset(spark, path, "csv")

    with pytest.raises(MLBenchInputError, match=r"only one class \('yes'\)"):
        run_task("logistic_regression", data, {})


def test_table_tasks_refuse_text_data_and_say_which_tasks_work(spark, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("one line\nanother line\n")
    data = load_dataset(spark, path, "txt")

    with pytest.raises(MLBenchInputError, match="text files support descriptive_stats"):
        run_task("linear_regression", data, {})


def test_kmeans_explains_data_without_numeric_columns(spark, tmp_path):
    path = tmp_path / "names.csv"
    path.write_text("first,last\nada,lovelace\nalan,turing\n")
    data = load_dataset(spark, path, "csv")

    with pytest.raises(MLBenchInputError, match="No numeric feature columns"):
        run_task("kmeans", data, {})
