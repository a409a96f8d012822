"""Constant propagation of SQL strings."""

from __future__ import annotations

from explainer.analysis.model import Text
from explainer.analysis.strings import format_text, join_texts, percent_format


def test_joining_known_strings_gives_the_whole_string():
    text = join_texts([Text("SELECT * FROM "), Text("t")])

    assert text.value == "SELECT * FROM t"
    assert not text.dynamic


def test_joining_an_unknown_part_makes_the_text_dynamic():
    text = join_texts([Text("SELECT * FROM "), None])

    assert text.value is None
    assert text.dynamic


def test_format_fills_positional_and_named_fields_and_keeps_escaped_braces():
    text = format_text(Text("{} {0} {name} {{x}}"), [Text("a")], {"name": Text("b")})

    assert text.value == "a a b {x}"


def test_format_with_a_format_spec_field_is_not_evaluated():
    text = format_text(Text("{:>99999999}"), [Text("a")], {})

    assert text.value is None
    assert text.dynamic


def test_percent_format_fills_s_placeholders():
    text = percent_format(Text("SELECT %s FROM %s WHERE x LIKE 'a%%'"), [Text("a"), Text("t")])

    assert text.value == "SELECT a FROM t WHERE x LIKE 'a%'"
