"""Staged writes published by rename; a publish interrupted half-way is rolled forward."""

import json

import pytest

from lakehouse.engine import storage


def _table(root, files: dict[str, str]):
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    return root


def _contents(root):
    return {str(p.relative_to(root)): p.read_text() for p in sorted(root.rglob("*")) if p.is_file()}


def test_overwrite_replaces_the_whole_table_and_cleans_up(tmp_path):
    target = _table(tmp_path / "t", {"d=1/a.parquet": "old1", "d=2/b.parquet": "old2"})
    staging = _table(storage.TablePaths(target).new_staging(), {"d=3/c.parquet": "new3"})

    storage.publish(staging, target, "overwrite", partition_depth=1)

    assert _contents(target) == {"d=3/c.parquet": "new3"}
    assert not (tmp_path / ".lakehouse").exists()


def test_dynamic_overwrite_replaces_only_the_partitions_in_the_new_data(tmp_path):
    target = _table(tmp_path / "t", {"d=1/a.parquet": "old1", "d=2/b.parquet": "old2"})
    staging = _table(
        storage.TablePaths(target).new_staging(), {"d=2/x.parquet": "new2", "d=3/y.parquet": "new3"}
    )

    storage.publish(staging, target, "overwrite", partition_depth=1, dynamic=True)

    assert _contents(target) == {
        "d=1/a.parquet": "old1",
        "d=2/x.parquet": "new2",
        "d=3/y.parquet": "new3",
    }


def test_append_adds_files_next_to_the_existing_ones(tmp_path):
    target = _table(tmp_path / "t", {"a.parquet": "a"})
    staging = _table(storage.TablePaths(target).new_staging(), {"b.parquet": "b", "_SUCCESS": ""})

    storage.publish(staging, target, "append")

    assert _contents(target) == {"a.parquet": "a", "b.parquet": "b"}


def test_error_mode_refuses_an_existing_table_and_leaves_it_alone(tmp_path):
    target = _table(tmp_path / "t", {"a.parquet": "a"})
    staging = _table(storage.TablePaths(target).new_staging(), {"b.parquet": "b"})

    with pytest.raises(storage.PublishError, match="already exists"):
        storage.publish(staging, target, "error")

    assert _contents(target) == {"a.parquet": "a"}


def test_a_publish_killed_between_renames_is_rolled_forward_by_the_next_run(tmp_path):
    target = _table(tmp_path / "t", {"d=1/a.parquet": "old1", "d=2/b.parquet": "old2"})
    paths = storage.TablePaths(target)
    staging = _table(paths.new_staging(), {"d=1/x.parquet": "new1", "d=2/y.parquet": "new2"})
    trash = paths.work / "trash-killed"
    # The state a kill leaves after the first partition moved: the journal lists both moves.
    journal = {
        "staging": str(staging),
        "trash": str(trash),
        "moves": [
            [str(staging / "d=1"), str(target / "d=1")],
            [str(staging / "d=2"), str(target / "d=2")],
        ],
    }
    paths.journal.write_text(json.dumps(journal))
    trash.mkdir()
    (target / "d=1").rename(trash / "0-d=1")
    (staging / "d=1").rename(target / "d=1")

    recovered = storage.recover(target)

    assert recovered is True
    assert _contents(target) == {"d=1/x.parquet": "new1", "d=2/y.parquet": "new2"}
    assert not paths.work.exists()


def test_staging_left_by_a_run_killed_while_writing_is_discarded(tmp_path):
    target = _table(tmp_path / "t", {"a.parquet": "a"})
    _table(storage.TablePaths(target).new_staging(), {"half.parquet": "half"})

    recovered = storage.recover(target)

    assert recovered is False
    assert _contents(target) == {"a.parquet": "a"}
    assert not (tmp_path / ".lakehouse").exists()
