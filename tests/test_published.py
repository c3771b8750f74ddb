"""The published read snapshot (warehouse/published.py) and the readers that take it (warehouse/query.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from conftest import subprocess_env
from faultkit import cli, differences, plain_run

from newsnorm.document import Quarantined
from newsnorm.runner.execute import RunConfig, execute
from newsnorm.warehouse import published
from newsnorm.warehouse.query import view
from newsnorm.warehouse.store import Warehouse


def _run(inputs: Path, wh: Path):
    return execute(RunConfig(inputs=[str(inputs)], warehouse=str(wh)))


def _consistent(wh: Path) -> tuple[int, int]:
    """What a reader of one view must see: each article once, exactly its segments. (articles, segments)"""
    v = view(wh)
    a = v.scan("articles").select("article_id", "n_segments").collect()
    s = v.scan("segments").select("article_id").collect()
    assert a["article_id"].n_unique() == a.height
    assert a["n_segments"].sum() == s.height
    assert s.join(a, on="article_id", how="anti").height == 0
    return a.height, s.height


@pytest.fixture
def corpus(tmp_path, seeds_dir) -> Path:
    d = tmp_path / "in"
    shutil.copytree(seeds_dir, d)
    return d


def test_a_view_keeps_reading_its_state_while_a_run_replaces_the_files(corpus, tmp_path):
    wh = tmp_path / "wh"
    _run(corpus, wh)
    before = pl.read_parquet(f"{wh}/articles/**/*.parquet").sort("article_id")
    v = view(wh)
    lazy = v.scan("articles")
    lazy.collect_schema()  # Polars has read the footers now, and reads the data later
    con = v.connect()
    # a run that shortens every article: each part is replaced by a smaller file
    for p in sorted(corpus.iterdir()):
        p.write_text("\n".join(p.read_text(encoding="utf-8").splitlines()[:6]) + "\n", encoding="utf-8")
    _run(corpus, wh)
    after = pl.read_parquet(f"{wh}/articles/**/*.parquet").sort("article_id")
    assert after["content_sha256"].to_list() != before["content_sha256"].to_list()
    # the glob form would now read the new files with the old footers; the view reads its own
    assert lazy.collect().sort("article_id").equals(before)
    assert con.sql("select count(*), sum(n_segments) from articles").fetchall() == \
        [(before.height, before["n_segments"].sum())]
    assert view(wh).scan("articles").collect().sort("article_id").equals(after)
    assert view(wh).generation > v.generation


def test_every_named_version_is_the_committed_file_and_the_forms_agree(corpus, tmp_path):
    wh = tmp_path / "wh"
    _run(corpus, wh)
    snap = published.load(wh)
    assert snap is not None
    for rel, name in snap.files.items():
        assert os.path.samefile(wh / rel, wh / published.VERSIONS_DIR / name)  # a link: no copy
    arts, segs = _consistent(wh)
    assert (arts, segs) == (5, 149)
    out = cli(tmp_path, "query", "select count(*) as n from segments", "--warehouse", str(wh), "--format", "csv")
    assert out.returncode == 0 and out.stdout.split() == ["n", "149"], out.stderr
    glob = pl.scan_parquet(f"{wh}/segments/**/*.parquet").select(pl.len()).collect().item()  # between runs
    assert glob == 149


def test_superseded_versions_go_after_the_grace_and_unpublished_ones_at_the_next_start(tmp_path):
    wh = Warehouse(tmp_path / "wh")
    with wh.locked():
        wh.init()
        pub = wh.publisher()
        pub.grace = 3600.0
        for i in range(3):
            wh.add_quarantine([Quarantined(f"f{i}.txt", "", 0, "empty file")], "r1")
        names = set(os.listdir(tmp_path / "wh" / published.VERSIONS_DIR))
        current = set(pub.current.files.values())
        assert len(pub.current.retired) == 3 and names == current | {n for n, _ in pub.current.retired}
        pub.grace = 0.0
        wh.add_quarantine([Quarantined("f9.txt", "", 0, "empty file")], "r1")
        assert set(os.listdir(tmp_path / "wh" / published.VERSIONS_DIR)) == set(pub.current.files.values())
    # a version linked but never published (a crash in between): gone at the next start
    stray = tmp_path / "wh" / published.VERSIONS_DIR / "quarantine.g99999999.parquet"
    shutil.copy(tmp_path / "wh" / "quarantine" / "quarantine.parquet", stray)
    again = Warehouse(tmp_path / "wh")
    with again.locked():
        again.init()
    assert not stray.exists()
    assert view(tmp_path / "wh").scan("quarantine").collect().height == 4


def test_a_warehouse_without_a_snapshot_is_read_then_upgraded_without_reingesting(corpus, tmp_path):
    """The current main's layout: table files and manifest, no .snapshot.json or .versions."""
    wh = tmp_path / "wh"
    _run(corpus, wh)
    (wh / published.SNAPSHOT_FILE).unlink()
    shutil.rmtree(wh / published.VERSIONS_DIR)
    old = view(wh)
    assert old.generation == 0  # the table files themselves
    assert _consistent(wh) == (5, 149)
    summary = _run(corpus, wh)
    assert summary.articles_written == 0 and summary.files_unchanged == 5
    assert view(wh).generation > 0
    assert _consistent(wh) == (5, 149)
    assert cli(tmp_path, "check", "--warehouse", str(wh)).returncode == 0


def test_a_lost_version_is_reported_and_healed_by_the_next_run(corpus, tmp_path):
    wh = tmp_path / "wh"
    _run(corpus, wh)
    snap = published.load(wh)
    (wh / published.VERSIONS_DIR / snap.files["segments/part=000000/data.parquet"]).unlink()
    out = cli(tmp_path, "check", "--warehouse", str(wh))
    assert "1 of the files it names are missing" in out.stdout, out.stdout  # a cache: reported, exit 0
    _run(corpus, wh)
    assert _consistent(wh) == (5, 149)
    out = cli(tmp_path, "check", "--warehouse", str(wh))
    assert out.returncode == 0 and published.SNAPSHOT_FILE not in out.stdout, out.stdout


@pytest.mark.slow
def test_kill_9_around_each_publish_leaves_a_consistent_view_and_the_next_run_equals_a_clean_one(tmp_path):
    from benchmarks.corpus import generate

    corpus = tmp_path / "corpus"
    generate(corpus, 240, seed=3)
    ref, log = tmp_path / "ref", tmp_path / "writes.log"
    r = plain_run(tmp_path, [corpus], ref, flush_every=60, part_capacity=100, log=str(log))
    assert r.returncode == 0, r.stderr[-3000:]
    writes = log.read_text().splitlines()
    publishes = [i for i, rel in enumerate(writes, 1) if rel == published.SNAPSHOT_FILE]
    points = [(publishes[0], "before"), (publishes[len(publishes) // 2], "before"),
              (publishes[len(publishes) // 2], "after"), (publishes[-1], "before")]
    for k, when in points:
        wh = tmp_path / f"wh-{k}-{when}"
        killed = plain_run(tmp_path, [corpus], wh, flush_every=60, part_capacity=100, kill_at=k, kill_when=when)
        assert killed.returncode == -9, (k, killed.stderr[-2000:])
        if (wh / "articles").is_dir():
            _consistent(wh)
        resumed = plain_run(tmp_path, [corpus], wh, flush_every=60, part_capacity=100)
        assert resumed.returncode == 0, (k, when, resumed.stderr[-3000:])
        assert differences(ref, wh) == {}, (k, when)
        assert _consistent(wh) == _consistent(ref)
        shutil.rmtree(wh)


@pytest.mark.slow
def test_readers_in_a_loop_during_a_real_run_never_fail_or_see_a_mix(tmp_path):
    """Each documented read form in its own process, reading in a loop while `newsnorm run`
    writes 1,200 articles over a warehouse of 200 (benchmarks/readers_during_writes.py)."""
    forms = ["view-polars", "view-duckdb", "query-cli"]
    env = subprocess_env(tmp_path)
    out = subprocess.run([sys.executable, "benchmarks/readers_during_writes.py", "--articles", "1200",
                          "--forms", ",".join(forms), "--work", str(tmp_path / "work"), "--nice", "0"],
                         env=env, capture_output=True, text=True, timeout=3600,
                         cwd=Path(__file__).resolve().parent.parent)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "exit 0" in out.stdout.splitlines()[0], out.stdout
    rows = {line.split()[0]: line.split()[1:] for line in out.stdout.splitlines()[2:] if line.split()[0] in forms}
    assert set(rows) == set(forms), out.stdout
    for form, (reads, failures, violations) in rows.items():
        assert int(reads) >= 10, (form, out.stdout)
        assert (int(failures), int(violations)) == (0, 0), (form, out.stdout)
