import json

import pytest

from mlbench.engine.errors import MLBenchInputError
from mlbench.engine.loaders import load_dataset, profile_dataset, safe_column_names
from tests.mlbench.pdfs import text_pdf


def test_profile_dataset_infers_types_counts_rows_and_previews(spark, synthetic_csv):
    profile = profile_dataset(spark, synthetic_csv, "csv", preview_rows=3)

    types = {column["name"]: column["type"] for column in profile["schema"]}
    assert types["x1"] == "double"
    assert types["label"] == "int"
    assert types["timestamp"] == "timestamp"
    assert types["basket"] == "string"
    assert profile["row_count"] == 300
    assert len(profile["preview"]) == 3
    assert profile["preview"][0]["id"] == 1
    json.dumps(profile)  # the profile is stored as JSON, so it must serialise


def test_load_dataset_keeps_the_recorded_schema_instead_of_inferring_again(spark, tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text("code,amount\n001,1.5\n002,2.5\n")
    recorded = profile_dataset(spark, path, "csv")["schema_json"]
    fixed_as_text = recorded.replace('"type":"integer"', '"type":"string"')

    loaded = load_dataset(spark, path, "csv", schema_json=fixed_as_text)

    assert [row["code"] for row in loaded.df.collect()] == ["001", "002"]


def test_load_dataset_detects_a_semicolon_delimiter(spark, tmp_path):
    path = tmp_path / "european.csv"
    path.write_text("name;price\napple;1.5\npear;2.0\n")

    loaded = load_dataset(spark, path, "csv")

    assert loaded.delimiter == ";"
    assert loaded.df.columns == ["name", "price"]


def test_load_dataset_reads_a_json_array_and_ndjson_alike(spark, tmp_path):
    records = [{"a": 1, "b": "x"}, {"a": 2, "b": "y"}]
    array_path = tmp_path / "array.json"
    array_path.write_text(json.dumps(records, indent=2))
    lines_path = tmp_path / "lines.json"
    lines_path.write_text("\n".join(json.dumps(r) for r in records) + "\n")

    from_array = load_dataset(spark, array_path, "json").df.orderBy("a").collect()
    from_lines = load_dataset(spark, lines_path, "json").df.orderBy("a").collect()

    assert [r.asDict() for r in from_array] == [r.asDict() for r in from_lines] == records


def test_load_dataset_turns_text_into_one_row_per_line_with_tokens(spark, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("Spark is fast.\n\n  \nSpark, Spark: café 42!\n")

    rows = load_dataset(spark, path, "txt").df.collect()

    assert [row["tokens"] for row in rows] == [
        ["spark", "is", "fast"],
        ["spark", "spark", "café", "42"],
    ]
    assert [row["token_count"] for row in rows] == [3, 4]


def test_load_dataset_treats_an_extracted_pdf_as_text(spark, tmp_path):
    path = tmp_path / "paper.pdf"
    path.write_bytes(text_pdf(["Resilient distributed datasets", "Lazy evaluation"]))

    loaded = load_dataset(spark, path, "pdf")

    assert loaded.kind == "text"
    assert [row["tokens"] for row in loaded.df.collect()] == [
        ["resilient", "distributed", "datasets"],
        ["lazy", "evaluation"],
    ]


def test_safe_column_names_are_unique_and_usable_by_spark_ml():
    assert safe_column_names(["a b", "a.b", "", "1st", "x"]) == [
        "a_b",
        "a_b_2",
        "column_3",
        "c_1st",
        "x",
    ]


@pytest.mark.parametrize(
    ("fmt", "content", "options", "complaint"),
    [
        ("csv", "", {}, "empty"),
        ("csv", "\n\n", {}, "empty"),
        ("csv", "a,b,c\n", {}, "header line but no data rows"),
        ("csv", "a;b;c\n1;2;3\n", {"delimiter": ","}, "set the delimiter option to ';'"),
        ("csv", "a,b,c\n1;2;3\n4;5;6\n", {}, "check the delimiter"),
        ("json", "", {}, "empty"),
        ("json", "[]", {}, "no records"),
        ("json", '{"a": 1}\n{"a": \n', {}, "line 2: not valid JSON"),
        ("json", "[1, 2]", {}, "expected a JSON object"),
        ("txt", "\n   \n", {}, "no non-blank lines"),
    ],
)
def test_load_dataset_explains_unusable_files(spark, tmp_path, fmt, content, options, complaint):
    path = tmp_path / f"bad.{fmt}"
    path.write_text(content)

    with pytest.raises(MLBenchInputError, match=complaint):
        load_dataset(spark, path, fmt, **options)
