"""Large containers shared by the workers (runner/container_plan.py, runner/containers.py):
the same rows whatever the range size, batch size or number of workers; progress in
records; a container rewritten during a run is left for the next one, never frozen."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import os
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from test_inputs_run import _articles, _content, _write_warc

from newsnorm.orchestrate.pool import WorkerPool
from newsnorm.readers.ingest import DEFAULT_MAX_BYTES
from newsnorm.runner import containers
from newsnorm.runner import execute as ex
from newsnorm.runner.batching import chunks_of
from newsnorm.runner.container_state import load
from newsnorm.runner.execute import RunConfig, execute, sequential
from newsnorm.runner.work import merge_results, process_paths

N = 8


def _records(seeds_dir: Path) -> list[dict]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.iterdir())]
    return [{"id": f"r{i}", "url": f"https://news.example.org/{i}", "title": f"Story {i}",
             "text": f"Report {i}\n\n" + texts[i % len(texts)]} for i in range(N)]


def _html(rec: dict) -> bytes:
    paras = "".join(f"<p>{line}</p>" for line in rec["text"].split("\n") if line.strip())
    return f"<html><head><title>{rec['title']}</title></head><body><article>{paras}</article></body></html>".encode()


def _inputs(folder: Path, seeds_dir: Path) -> Path:
    folder.mkdir()
    rows = _records(seeds_dir)
    _write_warc(folder / "crawl.warc", [(r["url"], _html(r)) for r in rows], gz=False)
    _write_warc(folder / "crawl.warc.gz", [(r["url"] + "?gz", _html(r)) for r in rows], gz=True)
    buf = io.StringIO(newline="")
    w = csv.DictWriter(buf, fieldnames=list(rows[0]))
    w.writeheader()
    w.writerows(rows)
    (folder / "table.csv").write_text(buf.getvalue(), encoding="utf-8", newline="")
    (folder / "table.csv.gz").write_bytes(gzip.compress(buf.getvalue().encode()))
    lines = "".join(json.dumps(r) + "\n" for r in rows[:N // 2])
    more = "".join(json.dumps(r) + "\n" for r in rows[N // 2:]) + "{not json\n"
    (folder / "feed.jsonl.gz").write_bytes(gzip.compress(lines.encode()) + gzip.compress(more.encode()))
    pq.write_table(pa.Table.from_pylist(rows), folder / "rows.parquet", row_group_size=2)
    return folder


def _pooled(pool: WorkerPool, seen: list):
    def mapper(batches):
        for b in batches:
            result = merge_results(pool.map_files(process_paths, b, chunks_of, None, DEFAULT_MAX_BYTES, None))
            seen.extend(result.containers)
            yield result
    return mapper


def _tables(wh: Path) -> tuple:
    q = pq.read_table(sorted((wh / "quarantine").glob("*.parquet"))).to_pylist() \
        if (wh / "quarantine").exists() else []
    quarantine = sorted((os.path.basename(r["source_path"]), r["source_record"], r["error"]) for r in q)
    ids = sorted(_articles(wh).select("article_id", "source_path", "source_record", "url").rows())
    return _content(wh), [(a, os.path.basename(p), r, u) for a, p, r, u in ids], quarantine


@pytest.mark.slow
def test_ranges_batches_and_workers_give_the_same_tables(tmp_path, seeds_dir, monkeypatch):
    inputs = _inputs(tmp_path / "in", seeds_dir)
    monkeypatch.setattr(containers, "RANGE_BYTES", 1 << 40)
    monkeypatch.setattr(containers, "RANGE_ROWS", 10**9)
    whole = tmp_path / "wh-whole"
    s_whole = execute(RunConfig(inputs=[str(inputs)], warehouse=str(whole)))
    expected = _tables(whole)
    assert len(expected[1]) == 6 * N

    monkeypatch.setattr(containers, "RANGE_BYTES", 3000)  # about one record a range
    monkeypatch.setattr(containers, "RANGE_ROWS", 3)
    planned: list = []
    real_plan = ex.plan
    monkeypatch.setattr(ex, "plan", lambda *a, **k: planned.extend(t := real_plan(*a, **k)) or t)
    small = tmp_path / "wh-small"
    s_small = execute(RunConfig(inputs=[str(inputs)], warehouse=str(small), batch_size=60))
    per_file = Counter(os.path.basename(t.path) for t in planned)
    assert all(per_file[name] >= 3 for name in ("crawl.warc", "crawl.warc.gz", "table.csv", "rows.parquet"))
    assert per_file["feed.jsonl.gz"] == per_file["table.csv.gz"] == 1  # one worker inflates each
    assert _tables(small) == expected
    # one edited row: the ranges skip the others by the stored hashes, which they share in a file
    table = inputs / "table.csv"
    table.write_text(table.read_text(encoding="utf-8").replace("Report 3", "Report three"), encoding="utf-8",
                     newline="")
    planned.clear()
    edit = execute(RunConfig(inputs=[str(inputs)], warehouse=str(small), batch_size=60))
    assert {os.path.basename(t.path) for t in planned} == {"table.csv"}, planned
    assert len(planned) >= 3 and all(t.known_file and not t.known for t in planned)
    assert (edit.records_read, edit.records_unchanged, edit.articles_written) == (N, N - 1, 1)
    table.write_text(table.read_text(encoding="utf-8").replace("Report three", "Report 3"), encoding="utf-8",
                     newline="")

    seen: list = []
    with WorkerPool(2) as pool:
        pooled = tmp_path / "wh-pool"
        s_pool = execute(RunConfig(inputs=[str(inputs)], warehouse=str(pooled), batch_size=1), _pooled(pool, seen))
    ranges = Counter(os.path.basename(c.path) for c in seen if not c.spilled)
    assert ranges["feed.jsonl.gz"] >= 3 and ranges["table.csv.gz"] >= 3  # the pieces went to the workers
    assert _tables(pooled) == expected
    for s in (s_whole, s_small, s_pool):
        assert s.records_read == 6 * N + 1 and s.files_quarantined == 1  # the bad JSON line


def test_progress_counts_records(tmp_path, seeds_dir):
    rows = _records(seeds_dir)[:6]
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    crawl = tmp_path / "crawl.warc.gz"
    _write_warc(crawl, [(r["url"], _html(r)) for r in rows])
    seen: list = []
    execute(RunConfig(inputs=[str(feed), str(crawl)], warehouse=str(tmp_path / "wh")),
            progress=lambda done, total: seen.append((done, total)))
    assert seen[0] == (0, 6)  # the JSONL's lines are counted when planned; the WARC's as read
    assert seen[-1] == (6 + 12, 6 + 12)  # 6 lines, 6 responses and their 6 requests


def test_a_container_rewritten_during_the_run_is_left_for_the_next(tmp_path, seeds_dir):
    rows = _records(seeds_dir)[:4]
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    wh = tmp_path / "wh"
    base = sequential(None, DEFAULT_MAX_BYTES)

    def rewriting(batches):  # a scraper rewrites the file after the plan, before it is read
        changed = [dict(r, text=r["text"] + "\n\nUpdated.") for r in rows]
        feed.write_text("".join(json.dumps(r) + "\n" for r in changed), encoding="utf-8")
        yield from base(batches)

    first = execute(RunConfig(inputs=[str(feed)], warehouse=str(wh)), rewriting)
    assert first.files_changing == [str(feed)] and first.articles_written == 0
    assert str(feed) not in load(wh)  # never recorded as read
    again = execute(RunConfig(inputs=[str(feed)], warehouse=str(wh)))
    assert again.articles_written == 4
    new = {hashlib.sha256((r["text"] + "\n\nUpdated.").encode()).hexdigest() for r in rows}
    assert set(_articles(wh)["content_sha256"].to_list()) == new  # the version read, not the one planned


def test_a_gzip_jsonl_that_grew_by_a_member_costs_only_the_new_lines(tmp_path, seeds_dir):
    rows = _records(seeds_dir)[:5]
    feed = tmp_path / "feed.jsonl.gz"
    feed.write_bytes(gzip.compress("".join(json.dumps(r) + "\n" for r in rows[:3]).encode()))
    wh = tmp_path / "wh"
    execute(RunConfig(inputs=[str(feed)], warehouse=str(wh)))
    with feed.open("ab") as fh:  # what `gzip -c more.jsonl >> feed.jsonl.gz` does
        fh.write(gzip.compress("".join(json.dumps(r) + "\n" for r in rows[3:]).encode()))
    again = execute(RunConfig(inputs=[str(feed)], warehouse=str(wh)))
    assert (again.records_read, again.articles_written) == (2, 2)
    assert sorted(_articles(wh)["source_record"].to_list()) == [1, 2, 3, 4, 5]
    assert not (wh / ".inputs" / "spill").exists()  # the pieces are gone with the run
