"""The story index on disk, in a folder it is given (the runner gives `wh/.story_index`):

    FOLDER/part-000001.parquet   rows of index entries, append-only, newest wins

A row lists its links to articles indexed before it (each link is saved once, with the
article that made it); the loader makes links symmetric, so parts written when rows
listed both ends load the same. Each save writes one new part with only the rows that
changed (new articles, new links, removals as tombstones), atomically (newsnorm/atomic.py,
through the temp folder it is given). After PARTS_BEFORE_COMPACT parts (or when the
fingerprint rules changed) the live rows are rewritten as one *base* part and the older
parts deleted; a loader starts from the newest base, so a crash between the two steps
loses nothing.

This module knows nothing of the warehouse: reconciling the index with the articles table
is the runner's (runner/stories_sync.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from newsnorm.atomic import atomic_write
from newsnorm.perf.memory import release_memory
from newsnorm.stories.fingerprint import FINGERPRINT_VERSION, N_MINHASH
from newsnorm.stories.index import StoryIndex
from newsnorm.stories.rows import Columns

PARTS_BEFORE_COMPACT = 16
BASE_SLICE = 10_000  # rows of a compacted base built and written at a time
_BASE = b"newsnorm.story_index.base"
_VERSION = b"newsnorm.story_index.version"
# the fingerprint rules, then the part's layout (2: rows carry their outlet); either changed: rebuilt
_FORMAT = f"{FINGERPRINT_VERSION}/2".encode()

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
    ("outlet", pa.string()),
])



# -- parts ----------------------------------------------------------------------------------
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


def _table(index: StoryIndex, docs: list[int], base: bool, meta: dict[bytes, bytes]) -> pa.Table:
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
        "outlet": pa.array(c.outlet, pa.string()),
    }
    return pa.table(cols, schema=PART).replace_schema_metadata({
        **meta, b"newsnorm.table": b"story_index", _VERSION: _FORMAT,
        _BASE: b"1" if base else b"0",
    })


class IndexFolder:
    """The saved index in one folder; temp files go to `tmp` (outside every table glob).

    Parts are never rewritten, so each part's footer is read once per IndexFolder (one per run)."""

    def __init__(self, folder: Path | str, tmp: Path | str, meta: dict[bytes, bytes] | None = None) -> None:
        self.folder = Path(folder)
        self.tmp = Path(tmp)
        self.meta = dict(meta or {})  # more Parquet metadata for every part (the owner's schema version)
        self._part_info: dict[Path, tuple[bool, bool, int]] = {}
        self.rebase = False  # the next save writes a base that supersedes every part (see `discard`)

    def parts(self) -> list[Path]:
        folder = self.folder
        return sorted(folder.glob("part-*.parquet")) if folder.is_dir() else []

    def save(self, index: StoryIndex) -> bool:
        """Write what changed since the last save (or a compacted base). Returns whether anything was written."""
        if not index.dirty:
            return False
        parts = self.parts()
        since_base = self._since_base(parts)
        seq = int(parts[-1].stem.split("-")[1]) + 1 if parts else 1
        dest = self.folder / f"part-{seq:06d}.parquet"
        if self.rebase or self._compact_due(since_base) or not self._compatible(since_base):
            docs = sorted((d for d in range(index.n_docs) if index.is_alive(d)), key=lambda d: index.article_ids[d])
            # a slice of the rows at a time: at 100,000 articles the whole base as one Arrow table
            # (and the columns gathered for it) was the writer's highest peak
            slices = (_table(index, docs[i:i + BASE_SLICE], base=True, meta=self.meta)
                      for i in range(0, max(len(docs), 1), BASE_SLICE))
            _atomic_write(slices, dest, self.tmp)
            for old in parts:
                old.unlink(missing_ok=True)
                self._part_info.pop(old, None)
        else:
            latest = {}
            for d in sorted(index.dirty):
                aid = index.article_ids[d]
                if index.is_alive(d) or aid not in index.doc_of:
                    latest[aid] = d
            rows = [latest[a] for a in sorted(latest)]
            _atomic_write([_table(index, rows, base=False, meta=self.meta)], dest, self.tmp)
        index.dirty = set()
        self.rebase = False
        return True

    def discard(self) -> StoryIndex:
        """The saved index is not to be trusted (a damaged part, or entries that disagree with
        the committed articles): forget every part and start from an empty index, whose first
        save is a base. The owner rebuilds it from the stored articles."""
        for part in self.parts():
            part.unlink(missing_ok=True)
            self._part_info.pop(part, None)
        self.rebase = True
        return StoryIndex()

    def info(self, part: Path) -> tuple[bool, bool, int]:
        """(is a base, written with today's fingerprint rules, rows) of one index part."""
        if part not in self._part_info:
            meta = pq.ParquetFile(part).metadata
            kv = meta.metadata or {}
            self._part_info[part] = (kv.get(_BASE) == b"1", kv.get(_VERSION) == _FORMAT,
                                     meta.num_rows)
        return self._part_info[part]

    def _since_base(self, parts: list[Path]) -> list[Path]:
        for i in range(len(parts) - 1, -1, -1):
            if self.info(parts[i])[0]:
                return parts[i:]
        return parts

    def _compatible(self, parts: list[Path]) -> bool:
        """Parts written with other fingerprint rules cannot be compared with new ones: rebuild instead."""
        return all(self.info(p)[1] for p in parts)

    def _compact_due(self, since_base: list[Path]) -> bool:
        """Many parts, and as many rows since the base as half the base: compaction then costs
        O(rows added since the last one), so a long run does not rewrite the whole index often."""
        if len(since_base) < PARTS_BEFORE_COMPACT:
            return False
        rows = [self.info(p)[2] for p in since_base]
        base = rows[0] if self.info(since_base[0])[0] else 0
        return sum(rows) - base >= base // 2

    def read(self) -> StoryIndex:
        """The index as saved (no reconciliation): newest row per article, tombstones applied.
        A damaged part makes it an empty index to be rebuilt (it is a cache: see `discard`)."""
        try:
            parts = self._since_base(self.parts())
            tables = [pq.read_table(p, schema=PART) for p in parts] if self._compatible(parts) else []
        except (OSError, pa.ArrowException):
            return self.discard()
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
            ("article_id", "content_sha256", "site_name", "title", "published", "first_seen", "flags", "outlet")}
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
