from __future__ import annotations

import marshal
import os
import sys

from newsnorm import child_build
from newsnorm.child_build import cached_build, source_key


def table_bytes(n: str) -> bytes:
    """A stand-in table: built in the child as in this process."""
    return marshal.dumps(list(range(int(n))))


def _importable_in_child(monkeypatch) -> None:
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in sys.path if p))  # this test module too


def test_built_in_a_child_then_read_from_the_cache(tmp_path, monkeypatch):
    _importable_in_child(monkeypatch)
    monkeypatch.setenv("NEWSNORM_CACHE_DIR", str(tmp_path / "cache"))
    assert child_build.built_in_child(__name__, "table_bytes", "5") == table_bytes("5")
    assert cached_build("t", "k1", marshal.loads, table_bytes, "5") == [0, 1, 2, 3, 4]
    [cached] = (tmp_path / "cache").iterdir()
    monkeypatch.setattr(child_build, "built_in_child", lambda *a: (_ for _ in ()).throw(AssertionError("built")))
    assert cached_build("t", "k1", marshal.loads, table_bytes, "5") == [0, 1, 2, 3, 4]  # no build
    cached.write_bytes(b"\x00garbage")  # damaged: built again, and the cache repaired
    monkeypatch.undo()
    _importable_in_child(monkeypatch)
    monkeypatch.setenv("NEWSNORM_CACHE_DIR", str(tmp_path / "cache"))
    assert cached_build("t", "k1", marshal.loads, table_bytes, "5") == [0, 1, 2, 3, 4]
    assert cached.read_bytes() == table_bytes("5")


def test_an_unwritable_cache_only_costs_a_build(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("NEWSNORM_CACHE_DIR", str(blocker / "cache"))  # a folder under a file
    assert cached_build("t", "k", marshal.loads, table_bytes, "3") == [0, 1, 2]


def test_a_failed_child_is_none(tmp_path):
    assert child_build.built_in_child(__name__, "no_such_function") is None


def test_source_key_follows_the_files(tmp_path):
    f = tmp_path / "data"
    f.write_text("one")
    first = source_key("pkg", "1.0", files=[f])
    assert source_key("pkg", "1.0", files=[f]) == first
    assert source_key("pkg", "1.1", files=[f]) != first
    f.write_text("three")
    assert source_key("pkg", "1.0", files=[f]) != first
