"""Runs over HTML, WARC, JSONL, Parquet and CSV inputs: same rows in any form, per-record
incremental runs, bad records quarantined with their position, the schema migration."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsnorm.runner.execute import QuarantineError, RunConfig, execute
from newsnorm.warehouse.manifest import Manifest, file_state
from newsnorm.warehouse.store import SCHEMA_VERSION, Warehouse

PAGE_FILE = Path(__file__).parent / "data" / "html" / "article.html"
PAGE = PAGE_FILE.read_bytes()
URL = "https://news.example.org/world/2025/08/25/lee-trump-alliance"
# Columns that say where a row came from; every other column must agree across forms.
WHERE = ["article_id", "source_path", "source_record", "url", "fetched_at", "run_id", "ingested_at",
         "story_id",  # a story is named after its first article's id
         "record_sha256"]  # of a record's content and its fields (url, position, ...): where it came from


def _run(wh: Path, *inputs: Path, **kw):
    return execute(RunConfig(inputs=[str(i) for i in inputs], warehouse=str(wh), **kw))


def _articles(wh: Path) -> pl.DataFrame:
    return pl.read_parquet(f"{wh}/articles/**/*.parquet").sort("source_path", "source_record")


def _segments(wh: Path) -> pl.DataFrame:
    return pl.read_parquet(f"{wh}/segments/**/*.parquet")


def _content(wh: Path) -> list[dict]:
    arts = _articles(wh)
    segs = _segments(wh).sort("article_id", "seq")
    out = []
    for row in arts.iter_rows(named=True):
        s = segs.filter(pl.col("article_id") == row["article_id"]).drop("article_id").to_dicts()
        out.append({**{k: v for k, v in row.items() if k not in WHERE}, "segments": s})
    return out


def _write_warc(path: Path, pages: list[tuple[str, bytes]], gz: bool = True) -> None:
    with path.open("wb") as fh:
        w = WARCWriter(fh, gzip=gz)
        for url, body in pages:
            w.write_record(w.create_warc_record(url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
            hh = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=hh))


def _jsonl(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def test_the_same_page_as_html_warc_and_jsonl_gives_the_same_rows(tmp_path):
    forms = {}
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "page.html").write_bytes(PAGE)
    forms["html"] = tmp_path / "a" / "page.html"
    forms["warc"] = tmp_path / "crawl.warc.gz"
    _write_warc(forms["warc"], [(URL, PAGE)])
    forms["jsonl"] = tmp_path / "pages.jsonl"
    _jsonl(forms["jsonl"], [{"url": URL, "html": PAGE.decode("utf-8")}])
    content = {}
    for name, path in forms.items():
        wh = tmp_path / f"wh-{name}"
        _run(wh, path)
        content[name] = _content(wh)
        row = _articles(wh).row(0, named=True)
        assert row["url"] == URL  # given by the WARC and JSONL record, from rel=canonical for the file
        assert (row["source_record"] is None) == (name == "html")
        assert (row["fetched_at"] is not None) == (name == "warc")
    assert content["html"] == content["warc"] == content["jsonl"]
    assert content["html"][0]["title"].startswith("South Korean President")
    assert len(content["html"][0]["segments"]) > 10


def test_the_same_text_as_txt_jsonl_and_parquet_gives_the_same_rows(tmp_path, seeds_dir):
    text = sorted(seeds_dir.iterdir())[0].read_text(encoding="utf-8")
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "story.txt").write_text(text, encoding="utf-8")
    _jsonl(tmp_path / "s.jsonl", [{"id": "s1", "text": text}])
    pq.write_table(pa.Table.from_pylist([{"doc_id": "s1", "maintext": text}]), tmp_path / "s.parquet")
    content = []
    for name in ("t/story.txt", "s.jsonl", "s.parquet"):
        wh = tmp_path / f"wh-{name.replace('/', '-')}"
        _run(wh, tmp_path / name)
        content.append(_content(wh))
    assert content[0] == content[1] == content[2]


def _file_states(wh: Path) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_ino, p.stat().st_mtime_ns)
            for table in ("articles", "segments", "quarantine", "stories") for p in (wh / table).rglob("*.parquet")}


def test_rerun_over_unchanged_containers_writes_no_data_file(tmp_path, seeds_dir):
    inputs = tmp_path / "in"
    inputs.mkdir()
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.iterdir())]
    _jsonl(inputs / "day.jsonl", [{"id": f"d{i}", "text": t} for i, t in enumerate(texts[:3])])
    _write_warc(inputs / "crawl.warc.gz", [(URL, PAGE)])
    pq.write_table(pa.Table.from_pylist([{"id": "p1", "text": texts[3]}]), inputs / "t.parquet")
    wh = tmp_path / "wh"
    first = _run(wh, inputs)
    assert first.articles_written == 5
    before = _file_states(wh)
    again = _run(wh, inputs)
    assert (again.articles_written, again.files_unchanged, again.records_read) == (0, 3, 0)
    assert _file_states(wh) == before


def test_appending_to_a_jsonl_processes_only_the_new_records(tmp_path, seeds_dir):
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.iterdir())]
    day = tmp_path / "day.jsonl"
    _jsonl(day, [{"id": f"d{i}", "text": t} for i, t in enumerate(texts[:3])])
    wh = tmp_path / "wh"
    first = _run(wh, day)
    with day.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "d3", "text": texts[3]}) + "\n")
        fh.write("{broken\n")
    second = _run(wh, day)
    assert (second.records_read, second.articles_written, second.files_quarantined) == (2, 1, 1)
    rows = _articles(wh)
    assert rows.height == 4
    runs = dict(zip(rows["source_record"].to_list(), rows["run_id"].to_list(), strict=True))
    assert runs == {1: first.run_id, 2: first.run_id, 3: first.run_id, 4: second.run_id}
    q = pl.read_parquet(f"{wh}/quarantine/*.parquet")
    assert q.select("source_path", "source_record").rows() == [(str(day), 5)]
    assert q["error"][0].startswith("line 5: not valid JSON")


def test_a_changed_container_reprocesses_only_its_changed_records(tmp_path, seeds_dir):
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.iterdir())]
    day = tmp_path / "day.jsonl"
    _jsonl(day, [{"id": f"d{i}", "text": t} for i, t in enumerate(texts[:4])])
    wh = tmp_path / "wh"
    _run(wh, day)
    ids = dict(zip(*_articles(wh).select("content_sha256", "article_id").to_dict(as_series=False).values(),
                   strict=True))
    # one record edited, one removed, a new one inserted at the top: ids follow the record ids
    _jsonl(day, [{"id": "d9", "text": texts[4]}, {"id": "d0", "text": texts[0]},
                 {"id": "d1", "text": texts[1] + "\nOne more line of text at the end of it."},
                 {"id": "d3", "text": texts[3]}])
    second = _run(wh, day)
    # d3 is skipped; d0 has its text but moved to line 2, so its source_record changes: processed again
    assert (second.records_read, second.records_unchanged, second.articles_written) == (4, 1, 3)
    rows = _articles(wh)
    assert rows.height == 5  # d2 vanished but is kept
    kept = dict(zip(*rows.select("content_sha256", "article_id").to_dict(as_series=False).values(), strict=True))
    assert all(kept[sha] == aid for sha, aid in ids.items() if sha in kept)  # same record, same id
    pruned = _run(wh, day, prune_missing=True)
    assert pruned.files_removed == 1 and _articles(wh).height == 4


def test_bad_records_are_quarantined_with_their_position(tmp_path, seeds_dir):
    text = sorted(seeds_dir.iterdir())[0].read_text(encoding="utf-8")
    bad = tmp_path / "in"
    bad.mkdir()
    _jsonl(bad / "mixed.jsonl", [{"id": "ok", "text": text}, {"id": "empty", "title": "no text"},
                                 {"id": "blank", "html": "<html><body><div></div></body></html>"}])
    with (bad / "mixed.jsonl").open("a") as fh:
        fh.write('{"id": "cut", "text": "unterminated\n')
    good = sorted(seeds_dir.iterdir())[1].read_text(encoding="utf-8")
    warc = bad / "cut.warc"
    _write_warc(warc, [("https://e.org/1", PAGE), ("https://e.org/2", good.encode())], gz=False)
    data = warc.read_bytes()
    warc.write_bytes(data[: len(data) - 500])  # the last record cut short
    wh = tmp_path / "wh"
    summary = _run(wh, bad)
    assert summary.articles_written == 2  # the JSONL's good record and the WARC's first page
    q = duckdb.sql(f"select source_path, source_record, error from '{wh}/quarantine/*.parquet' "
                   f"order by source_path, source_record").fetchall()
    assert [(Path(p).name, r) for p, r, _ in q] == [("cut.warc", q[0][1]), ("mixed.jsonl", 2), ("mixed.jsonl", 3),
                                                   ("mixed.jsonl", 4)]
    assert q[0][1] > 0 and "truncated WARC record" in q[0][2]
    assert "neither text nor HTML" in q[1][2] and "yields no text" in q[2][2] and "not valid JSON" in q[3][2]
    with pytest.raises(QuarantineError):
        _run(tmp_path / "wh-strict", bad, strict=True)


def test_a_version_1_warehouse_is_migrated_keeping_its_rows(tmp_path, seeds_dir):
    wh = tmp_path / "wh"
    first = _run(wh, seeds_dir)
    # turn it into what version 1 wrote: no new columns, version mark 1
    for table, dropped in (("articles", ["source_record", "url", "fetched_at", "record_sha256"]),
                           ("quarantine", ["source_record"]), ("segments", []),
                           ("runs", ["records_read", "records_unchanged"]),
                           ("stories", ["last_published", "n_outlets"])):
        for p in (wh / table).rglob("*.parquet"):
            t = pq.read_table(p).drop_columns(dropped)
            meta = dict(t.schema.metadata or {})
            meta[b"newsnorm.schema_version"] = b"1"
            pq.write_table(t.replace_schema_metadata(meta), p)
    (wh / ".manifest.json").unlink()  # version 1 kept no manifest of committed files
    old = pl.read_parquet(f"{wh}/articles/**/*.parquet").sort("source_path").select("article_id", "run_id", "text_en")
    again = _run(wh, seeds_dir)
    assert again.articles_written == 0 and again.files_unchanged == 5  # nothing re-ingested
    new = _articles(wh)
    assert new.select("article_id", "run_id", "text_en").equals(old)
    assert new["source_record"].null_count() == new.height == 5
    for p in (wh / "articles").rglob("*.parquet"):
        assert pq.read_schema(p).metadata[b"newsnorm.schema_version"] == SCHEMA_VERSION.encode()
    assert first.run_id in set(new["run_id"].to_list())
    Warehouse(wh).init()  # idempotent


def test_a_version_3_warehouse_is_migrated_keeping_its_rows(tmp_path, seeds_dir):
    from newsnorm.warehouse.manifest import Manifest, file_state

    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.iterdir())][:2]
    day = tmp_path / "day.jsonl"
    _jsonl(day, [{"id": f"d{i}", "title": f"T{i}", "text": t} for i, t in enumerate(texts)])
    wh = tmp_path / "wh"
    first = _run(wh, day)
    manifest = Manifest.load(wh)
    # turn it into what version 3 wrote (a manifest of its files, as version 3 kept)
    for table, dropped in (("articles", ["record_sha256"]), ("runs", ["records_read", "records_unchanged"]),
                           ("quarantine", []), ("segments", []), ("stories", [])):
        for p in (wh / table).rglob("*.parquet"):
            t = pq.read_table(p).drop_columns(dropped)
            meta = dict(t.schema.metadata or {})
            meta[b"newsnorm.schema_version"] = b"3"
            p.unlink()  # a new file: the published read snapshot holds hard links to the old one
            pq.write_table(t.replace_schema_metadata(meta), p)
            manifest.files[str(p.relative_to(wh))] = [file_state(p)]
    manifest.save(wh / ".tmp")
    again = _run(wh, day)
    assert again.articles_written == 0 and again.files_unchanged == 1  # nothing re-ingested
    arts = _articles(wh)
    assert arts["run_id"].to_list() == [first.run_id] * 2 and arts["record_sha256"].null_count() == 2
    runs = pl.read_parquet(f"{wh}/runs/*.parquet").sort("started_at")
    assert runs["records_read"].to_list() == [None, 0]
    for table in ("articles", "segments", "runs", "quarantine"):
        for p in (wh / table).rglob("*.parquet"):
            assert pq.read_schema(p).metadata[b"newsnorm.schema_version"] == SCHEMA_VERSION.encode() == b"4", p
    # a field edited later: the record is read again (its stored hash is null) and then skipped by it
    _jsonl(day, [{"id": "d0", "title": "T0 new", "text": texts[0]}, {"id": "d1", "title": "T1", "text": texts[1]}])
    third = _run(wh, day)
    assert third.articles_written == 2 and _articles(wh)["record_sha256"].null_count() == 0
    _jsonl(day, [{"id": "d0", "title": "T0 newer", "text": texts[0]}, {"id": "d1", "title": "T1", "text": texts[1]}])
    fourth = _run(wh, day)
    assert (fourth.records_read, fourth.records_unchanged, fourth.articles_written) == (2, 1, 1)


def test_format_and_field_flags(tmp_path, seeds_dir):
    text = sorted(seeds_dir.iterdir())[0].read_text(encoding="utf-8")
    feed = tmp_path / "feed.txt"  # JSON Lines under another name, with its own field names
    feed.write_text(json.dumps({"key": "k1", "story": text, "permalink": "https://e.org/k1"}) + "\n")
    wh = tmp_path / "wh"
    _run(wh, feed, format="jsonl", text_field="story", url_field="permalink", id_field="key")
    row = _articles(wh).row(0, named=True)
    assert (row["source_record"], row["url"]) == (1, "https://e.org/k1")
    assert os.path.basename(row["source_path"]) == "feed.txt"


def test_a_large_jsonl_is_read_in_ranges_with_the_same_rows(tmp_path, seeds_dir, monkeypatch):
    from newsnorm.runner import containers
    from newsnorm.runner import execute as ex
    from newsnorm.runner.batching import batches_of, chunks_of
    from newsnorm.runner.containers import InputTask

    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.iterdir())]
    day = tmp_path / "day.jsonl"
    _jsonl(day, [{"id": f"d{i}", "text": t} for i, t in enumerate(texts)] + [{"id": "bad"}])
    whole = tmp_path / "wh-whole"
    _run(whole, day)
    planned: list = []
    real_plan = ex.plan

    def spy(*args, **kw):
        todo = real_plan(*args, **kw)
        planned.extend(todo)
        return todo

    monkeypatch.setattr(containers, "RANGE_BYTES", 3000)  # the seeds are 2-6 KB a record
    monkeypatch.setattr(ex, "plan", spy)
    ranged = tmp_path / "wh-ranged"
    summary = _run(ranged, day, batch_size=60)
    assert len(planned) >= 3 and all(isinstance(t, InputTask) for t in planned)
    assert [t.end for t in planned[:-1]] == [t.start for t in planned[1:]] and planned[-1].end is None
    assert all(len(c) == 1 for b in batches_of(planned, 60) for c in chunks_of(b))  # a worker's unit each
    assert summary.records_read == 6 and summary.files_quarantined == 1
    assert _content(ranged) == _content(whole)
    both = [_articles(w).select("article_id", "source_record").rows() for w in (whole, ranged)]
    assert both[0] == both[1]
    q = pl.read_parquet(f"{ranged}/quarantine/*.parquet")
    assert q["source_record"].to_list() == [6]
    # the state recorded by the ranges lets an append be read from where they stopped
    old_size = day.stat().st_size
    with day.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "d9", "text": texts[0] + "\nAppended."}) + "\n")
    planned.clear()
    again = _run(ranged, day)
    assert [(t.start, t.first_line) for t in planned] == [(old_size, 7)]
    assert (again.records_read, again.articles_written) == (1, 1)
    assert _articles(ranged).filter(pl.col("source_record") == 7).height == 1


def _outlet_feed(path: Path, seeds_dir: Path) -> Path:
    """The seeds from several outlets: 000 and 001 (one story) as JSONL records with urls and dates."""
    texts = {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted(seeds_dir.iterdir())}
    rows = [
        {"id": "r1", "text": texts["000"], "url": "https://www.example-news.com/a/1", "published": "2026-03-02"},
        {"id": "r2", "text": texts["001"], "url": "https://wire.example.org/x?id=2", "published": "2026-03-05"},
        {"id": "r3", "text": texts["002"], "url": "https://www.example-news.com/b/3", "published": "2026-04-01"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _stories(wh: Path) -> pl.DataFrame:
    return pl.read_parquet(f"{wh}/stories/*.parquet").sort("story_id")


def test_stories_carry_their_first_and_last_dates_and_their_outlets(tmp_path, seeds_dir):
    wh = tmp_path / "wh"
    _run(wh, _outlet_feed(tmp_path / "feed.jsonl", seeds_dir))
    arts = _articles(wh)
    stories = _stories(wh)
    both = stories.filter(pl.col("n_copies") == 2).row(0, named=True)
    assert sorted(arts.filter(pl.col("story_id") == both["story_id"])["url"].to_list()) == \
        ["https://wire.example.org/x?id=2", "https://www.example-news.com/a/1"]
    assert (both["first_published"], both["last_published"], both["n_outlets"]) == \
        (dt.date(2026, 3, 2), dt.date(2026, 3, 5), 2)
    one = stories.filter(pl.col("n_copies") == 1).row(0, named=True)
    assert (one["first_published"], one["last_published"], one["n_outlets"]) == \
        (dt.date(2026, 4, 1), dt.date(2026, 4, 1), 1)
    # without urls an outlet is its site name; none known: no outlet
    plain = tmp_path / "wh-plain"
    _run(plain, seeds_dir)
    counts = dict(zip(*duckdb.sql(f"select story_id, n_outlets from '{plain}/stories/*.parquet'").fetchnumpy()
                      .values(), strict=True))
    sites = duckdb.sql(f"select story_id, count(distinct site_name) from '{plain}/articles/**/*.parquet' "
                       "group by story_id").fetchall()
    assert {s: int(n) for s, n in counts.items()} == {s: n for s, n in sites}


def test_a_version_2_warehouse_gets_the_new_stories_columns_filled(tmp_path, seeds_dir):
    wh = tmp_path / "wh"
    feed = _outlet_feed(tmp_path / "feed.jsonl", seeds_dir)
    _run(wh, feed)
    expected = _stories(wh)
    # what version 2 wrote: stories without the new columns, version mark 2 everywhere, a manifest of those
    # files, no published read snapshot (version 2 had none)
    shutil.rmtree(wh / ".versions")
    (wh / ".snapshot.json").unlink()
    for p in wh.rglob("*.parquet"):
        if ".story_index" in p.parts:
            continue
        t = pq.read_table(p)
        if p.parent.name == "stories":
            t = t.drop_columns(["last_published", "n_outlets"])
        table = p.relative_to(wh).parts[0]
        t = t.drop_columns({"articles": ["record_sha256"], "runs": ["records_read", "records_unchanged"]}
                           .get(table, []))  # columns of version 4
        meta = dict(t.schema.metadata or {})
        meta[b"newsnorm.schema_version"] = b"2"
        pq.write_table(t.replace_schema_metadata(meta), p)
    manifest = Manifest.load(wh)
    Manifest(wh, {rel: [file_state(wh / rel)] for rel in manifest.files}).save(wh / ".tmp")
    again = _run(wh, feed)
    assert again.articles_written == 0  # nothing re-ingested
    assert _stories(wh).drop("first_seen").equals(expected.drop("first_seen"))
    assert _stories(wh)["n_outlets"].null_count() == 0
    # every table file, and every version the published snapshot names (superseded ones stay for readers)
    named = json.loads((wh / ".snapshot.json").read_text())["files"].values()
    files = [p for p in wh.rglob("*.parquet") if not any(part.startswith(".") for part in p.relative_to(wh).parts)]
    for p in files + [wh / ".versions" / name for name in named]:
        assert pq.read_schema(p).metadata[b"newsnorm.schema_version"] == SCHEMA_VERSION.encode(), p


EDITS = {"title": {"title": "Second title"}, "url": {"url": "https://e.org/moved"},
         "date": {"published": "2025-03-04"}, "position": {}}


@pytest.mark.parametrize("change", list(EDITS))
def test_a_record_whose_fields_changed_but_not_its_text_is_processed_again(tmp_path, seeds_dir, change):
    text = sorted(seeds_dir.iterdir())[0].read_text(encoding="utf-8")
    row = {"id": "a", "url": "https://e.org/a", "title": "First title", "published": "2025-01-02", "text": text}
    day = tmp_path / "day.jsonl"
    _jsonl(day, [row])
    wh = tmp_path / "wh"
    _run(wh, day)
    top = [{"id": "z", "text": "A new first record about something else entirely."}] if change == "position" else []
    _jsonl(day, top + [dict(row, **EDITS[change])])  # the same text: only a field or the line changed
    again = _run(wh, day)
    assert again.records_unchanged == 0 and again.articles_written == 1 + len(top)
    stored = _articles(wh).filter(pl.col("article_id") == _articles(wh)["article_id"][0]).to_dicts()
    assert len(stored) == 1  # the same article (its id), rewritten
    if change == "url":
        assert _articles(wh)["url"].to_list() == ["https://e.org/moved"]
    if change == "position":
        assert _articles(wh).sort("source_record")["source_record"].to_list() == [1, 2]
