"""Persistent translation cache: nothing is translated twice, across runs and processes.

Keyed by (sha256 of the source text, source language, model id), where the model id names
the Argos package(s) and version(s) that made the translation (`translate-vi_en-1_9@1.9`, or
`a@1>b@1` for a pivot), so installing a new package version starts afresh instead of serving
stale text. SQLite, at `<warehouse>/.cache/translations.sqlite`: inside the warehouse folder
but outside every table glob (`<warehouse>/<table>/**/*.parquet`), transactional, and readable
while one writer appends. Workers only read it (`mode=ro`); the flow's own process writes it,
with the entries the workers send back, so the warehouse keeps a single writer.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

CACHE_FILE = Path(".cache") / "translations.sqlite"
_CHUNK = 500  # host parameters per lookup query
_SCHEMA = """
create table if not exists translations (
    text_sha256 text not null,
    lang text not null,
    model text not null,
    text text not null,
    text_en text not null,
    created_at text not null,
    primary key (text_sha256, lang, model)
) without rowid
"""


def _damaged(exc: sqlite3.DatabaseError) -> bool:
    """The file's fault (not a lock, a full disk or a missing table)."""
    text = str(exc)
    return not isinstance(exc, sqlite3.OperationalError) or "malformed" in text or "not a database" in text


class CacheEntry(NamedTuple):
    text_sha256: str
    lang: str
    model: str
    text: str
    text_en: str


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cache_path(warehouse: str | Path) -> Path:
    return Path(warehouse).absolute() / CACHE_FILE


class TranslationCache:
    """Read side, safe in any process: a missing or unreadable cache is an empty one."""

    def __init__(self, path: str | Path | None):
        self.path = Path(path) if path else None

    def _connect_ro(self) -> sqlite3.Connection | None:
        if self.path is None or not self.path.is_file():
            return None
        try:
            return sqlite3.connect(f"{self.path.as_uri()}?mode=ro", uri=True, timeout=30)
        except sqlite3.Error:
            return None

    def lookup(self, lang: str, model: str, texts: Iterable[str]) -> dict[str, str]:
        """text -> cached English, for those of `texts` translated before by this model."""
        by_key = {text_key(t): t for t in texts}
        con = self._connect_ro()
        if con is None or not by_key:
            return {}
        found: dict[str, str] = {}
        keys = list(by_key)
        try:
            with closing(con):
                for i in range(0, len(keys), _CHUNK):
                    chunk = keys[i : i + _CHUNK]
                    rows = con.execute(
                        f"select text_sha256, text_en from translations where lang = ? and model = ? "
                        f"and text_sha256 in ({','.join('?' * len(chunk))})", [lang, model, *chunk]).fetchall()
                    found.update((by_key[k], en) for k, en in rows)
        except sqlite3.Error:  # e.g. no table yet: behave as a cold cache, never fail the batch
            return found
        return found

    def store(self, entries: Iterable[CacheEntry]) -> int:
        """Write side: call only from the process that owns the warehouse. Returns rows added."""
        rows = list(entries)
        if self.path is None or not rows:
            return 0
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return self._store(rows)
        except sqlite3.DatabaseError as exc:
            if not _damaged(exc):
                raise
            self._move_aside()
            return self._store(rows)

    def heal(self) -> str | None:
        """Writer side, at the start of a run: a cache file SQLite cannot read ("file is not a
        database", "malformed") is moved aside, so the run starts a new one instead of
        warning on every run. Returns what was done, for the run's warnings."""
        if self.path is None or not self.path.is_file():
            return None
        try:
            with closing(sqlite3.connect(self.path, timeout=30)) as con:
                con.execute("pragma schema_version").fetchone()
                con.execute("select count(*) from (select 1 from translations limit 1)").fetchone()
            return None
        except sqlite3.DatabaseError as exc:
            if not _damaged(exc):
                return None
            moved = self._move_aside()
            return f"translation cache {self.path} was damaged ({exc}): moved to {moved.name}, starting afresh"

    def _move_aside(self) -> Path:
        assert self.path is not None
        dest = self.path.with_name(f"{self.path.name}.damaged-{datetime.now(UTC):%Y%m%dT%H%M%S%f}")
        self.path.replace(dest)
        return dest

    def _store(self, rows: list[CacheEntry]) -> int:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with closing(sqlite3.connect(self.path, timeout=30)) as con, con:
            con.execute("pragma synchronous = full")
            con.execute(_SCHEMA)
            before = con.total_changes
            con.executemany("insert or ignore into translations values (?, ?, ?, ?, ?, ?)",
                            [(*r, now) for r in rows])
            return con.total_changes - before

    def stats(self) -> dict[str, int]:
        """Entries per model, for `newsnorm doctor`."""
        con = self._connect_ro()
        if con is None:
            return {}
        try:
            with closing(con):
                return dict(con.execute("select model, count(*) from translations group by model").fetchall())
        except sqlite3.Error:
            return {}
