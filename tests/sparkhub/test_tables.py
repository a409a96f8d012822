"""Tables from rows stored as JSON objects, in a known column order."""

from sparkhub.tables import ordered_table


def test_columns_follow_the_given_order_then_first_seen_keys():
    rows = [{"b": 2, "a": 1}, {"a": 3, "c": 4}]

    table = ordered_table(rows, ["c", "a", "missing"])

    assert table["columns"] == ["c", "a", "b"]
    assert table["rows"] == [[None, 1, 2], [4, 3, None]]


def test_without_an_order_keys_keep_their_first_seen_order():
    assert ordered_table([{"z": 1, "y": 2}]) == {"columns": ["z", "y"], "rows": [[1, 2]]}
