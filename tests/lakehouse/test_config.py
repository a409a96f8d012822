import pytest

from lakehouse.engine import PipelineError, load_config


def test_overriding_lake_root_moves_every_path_built_from_it():
    text = 'lake.root = "/default"\ntables.silver = ${lake.root}"/silver/returns"\n'

    raw = load_config(text, overrides=["lake.root=/elsewhere"])

    assert raw.data["tables"]["silver"] == "/elsewhere/silver/returns"


def test_override_values_with_double_slashes_stay_strings_not_comments():
    raw = load_config('lake.root = "/a"\n', overrides={"lake.root": "s3://bucket/lake"})

    assert raw.data["lake"]["root"] == "s3://bucket/lake"


def test_override_values_that_look_like_numbers_and_lists_keep_their_type():
    raw = load_config("a = 1\n", overrides=["a=2", "b=[x, y]", "c=true"])

    assert raw.data["a"] == 2
    assert raw.data["b"] == ["x", "y"]
    assert raw.data["c"] is True


def test_optional_environment_substitution_replaces_the_default_only_when_set(monkeypatch):
    text = 'root = "/default"\nroot = ${?LAKE_TEST_ROOT}\n'
    monkeypatch.delenv("LAKE_TEST_ROOT", raising=False)
    assert load_config(text).data["root"] == "/default"

    monkeypatch.setenv("LAKE_TEST_ROOT", "/from-env")
    assert load_config(text).data["root"] == "/from-env"


def test_chained_optional_overrides_that_pyhocon_turns_into_null_are_reported_with_their_line(
    monkeypatch,
):
    monkeypatch.delenv("LAKE_UNSET_A", raising=False)
    monkeypatch.delenv("LAKE_UNSET_B", raising=False)
    text = 'x = 1\nroot = "/default"\nroot = ${?LAKE_UNSET_A}\nroot = ${?LAKE_UNSET_B}\n'

    with pytest.raises(PipelineError) as caught:
        load_config(text)

    (problem,) = caught.value.problems
    assert problem.path == "root"
    assert problem.line == 4
    assert "null" in problem.message


def test_quoted_keys_containing_dots_are_rejected_with_their_line():
    text = 'a {\n  ok = 1\n  "b.c" = 2\n}\n'

    with pytest.raises(PipelineError) as caught:
        load_config(text)

    (problem,) = caught.value.problems
    assert problem.path == "a.b.c"
    assert problem.line == 3
    assert "contains a dot" in problem.message


def test_broken_hocon_reports_a_syntax_error_with_a_line():
    with pytest.raises(PipelineError) as caught:
        load_config("a {\n  b = 1\n  c = [1, 2\n")

    assert "syntax error" in str(caught.value)
    assert caught.value.problems[0].line is not None


def test_an_unknown_substitution_names_the_variable_and_its_line():
    with pytest.raises(PipelineError) as caught:
        load_config("a = 1\nb = ${nowhere.to.be.found}\n")

    assert caught.value.problems[0].line == 2
    assert "${nowhere.to.be.found}" in str(caught.value)


def test_nested_includes_merge_objects_and_resolve_across_files(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "inner.conf").write_text('lake.root = "/inner"\nlake.name = inner\n')
    (tmp_path / "sub" / "outer.conf").write_text('include "inner.conf"\nlake.zone = z1\n')
    main = tmp_path / "main.conf"
    main.write_text('include "sub/outer.conf"\nlake.name = main\npath = ${lake.root}/x\n')

    raw = load_config(main)

    assert raw.data["lake"] == {"root": "/inner", "name": "main", "zone": "z1"}
    assert raw.data["path"] == "/inner/x"
    assert raw.sourcemap.locate("lake.zone").file.endswith("outer.conf")


def test_a_missing_include_is_an_error_rather_than_silently_ignored(tmp_path):
    main = tmp_path / "main.conf"
    main.write_text('a = 1\ninclude "nope.conf"\n')

    with pytest.raises(PipelineError) as caught:
        load_config(main)

    assert caught.value.problems[0].line == 2
    assert "nope.conf" in str(caught.value)


def test_malformed_override_keys_are_rejected():
    with pytest.raises(PipelineError, match="dotted path"):
        load_config("a = 1\n", overrides=["a..b=1"])


def test_a_quoted_dotted_key_inside_a_path_is_a_short_located_syntax_error():
    with pytest.raises(PipelineError) as caught:
        load_config('x = 1\na."b.c".d = 1\n')

    (problem,) = caught.value.problems
    assert problem.line == 2
    assert problem.message == "HOCON syntax error (column 3): unexpected text at '\"b.c\".d = 1'"


def test_a_set_override_wins_over_an_environment_variable(monkeypatch):
    monkeypatch.setenv("LAKE_TEST_ROOT", "/from-env")
    text = 'root = "/default"\nroot = ${?LAKE_TEST_ROOT}\npath = ${root}"/t"\n'

    raw = load_config(text, overrides=["root=/from-set"])

    assert raw.data["path"] == "/from-set/t"
