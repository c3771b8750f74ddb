"""The story index on disk, and its reconciliation with the articles table.

    wh/.story_index/part-000001.parquet   rows of index entries, append-only, newest wins
    wh/stories/stories.parquet            the `stories` table (one row per story)

The index folder is hidden and outside every table folder, so no `wh/<table>/**` glob
reads it. A row lists its links to articles indexed before it (each link is saved once,
with the article that made it); the loader makes links symmetric, so parts written when
rows listed both ends load the same. Each save writes one new part with only the rows that changed (new articles,
new links, removals as tombstones), to a temp file in wh/.tmp, fsynced, then renamed.
After PARTS_BEFORE_COMPACT parts (or when the fingerprint rules changed) the live rows
are rewritten as one *base* part and the older parts deleted; a loader starts from the
newest base, so a crash between the two steps loses nothing.

The index is saved before the articles it describes are written. Loading reconciles it
with the articles table, which is the commit record: entries whose article did not land
(or changed since) are dropped, articles the index lacks are indexed from their stored
`text_en`, and stored rows whose story_id or story flags disagree are queued as updates.
So a crash anywhere, an older warehouse without an index, or a deleted index all heal on
the next run.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from newsnorm.atomic import atomic_write, atomic_write_bytes
from newsnorm.document import Article
from newsnorm.perf.memory import release_memory
from newsnorm.stories.fingerprint import FINGERPRINT_VERSION, N_MINHASH
from newsnorm.stories.index import STORY_FLAGS, Columns, StoryIndex, StoryState, entry_for
from newsnorm.warehouse.store import SCHEMA_VERSION, STORIES, Warehouse

INDEX_DIR = ".story_index"
PARTS_BEFORE_COMPACT = 16
BASE_SLICE = 10_000  # rows of a compacted base built and written at a time
_BASE = b"newsnorm.story_index.base"
_VERSION = b"newsnorm.story_index.version"

PART = pa.schema([
    ("article_id", pa.string()),
    ("content_sha256", pa.string()),
    ("removed", pa.bool_()),
    ("site_name", pa.string()),
    ("title", pa.string()),
    ("published", pa.date32()),
    ("first_seen", pa.timestamp("us", tz="UTC")),
    ("flags", pa.list_(pa.string())),
    ("n_words", pa.int32()),
    ("n_shingles", pa.int32()),
    ("keys", pa.list_(pa.uint32())),
    ("weights", pa.list_(pa.uint8())),
    ("minhash", pa.binary(4 * N_MINHASH)),
    ("links", pa.list_(pa.string())),
])



# -- parts ----------------------------------------------------------------------------------
def _parts(root: Path) -> list[Path]:
    folder = root / INDEX_DIR
    return sorted(folder.glob("part-*.parquet")) if folder.is_dir() else []


def _atomic_write(tables: Iterable[pa.Table], dest: Path, tmp_dir: Path) -> None:
    """`tables` (one schema) written in turn to one Parquet file, atomically: only one of
    them need be in memory."""

    def write(tmp: Path) -> None:
        writer = None
        try:
            for table in tables:
                if writer is None:
                    writer = pq.ParquetWriter(tmp, table.schema, compression="zstd")
                writer.write_table(table)
        finally:
            if writer is not None:
                writer.close()

    atomic_write(dest, write, tmp_dir)


def _table(index: StoryIndex, docs: list[int], base: bool) -> pa.Table:
    """These docs' rows, built column-wise. A row lists its links to older docs only: each
    link is then saved once, in the row of the doc that made it (the loader makes links
    symmetric, and also reads parts written when rows listed both ends)."""
    c = index.to_columns(docs)
    ids = index.article_ids
    n = len(docs)
    offsets = pa.array(np.asarray(c.key_offsets, np.int32))
    minhash = np.ascontiguousarray(c.minhash, dtype="<u4")
    cols = {
        "article_id": pa.array(c.article_id, pa.string()), "content_sha256": pa.array(c.content_sha256, pa.string()),
        "removed": pa.array([not index.is_alive(d) for d in docs], pa.bool_()),
        "site_name": pa.array(c.site_name, pa.string()), "title": pa.array(c.title, pa.string()),
        "published": pa.array(c.published, pa.date32()),
        "first_seen": pa.array(c.first_seen, pa.timestamp("us", tz="UTC")),
        "flags": pa.array(c.flags, pa.list_(pa.string())),
        "n_words": pa.array(c.n_words, pa.int32()), "n_shingles": pa.array(c.n_shingles, pa.int32()),
        "keys": pa.ListArray.from_arrays(offsets, pa.array(c.keys, pa.uint32())),
        "weights": pa.ListArray.from_arrays(offsets, pa.array(c.steps, pa.uint8())),
        "minhash": pa.FixedSizeBinaryArray.from_buffers(pa.binary(4 * N_MINHASH), n,
                                                        [None, pa.py_buffer(minhash.tobytes())]),
        "links": pa.array([sorted(ids[o] for o in index.down_links(d)) for d in docs], pa.list_(pa.string())),
    }
    return pa.table(cols, schema=PART).replace_schema_metadata({
        b"newsnorm.table": b"story_index", b"newsnorm.schema_version": SCHEMA_VERSION.encode(),
        _VERSION: FINGERPRINT_VERSION.encode(), _BASE: b"1" if base else b"0",
    })


def save(index: StoryIndex, root: Path) -> bool:
    """Write what changed since the last save (or a compacted base). Returns whether anything was written."""
    root = Path(root)
    if not index.dirty:
        return False
    parts = _parts(root)
    since_base = _since_base(parts)
    seq = int(parts[-1].stem.split("-")[1]) + 1 if parts else 1
    dest = root / INDEX_DIR / f"part-{seq:06d}.parquet"
    if _compact_due(since_base) or not _compatible(since_base):
        docs = sorted((d for d in range(index.n_docs) if index.is_alive(d)), key=lambda d: index.article_ids[d])
        # a slice of the rows at a time: at 100,000 articles the whole base as one Arrow table
        # (and the columns gathered for it) was the writer's highest peak
        slices = (_table(index, docs[i:i + BASE_SLICE], base=True) for i in range(0, max(len(docs), 1), BASE_SLICE))
        _atomic_write(slices, dest, root / ".tmp")
        for old in parts:
            old.unlink(missing_ok=True)
            _PART_INFO.pop(old, None)
    else:
        latest = {}
        for d in sorted(index.dirty):
            aid = index.article_ids[d]
            if index.is_alive(d) or aid not in index.doc_of:
                latest[aid] = d
        _atomic_write([_table(index, [latest[a] for a in sorted(latest)], base=False)], dest, root / ".tmp")
    index.dirty = set()
    return True


_PART_INFO: dict[Path, tuple[bool, bool, int]] = {}  # parts are never rewritten: read each footer once


def _info(part: Path) -> tuple[bool, bool, int]:
    """(is a base, written with today's fingerprint rules, rows) of one index part."""
    if part not in _PART_INFO:
        meta = pq.ParquetFile(part).metadata
        kv = meta.metadata or {}
        _PART_INFO[part] = (kv.get(_BASE) == b"1", kv.get(_VERSION) == FINGERPRINT_VERSION.encode(), meta.num_rows)
    return _PART_INFO[part]


def _since_base(parts: list[Path]) -> list[Path]:
    for i in range(len(parts) - 1, -1, -1):
        if _info(parts[i])[0]:
            return parts[i:]
    return parts


def _compatible(parts: list[Path]) -> bool:
    """Parts written with other fingerprint rules cannot be compared with new ones: rebuild instead."""
    return all(_info(p)[1] for p in parts)


def _compact_due(since_base: list[Path]) -> bool:
    """Many parts, and as many rows since the base as half the base: compaction then costs
    O(rows added since the last one), so a long run does not rewrite the whole index often."""
    if len(since_base) < PARTS_BEFORE_COMPACT:
        return False
    rows = [_info(p)[2] for p in since_base]
    base = rows[0] if _info(since_base[0])[0] else 0
    return sum(rows) - base >= base // 2


def _links(table: pa.Table) -> tuple[np.ndarray, np.ndarray]:
    """Part rows' links as (doc, linked doc) arrays (row i is doc i): mapped in Arrow, so a
    large index never holds its links as Python strings."""
    links = table.column("links")
    lengths = pc.list_value_length(links).fill_null(0).to_numpy()
    target = pc.index_in(pc.list_flatten(links), value_set=table.column("article_id")).fill_null(-1).to_numpy()
    owner = np.repeat(np.arange(table.num_rows, dtype=np.int32), lengths)  # int32: millions of links at 100,000
    known = target >= 0  # links to articles no longer indexed are dropped
    return owner[known], target[known].astype(np.int32)


def _columns(table: pa.Table) -> Columns:
    """Part rows (row i becomes doc i), read column-wise."""
    n = table.num_rows
    keys = table.column("keys")
    lengths = pc.list_value_length(keys).fill_null(0).to_numpy()
    mh = table.column("minhash").combine_chunks()
    minhash = np.frombuffer(mh.buffers()[1], dtype="<u4", count=n * N_MINHASH,
                            offset=mh.offset * 4 * N_MINHASH).reshape(n, N_MINHASH) if n else \
        np.empty((0, N_MINHASH), np.uint32)
    cols = {c: table.column(c).to_pylist() for c in
            ("article_id", "content_sha256", "site_name", "title", "published", "first_seen", "flags")}
    columns = Columns(
        **cols, n_words=table.column("n_words").to_numpy(zero_copy_only=False),
        n_shingles=table.column("n_shingles").to_numpy(zero_copy_only=False),
        key_offsets=np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64),
        keys=pc.list_flatten(keys).to_numpy().astype(np.uint32),
        steps=pc.list_flatten(table.column("weights")).to_numpy().astype(np.uint8),
        minhash=minhash.astype(np.uint32),
    )
    columns.flags = [f or [] for f in columns.flags]
    return columns


def read_index(root: Path) -> StoryIndex:
    """The index as saved (no reconciliation): newest row per article, tombstones applied."""
    parts = _since_base(_parts(Path(root)))
    tables = [pq.read_table(p, schema=PART) for p in parts] if _compatible(parts) else []
    if not tables:
        return StoryIndex()
    table = pa.concat_tables(tables)
    del tables
    last = {a: i for i, a in enumerate(table.column("article_id").to_pylist())}
    removed = table.column("removed").to_numpy(zero_copy_only=False)
    keep = sorted(i for i in last.values() if not removed[i])
    del last
    if len(keep) < table.num_rows:  # superseded rows or tombstones: else the rows are used as they are
        table = table.take(pa.array(keep, pa.int64()))
    src, dst = _links(table)
    table = table.drop_columns(["links"])  # millions of strings at 100,000 articles: gone before the rest is read
    columns = _columns(table)
    del table  # the columns are copies: the Arrow table can go
    index = StoryIndex.from_columns(columns, src, dst)  # consumes the columns
    release_memory()  # the load's temporaries were several times the index (see memory.py)
    return index


# -- reconciliation -------------------------------------------------------------------------
def load(wh: Warehouse) -> StoryIndex:
    """The saved index, brought in line with the articles table (see the module docstring)."""
    index = read_index(wh.root)
    stored = wh.read("articles", columns=["article_id", "content_sha256", "story_id", "flags"])
    sha = dict(zip(stored.column("article_id").to_pylist(), stored.column("content_sha256").to_pylist(),
                   strict=True))
    for aid in [a for a, d in index.doc_of.items() if sha.get(a) != index.sha_of(d)]:
        index.remove(aid)
    missing = sorted(set(sha) - set(index.doc_of))
    if missing:
        for art, seen in _stored_articles(wh, missing):
            index.add(entry_for(art, seen))
    for aid, sid, flags in zip(stored.column("article_id").to_pylist(), stored.column("story_id").to_pylist(),
                               stored.column("flags").to_pylist(), strict=True):
        index.set_written(aid, StoryState(sid or "", frozenset(set(flags or []) & STORY_FLAGS)))
    index.touched = set(index.doc_of.values())
    index.sync()
    return index


def _stored_articles(wh: Warehouse, ids: list[str]) -> list[tuple[Article, datetime]]:
    cols = ["article_id", "content_sha256", "title", "site_name", "published", "text_en", "flags", "ingested_at"]
    t = wh.read("articles", columns=cols)
    t = t.filter(pc.is_in(t.column("article_id"), value_set=pa.array(ids, pa.string())))
    out = []
    for r in t.to_pylist():
        art = Article(article_id=r["article_id"], source_path="", content_sha256=r["content_sha256"], segments=[],
                      title=r["title"], site_name=r["site_name"], published=r["published"],
                      text_en=r["text_en"] or "", flags=list(r["flags"] or []))
        out.append((art, r["ingested_at"] or datetime.now(UTC)))
    return sorted(out, key=lambda x: x[0].article_id)


# -- the stories table ----------------------------------------------------------------------
def stories_table(index: StoryIndex) -> pa.Table:
    """One row per story, built column-wise (at 100,000 articles a dict per row was a peak)."""
    cols: dict[str, list] = {name: [] for name in STORIES.names}
    for story_id, docs in sorted((index.story_id_of(docs[0]), docs) for docs in index.components().values()):
        cols["story_id"].append(story_id)
        for name, value in index.story_row(docs).items():
            cols[name].append(value)
        cols["article_ids"].append(sorted(index.article_ids[d] for d in docs))
    return pa.table({f.name: pa.array(cols[f.name], f.type) for f in STORIES}, schema=STORIES)


# -- the run's entry points -----------------------------------------------------------------
_LOADED: weakref.WeakKeyDictionary[Warehouse, StoryIndex] = weakref.WeakKeyDictionary()


_STORIES_AT: weakref.WeakKeyDictionary[Warehouse, float] = weakref.WeakKeyDictionary()
STORIES_EVERY_S = 30.0  # the stories table is rebuilt whole: during a run, at most this often


def index_for(wh: Warehouse) -> StoryIndex:
    """The reconciled index of this warehouse, loaded once per Warehouse object (one per run)."""
    if wh not in _LOADED:
        index = load(wh)
        path, parts = wh.path("stories"), _parts(wh.root)
        # an index part newer than the stories table: a run died between the two writes
        index.stories_stale = not path.exists() or bool(parts) and parts[-1].stat().st_mtime > path.stat().st_mtime
        _LOADED[wh] = index
    return _LOADED[wh]


def prepare(wh: Warehouse, articles: list[Article]) -> None:
    """Before a batch is written: set story_id and story flags, save the index and the stories table."""
    index = index_for(wh)
    index.assign(articles)
    _save(wh, index)


def settle(wh: Warehouse, final: bool = False) -> None:
    """After a batch is written (and, `final`, at the end of a run): relabel stored articles
    whose story changed; save the index, and the stories table when due.

    A final settle of a run that wrote nothing is skipped when the warehouse is as the last
    completed run left it (see `_settled`): an unchanged re-run never loads the index.
    """
    if final and wh not in _LOADED and _settled(wh):
        return
    index = index_for(wh)
    updates = dict(index.pending)
    if updates:
        wh.update_story_fields({a: (s.story_id, sorted(s.flags)) for a, s in updates.items()}, STORY_FLAGS)
        index.mark_written(updates)
    _save(wh, index, final)
    if final:
        _mark_settled(wh)


_SETTLED = "settled"


def _state(wh: Warehouse) -> tuple[str, int]:
    """The files a settle depends on: their names, and the newest modification time."""
    files = [*(wh.path("articles", p) for p in wh.parts()), *_parts(wh.root), wh.path("stories")]
    present = [f for f in files if f.exists()]
    names = "\n".join(str(f.relative_to(wh.root)) for f in present)
    return names, max((f.stat().st_mtime_ns for f in present), default=0)


def _settled(wh: Warehouse) -> bool:
    """True when a completed run's final settle was the last write: the marker it left names
    the same files, and is strictly newer than each (a coarse clock errs towards loading)."""
    marker = wh.root / INDEX_DIR / _SETTLED
    try:
        names, newest = _state(wh)
        return marker.read_text() == names and marker.stat().st_mtime_ns > newest
    except OSError:
        return False


def _mark_settled(wh: Warehouse) -> None:
    atomic_write_bytes(wh.root / INDEX_DIR / _SETTLED, _state(wh)[0].encode(), wh.root / ".tmp", durable=False)


def _save(wh: Warehouse, index: StoryIndex, final: bool = False) -> None:
    """Save the index's changes; rebuild the stories table at the end of a run, and during
    one at most every STORIES_EVERY_S (it is O(all stories); a crash meanwhile leaves it
    behind the articles table until the next run, which finds that out and rebuilds it)."""
    if save(index, wh.root):
        index.stories_stale = True
    last = _STORIES_AT.get(wh)
    if not final and last is not None and time.monotonic() - last < STORIES_EVERY_S:
        return
    path = wh.path("stories")
    if index.stories_stale or not path.exists() or pq.ParquetFile(path).metadata.num_rows != len(index.components()):
        wh.write_stories(stories_table(index))
        index.stories_stale = False
    _STORIES_AT[wh] = time.monotonic()
