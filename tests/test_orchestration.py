"""Scheduled serving and scale-out, for real: a Prefect server, a schedule, a Dask cluster."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest
from conftest import marked_processes, subprocess_env

pytestmark = pytest.mark.slow






def _serve(tmp: Path, seeds_dir: Path, log: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "newsnorm.cli", "serve", str(seeds_dir), "--warehouse", str(tmp / "wh"),
           "--cron", "* * * * *", "--port", "0"]
    with open(log, "w") as fh:
        return subprocess.Popen(cmd, env=subprocess_env(tmp), stdout=fh, stderr=subprocess.STDOUT)


def _wait(cond, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.5)
    return False


def _completed_runs(wh: Path) -> int:
    try:
        return pl.read_parquet(f"{wh}/runs/*.parquet").filter(pl.col("status") == "completed").height
    except Exception:
        return 0


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "sigint"])
def test_serve_runs_on_schedule_and_stops_cleanly(tmp_path, seeds_dir, stop_signal):
    log = tmp_path / "serve.log"
    proc = _serve(tmp_path, seeds_dir, log)
    try:
        if stop_signal == signal.SIGTERM:
            # No PREFECT_API_URL: serve starts its own server; a `* * * * *` schedule fires within ~a minute.
            assert _wait(lambda: _completed_runs(tmp_path / "wh") >= 1, 150), log.read_text()[-3000:]
            arts = pl.read_parquet(f"{tmp_path}/wh/articles/**/*.parquet")
            assert arts.height == 5
        else:
            assert _wait(lambda: "serving deployment" in log.read_text(), 90), log.read_text()[-3000:]
        text = log.read_text()
        assert "Prefect UI: http://127.0.0.1:" in text
        proc.send_signal(stop_signal)
        assert proc.wait(timeout=60) == 0, log.read_text()[-3000:]
    finally:
        if proc.poll() is None:
            proc.kill()
    assert _wait(lambda: not marked_processes(str(tmp_path)), 20), f"left behind: {marked_processes(str(tmp_path))}"
    assert "stopped" in log.read_text()


def test_dask_runner_gives_the_same_tables_as_the_process_pool(tmp_path):
    from benchmarks.corpus import generate

    corpus = tmp_path / "corpus"
    generate(corpus, 60, seed=3)  # batches of 55 and 5 files: the first is cut into two chunks
    code = """
import sys
from newsnorm.orchestrate.launch import run_flow
if __name__ == "__main__":
    seen = []  # the caller's progress callback reaches the flow through its RunContext, never pickled
    s = run_flow(runner=sys.argv[1], workers=2, inputs=[sys.argv[2]], warehouse=sys.argv[3], batch_size=55,
                 flush_every=20, progress=lambda done, total: seen.append((done, total)))
    print("written", s.articles_written)
    print("progress", seen[0], seen[-1], len(seen))
"""
    tables = {}
    for runner in ("process", "dask"):
        wh = tmp_path / f"wh-{runner}"
        out = subprocess.run([sys.executable, "-c", code, runner, str(corpus), str(wh)], env=subprocess_env(tmp_path),
                             capture_output=True, text=True, timeout=300)
        assert out.returncode == 0 and "written 60" in out.stdout, out.stderr[-3000:]
        assert "progress (0, 60) (60, 60) 3" in out.stdout, out.stdout  # at the start, then per batch (55, 5)
        tables[runner] = {
            name: pl.read_parquet(f"{wh}/{name}/**/*.parquet").drop(["run_id", "ingested_at"], strict=False)
            for name in ("articles", "segments")
        }
    for name in ("articles", "segments"):
        assert tables["dask"][name].equals(tables["process"][name]), name
    assert _wait(lambda: not marked_processes(str(tmp_path)), 20)
