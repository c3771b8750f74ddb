"""One container (WARC, JSONL, JSON, Parquet, CSV) through the reader, in a worker.

The writer's plan hands each worker a `ContainerTask`: the file, its format, where to
start (after the part an earlier run read, for a file that only grew by appends), and
what is stored for its records (article id -> content hash), so an unchanged record is
recognised and skipped before any decoding. The worker returns the analysed articles, a
quarantine entry per bad record (with its position), the ids of every record it saw (for
--prune-missing) and counts.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from newsnorm.document import Quarantined, RawArticle
from newsnorm.readers import reasons
from newsnorm.readers.containers import ReadOptions, article_from_record, iter_records, record_hash, record_key
from newsnorm.readers.ingest import IngestError
from newsnorm.readers.records import BadRecord
from newsnorm.readers.snapshot import stamp_of
from newsnorm.readers.spill import spill
from newsnorm.runner.batching import CHUNK_FILES

# A container is read in ranges of about this many bytes (uncompressed JSONL, CSV, WARC;
# compressed bytes for a .warc.gz; inflated bytes for the pieces of a gzip JSONL or CSV),
# each a unit of work of its own (runner/batching.py): a large file is shared by the
# workers, and the articles one unit hands the writer stay few (about 1,000 of 4 KB).
RANGE_BYTES = 4 * 1024 * 1024
RANGE_ROWS = 1000  # Parquet: row groups are joined into ranges of about this many rows


@dataclass(frozen=True, slots=True, eq=False)
class InputTask:
    """An input file that is not plain text: an HTML page, or a container of records.
    Compared and hashed as itself (the worker pool keys chunks by their inputs)."""

    path: str
    fmt: str
    opts: ReadOptions = field(default_factory=ReadOptions)
    known: dict[str, str] = field(default_factory=dict)  # article id -> stored record_sha256
    known_file: str | None = None  # the same for a container in many ranges: one file all its ranges read
    start: int = 0  # byte offset (JSONL, CSV, WARC) at which to start reading; 0 = the whole file
    first_line: int | None = None  # the index of the first record read (JSONL line, table row); None: 1 / 0
    end: int | None = None  # the range ends here (another task reads on); None: the file's end
    groups: tuple[int, ...] | None = None  # Parquet: the row groups of this range
    read_from: str | None = None  # a piece of an inflated gzip stream holding this range (readers/spill.py)
    spill_to: str | None = None  # inflate the gzip stream into pieces in this folder (the pieces come back)
    piece_bytes: int = 0  # ... of about this many bytes each
    stamp: tuple[int, int, int] | None = None  # (size, mtime, inode) when planned: read only that version
    expect: int = 0  # records expected in it (for progress; 0: not known before reading)

    @property
    def weight(self) -> int:
        """A container (or range of one) is a chunk of its own: one worker's unit of work
        (runner/batching.py); an HTML page weighs as a text file."""
        return 1 if self.fmt == "html" else CHUNK_FILES


@dataclass
class ContainerRead:
    raws: list[RawArticle] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)
    seen: list[str] = field(default_factory=list)  # article ids of every readable record
    unchanged: int = 0
    skipped: Counter = field(default_factory=Counter)  # WARC records that are no article, by kind
    records: int = 0
    next_line: int = 1  # JSONL: the line after the last one read
    complete: bool = True  # read to its end (no damage cut it short)
    changing: bool = False  # the file is not the version planned: nothing of it is kept
    pieces: list = field(default_factory=list)  # spill: the readers.spill.Piece of the inflated stream


@dataclass
class ContainerDone:
    """What the writer needs to know of a container read in a worker."""

    path: str
    fmt: str
    start: int  # the byte offset it was read from (0: its start, so records not seen are gone)
    end: int | None  # where the range stopped (None: the file's end)
    complete: bool
    seen: list[str]
    next_line: int
    records: int
    unchanged: int
    changing: bool = False  # rewritten since it was planned: left for the next run
    pieces: list = field(default_factory=list)  # a spilled gzip stream's pieces, for the writer to hand out
    spilled: bool = False  # this entry is the spill itself (pieces handed out, no record read)


CUTTING = frozenset({"gzip_truncated", "gzip_damaged", "warc_damaged", "table_unreadable"})


def _bad(task: InputTask, code: str, detail: str, position: int | None, sha: str = "", size: int = 0) \
        -> Quarantined:
    return Quarantined(task.path, sha, size, reasons.render(code, detail, task.fmt, position),
                       source_record=position)


def read_container(task: InputTask, article_id_for, max_bytes: int = 0) -> ContainerRead:
    """Records of the container (or of its range) as RawArticles, less the unchanged ones;
    never raises for bad input. `article_id_for(path, record_key)` is the identity rule
    (runner.work). The file must be the version the writer planned (`task.stamp`) before and
    after the read, as a file is read once (readers/snapshot.py): else nothing read is kept
    and `changing` says so (the container is left for the next run, never recorded as read)."""
    out = ContainerRead()
    tell: dict = {}
    try:
        if task.stamp is not None and task.read_from is None and stamp_of(task.path) != task.stamp:
            return _changing(out)
        if task.spill_to is not None:
            _spill(out, task)  # sets next_line: the line after the stream's last
        else:
            _read_into(out, task, tell, article_id_for, max_bytes)
            out.next_line = tell.get("next_line", task.first_line or 1)
        if task.stamp is not None and task.read_from is None and stamp_of(task.path) != task.stamp:
            return _changing(out)
    except OSError as exc:
        out.complete = False
        out.quarantined.append(Quarantined(task.path, "", 0, f"unreadable: {exc.strerror or exc}"))
    return out


def _changing(out: ContainerRead) -> ContainerRead:
    return ContainerRead(complete=False, changing=True, skipped=Counter())


def _spill(out: ContainerRead, task: InputTask) -> None:
    """Inflate a gzip stream into pieces; their records are read by the tasks the writer
    makes of them (one per piece, like the ranges of an uncompressed file)."""
    spilled = spill(task.path, task.fmt, Path(task.spill_to), task.piece_bytes or RANGE_BYTES, task.start,
                    task.first_line or 1)
    out.pieces = spilled.pieces
    out.next_line = spilled.lines + 1
    if spilled.bad is not None:
        rec = spilled.bad
        out.quarantined.append(_bad(task, rec.code, rec.detail, rec.position))
        out.complete = False


def _known_key(aid: str, rhash: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{aid}\x1f{rhash}".encode()).digest()[:8], "little")


def write_known(known: dict[str, str], dest: Path) -> str:
    """The stored (article id, record hash) pairs of a container as one sorted array of 64-bit
    keys in a file: each of its ranges maps it (shared by the page cache) instead of being
    sent a dictionary of every record, which would cost the writer records x ranges."""
    import numpy as np

    keys = np.fromiter((_known_key(a, h) for a, h in known.items()), dtype=np.uint64, count=len(known))
    keys.sort()
    dest.parent.mkdir(parents=True, exist_ok=True)
    with open(dest, "wb") as fh:
        np.save(fh, keys)
    return str(dest)


def _is_known(task: InputTask):
    """A test `(article id, record hash) -> stored as it is`, from the task's dictionary or file."""
    if task.known_file is None:
        return lambda aid, rhash: task.known.get(aid) == rhash
    import numpy as np

    keys = np.load(task.known_file, mmap_mode="r")

    def known(aid: str, rhash: str) -> bool:
        k = np.uint64(_known_key(aid, rhash))
        i = int(np.searchsorted(keys, k))
        return i < len(keys) and keys[i] == k
    return known


def _read_into(out: ContainerRead, task: InputTask, tell: dict, article_id_for, max_bytes: int) -> None:
    is_known = _is_known(task)
    source = task.read_from or task.path
    start, end = (0, None) if task.read_from else (task.start, task.end)
    for rec in iter_records(source, task.fmt, task.opts, out.skipped, start, task.first_line, tell, end,
                            task.groups):
        out.records += 1
        if isinstance(rec, BadRecord):
            out.quarantined.append(_bad(task, rec.code, rec.detail, rec.position, rec.sha256, rec.size))
            if rec.code in CUTTING:
                out.complete = False
            continue
        aid = article_id_for(task.path, record_key(rec))
        out.seen.append(aid)
        rhash = record_hash(rec)
        if is_known(aid, rhash):
            out.unchanged += 1
            continue
        if max_bytes and rec.size > max_bytes:
            out.quarantined.append(_bad(task, "too_large", f"{rec.size} bytes exceeds {max_bytes}",
                                        rec.position, rec.sha256, rec.size))
            continue
        try:
            raw = article_from_record(task.path, rec)
        except IngestError as exc:
            out.quarantined.append(Quarantined(task.path, rec.sha256, rec.size,
                                               f"{reasons.POSITION_NAMES.get(task.fmt, 'record')} {rec.position}: "
                                               f"{exc}", source_record=rec.position))
            continue
        raw.sha256 = rec.sha256  # of the record's content: the same page hashes alike in any container
        raw.record_sha256 = rhash  # of its content and fields: what the next run compares
        out.raws.append(raw)
