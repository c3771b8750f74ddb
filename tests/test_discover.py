from __future__ import annotations

import os

from newsnorm.readers.discover import discover


def test_recursive_regular_files_only_skipping_hidden_and_temp(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "one.txt").write_text("x")
    (tmp_path / "a" / "b" / "two.txt").write_text("x")
    (tmp_path / "a" / ".hidden.txt").write_text("x")
    (tmp_path / "a" / "draft.txt~").write_text("x")
    (tmp_path / "a" / "upload.part").write_text("x")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("x")
    os.mkfifo(tmp_path / "a" / "fifo")
    files, problems = discover([tmp_path])
    assert sorted(f.rsplit("/", 1)[1] for f in files) == ["one.txt", "two.txt"]
    assert problems == []


def test_symlink_cycle_does_not_loop(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "f.txt").write_text("x")
    (tmp_path / "d" / "loop").symlink_to(tmp_path / "d")
    (tmp_path / "d" / "up").symlink_to(tmp_path)
    files, _ = discover([tmp_path])
    assert len(files) == 1


def test_warehouse_inside_input_is_not_read(tmp_path):
    (tmp_path / "wh" / "articles").mkdir(parents=True)
    (tmp_path / "wh" / "articles" / "x.txt").write_text("x")
    (tmp_path / "story.txt").write_text("x")
    files, _ = discover([tmp_path], exclude=tmp_path / "wh")
    assert [f.rsplit("/", 1)[1] for f in files] == ["story.txt"]


def test_missing_input_is_reported(tmp_path):
    files, problems = discover([tmp_path / "nope"])
    assert files == [] and "nope" in problems[0]


def test_paths_are_resolved_through_links_and_plain_folders(tmp_path):
    (tmp_path / "real" / "sub").mkdir(parents=True)
    (tmp_path / "real" / "sub" / "a.txt").write_text("x")
    (tmp_path / "elsewhere.txt").write_text("x")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "linked_dir").symlink_to(tmp_path / "real")
    (tmp_path / "in" / "linked_file.txt").symlink_to(tmp_path / "elsewhere.txt")
    (tmp_path / "in" / "plain.txt").write_text("x")
    files, problems = discover([tmp_path / "in" / ".." / "in"])
    assert problems == []
    expected = {tmp_path / "real" / "sub" / "a.txt", tmp_path / "elsewhere.txt", tmp_path / "in" / "plain.txt"}
    assert files == sorted(str(p.resolve()) for p in expected)
