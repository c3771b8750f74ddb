"""Faults an operator meets: Ctrl-C and service stops of the whole process group, a read-only
or full disk, a damaged PREFECT_HOME, `serve --port`. The real command line in child
processes; each test states the old failure."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import polars as pl
import pytest
from conftest import SEEDS, marked_processes, subprocess_env
from faultkit import plain_run

from benchmarks.corpus import generate

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("corpus")
    generate(d, 1500, seed=11)
    return d


def _start(tmp: Path, *args: str, env: dict | None = None) -> subprocess.Popen:
    """`newsnorm ARGS` as a terminal or a service manager starts it: its own process group."""
    return subprocess.Popen([sys.executable, "-m", "newsnorm.cli", *args], env=env or subprocess_env(tmp),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def _articles(wh: Path) -> int:
    import pyarrow.parquet as pq

    try:
        return sum(pq.read_metadata(p).num_rows for p in (wh / "articles").rglob("*.parquet"))
    except (OSError, ValueError):
        return 0


def _gone(tmp: Path, within: float) -> list[int]:
    deadline = time.monotonic() + within
    while marked_processes(str(tmp)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return marked_processes(str(tmp))


# -- 5. Ctrl-C and a service stop: signals to the whole group ------------------------------------
@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["SIGINT", "SIGTERM"])
def test_group_signal_mid_run_stops_within_10_s(sig, code, corpus, tmp_path):
    """Old: SIGINT or SIGTERM to the process group stopped the run only after 61-151 s, with
    ~105 lines of EventsWorker/httpx.ConnectError tracebacks, and exit status 1."""
    wh = tmp_path / "wh"
    proc = _start(tmp_path, "run", str(corpus), "--warehouse", str(wh), "--flush-every", "100",
                  "--batch-size", "20")
    deadline = time.monotonic() + 300
    while _articles(wh) < 100 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert proc.poll() is None, "finished before the signal: " + proc.stderr.read()[-2000:]
    sent = time.monotonic()
    os.killpg(proc.pid, sig)
    try:
        _out, err = proc.communicate(timeout=30)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    took = time.monotonic() - sent
    assert proc.returncode == code, (proc.returncode, err[-3000:])
    assert took < 10, took
    assert "Traceback" not in err and "ConnectError" not in err, err[-3000:]
    assert _gone(tmp_path, 5) == []
    runs = pl.read_parquet(f"{wh}/runs/*.parquet")
    assert runs["status"].to_list() == ["interrupted"]
    # and the next run completes the work
    again = _start(tmp_path, "run", str(corpus), "--warehouse", str(wh))
    _out, err = again.communicate(timeout=600)
    assert again.returncode == 0, err[-3000:]
    assert _articles(wh) == 1500


def _server_pid(tmp: Path) -> int | None:
    """The run's Prefect server (orchestrate/server_main.py), found by the test mark."""
    for pid in marked_processes(str(tmp)):
        with contextlib.suppress(OSError):
            if b"newsnorm.orchestrate.server_main" in Path(f"/proc/{pid}/cmdline").read_bytes():
                return pid
    return None


def test_prefect_server_killed_mid_run_is_started_again_and_the_run_completes(corpus, tmp_path):
    """Old: the data was written but the CLI exited 1 after 283 s, with tracebacks."""
    wh = tmp_path / "wh"
    proc = _start(tmp_path, "run", str(corpus), "--warehouse", str(wh), "--flush-every", "100",
                  "--batch-size", "20")
    deadline = time.monotonic() + 300
    while _articles(wh) < 100 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    pid = _server_pid(tmp_path)
    assert proc.poll() is None and pid, "finished before the kill: " + proc.stderr.read()[-2000:]
    os.kill(pid, signal.SIGKILL)
    killed = time.monotonic()
    try:
        _out, err = proc.communicate(timeout=600)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 0, err[-3000:]
    assert "Traceback" not in err and "ConnectError" not in err, err[-3000:]
    assert "server exited during the run (killed by SIGKILL)" in err, err[-3000:]
    assert _articles(wh) == 1500
    assert _gone(tmp_path, 5) == []
    assert pl.read_parquet(f"{wh}/runs/*.parquet")["status"].to_list() == ["completed"]
    assert time.monotonic() - killed < 300


# -- 6. errors a person can act on --------------------------------------------------------------
@contextlib.contextmanager
def _tmpfs(where: Path, size: str):
    where.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True)
    if r.returncode:
        pytest.skip("needs to mount a small tmpfs (a real full or read-only disk)")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def _one_line(err: str) -> str:
    """The one line that says what failed (the start-up line before it names inputs and warehouse)."""
    assert "Traceback" not in err, err[-3000:]
    after = re.split(r"\(starting\s+Prefect\)", err)[-1]
    rest = [ln for ln in after.splitlines() if ln.strip()]
    assert len(rest) == 1 and rest[0].startswith(("failed", "error")), err[-3000:]
    return rest[0]


def test_read_only_warehouse_and_parent_one_line_exit_6(tmp_path):
    """Old: a 48-68 line traceback and exit 1, the code of --strict."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_bytes(sorted(SEEDS.glob("*.txt"))[0].read_bytes())
    with _tmpfs(tmp_path / "disk", "20m") as disk:
        wh = disk / "wh"
        assert plain_run(tmp_path, [src], wh).returncode == 0
        (src / "b.txt").write_bytes(sorted(SEEDS.glob("*.txt"))[1].read_bytes())
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        for target in (wh, disk / "new" / "wh"):
            r = subprocess.run([sys.executable, "-m", "newsnorm.cli", "run", str(src), "--warehouse", str(target)],
                               env=subprocess_env(tmp_path), capture_output=True, text=True, timeout=300)
            assert r.returncode == 6, r.stderr[-3000:]
            line = _one_line(r.stderr)
            assert str(disk) in line and "read-only" in line.lower(), line


def test_full_disk_one_line_exit_6_and_a_runs_row_once_there_is_room(tmp_path):
    """Old: a traceback and exit 1; no runs row."""
    corpus = tmp_path / "corpus"
    generate(corpus, 600, seed=5)
    with _tmpfs(tmp_path / "disk", "2m") as disk:
        wh = disk / "wh"
        (disk / "filler").write_bytes(b"x" * 1_900_000)  # room for the warehouse to start, not to finish
        r = subprocess.run([sys.executable, "-m", "newsnorm.cli", "run", str(corpus), "--warehouse", str(wh),
                            "--flush-every", "50"], env=subprocess_env(tmp_path), capture_output=True, text=True,
                           timeout=600)
        assert r.returncode == 6, r.stderr[-3000:]
        line = _one_line(r.stderr)
        assert "no space left" in line.lower() and str(disk) in line, line
        (disk / "filler").unlink()
        subprocess.run(["mount", "-o", "remount,size=200m", str(disk)], check=True)
        again = plain_run(tmp_path, [corpus], wh)
        assert again.returncode == 0, again.stderr[-3000:]
        assert pl.read_parquet(f"{wh}/articles/**/*.parquet").height == 600
        assert subprocess.run([sys.executable, "-m", "newsnorm.cli", "check", "--warehouse", str(wh)],
                              env=subprocess_env(tmp_path), capture_output=True).returncode == 0


def test_garbage_prefect_database_is_set_aside(tmp_path):
    """Old: "Prefect's temporary server exited with status 3" on every run until prefect.db
    was deleted by hand."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_bytes(sorted(SEEDS.glob("*.txt"))[0].read_bytes())
    env = subprocess_env(tmp_path)
    home = Path(env["PREFECT_HOME"])
    home.mkdir(parents=True)
    (home / "prefect.db").write_bytes(b"garbage" * 1000)
    r = subprocess.run([sys.executable, "-m", "newsnorm.cli", "run", str(src), "--warehouse", str(tmp_path / "wh")],
                       env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "prefect.db" in r.stderr and "Traceback" not in r.stderr
    assert list(home.glob("prefect.db.damaged-*"))


@pytest.mark.parametrize("fault", ["full", "read-only"])
def test_prefect_home_full_or_read_only_one_line_then_recovers(fault, tmp_path):
    """Old: only "Prefect's temporary server exited with status 3", and still failing once
    the space was back, until prefect.db was deleted by hand."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_bytes(sorted(SEEDS.glob("*.txt"))[0].read_bytes())
    env = subprocess_env(tmp_path)
    home = Path(env["PREFECT_HOME"])
    wh = tmp_path / "wh"

    def run() -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "newsnorm.cli", "run", str(src), "--warehouse", str(wh)],
                              env=env, capture_output=True, text=True, timeout=600)

    with _tmpfs(home, "64m"):
        first = run()  # a working home with its database
        assert first.returncode == 0, first.stderr[-3000:]
        filler = home / "filler"
        if fault == "full":
            with open(filler, "wb") as fh, contextlib.suppress(OSError):
                while True:
                    fh.write(b"\0" * 65536)
                    fh.flush()
        else:  # once the last run's server has closed its database
            deadline = time.monotonic() + 30
            while subprocess.run(["mount", "-o", "remount,ro", str(home)], capture_output=True).returncode:
                assert time.monotonic() < deadline, "could not make PREFECT_HOME read-only"
                time.sleep(0.5)
        (src / "b.txt").write_bytes(sorted(SEEDS.glob("*.txt"))[1].read_bytes())
        bad = run()
        assert bad.returncode == 6, (bad.returncode, bad.stderr[-3000:])
        line = _one_line(bad.stderr)
        assert str(home) in line and "PREFECT_HOME" in line and ("read-only" in line or "free" in line), line
        if fault == "full":
            filler.unlink()
        else:
            subprocess.run(["mount", "-o", "remount,rw", str(home)], check=True)
        again = run()
        assert again.returncode == 0, again.stderr[-3000:]
        assert "Traceback" not in again.stderr
    assert pl.read_parquet(f"{wh}/articles/**/*.parquet").height == 2


# -- 8. the UI of `serve --port` ------------------------------------------------------------------
def test_serve_on_another_port_tells_the_ui_that_port(tmp_path, monkeypatch):
    """Old: /ui-settings on --port 4311 (or 0) said the API was at http://127.0.0.1:4200/api."""
    from newsnorm.orchestrate.serve import local_server

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect-home"))
    monkeypatch.setenv("NEWSNORM_TEST_MARK", str(tmp_path))
    with local_server(0, say=lambda m: None) as api_url:
        base = api_url.removesuffix("/api")
        with urllib.request.urlopen(f"{base}/ui-settings", timeout=10) as resp:
            settings = json.load(resp)
    assert settings["api_url"] == api_url, settings
    assert _gone(tmp_path, 15) == []
