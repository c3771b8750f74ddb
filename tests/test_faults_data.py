"""Faults that lose data or block the pipeline: files rewritten while read, names that are not
UTF-8, kill -9 at every kind of write, table parts deleted or damaged, derived files damaged,
inputs that cannot be read. Real runs in child processes; each test states the old failure."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import polars as pl
import pytest
from conftest import SEEDS
from faultkit import cli, differences, plain_run, table

from benchmarks.corpus import generate

CAPACITY = 25  # articles per part: the small corpus spans several parts


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("corpus")
    generate(d, 100, seed=3)
    return d


@pytest.fixture(scope="module")
def clean(corpus, tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("clean")
    wh = tmp / "wh"
    r = plain_run(tmp, [corpus], wh, part_capacity=CAPACITY, flush_every=30)
    assert r.returncode == 0, r.stderr[-3000:]
    return wh


@pytest.fixture
def built(clean, tmp_path) -> Path:
    """A copy of the clean warehouse, to damage."""
    wh = tmp_path / "wh"
    shutil.copytree(clean, wh)
    return wh


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- 1. a file rewritten while a run reads it ------------------------------------------------
_REWRITER = r"""
import sys
paths, body = sys.argv[1:], open(sys.argv[1], "rb").read()
while True:
    for p in paths:
        with open(p, "wb") as fh:   # in place, as a scraper does: open for writing (truncates), then write
            fh.write(body)
"""


@pytest.mark.slow
def test_file_rewritten_while_read_is_never_frozen(tmp_path):
    """Old: a read between the truncate and the write got a quarantine row "empty file: 0 bytes"
    with the size and SHA-256 of the whole file read a second time, so every later run skipped
    it as unchanged (here, old code: 4 of 30 files quarantined in one run, 1 of them frozen)."""
    src = tmp_path / "in"
    src.mkdir()
    body = sorted(SEEDS.glob("*.txt"))[0].read_bytes()
    hot = [src / f"hot{i:03d}.txt" for i in range(100)]
    for p in hot:
        p.write_bytes(body)
    wh = tmp_path / "wh"
    writer = subprocess.Popen([sys.executable, "-c", _REWRITER, *map(str, hot)])
    try:
        time.sleep(0.5)
        for _ in range(2):  # two runs while the scraper rewrites
            during = plain_run(tmp_path, [src], wh)
            assert during.returncode == 0, during.stderr[-3000:]
            q = table(wh, "quarantine")
            for size, sha in zip(q["size"], q["sha256"], strict=True):  # what was read, not a second read
                assert size == 0 and sha == _sha(b""), (size, sha)
    finally:
        writer.kill()
        writer.wait()
    for p in hot:  # the writer may have stopped mid-file
        p.write_bytes(body)
    after = plain_run(tmp_path, [src], wh)
    assert after.returncode == 0, after.stderr[-3000:]
    arts = table(wh, "articles")
    assert sorted(arts["source_path"]) == sorted(map(str, hot))
    assert table(wh, "quarantine").height == 0
    assert set(arts["content_sha256"]) == {_sha(body)}


# -- 2. names with bytes that are not UTF-8 ---------------------------------------------------
def test_names_that_are_not_utf8_are_stored_losslessly(tmp_path):
    """Old: UnicodeEncodeError (surrogates not allowed) from add_quarantine on every run: the
    empty file never got its quarantine row and no run was recorded."""
    from newsnorm.readers.names import as_os

    src = tmp_path / "in"
    src.mkdir()
    body = sorted(SEEDS.glob("*.txt"))[0].read_bytes()
    bad = os.fsdecode(os.fsencode(str(src)) + b"/bad\xff\\name.txt")
    Path(bad).write_bytes(body)
    (src / "good.txt").write_bytes(body)
    (src / "empty.txt").write_bytes(b"")
    Path(os.fsdecode(os.fsencode(str(src)) + b"/empty\xfe.txt")).write_bytes(b"")
    wh = tmp_path / "wh"
    r = plain_run(tmp_path, [src], wh)
    assert r.returncode == 0, r.stderr[-3000:]
    arts = table(wh, "articles")
    names = sorted(arts["source_path"])
    assert names == sorted([str(src / "good.txt"), f"{src}/bad\\xff\\x5cname.txt"])
    assert sorted(as_os(n) for n in names) == sorted([str(src / "good.txt"), bad])  # lossless
    q = table(wh, "quarantine")
    assert sorted(q["source_path"]) == sorted([str(src / "empty.txt"), f"{src}/empty\\xfe.txt"])
    assert table(wh, "runs")["status"].to_list() == ["completed"]
    # shown readably by the query command, and the next run sees nothing new
    out = cli(tmp_path, "query", "select source_path from articles order by 1", "--warehouse", str(wh),
              "--format", "csv")
    assert out.returncode == 0 and "bad\\xff\\x5cname.txt" in out.stdout, out.stderr
    again = plain_run(tmp_path, [src], wh)
    assert again.returncode == 0, again.stderr[-3000:]
    assert table(wh, "runs")["status"].to_list() == ["completed", "completed"]
    assert table(wh, "articles").height == 2 and table(wh, "quarantine").height == 2
    assert '"written": 0' in again.stdout


# -- 3. kill -9 at each kind of write -----------------------------------------------------------
@pytest.mark.slow
def test_kill_9_at_each_kind_of_write_then_next_run_equals_clean(tmp_path_factory):
    """Old (3,000 articles, kill after the first story-index part, before the first article
    rows): the next run completed with 262 stories instead of 5 and 1,800 wrong story ids."""
    tmp = tmp_path_factory.mktemp("kill")
    corpus = tmp / "corpus"
    generate(corpus, 1000, seed=7)
    ref = tmp / "ref"
    log = tmp / "writes.log"
    r = plain_run(tmp, [corpus], ref, flush_every=500, log=str(log))
    assert r.returncode == 0, r.stderr[-3000:]
    writes = log.read_text().splitlines()
    # the first write of every kind of file, and the last write of the run
    kinds: dict[str, int] = {}
    for i, rel in enumerate(writes, 1):
        kind = rel.split("/")[0] if "/" in rel else rel
        kinds.setdefault(kind, i)
    first_rows = next(i for i, rel in enumerate(writes, 1) if rel.startswith("articles/")
                      and i > kinds.get(".story_index", 0))
    assert kinds.get(".story_index") and first_rows > kinds[".story_index"]
    # before the first manifest, index and stories write, after the first index part (its rows not yet
    # written: the window that once left wrong story ids), around the first article rows
    firsts = {kinds[k] for k in (".manifest.json", ".story_index", "stories") if k in kinds}
    points = sorted({(k, "before") for k in firsts} | {(kinds[".story_index"], "after"),
                    (first_rows, "before"), (first_rows, "after"), (len(writes), "before")})
    for k, when in points:
        wh = tmp / f"wh-{k}-{when}"
        killed = plain_run(tmp, [corpus], wh, flush_every=500, kill_at=k, kill_when=when)
        assert killed.returncode == -9, (k, killed.stderr[-2000:])
        resumed = plain_run(tmp, [corpus], wh, flush_every=500)
        assert resumed.returncode == 0, (k, when, resumed.stderr[-3000:])
        assert differences(ref, wh) == {}, (k, when, writes[k - 1])
        ok = cli(tmp, "check", "--warehouse", str(wh))
        assert ok.returncode == 0, (k, when, ok.stdout)
        shutil.rmtree(wh)


# -- 4. table parts deleted, truncated, replaced; stray files -----------------------------------
def _truncate(p: Path) -> None:
    with open(p, "r+b") as fh:
        fh.truncate(p.stat().st_size // 2)


def _flip(p: Path) -> None:
    """Same size, other bytes (a bad sector, a bad copy)."""
    data = bytearray(p.read_bytes())
    mid = len(data) // 2
    data[mid:mid + 64] = bytes(64)
    p.write_bytes(bytes(data))


DAMAGE = {
    "segments part deleted": lambda wh: (wh / "segments/part=000001/data.parquet").unlink(),
    "articles part deleted": lambda wh: (wh / "articles/part=000002/data.parquet").unlink(),
    "both of a part deleted": lambda wh: [(wh / f"{t}/part=000001/data.parquet").unlink()
                                         for t in ("articles", "segments")],
    "segments part truncated": lambda wh: _truncate(wh / "segments/part=000000/data.parquet"),
    "articles part truncated": lambda wh: _truncate(wh / "articles/part=000003/data.parquet"),
    "articles part bytes changed": lambda wh: _flip(wh / "articles/part=000001/data.parquet"),
    "segments part of another part": lambda wh: shutil.copy(wh / "segments/part=000000/data.parquet",
                                                            wh / "segments/part=000002/data.parquet"),
    "stray part": lambda wh: shutil.copytree(wh / "articles/part=000000", wh / "articles/part=000009"),
    "quarantine truncated": lambda wh: _truncate(wh / "quarantine/quarantine.parquet"),
    "runs deleted": lambda wh: (wh / "runs/runs.parquet").unlink(),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_table_is_refused_then_repaired(damage, corpus, clean, built, tmp_path):
    """Old: a deleted segments part was replaced by an empty one (segments gone for good); a
    deleted articles part was re-ingested beside its old segments (duplicates); a truncated
    part failed every run and query with "Parquet magic bytes not found", naming no file."""
    DAMAGE[damage](built)
    refused = cli(tmp_path, "run", str(corpus), "--warehouse", str(built))
    assert refused.returncode == 5, refused.stderr[-3000:]
    lines = [ln for ln in refused.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "newsnorm repair --warehouse" in lines[0] and "Traceback" not in refused.stderr
    assert str(built) in lines[0]
    checked = cli(tmp_path, "check", "--warehouse", str(built))
    assert checked.returncode == 5 and "newsnorm repair" in checked.stdout, checked.stdout
    repaired = cli(tmp_path, "repair", "--warehouse", str(built))
    assert repaired.returncode == 0, repaired.stderr
    assert cli(tmp_path, "check", "--warehouse", str(built)).returncode == 0
    # readable at once, nothing half there: every article with all its segments
    arts, segs = table(built, "articles"), table(built, "segments")
    counts = segs.group_by("article_id").len()
    joined = arts.join(counts, on="article_id", how="left")
    assert (joined["len"].fill_null(0) == joined["n_segments"]).all()
    assert segs["article_id"].is_in(arts["article_id"].implode()).all()
    rerun = plain_run(tmp_path, [corpus], built, part_capacity=CAPACITY, flush_every=30)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert differences(clean, built) == {}
    assert table(built, "quarantine").height == table(clean, "quarantine").height


# -- derived files: healed by the next plain run ------------------------------------------------
def _garbage(p: Path) -> None:
    p.write_bytes(b"not what it should be" * 10)


DERIVED = {
    "story index part truncated": lambda wh: _truncate(sorted((wh / ".story_index").glob("part-*.parquet"))[-1]),
    "story index part garbage": lambda wh: _garbage(sorted((wh / ".story_index").glob("part-*.parquet"))[0]),
    "story index deleted": lambda wh: shutil.rmtree(wh / ".story_index"),
    "stories table truncated": lambda wh: _truncate(wh / "stories/stories.parquet"),
    "stories table deleted": lambda wh: (wh / "stories/stories.parquet").unlink(),
    "translation cache garbage": lambda wh: (wh / ".cache").mkdir(exist_ok=True)
    or _garbage(wh / ".cache/translations.sqlite"),
    "manifest garbage": lambda wh: _garbage(wh / ".manifest.json"),
    "manifest deleted": lambda wh: (wh / ".manifest.json").unlink(),
    "settled marker garbage": lambda wh: _garbage(wh / ".story_index/settled"),
    "leftover temp file": lambda wh: (wh / ".tmp/.articles-part=000000-data.parquet-1-1.tmp").write_bytes(b"x"),
}


@pytest.mark.parametrize("damage", list(DERIVED))
def test_damaged_derived_file_is_rebuilt_by_the_next_run(damage, corpus, clean, built, tmp_path):
    """Old: a truncated story-index part failed every run for good; a damaged translation
    cache warned on every run and was never rebuilt."""
    DERIVED[damage](built)
    r = plain_run(tmp_path, [corpus], built, part_capacity=CAPACITY, flush_every=30)
    assert r.returncode == 0, r.stderr[-3000:]
    assert differences(clean, built) == {}, damage
    check = cli(tmp_path, "check", "--warehouse", str(built))
    assert check.returncode == 0 and "every table file is as committed" in " ".join(check.stdout.split()), check.stdout
    again = plain_run(tmp_path, [corpus], built, part_capacity=CAPACITY, flush_every=30)
    assert again.returncode == 0 and "cache" not in again.stdout.split('"warnings"')[1], again.stdout


# -- queries -------------------------------------------------------------------------------------
def test_query_with_glob_characters_and_a_damaged_part(clean, tmp_path):
    """Old: `newsnorm query` found no files under wh[1]; over a truncated part it failed with
    "Parquet magic bytes not found" without naming the file."""
    wh = tmp_path / "wh[1]"
    # a copy that keeps hard links, as the warehouse itself is: a part and the read snapshot's
    # version of it are one file, so damage to the part is damage to what readers read
    subprocess.run(["cp", "-a", str(clean), str(wh)], check=True)
    n = table(clean, "articles").height
    out = cli(tmp_path, "query", "select count(*) as n from articles", "--warehouse", str(wh), "--format", "csv")
    assert out.returncode == 0 and out.stdout.split() == ["n", str(n)], (out.stdout, out.stderr)
    _truncate(wh / "segments/part=000001/data.parquet")
    bad = cli(tmp_path, "query", "select count(*) from segments", "--warehouse", str(wh))
    assert bad.returncode == 5 and "Traceback" not in bad.stderr
    assert "segments/part=000001/data.parquet" in bad.stderr and "newsnorm repair" in bad.stderr
    assert duckdb.sql(f"select count(*) from read_parquet('{clean}/articles/**/*.parquet')").fetchall()[0][0] == n


# -- 7. inputs that cannot be read ----------------------------------------------------------------
def test_unreadable_inputs_are_quarantined_not_skipped(tmp_path):
    """Old: an input folder without read permission (or an input that vanished) was only a
    warning: its files were neither articles nor quarantined, exit 0 even with --strict."""
    src = tmp_path / "in"
    src.mkdir()
    body = sorted(SEEDS.glob("*.txt"))[0].read_bytes()
    (src / "good.txt").write_bytes(body)
    (src / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    locked = src / "locked"
    locked.mkdir()
    (locked / "x.txt").write_bytes(body)
    locked.chmod(0)
    wh = tmp_path / "wh"
    try:
        r = plain_run(tmp_path, [src, tmp_path / "gone"], wh)
        assert r.returncode == 0, r.stderr[-3000:]
        held = set(table(wh, "quarantine")["source_path"])
        assert str(tmp_path / "gone") in held
        if os.geteuid() != 0:  # root reads any folder
            assert str(locked) in held
        strict = cli(tmp_path, "run", str(src), "--warehouse", str(wh), "--strict", "--runner", "thread")
        assert strict.returncode == 1 and "Traceback" not in strict.stderr, strict.stderr[-2000:]
    finally:
        locked.chmod(0o755)
    (tmp_path / "gone").mkdir()
    r = plain_run(tmp_path, [src, tmp_path / "gone"], wh)
    assert r.returncode == 0
    assert str(tmp_path / "gone") not in set(table(wh, "quarantine")["source_path"])


def test_strict_rerun_fails_while_inputs_stay_in_quarantine(tmp_path):
    """Old: a re-run with --strict exited 0 although an input was still in quarantine."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_bytes(sorted(SEEDS.glob("*.txt"))[0].read_bytes())
    (src / "empty.txt").write_bytes(b"")
    wh = tmp_path / "wh"
    assert plain_run(tmp_path, [src], wh).returncode == 0
    again = plain_run(tmp_path, [src], wh, strict=True)
    assert again.returncode != 0 and "QuarantineError" in again.stderr and "1 input(s) in quarantine" in again.stderr
    assert pl.read_parquet(f"{wh}/runs/*.parquet")["status"].to_list() == ["completed", "failed"]
