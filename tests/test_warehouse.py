from __future__ import annotations

import random
import shutil

import duckdb
import polars as pl
import pyarrow.parquet as pq
import pytest

from newsnorm.runner.execute import QuarantineError, RunConfig, execute
from newsnorm.warehouse.store import SCHEMA_VERSION, SchemaMismatch, Stored, StoredIndex, Warehouse, WarehouseBusy

BOOKKEEPING = {"run_id", "ingested_at"}


@pytest.fixture
def corpus(tmp_path, seeds_dir):
    d = tmp_path / "in"
    shutil.copytree(seeds_dir, d)
    return d


def _run(inputs, wh, **kw):
    return execute(RunConfig(inputs=[str(i) for i in inputs], warehouse=str(wh), **kw))


def _table(wh, name) -> pl.DataFrame:
    df = pl.read_parquet(f"{wh}/{name}/**/*.parquet")
    return df.drop([c for c in df.columns if c in BOOKKEEPING])


def test_both_engines_read_the_readme_paths(corpus, tmp_path):
    wh = tmp_path / "wh"
    _run([corpus], wh)
    arts = pl.scan_parquet(f"{wh}/articles/**/*.parquet").select("title", "site_name").collect()
    assert arts.height == 5
    con = duckdb.connect()
    n_seg, n_vi = con.sql(
        f"select count(*), count(*) filter (where lang = 'vi') "
        f"from read_parquet('{wh}/segments/**/*.parquet', hive_partitioning=true)").fetchall()[0]
    assert n_seg == 149 and n_vi == 5
    sites = con.sql(f"select site_name from read_parquet('{wh}/articles/**/*.parquet', hive_partitioning=true) "
                    "where site_name is not null order by 1").fetchall()
    assert [s for (s,) in sites] == ["Baonghean", "NPR", "Real News Now", "essanews.com"]
    langs = con.sql(f"select langs from read_parquet('{wh}/articles/**/*.parquet') "
                    "where list_contains(langs, 'vi')").fetchall()
    assert langs == [(["en", "vi"],)]


def test_same_input_gives_identical_tables(corpus, tmp_path):
    _run([corpus], tmp_path / "a")
    _run([corpus], tmp_path / "b")
    for name in ("articles", "segments"):
        assert _table(tmp_path / "a", name).equals(_table(tmp_path / "b", name)), name


def test_rerun_writes_nothing_new(corpus, tmp_path):
    wh = tmp_path / "wh"
    first = _run([corpus], wh)
    files = {p: p.stat().st_mtime_ns for p in (wh / "articles").rglob("*.parquet")}
    before = pl.read_parquet(f"{wh}/articles/**/*.parquet")
    second = _run([corpus], wh)
    assert (first.articles_written, second.articles_written, second.files_unchanged) == (5, 0, 5)
    assert {p: p.stat().st_mtime_ns for p in (wh / "articles").rglob("*.parquet")} == files
    assert pl.read_parquet(f"{wh}/articles/**/*.parquet").equals(before)
    assert pl.read_parquet(f"{wh}/runs/*.parquet").height == 2


def test_changed_file_replaces_its_rows_and_missing_file_stays(corpus, tmp_path):
    wh = tmp_path / "wh"
    _run([corpus], wh)
    target = corpus / "000_06eacf3540ead390.txt"
    target.write_text("A New Headline About Talks\n\nThe talks resumed on Friday, officials in Seoul said, "
                      "after a pause of several weeks in which neither side moved.\n", encoding="utf-8")
    (corpus / "004_849f64912f0b0dfc.txt").unlink()
    s = _run([corpus], wh)
    assert (s.files_changed, s.articles_written, s.files_unchanged) == (1, 1, 3)
    arts = pl.read_parquet(f"{wh}/articles/**/*.parquet")
    assert arts.height == 5  # the vanished file is not silently deleted
    row = arts.filter(pl.col("source_path") == str(target))
    assert row["title"].to_list() == ["A New Headline About Talks"]
    segs = pl.read_parquet(f"{wh}/segments/**/*.parquet").filter(pl.col("article_id") == row["article_id"][0])
    assert segs.height == 2
    pruned = _run([corpus], wh, prune_missing=True)
    assert pruned.files_removed == 1
    assert pl.read_parquet(f"{wh}/articles/**/*.parquet").height == 4


def test_bad_inputs_are_quarantined_and_the_run_finishes(corpus, tmp_path):
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (corpus / "undecodable.txt").write_bytes(bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D]) * 20)
    wh = tmp_path / "wh"
    s = _run([corpus], wh)
    assert (s.articles_written, s.files_quarantined) == (5, 3)
    q = duckdb.sql(f"select source_path, sha256, error, run_id from read_parquet('{wh}/quarantine/*.parquet') "
                   "order by 1").fetchall()
    assert [p.rsplit("/", 1)[1] for p, *_ in q] == ["binary.txt", "empty.txt", "undecodable.txt"]
    assert all(sha and err and run == s.run_id for _, sha, err, run in q)
    assert "binary" in q[0][2] and "empty" in q[1][2] and "undecodable" in q[2][2]
    again = _run([corpus], wh)
    assert again.files_quarantined == 0 and again.files_unchanged == 8
    with pytest.raises(QuarantineError):
        (corpus / "another.txt").write_bytes(b"\x00" * 10)
        _run([corpus], wh, strict=True)


def test_fixed_file_leaves_quarantine(corpus, tmp_path):
    wh = tmp_path / "wh"
    bad = corpus / "later.txt"
    bad.write_bytes(b"")
    _run([corpus], wh)
    bad.write_text("Fixed Headline\n\nThe file was fixed and now has a proper article body in English.\n")
    _run([corpus], wh)
    assert pl.read_parquet(f"{wh}/quarantine/*.parquet").height == 0
    assert pl.read_parquet(f"{wh}/articles/**/*.parquet").height == 6


def test_schema_version_in_parquet_metadata(corpus, tmp_path):
    wh = tmp_path / "wh"
    _run([corpus], wh)
    for p in wh.rglob("*.parquet"):
        meta = pq.read_schema(p).metadata
        assert meta[b"newsnorm.schema_version"] == SCHEMA_VERSION.encode()
    kv = duckdb.sql(f"select distinct value from parquet_kv_metadata('{wh}/articles/**/*.parquet') "
                    "where key = 'newsnorm.schema_version'").fetchall()
    assert kv == [(SCHEMA_VERSION.encode(),)]


def test_older_schema_is_refused_with_a_clear_message(corpus, tmp_path):
    wh = tmp_path / "wh"
    _run([corpus], wh)
    p = Warehouse(wh).path("runs")
    t = pq.read_table(p)
    pq.write_table(t.replace_schema_metadata({b"newsnorm.schema_version": b"0"}), p)
    with pytest.raises(SchemaMismatch, match="schema version 0"):
        _run([corpus], wh)


def test_second_writer_waits_then_gets_a_clear_error(corpus, tmp_path):
    wh = Warehouse(tmp_path / "wh")
    with wh.locked(timeout=1), pytest.raises(WarehouseBusy, match="another newsnorm run"):
        _run([corpus], wh.root, lock_timeout=0.2)


def test_no_temp_files_left_inside_tables(corpus, tmp_path):
    wh = tmp_path / "wh"
    _run([corpus], wh)
    for table in ("articles", "segments", "runs", "quarantine"):
        assert all(p.suffix == ".parquet" for p in (wh / table).rglob("*") if p.is_file())
    assert not list((wh / ".tmp").iterdir())


def test_parts_fill_in_order_and_changes_stay_in_their_part(corpus, tmp_path, monkeypatch):
    import newsnorm.warehouse.store as warehouse

    monkeypatch.setattr(warehouse, "PART_CAPACITY", 2)
    wh = tmp_path / "wh"
    _run([corpus], wh, flush_every=1)
    parts = sorted(p.parent.name for p in (wh / "articles").rglob("*.parquet"))
    assert parts == ["part=000000", "part=000001", "part=000002"]
    sizes = [pq.read_metadata(wh / "articles" / p / "data.parquet").num_rows for p in parts]
    assert sizes == [2, 2, 1]
    before = {p: (wh / "articles" / p / "data.parquet").stat().st_mtime_ns for p in parts}
    changed = corpus / "002_4126e54966a9d0b1.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nOne more closing paragraph for the record.\n")
    _run([corpus], wh)
    after = {p: (wh / "articles" / p / "data.parquet").stat().st_mtime_ns for p in parts}
    assert sum(before[p] != after[p] for p in parts) == 1  # only the part holding the changed article
    arts = duckdb.sql(f"select source_path, part from read_parquet('{wh}/articles/**/*.parquet', "
                      "hive_partitioning=true)").fetchall()
    assert len(arts) == 5 and len({p for p, _ in arts}) == 5


def test_the_column_wise_stored_index_acts_like_a_dict_of_stored():
    """Warehouse.index() holds its rows column-wise; reads, replacements and removals must
    give what the dict of Stored objects it replaced gave."""
    rng = random.Random(3)
    index, ref = StoredIndex(), {}
    flag_sets = [[], ["missing_translation_model"], ["no_title", "spun_text"]]
    for i in range(400):
        path = f"in/{rng.randrange(150):03d}.txt"
        if rng.random() < 0.15:
            assert index.pop(path, None) == ref.pop(path, None)
            continue
        s = Stored(f"id{path[3:6]}", rng.randrange(4), f"sha{i}", rng.choice(["1", "2"]), rng.choice(flag_sets),
                   rng.choice([["en"], ["en", "ko"]]))
        index[path] = ref[path] = s
    assert len(index) == len(ref) and dict(index) == ref and set(index) == set(ref)
    sizes: dict[int, int] = {}
    for s in ref.values():
        sizes[s.part] = sizes.get(s.part, 0) + 1
    assert index.part_sizes() == sizes
    assert index.parts_flagged("missing_translation_model") == \
        {s.part for s in ref.values() if "missing_translation_model" in s.flags}
    some = {s.article_id for s in list(ref.values())[:5]}
    assert index.parts_of(some) == {s.part for s in ref.values() if s.article_id in some}
    assert index.parts_of(some | {"not-indexed"}) == index.parts_of(some) | {None}
    assert index.parts_of(set()) == set()
