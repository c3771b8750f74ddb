"""The story index's rows and posting lists in one SQLite file: memory bounded by its page cache.

    docs(doc, article_id, mass, suffix, n_shingles, n_words, fp, minhash)   one row per article
    feat(key, first, docs), feat_tail(key, docs)   the docs filed under each feature key (an
                     article's prefix keys: candidates.py), as packed int32 blobs
    slot(key, first, docs), slot_tail(key, docs)   the same for MinHash slot keys (copies)
    link(hi, lo)     same-story links, each once, from the newer doc to the older

A posting list is full chunks of CHUNK docs plus one open tail, clustered on the key (WITHOUT
ROWID): a lookup is a B-tree seek per key and a read of packed blobs, so a list of a million
docs costs a few hundred rows, not a million (a row per posting made fetching rows the
index's cost). Docs filed since the last commit wait in memory and are appended to the tails
at the commit (one read and one write per key touched). SQLite
(standard library) is the embedded database: a transaction is atomic and survives kill -9
(write-ahead log), so the file is always as of the last commit. This module only stores and
reads; what is filed where, and the decisions, are the index's (disk/index.py).
"""

from __future__ import annotations

import sqlite3
from array import array
from pathlib import Path

import numpy as np

from newsnorm.stories.fingerprint import N_MINHASH

SCHEMA = """
create table if not exists docs (
    doc integer primary key, article_id text not null, mass integer not null, suffix integer not null,
    n_shingles integer not null, n_words integer not null, fp blob not null, minhash blob not null);
create index if not exists docs_article on docs(article_id);
create table if not exists feat (key integer, first integer, docs blob not null,
                                 primary key (key, first)) without rowid;
create table if not exists feat_tail (key integer primary key, docs blob not null) without rowid;
create table if not exists slot (key integer, first integer, docs blob not null,
                                 primary key (key, first)) without rowid;
create table if not exists slot_tail (key integer primary key, docs blob not null) without rowid;
create table if not exists link (hi integer not null, lo integer not null, primary key (hi, lo)) without rowid;
"""
CACHE_MIB = 32      # SQLite's page cache: the bound on what the file costs in memory
MAX_PARAMS = 30000  # SQLite's limit on host parameters per statement is 32766
CHUNK = 1024        # docs per full chunk of a posting list (a 4 KiB blob; an open tail is rewritten per commit)
FLUSH_KEYS = 2048   # tails read and rewritten at a time by a commit: at most 8 MiB of them in memory
_TABLES = ("feat", "slot")


class IndexDB:
    """One index file. Writes go into the open transaction until `commit`."""

    def __init__(self, path: Path | str, cache_mib: int = CACHE_MIB) -> None:
        self.path = Path(path)
        self.con = sqlite3.connect(self.path, isolation_level=None)
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", f"cache_size={-cache_mib * 1024}",
                       "mmap_size=0", "temp_store=FILE"):
            self.con.execute(f"pragma {pragma}")
        self.con.executescript(SCHEMA)
        self._in_tx = False
        self._pending: dict[str, dict[int, array]] = {t: {} for t in _TABLES}  # filed since the last commit

    def close(self) -> None:
        self.commit()
        self.con.close()

    def _begin(self) -> None:
        if not self._in_tx:
            self.con.execute("begin")
            self._in_tx = True

    def commit(self) -> None:
        """Append the docs filed since the last commit to their lists' tails, then commit all."""
        if not self._in_tx:
            return
        for table in _TABLES:
            self._flush(table)
        self.con.execute("commit")
        self._in_tx = False

    def _flush(self, table: str) -> None:
        pending, self._pending[table] = self._pending[table], {}
        keys = sorted(pending)
        con = self.con
        for lo in range(0, len(keys), FLUSH_KEYS):
            chunk = keys[lo:lo + FLUSH_KEYS]
            tails = dict(con.execute(f"select key, docs from {table}_tail where key in "
                                     f"({','.join('?' * len(chunk))})", chunk).fetchall())
            full, rest = [], []
            for k in chunk:
                docs = tails.get(k, b"") + pending[k].tobytes()
                n = len(docs) // 4
                cut = n - n % CHUNK
                for s in range(0, cut, CHUNK):
                    piece = docs[4 * s:4 * (s + CHUNK)]
                    full.append((k, int.from_bytes(piece[:4], "little", signed=True), piece))
                rest.append((k, docs[4 * cut:]))
            con.executemany(f"insert into {table} values (?, ?, ?)", full)
            con.executemany(f"insert or replace into {table}_tail values (?, ?)", rest)

    # -- writing -------------------------------------------------------------------------
    def insert(self, doc: int, article_id: str, mass: int, suffix: int, n_shingles: int, n_words: int,
               keys: np.ndarray, steps: np.ndarray, minhash: np.ndarray, feat: np.ndarray, slots: np.ndarray,
               links: list[int]) -> None:
        """One article's row, its postings and its links to older docs."""
        self._begin()
        con = self.con
        fp = np.ascontiguousarray(keys, "<u4").tobytes() + np.ascontiguousarray(steps, np.uint8).tobytes()
        con.execute("insert into docs values (?, ?, ?, ?, ?, ?, ?, ?)",
                    (doc, article_id, mass, suffix, n_shingles, n_words, fp,
                     np.ascontiguousarray(minhash, "<u4").tobytes()))
        for table, keys_ in (("feat", feat), ("slot", slots)):
            pending = self._pending[table]
            for k in keys_.tolist():
                posting = pending.get(k)
                if posting is None:
                    posting = pending[k] = array("i")
                posting.append(doc)
        con.executemany("insert or ignore into link values (?, ?)", ((doc, o) for o in links))

    # -- reading -------------------------------------------------------------------------
    def n_docs(self) -> int:
        return int(self.con.execute("select coalesce(max(doc) + 1, 0) from docs").fetchone()[0])

    def postings(self, table: str, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(key, doc) of every posting of these keys in `feat` or `slot`, committed or not."""
        assert table in _TABLES
        ks: list[int] = []
        blobs: list[bytes] = []
        values = keys.tolist()
        for lo in range(0, len(values), MAX_PARAMS):
            chunk = values[lo:lo + MAX_PARAMS]
            marks = ",".join("?" * len(chunk))
            for k, blob in self.con.execute(f"select key, docs from {table} where key in ({marks}) union all "
                                            f"select key, docs from {table}_tail where key in ({marks})",
                                            chunk + chunk):
                ks.append(k)
                blobs.append(blob)
        pending = self._pending[table]
        for k in values:
            extra = pending.get(k)
            if extra:
                ks.append(k)
                blobs.append(extra.tobytes())
        if not ks:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        lengths = np.fromiter((len(b) // 4 for b in blobs), np.int64, len(blobs))
        docs = np.frombuffer(b"".join(blobs), "<i4").astype(np.int64)
        return np.repeat(np.array(ks, np.int64), lengths), docs

    def _rows(self, columns: str, docs: np.ndarray) -> list[tuple]:
        """Rows of these docs (sorted unique doc numbers), in doc order."""
        out: list[tuple] = []
        values = docs.tolist()
        for lo in range(0, len(values), MAX_PARAMS):
            chunk = values[lo:lo + MAX_PARAMS]
            out += self.con.execute(f"select {columns} from docs where doc in ({','.join('?' * len(chunk))}) "
                                    "order by doc", chunk).fetchall()
        return out

    def all_bounds(self, chunk: int = 1 << 16):
        """(mass, suffix, shingle count) of every doc in doc order, a chunk at a time."""
        cur = self.con.execute("select mass, suffix, n_shingles from docs order by doc")
        while rows := cur.fetchmany(chunk):
            arr = np.array(rows, np.int64)
            yield arr[:, 0], arr[:, 1], arr[:, 2]

    def bounds(self, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(mass, suffix weight, shingle count) of these docs (sorted, unique), as the filters need them."""
        rows = self._rows("mass, suffix, n_shingles", docs)
        arr = np.array(rows, np.int64).reshape(-1, 3)
        return arr[:, 0], arr[:, 1], arr[:, 2]

    def fingerprints(self, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                                                      np.ndarray, np.ndarray]:
        """Column-wise fingerprints of these docs (sorted, unique): keys and steps concatenated,
        lengths, masses (weight steps), MinHash rows, shingle counts."""
        rows = self._rows("fp, minhash, mass, n_shingles", docs)
        lengths = np.array([len(r[0]) // 5 for r in rows], np.int64)
        keys = np.concatenate([np.frombuffer(r[0], "<u4", count=n) for r, n in zip(rows, lengths, strict=True)]
                              + [np.empty(0, np.uint32)]).astype(np.uint32)
        steps = np.concatenate([np.frombuffer(r[0], np.uint8, offset=4 * n) for r, n in
                                zip(rows, lengths, strict=True)] + [np.empty(0, np.uint8)])
        minhash = np.frombuffer(b"".join(r[1] for r in rows), "<u4").reshape(-1, N_MINHASH).astype(np.uint32)
        masses = np.array([r[2] for r in rows], np.int64)
        shingles = np.array([r[3] for r in rows], np.int64)
        return keys, steps, lengths, masses, minhash, shingles

    def article_id(self, doc: int) -> str:
        return self.con.execute("select article_id from docs where doc = ?", (doc,)).fetchone()[0]

    def doc_of(self, article_id: str) -> int | None:
        row = self.con.execute("select max(doc) from docs where article_id = ?", (article_id,)).fetchone()
        return None if row[0] is None else int(row[0])

    def links(self, chunk: int = 1 << 16):
        """Every link as (hi, lo) arrays, a chunk at a time."""
        cur = self.con.execute("select hi, lo from link")
        while rows := cur.fetchmany(chunk):
            arr = np.array(rows, np.int64)
            yield arr[:, 0], arr[:, 1]

    def docs_by_article_id(self, chunk: int = 1 << 16):
        """Doc numbers in article_id order, a chunk at a time."""
        cur = self.con.execute("select doc from docs order by article_id, doc")
        while rows := cur.fetchmany(chunk):
            yield np.array(rows, np.int64).reshape(-1)
