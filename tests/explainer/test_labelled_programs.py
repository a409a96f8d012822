"""Every labelled program gives exactly its labelled operations, findings, sources and sinks."""

from __future__ import annotations

import pytest

from explainer.analysis import analyse

from .labelled import load_program, program_paths

PROGRAMS = program_paths()


@pytest.mark.parametrize("path", PROGRAMS, ids=[p.stem for p in PROGRAMS])
def test_labelled_program_operations_match_the_labels(path):
    files, expected = load_program(path)

    document = analyse(files)

    found = [
        ((op["file"],) if path.is_dir() else ())
        + (op["line"], op["method"], op["kind"], op["shuffle"])
        for op in document["operations"]
    ]
    assert found == [tuple(op) for op in expected["operations"]]


@pytest.mark.parametrize("path", PROGRAMS, ids=[p.stem for p in PROGRAMS])
def test_labelled_program_findings_match_the_labels(path):
    files, expected = load_program(path)

    document = analyse(files)

    found = sorted(
        ((f["file"],) if path.is_dir() else ()) + (f["rule"], f["line"])
        for f in document["findings"]
    )
    assert found == sorted(tuple(f) for f in expected["findings"])


@pytest.mark.parametrize("path", PROGRAMS, ids=[p.stem for p in PROGRAMS])
def test_labelled_program_sources_and_sinks_match_the_labels(path):
    files, expected = load_program(path)

    document = analyse(files)

    sources = [(s["format"], s["path_or_table"], s["line"]) for s in document["sources"]]
    sinks = [(s["format"], s["path_or_table"], s["line"], s["mode"]) for s in document["sinks"]]
    assert sources == [tuple(s) for s in expected["sources"]]
    assert sinks == [tuple(s) for s in expected["sinks"]]


@pytest.mark.parametrize("path", PROGRAMS, ids=[p.stem for p in PROGRAMS])
def test_labelled_program_job_lower_bound_matches_the_label(path):
    files, expected = load_program(path)

    document = analyse(files)

    assert document["jobs"]["at_least"] == expected["jobs_at_least"]
    assert document["errors"] == expected.get("errors", [])
    assert document["warnings"] == []
