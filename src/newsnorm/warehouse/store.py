"""The Parquet warehouse: schemas, atomic copy-on-write parts, index of what is stored, lock.

Layout (the stable names below are what a `wh/<table>/**/*.parquet` glob reads between runs;
during a run, read the published snapshot: newsnorm.warehouse.query, published.py):

    wh/articles/part=NNNNNN/data.parquet   articles in ingestion order, PART_CAPACITY per part
    wh/segments/part=NNNNNN/data.parquet   the segments of the same articles
    wh/runs/runs.parquet                   one row per run
    wh/quarantine/quarantine.parquet       inputs that could not be processed
    wh/stories/stories.parquet             one row per story (schema and rows: newsnorm.stories.table)
    wh/.story_index/                       the story index (not a table; newsnorm.stories.store)
    wh/.cache/translations.sqlite          translation cache (not a table; translation_cache.py)
    wh/.tmp/                               temporary files (never *.parquet, outside the tables)
    wh/.lock                               held by the one run that writes
    wh/.manifest.json                      every table file as committed: size, SHA-256 (manifest.py)
    wh/.snapshot.json, wh/.versions/       the read snapshot: immutable versions of the table files (published.py)

Table files are only ever created or replaced, never deleted. A write goes to .tmp, is
fsynced and renamed over the old file (os.replace), so a reader that opens a file once sees
the old or the new file, never a half-written one. New
articles fill the newest part, then open the next; a changed article is replaced inside
the part that holds it (copy-on-write of that one part). So a run rewrites the open
part and the parts of changed articles, never the whole warehouse. Segments are written
before articles: the articles row (with its content hash) is the commit record, so a
crash in between leaves an article that the next run redoes. Every public write ends by
publishing a new read snapshot (published.py), so readers of the snapshot never see a part
half-replaced or mid-write.

Every replace is first recorded in the manifest (manifest.py); runs start by checking the files
against it (check.py), so damage stops a run with one line instead of being papered over.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from filelock import FileLock, Timeout

from newsnorm import PIPELINE_VERSION
from newsnorm.atomic import atomic_write
from newsnorm.document import Article, Quarantined
from newsnorm.reasons import render
from newsnorm.warehouse import check, committed, migrate
from newsnorm.warehouse.check import WarehouseDamaged
from newsnorm.warehouse.manifest import Manifest, file_state
from newsnorm.warehouse.published import Publisher
from newsnorm.warehouse.stored import Stored, StoredIndex  # noqa: F401  (Stored: part of this module's API)

# 2: articles.url, source_record, fetched_at; quarantine.source_record; 3: stories.last_published,
# n_outlets; 4: articles.record_sha256, runs.records_read, records_unchanged (migrate.py)
SCHEMA_VERSION = "4"
PART_CAPACITY = 2000

ARTICLES = pa.schema([
    ("article_id", pa.string()),
    ("source_path", pa.string()),
    ("source_record", pa.int64()),  # line, byte offset or row inside a container; null for a one-article file
    ("url", pa.string()),
    ("fetched_at", pa.timestamp("us", tz="UTC")),
    ("content_sha256", pa.string()),
    ("record_sha256", pa.string()),  # a container record's content and fields; null for a one-article file
    ("title", pa.string()),
    ("site_name", pa.string()),
    ("author", pa.string()),
    ("published", pa.date32()),
    ("dateline", pa.string()),
    ("primary_lang", pa.string()),
    ("langs", pa.list_(pa.string())),
    ("text_en", pa.string()),
    ("n_segments", pa.int32()),
    ("n_foreign", pa.int32()),
    ("n_translated", pa.int32()),
    ("n_boilerplate", pa.int32()),
    ("story_id", pa.string()),
    ("flags", pa.list_(pa.string())),
    ("run_id", pa.string()),
    ("ingested_at", pa.timestamp("us", tz="UTC")),
    ("pipeline_version", pa.string()),
])

SEGMENTS = pa.schema([
    ("article_id", pa.string()),
    ("seq", pa.int32()),
    ("line_start", pa.int32()),
    ("role", pa.string()),
    ("role_reason", pa.string()),
    ("text", pa.string()),
    ("lang", pa.string()),
    ("lang_prob", pa.float64()),
    ("text_en", pa.string()),
    ("translation_source", pa.string()),
    ("translation_status", pa.string()),
    ("pair_seq", pa.int32()),
])

RUNS = pa.schema([
    ("run_id", pa.string()),
    ("started_at", pa.timestamp("us", tz="UTC")),
    ("finished_at", pa.timestamp("us", tz="UTC")),
    ("status", pa.string()),
    ("inputs", pa.list_(pa.string())),
    ("files_seen", pa.int64()),
    ("files_written", pa.int64()),
    ("files_unchanged", pa.int64()),
    ("files_quarantined", pa.int64()),
    ("files_failed", pa.int64()),
    ("records_read", pa.int64()),  # records of containers read (WARC requests and the like not counted)
    ("records_unchanged", pa.int64()),  # of them, skipped: stored as they are
    ("segments_written", pa.int64()),
    ("lines_langid", pa.int64()),
    ("lines_langdetect", pa.int64()),
    ("translations", pa.string()),  # JSON: counts by translation source
    ("translator_packages", pa.list_(pa.string())),
    ("warnings", pa.list_(pa.string())),
    ("pipeline_version", pa.string()),
])

QUARANTINE = pa.schema([
    ("source_path", pa.string()),
    ("source_record", pa.int64()),
    ("sha256", pa.string()),
    ("size", pa.int64()),
    ("error", pa.string()),
    ("run_id", pa.string()),
    ("quarantined_at", pa.timestamp("us", tz="UTC")),
])

# Every table's name; None: a table the warehouse stores as it is handed (`ensure_table`,
# `write_table`), its schema owned by the code that builds it (the stories table).
TABLES: dict[str, pa.Schema | None] = {
    "articles": ARTICLES, "segments": SEGMENTS, "runs": RUNS, "quarantine": QUARANTINE, "stories": None,
}


class WarehouseBusy(RuntimeError):
    """Another run holds the warehouse lock."""


class SchemaMismatch(RuntimeError):
    """The warehouse was written by an incompatible version of newsnorm."""


def _with_meta(schema: pa.Schema, table: str) -> pa.Schema:
    return schema.with_metadata({
        b"newsnorm.table": table.encode(),
        b"newsnorm.schema_version": SCHEMA_VERSION.encode(),
    })


def article_rows(articles: Iterable[Article], run_id: str, now: datetime) -> tuple[pa.Table, pa.Table]:
    a_cols: dict[str, list] = {f.name: [] for f in ARTICLES}
    s_cols: dict[str, list] = {f.name: [] for f in SEGMENTS}
    for art in articles:
        segs = art.segments
        row = {
            "article_id": art.article_id, "source_path": art.source_path, "source_record": art.source_record,
            "url": art.url, "fetched_at": art.fetched_at, "content_sha256": art.content_sha256,
            "record_sha256": art.record_sha256, "title": art.title, "site_name": art.site_name,
            "author": art.author, "published": art.published,
            "dateline": art.dateline, "primary_lang": art.primary_lang, "langs": art.langs, "text_en": art.text_en,
            "n_segments": len(segs),
            "n_foreign": sum(1 for s in segs if s.lang not in ("en", "und")),
            "n_translated": sum(1 for s in segs if s.translation_status in ("translated", "publisher")),
            "n_boilerplate": sum(1 for s in segs if s.role == "boilerplate"),
            "story_id": art.story_id, "flags": art.flags, "run_id": run_id, "ingested_at": now,
            "pipeline_version": PIPELINE_VERSION,
        }
        for k, v in row.items():
            a_cols[k].append(v)
        for s in segs:
            for k, v in (
                ("article_id", art.article_id), ("seq", s.seq), ("line_start", s.line_start), ("role", s.role),
                ("role_reason", render(s.reason)), ("text", s.text), ("lang", s.lang), ("lang_prob", s.lang_prob),
                ("text_en", s.text_en), ("translation_source", s.translation_source),
                ("translation_status", s.translation_status), ("pair_seq", s.pair_seq),
            ):
                s_cols[k].append(v)
    return pa.table(a_cols, schema=ARTICLES), pa.table(s_cols, schema=SEGMENTS)


class Warehouse:
    def __init__(self, root: Path | str):
        self.root = Path(root).absolute()
        self.tmp = self.root / ".tmp"
        self._index: StoredIndex | None = None  # source_path -> Stored
        self._manifest: Manifest | None = None
        self.damaged_derived: set[str] = set()  # derived tables found changed at init: their owners rebuild them
        self._publisher: Publisher | None = None  # the read snapshot (published.py), made under the lock

    # -- files -------------------------------------------------------------------------
    def path(self, table: str, part: int | None = None) -> Path:
        if part is None:
            return self.root / table / f"{table}.parquet"
        return self.root / table / f"part={part:06d}" / "data.parquet"

    def parts(self) -> list[int]:
        d = self.root / "articles"
        return sorted(int(p.name[5:]) for p in d.glob("part=*") if p.name[5:].isdigit()) if d.is_dir() else []

    def _paths(self, table: str) -> list[Path]:
        if table in ("articles", "segments"):
            return [self.path(table, p) for p in self.parts()]
        return [self.path(table)]

    def init(self) -> list[str]:
        """Check the files against the manifest, then create the folders and a zero-row file per
        table so every reader works from day one. Returns notes for the run's warnings;
        raises WarehouseDamaged for damage only `newsnorm repair` may fix."""
        self.root.mkdir(parents=True, exist_ok=True)
        self.tmp.mkdir(exist_ok=True)
        for stale in self.tmp.iterdir():  # leftovers of a crashed write; never part of a table
            if stale.is_file() or stale.is_symlink():
                stale.unlink(missing_ok=True)
        notes = self._open_manifest()
        for table, schema in TABLES.items():
            if schema is None:  # handed in: its owner calls ensure_table
                continue
            paths = self._paths(table) or [self.path(table, 0) if table in ("articles", "segments") else None]
            for p in paths:
                if p.exists():
                    self._check_schema(p, table)
                else:
                    self._write(p, schema.empty_table(), table)
        self.file_manifest().save(self.tmp)
        publisher = self.publisher()
        publisher.drop_unpublished()
        publisher.publish(check.table_files(self.root))
        return notes

    def publisher(self) -> Publisher:
        """The writer's side of the read snapshot (published.py); only the lock holder publishes."""
        if self._publisher is None:
            self._publisher = Publisher(self.root)
        return self._publisher

    def _publish(self) -> None:
        """Called at the end of every public write: the files now form one committed state."""
        if self._publisher is not None and self._publisher.dirty:
            self._publisher.publish()

    def precheck(self) -> None:
        """The run's start check, early and only reading (committed.precheck)."""
        committed.precheck(self)

    def file_manifest(self) -> Manifest:
        """The committed record of table files (manifest.py)."""
        if self._manifest is None:
            self._open_manifest()
        return self._manifest  # type: ignore[return-value]

    def _open_manifest(self) -> list[str]:
        """Load and verify the manifest, or build one (committed.open_manifest)."""
        return committed.open_manifest(self)

    def ensure_table(self, name: str, schema: pa.Schema) -> None:
        """A whole-file table whose schema its owner hands in: checked if present, else created empty."""
        p = self.path(name)
        if p.exists():
            self._check_schema(p, name, schema)
        else:
            self._write(p, schema.empty_table(), name)
            self._publish()

    def _check_schema(self, p: Path, table: str, expected: pa.Schema | None = None) -> None:
        """Refuse, with a message, anything this version would misread."""
        expected = expected or TABLES[table]
        schema = pq.read_schema(p)
        version = (schema.metadata or {}).get(b"newsnorm.schema_version", b"?").decode()
        if version != SCHEMA_VERSION and expected is not None \
                and migrate.can_upgrade(version, table, schema.names, expected):
            old = pq.read_table(p).replace_schema_metadata(None)
            self._write(p, migrate.upgrade(old, table, version, expected), table)
            return
        if version != SCHEMA_VERSION:
            raise SchemaMismatch(
                f"{p} has schema version {version}, this newsnorm writes version {SCHEMA_VERSION}: "
                f"write to a new --warehouse, or rebuild this one from its inputs"
            )
        if expected is not None and schema.names != expected.names:
            raise SchemaMismatch(f"{p} has columns {schema.names}, expected {expected.names}: "
                                 f"the file was not written by this version of newsnorm")

    def _write(self, dest: Path, table: pa.Table, name: str) -> None:
        """Atomic replace, recorded in the manifest before it happens (see manifest.py)."""
        table = table.cast(_with_meta(TABLES.get(name) or table.schema, name))
        manifest = self.file_manifest()
        rel = dest.relative_to(self.root).as_posix()
        state = None

        def write(tmp: Path) -> None:
            nonlocal state
            pq.write_table(table, tmp, compression="zstd", row_group_size=64 * 1024)
            state = file_state(tmp)
            manifest.expect(rel, state, self.tmp)

        atomic_write(dest, write, self.tmp)
        manifest.committed(rel, state)
        if self._publisher is not None:
            self._publisher.dirty.add(rel)

    def _read_file(self, path: Path, columns: list[str] | None) -> pa.Table:
        try:
            return pq.read_table(path, columns=columns)
        except (OSError, pa.ArrowException) as exc:  # a file damaged after the run's start check
            rel = path.relative_to(self.root).as_posix()
            raise WarehouseDamaged(self.root, [check.Problem("unreadable", rel, str(exc).splitlines()[0])]) from exc

    def read(self, table: str, part: int | None = None, columns: list[str] | None = None) -> pa.Table:
        paths = [self.path(table, part)] if part is not None else self._paths(table)
        parts = [self._read_file(p, columns) for p in paths if p.exists()]
        if not parts:
            schema = TABLES[table] or pa.schema([])
            if columns is not None:
                schema = pa.schema([schema.field(c) for c in columns])
            return schema.empty_table()
        return pa.concat_tables([p.replace_schema_metadata(None) for p in parts])


    # -- lock ----------------------------------------------------------------------------
    @contextmanager
    def locked(self, timeout: float = 60.0):
        self.root.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.root / ".lock"))
        try:
            lock.acquire(timeout=timeout)
        except Timeout as exc:
            raise WarehouseBusy(
                f"another newsnorm run is writing {self.root} (waited {timeout:g} s for {self.root / '.lock'}); "
                f"try again when it has finished, or raise --lock-timeout"
            ) from exc
        try:
            yield self
        finally:
            lock.release()

    # -- reads for planning ----------------------------------------------------------------
    def index(self) -> StoredIndex:
        """stored key (stored_key: the path, or path and id of a record) -> what is stored for
        it (read once per run, then kept up to date)."""
        if self._index is None:
            index = StoredIndex()
            cols = ["article_id", "source_path", "source_record", "content_sha256", "record_sha256",
                    "pipeline_version", "flags", "langs"]
            for part in self.parts():
                t = self.read("articles", part, columns=cols)
                for aid, path, rec, sha, rsha, ver, flags, langs in zip(*(t.column(c).to_pylist() for c in cols),
                                                                         strict=True):
                    # a record is planned by what its rows come from, a file by its bytes
                    index.add(stored_key(path, aid, rec), aid, part, rsha or sha, ver, flags or [], langs or [])
            self._index = index
        return self._index

    def waiting_languages(self) -> dict[str, set[str]]:
        """article_id -> languages of its segments still waiting for a translation model."""
        parts = sorted(self.index().parts_flagged("missing_translation_model"))
        out: dict[str, set[str]] = {}
        for part in parts:
            t = self.read("segments", part, columns=["article_id", "lang", "translation_status"])
            t = t.filter(pc.equal(t.column("translation_status"), "missing_model"))
            for aid, lang in zip(t.column("article_id").to_pylist(), t.column("lang").to_pylist(), strict=True):
                out.setdefault(aid, set()).add(lang)
        return out

    def quarantined(self) -> set[tuple[str, str]]:
        """(path, sha256) of whole files in quarantine (records of a container are not)."""
        t = self.read("quarantine", columns=["source_path", "source_record", "sha256"])
        cols = (t.column(c).to_pylist() for c in ("source_path", "source_record", "sha256"))
        return {(p, sha) for p, rec, sha in zip(*cols, strict=True) if rec is None}

    # -- writes ----------------------------------------------------------------------------
    def _placement(self, articles: list[Article]) -> dict[int, list[Article]]:
        """Changed articles stay in their part; new ones fill the newest part, then the next."""
        index = self.index()
        sizes = index.part_sizes()
        open_part = max(self.parts(), default=0)
        placed: dict[int, list[Article]] = {}
        for art in articles:
            stored = index.get(article_key(art))
            if stored is not None:
                part = stored.part
            else:
                if sizes.get(open_part, 0) >= PART_CAPACITY:
                    open_part += 1
                part = open_part
                sizes[part] = sizes.get(part, 0) + 1
            placed.setdefault(part, []).append(art)
        return placed

    def write_articles(self, articles: list[Article], run_id: str, now: datetime | None = None) -> int:
        """Add or replace these articles' rows, part by part. Returns segments written."""
        if not articles:
            return 0
        now = now or datetime.now(UTC)
        n_segments = 0
        index = self.index()
        for part, arts in sorted(self._placement(articles).items()):
            new_a, new_s = article_rows(arts, run_id, now)
            ids = pa.array(sorted({a.article_id for a in arts}), pa.string())
            for name, new, keys in (
                ("segments", new_s, [("article_id", "ascending"), ("seq", "ascending")]),
                ("articles", new_a, [("article_id", "ascending")]),
            ):
                old = self.read(name, part)
                replaced = pc.is_in(old.column("article_id"), value_set=ids)
                keep = old.filter(pc.invert(replaced)) if pc.any(replaced).as_py() else old  # no copy when only adding
                self._write(self.path(name, part), pa.concat_tables([keep, new]).sort_by(keys), name)
                del old, keep
            n_segments += new_s.num_rows
            for a in arts:
                index.add(article_key(a), a.article_id, part, a.record_sha256 or a.content_sha256, PIPELINE_VERSION,
                          a.flags, a.langs)
        self._publish()
        return n_segments

    def remove_articles(self, source_paths: set[str]) -> int:
        """Explicit deletes only (the caller asks for them), by stored key; returns rows removed."""
        index = self.index()
        gone = [index[p] for p in sorted(source_paths) if p in index]
        for part in sorted({s.part for s in gone}):
            value_set = pa.array([s.article_id for s in gone if s.part == part], pa.string())
            for name in ("segments", "articles"):
                old = self.read(name, part)
                kept = old.filter(pc.invert(pc.is_in(old.column("article_id"), value_set=value_set)))
                self._write(self.path(name, part), kept, name)
        for p in source_paths:
            index.pop(p, None)
        self._publish()
        return len(gone)

    def add_quarantine(self, items: list[Quarantined], run_id: str, now: datetime | None = None,
                       reread: set[str] = frozenset()) -> None:
        """Add these rows; each replaces the row of the same file and record. `reread`: files
        read whole this run, whose earlier rows all go (a bad record that is gone is gone)."""
        if not items and not reread:
            return
        now = now or datetime.now(UTC)
        old = self.read("quarantine")
        new = pa.table({
            "source_path": [q.source_path for q in items], "source_record": [q.source_record for q in items],
            "sha256": [q.sha256 for q in items], "size": [q.size for q in items], "error": [q.error for q in items],
            "run_id": [run_id] * len(items), "quarantined_at": [now] * len(items),
        }, schema=QUARANTINE)
        keys = {(q.source_path, q.source_record) for q in items}
        keep = [i for i, (p, r) in enumerate(zip(old.column("source_path").to_pylist(),
                                                 old.column("source_record").to_pylist(), strict=True))
                if (p, r) not in keys and p not in reread]
        if not items and len(keep) == old.num_rows:
            return
        merged = pa.concat_tables([old.take(pa.array(keep, pa.int64())), new]).sort_by(
            [("source_path", "ascending"), ("source_record", "ascending")])
        self._write(self.path("quarantine"), merged, "quarantine")
        self._publish()

    def clear_quarantine(self, keys: set[tuple[str, int | None]]) -> None:
        """A file or record (path, source_record) that now processes cleanly leaves the quarantine."""
        old = self.read("quarantine")
        if not keys or not old.num_rows:
            return
        keep = [i for i, (p, r) in enumerate(zip(old.column("source_path").to_pylist(),
                                                 old.column("source_record").to_pylist(), strict=True))
                if (p, r) not in keys]
        if len(keep) < old.num_rows:
            self._write(self.path("quarantine"), old.take(pa.array(keep, pa.int64())), "quarantine")
            self._publish()

    def add_run(self, row: dict) -> None:
        old = self.read("runs")
        new = pa.Table.from_pylist([row], schema=RUNS)
        self._write(self.path("runs"), pa.concat_tables([old, new]).sort_by([("started_at", "ascending")]), "runs")
        self._publish()

    # -- tables handed in, and column updates -------------------------------------------
    def write_table(self, name: str, table: pa.Table) -> None:
        """Replace a whole-file table with this one (its schema comes with it: see TABLES)."""
        self._write(self.path(name), table, name)
        self._publish()

    def update_article_columns(self, changes: dict[str, dict[str, object]],
                               combine: dict[str, Callable[[object, object], object]] | None = None) -> int:
        """Set columns of stored articles rows: article_id -> {column: value}. `combine[column](old, new)`,
        when given, makes the value from the stored one (e.g. a list column of which the caller owns a part).

        Rewrites only the articles files that hold such rows (found through the index, and
        checked by their article_id column); segments are untouched. Returns rows changed.
        """
        combine = combine or {}
        n = 0
        parts = self.index().parts_of(set(changes))
        # only the parts the index places these rows in; any row it does not know: every part
        paths = self._paths("articles") if None in parts else [self.path("articles", p) for p in sorted(parts)]
        for path in paths:
            if not changes or not path.exists():
                continue
            ids = self._read_file(path, ["article_id"]).column("article_id").to_pylist()
            if changes.keys().isdisjoint(ids):
                continue
            t = self._read_file(path, None).replace_schema_metadata(None)
            names = sorted({c for cols in changes.values() for c in cols})
            values = {c: t.column(c).to_pylist() for c in names}
            for i, aid in enumerate(ids):
                if aid in changes:
                    for c, v in changes[aid].items():
                        values[c][i] = combine[c](values[c][i], v) if c in combine else v
                    n += 1
            for c in names:
                at = t.schema.get_field_index(c)
                t = t.set_column(at, c, pa.array(values[c], t.schema.field(at).type))
            self._write(path, t, "articles")
        self._publish()
        return n


def stored_key(source_path: str, article_id: str, source_record: int | None) -> str:
    """The index key of a stored article: its path for a one-article file; path and article
    id for a record of a container (many articles share that path)."""
    return source_path if source_record is None else f"{source_path}{RECORD_SEP}{article_id}"


def article_key(art: Article) -> str:
    return stored_key(art.source_path, art.article_id, art.source_record)


RECORD_SEP = "\x1f"


def translations_json(counts: dict[str, int]) -> str:
    return json.dumps(dict(sorted(counts.items())))
