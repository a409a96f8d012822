"""Parsing untrusted code: limits, errors and suppression comments."""

from __future__ import annotations

from explainer.analysis import parse
from explainer.analysis.parse import parse_file


def test_valid_code_parses_without_errors():
    parsed = parse_file("job.py", "x = 1\n")

    assert parsed.tree is not None
    assert parsed.errors == []


def test_syntax_error_is_reported_with_its_line_and_the_code_before_it_is_kept():
    source = "a = 1\nb = 2\nc = (\n"

    parsed = parse_file("job.py", source)

    assert parsed.errors[0]["line"] == 3
    assert "syntax error" in parsed.errors[0]["message"]
    assert [type(s).__name__ for s in parsed.tree.body] == ["Assign", "Assign"]


def test_source_larger_than_the_limit_is_refused_before_parsing(monkeypatch):
    monkeypatch.setattr(parse, "MAX_SOURCE_CHARS", 10)

    parsed = parse_file("job.py", "x = 12345678901\n")

    assert parsed.tree is None
    assert "larger than" in parsed.errors[0]["message"]


def test_too_many_nodes_are_refused(monkeypatch):
    monkeypatch.setattr(parse, "MAX_AST_NODES", 20)

    parsed = parse_file("job.py", "x = [" + ", ".join(str(i) for i in range(50)) + "]\n")

    assert parsed.tree is None
    assert "syntax nodes" in parsed.errors[0]["message"]


def test_deep_nesting_is_refused_without_recursing():
    source = "x = " + "-" * 5000 + "1\n"

    parsed = parse_file("job.py", source)

    assert parsed.tree is None
    assert parsed.errors[0]["line"] == 1


def test_noqa_comments_map_lines_to_rule_ids():
    source = "a = 1\nb = df.collect()  # noqa: AP-D01, ap-d06\nc = 3  # noqa\n"

    parsed = parse_file("job.py", source)

    assert parsed.noqa == {2: frozenset({"AP-D01", "AP-D06"})}


def test_windows_line_endings_keep_line_numbers():
    parsed = parse_file("job.py", "a = 1\r\nb = 2\r\n")

    assert parsed.tree.body[1].lineno == 2


def test_notebook_magic_lines_are_read_as_comments():
    parsed = parse_file("notebook.py", "%pip install x\n!ls\ndf = spark.read.parquet('/x')\n")

    assert parsed.errors == []
    assert parsed.tree.body[0].lineno == 3
