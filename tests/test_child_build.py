from __future__ import annotations

import marshal
import os
import subprocess
import sys
import time

from newsnorm.perf import child_build
from newsnorm.perf.child_build import cached_build, source_key


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


def sleep_then_bytes(seconds: str) -> bytes:
    time.sleep(float(seconds))
    return b"late"


def test_the_child_dies_with_the_process_that_asked(tmp_path, monkeypatch):
    """A worker killed with -9 while its builder runs leaves no builder behind."""
    _importable_in_child(monkeypatch)
    mark = tmp_path / "child.pid"
    code = ("import os, sys; sys.path[:0] = sys.argv[2].split(os.pathsep); from newsnorm.perf import child_build; "
            f"open({str(mark)!r}, 'w').write(''); "
            "child_build.built_in_child('test_child_build', 'sleep_then_bytes', '30')")
    parent = subprocess.Popen([sys.executable, "-c", code, "x", os.environ["PYTHONPATH"]])
    deadline = time.monotonic() + 30
    while not mark.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)  # the builder child is running
    children = [p for p in _children(parent.pid)]
    assert children, "no builder child started"
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in children) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(p) for p in children)


def _children(pid: int) -> list[int]:
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as fh:
                    if int(fh.read().rsplit(")", 1)[1].split()[1]) == pid:
                        out.append(int(d))
            except OSError:
                continue
    return out


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
