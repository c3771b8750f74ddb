"""Faults for real: kill -9 of running `newsnorm run` processes, and two runs at once.

These start the real command line in subprocesses (Prefect server, process pool), so
they are slow; they run in CI all the same.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest
from conftest import marked_processes, subprocess_env
from faultkit import differences

from benchmarks.corpus import generate
from newsnorm.runner.execute import RunConfig, execute

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("corpus")
    generate(d, 1000, seed=7)
    return d


@pytest.fixture(scope="module")
def clean(corpus, tmp_path_factory) -> Path:
    """The reference: one uninterrupted run (plain Python, no Prefect)."""
    wh = tmp_path_factory.mktemp("clean") / "wh"
    execute(RunConfig(inputs=[str(corpus)], warehouse=str(wh)))
    return wh




def _start(inputs: list[Path], wh: Path, tmp: Path, *extra: str) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "newsnorm.cli", "run", *map(str, inputs), "--warehouse", str(wh), *extra]
    return subprocess.Popen(cmd, env=subprocess_env(tmp), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _article_count(wh: Path) -> int:
    try:
        return sum(pq.read_metadata(p).num_rows for p in (wh / "articles").rglob("*.parquet"))
    except (OSError, ValueError):
        return 0


def _data_files(wh: Path) -> dict[Path, int]:
    """Every data file but the runs table's (and its published read versions, `runs.gN.parquet`),
    which each run appends to: mtime by path."""
    return {p: p.stat().st_mtime_ns for p in wh.rglob("*.parquet")
            if "runs" not in p.parts and not (p.parent.name == ".versions" and p.name.startswith("runs."))}


def _all_files_read(wh: Path) -> None:
    for p in wh.rglob("*.parquet"):
        pq.read_table(p)  # raises on a torn or half-written file




def test_kill_9_at_several_points_then_resume_equals_clean_run(corpus, clean, tmp_path):
    wh = tmp_path / "wh"
    flags = ["--flush-every", "100", "--batch-size", "20", "--workers", "2"]
    # Kill points: during start-up (nothing written yet), then after a few more flushes each time.
    for growth in (None, 100, 200, 300):
        before = _article_count(wh)
        proc = _start([corpus], wh, tmp_path, *flags)
        deadline = time.monotonic() + 120
        if growth is None:
            time.sleep(3)
        else:
            while _article_count(wh) < before + growth and time.monotonic() < deadline and proc.poll() is None:
                time.sleep(0.05)
        assert proc.poll() is None, "the run finished before it could be killed: " + proc.stderr.read()[-2000:]
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        _all_files_read(wh)
        if wh.exists():
            ids = pl.read_parquet(f"{wh}/articles/**/*.parquet")["article_id"]
            assert ids.n_unique() == ids.len()
        # Nothing of the killed run lives on: server and pool workers die with it.
        deadline = time.monotonic() + 15
        while marked_processes(str(tmp_path)) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert marked_processes(str(tmp_path)) == []
    assert 0 < _article_count(wh) < 1000
    final = _start([corpus], wh, tmp_path, *flags)
    out, err = final.communicate(timeout=300)
    assert final.returncode == 0, err[-3000:]
    assert differences(wh, clean, ("articles", "segments")) == {}
    assert pl.read_parquet(f"{wh}/quarantine/*.parquet").height == 0
    runs = pl.read_parquet(f"{wh}/runs/*.parquet")
    assert runs.height == 1 and runs["status"].to_list() == ["completed"]  # killed runs leave no run row


def test_two_runs_at_once_on_one_warehouse(corpus, tmp_path):
    files = sorted(corpus.rglob("*.txt"))
    part_a, part_b = tmp_path / "a", tmp_path / "b"
    part_a.mkdir()
    part_b.mkdir()
    for i, f in enumerate(files[:300]):
        (part_a if i % 2 else part_b).joinpath(f.name).write_bytes(f.read_bytes())
    wh = tmp_path / "wh"
    # Generous lock timeout: the second run queues behind the first.
    p1 = _start([part_a], wh, tmp_path, "--lock-timeout", "300")
    p2 = _start([part_b], wh, tmp_path, "--lock-timeout", "300")
    r1, r2 = p1.communicate(timeout=300), p2.communicate(timeout=300)
    assert (p1.returncode, p2.returncode) == (0, 0), (r1[1][-2000:], r2[1][-2000:])
    arts = pl.read_parquet(f"{wh}/articles/**/*.parquet")
    assert arts.height == 300 and arts["source_path"].n_unique() == 300
    # Short lock timeout: one of two runs may be refused, with a clear message and status 3.
    wh2 = tmp_path / "wh2"
    p1 = _start([part_a], wh2, tmp_path, "--lock-timeout", "0.1")
    time.sleep(0.5)
    p2 = _start([part_b], wh2, tmp_path, "--lock-timeout", "0.1")
    r1, r2 = p1.communicate(timeout=300), p2.communicate(timeout=300)
    codes = sorted([p1.returncode, p2.returncode])
    assert codes in ([0, 0], [0, 3]), (r1, r2)
    for proc, (_out, err) in ((p1, r1), (p2, r2)):
        if proc.returncode == 3:
            assert "another newsnorm run is writing" in err and "Traceback" not in err
            again = _start([part_b if proc is p2 else part_a], wh2, tmp_path)
            assert again.wait(timeout=300) == 0
    arts = pl.read_parquet(f"{wh2}/articles/**/*.parquet")
    assert arts.height == 300 and arts["source_path"].n_unique() == 300


def test_a_folder_of_awkward_inputs(tmp_path):
    import random

    d = tmp_path / "awkward"
    deep = d.joinpath(*[f"level{i}" for i in range(40)])
    deep.mkdir(parents=True)
    body = ("Officials in Seoul said on Monday that the talks would continue, and that both "
            "sides had agreed to meet again before the end of the year.")
    good = {
        "utf16.txt": ("\ufeffUTF-16 Headline About Talks\r\n\r\n" + body).encode("utf-16-le"),
        "utf8-bom.txt": ("\ufeffBOM Headline About Talks\n\n" + body).encode("utf-8"),
        "cp1252.txt": ("Curly \u201cQuotes\u201d at the Caf\u00e9\n\n" + body).encode("cp1252"),
        "crlf.txt": ("CRLF Headline About Talks\r\n\r\n" + body + "\r\n").encode("utf-8"),
        "mojibake.txt": ("Korea\u2019s Summit Headline\n\n" + body).encode("utf-8").decode("cp1252").encode("utf-8"),
        "one-line.txt": (body + " ") .encode("utf-8") * (1_000_000 // len(body)),
    }
    bad = {
        "empty.txt": b"",
        "whitespace.txt": b" \n\t\r\n   \n",
        "random.txt": random.Random(1).randbytes(4096),
        "nul.txt": b"\x00" * 4096,
        "image.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8,
    }
    for name, data in {**good, **bad}.items():
        (d / name).write_bytes(data)
    (deep / "deep.txt").write_text("Deep Headline About Talks\n\n" + body + "\n", encoding="utf-8")
    good["deep.txt"] = b""
    with open(d / "huge.txt", "wb") as fh:  # 30 MB: over the default limit (20 MiB)
        fh.write((body + "\n").encode() * (30_000_000 // (len(body) + 1)))
    bad["huge.txt"] = b""
    (d / "loop").symlink_to(d)
    (deep / "up").symlink_to(d)

    wh = tmp_path / "wh"
    proc = _start([d], wh, tmp_path)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err[-3000:]
    arts = pl.read_parquet(f"{wh}/articles/**/*.parquet")
    quarantine = pl.read_parquet(f"{wh}/quarantine/*.parquet")
    got = {Path(p).name for p in arts["source_path"]}
    assert got == set(good), got
    assert {Path(p).name for p in quarantine["source_path"]} == set(bad)
    assert all(quarantine["error"].str.len_chars() > 5)
    text = "\n".join(arts["text_en"].to_list())
    assert "\u201cQuotes\u201d" in text and "Caf\u00e9" in text and "Korea\u2019s Summit" in text
    assert "â€" not in text and "\r" not in text
    segs = pl.read_parquet(f"{wh}/segments/**/*.parquet")
    assert not segs["text"].str.contains("\r").any()
    # An unchanged re-run writes no new data files.
    before = _data_files(wh)
    again = _start([d], wh, tmp_path)
    assert again.wait(timeout=300) == 0
    after = _data_files(wh)
    assert after == before
