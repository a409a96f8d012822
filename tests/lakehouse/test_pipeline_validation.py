import pytest

from lakehouse.engine import PipelineError, format_plan, plan, run_pipeline, validate


def _problems(text: str):
    with pytest.raises(PipelineError) as caught:
        run_pipeline(text, dry_run=True)
    return caught.value.problems


def test_an_unknown_component_type_names_the_step_line_and_a_suggestion():
    text = "steps {\n  raw { type = csv, path = x.csv }\n  out {\n    type = write_parqet\n  }\n}\n"

    (problem,) = _problems(text)

    assert problem.path == "steps.out.type"
    assert problem.line == 4
    assert "did you mean 'write_parquet'" in problem.message


def test_a_misspelt_component_field_is_an_error_with_its_line():
    text = "steps {\n  raw {\n    type = csv\n    path = x.csv\n    headr = true\n  }\n}\n"

    (problem,) = _problems(text)

    assert problem.path == "steps.raw.headr"
    assert problem.line == 5
    assert "did you mean 'header'" in problem.message


def test_wrongly_typed_and_missing_fields_are_all_reported_together():
    text = (
        "steps {\n"
        "  raw { type = csv }\n"
        "  out { type = write_parquet, path = /x, partition_by = {a = 1} }\n"
        "}\n"
    )

    problems = _problems(text)

    assert {p.path for p in problems} == {"steps.raw.path", "steps.out.partition_by"}


def test_an_unknown_input_is_reported():
    text = (
        "steps {\n  raw { type = csv, path = x }\n  out { type = write_parquet, path = /o,\n"
        "    inputs = [rwa] }\n}\n"
    )

    (problem,) = _problems(text)

    assert "unknown input 'rwa'" in problem.message
    assert problem.path == "steps.out.inputs"


def test_a_cycle_between_steps_is_reported_with_its_members():
    text = """
    steps {
      raw { type = csv, path = x }
      a { type = sql, sql = "select 1", inputs = [raw, b] }
      b { type = trim, inputs = [a] }
      out { type = write_parquet, path = /o, inputs = [b] }
    }
    """

    (problem,) = _problems(text)

    assert "cycle" in problem.message
    assert "a -> b -> a" in problem.message or "b -> a -> b" in problem.message


def test_a_sink_that_no_source_feeds_is_unreachable():
    text = """
    steps {
      a { type = sql, sql = "select 1" }
      out { type = write_parquet, path = /o }
    }
    """

    problems = _problems(text)

    assert any("has no input" in p.message for p in problems)


def test_single_input_transforms_refuse_several_inputs():
    text = """
    steps {
      a { type = csv, path = x }
      b { type = csv, path = y }
      t { type = trim, inputs = [a, b] }
      out { type = write_parquet, path = /o }
    }
    """

    (problem,) = _problems(text)

    assert "takes one input, got 2" in problem.message


def test_steps_default_to_the_previous_step_as_their_input():
    text = """
    steps {
      raw { type = csv, path = x.csv, columns = [a, b] }
      renamed { type = rename, columns { a = alpha } }
      out { type = write_parquet, path = /o }
    }
    """

    document = plan(text)

    assert [s["inputs"] for s in document["steps"]] == [[], ["raw"], ["renamed"]]
    assert document["steps"][2]["columns"] == [
        {"name": "alpha", "type": "string"},
        {"name": "b", "type": "string"},
    ]


def test_user_components_are_found_by_class_path():
    text = """
    steps {
      ids { type = tests.lakehouse.user_components.FlakySource, rows = 5 }
      out { type = write_parquet, path = /o }
    }
    """

    document = plan(text)

    assert document["steps"][0]["class"] == "tests.lakehouse.user_components.FlakySource"


def test_a_class_path_that_is_not_a_component_is_rejected():
    problems = validate("steps { x { type = collections.OrderedDict } }")

    assert "is not a Source, Transform, Validator or Sink" in problems[0].message


def test_dry_run_of_the_returns_pipeline_plans_every_table_without_touching_data(tmp_path):
    report = run_pipeline("returns", overrides=[f"lake.root={tmp_path}"], dry_run=True)

    steps = report["plan"]["steps"]
    written = [s["options"]["path"] for s in steps if s["kind"] == "sink"]
    assert written == [
        f"{tmp_path}/bronze/returns_raw",
        f"{tmp_path}/silver/returns",
        f"{tmp_path}/quarantine/returns",
        f"{tmp_path}/gold/returns_by_sku_reason",
    ]
    silver = next(s for s in steps if s["name"] == "write_silver")
    assert {"name": "amount", "type": "decimal(12,2)"} in silver["columns"]
    assert {"name": "return_date", "type": "date"} in silver["columns"]
    assert list(tmp_path.iterdir()) == []
    assert "write_quarantine" in format_plan(report["plan"])


def test_plans_mask_secrets_and_warn_about_discarded_rejects():
    text = """
    steps {
      raw { type = jdbc, url = "jdbc:postgresql://db/x", table = t, password = hunter2 }
      checked { type = quality, rules = [{ rule = not_null, column = id, action = quarantine }] }
      out { type = write_parquet, path = /o }
    }
    """

    document = plan(text)

    assert document["steps"][0]["options"]["password"] == "***"
    assert "hunter2" not in str(document)
    assert any("rejected rows are discarded" in w for w in document["warnings"])


def test_quality_rules_missing_their_parameters_are_reported_at_start_up():
    text = """
    steps {
      raw { type = csv, path = x }
      checked { type = quality, rules = [
        { rule = regex, column = sku, pattern = "^A" }
        { rule = range, column = amount }
      ] }
    }
    """

    (problem,) = validate(text)

    assert problem.path == "steps.checked.rules[1]"
    assert problem.line == 6
    assert "range needs min or max" in problem.message


def test_an_unknown_quality_action_lists_the_allowed_ones():
    text = (
        "steps { raw { type = csv, path = x }\n"
        "checked { type = quality, rules = [{ rule = regex, column = s, action = explode }] } }"
    )

    (problem,) = validate(text)

    assert problem.path == "steps.checked.rules[0].action"
    assert "'warn', 'drop', 'quarantine', 'fail'" in problem.message


def test_validating_and_planning_never_import_pyspark():
    import subprocess
    import sys

    code = (
        "import sys; from lakehouse.engine import plan, validate; "
        "plan('returns'); validate('steps { x { type = nope } }'); "
        "print('pyspark' in sys.modules)"
    )

    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == "False"
