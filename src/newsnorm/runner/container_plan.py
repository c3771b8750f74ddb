"""Which parts of each container a run reads, as units of work for the workers.

The writer reads a changed container once, to hash it (its state, container_state.py);
on the way it finds where ranges can begin (readers/ranges.py), so that one large file is
shared by the workers: an uncompressed JSONL, CSV or WARC in ranges of about
containers.RANGE_BYTES, a .warc.gz likewise (its workers find the gzip members), a
Parquet file in groups of row groups. A gzip JSONL or CSV goes to one worker, which
inflates it into pieces (readers/spill.py); each piece comes back as a range task
(`piece_tasks`). A JSON array is read whole by one worker. Decompression and parsing run
in the workers only; the writer reads bytes and footers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from newsnorm import PIPELINE_VERSION
from newsnorm.readers.containers import ReadOptions, is_gzip
from newsnorm.readers.ranges import cutter, even_cuts, parquet_ranges
from newsnorm.runner import containers
from newsnorm.runner.container_state import APPENDABLE, ContainerState, Scan, scan
from newsnorm.runner.containers import ContainerDone, InputTask, write_known

SPILL_DIR = "spill"  # under <warehouse>/.inputs: a run's inflated pieces, removed when it ends


@dataclass
class ContainerPlan:
    """The containers of a run: their state before, and what it becomes once read."""

    before: dict[str, ContainerState] = field(default_factory=dict)
    scans: dict[str, Scan] = field(default_factory=dict)
    prune: bool = False
    spill_root: Path | None = None  # where gzip streams are inflated into pieces
    known: dict[str, dict[str, str]] = field(default_factory=dict)  # path -> stored record hashes
    known_files: dict[str, str] = field(default_factory=dict)  # path -> those hashes in a file (write_known)
    changing: list[str] = field(default_factory=list)  # rewritten while the writer hashed them


def plan_container(f: str, fmt: str, opts: ReadOptions, cplan: ContainerPlan, records, summary) -> list[InputTask]:
    """The InputTasks for a container that changed: from where it grew, or whole with its
    stored record hashes, in ranges; none when its bytes are as the last run left them. With
    --prune-missing every container is read whole (unchanged records are only hashed), to
    learn which stored records are gone."""
    before = cplan.before.get(f)
    if before is not None and (before.version != PIPELINE_VERSION or cplan.prune):
        before = None
    gz = is_gzip(f)
    every = containers.RANGE_BYTES
    sc = scan(f, before.size if before else None, cutter(fmt, gz, every))
    if sc is None:  # unreadable: read_container quarantines it with the reason
        summary.files_changed += 1
        return [InputTask(f, fmt, opts)]
    if sc.changing:
        cplan.changing.append(f)
        return []
    cplan.scans[f] = sc
    if before is not None and (sc.size, sc.sha256) == (before.size, before.sha256):
        summary.files_unchanged += 1
        return []
    summary.files_changed += 1 if before is not None or f in records() else 0
    summary.files_new += 0 if before is not None or f in records() else 1
    appended = before is not None and fmt in APPENDABLE and sc.size > before.size \
        and sc.prefix_sha256 == before.sha256 and before.ends_clean
    start, first = (before.size, before.next_line) if appended else (0, None)
    known = {} if appended else {aid: sha for aid, (sha, ver) in records().get(f, {}).items()
                                 if ver == PIPELINE_VERSION}
    cplan.known[f] = known
    task = InputTask(f, fmt, opts, known=known, start=start, first_line=first, stamp=sc.stamp)
    if known and (gz or sc.size > every or fmt == "parquet"):  # likely in many ranges: one file for all
        task = _with(task, known={}, known_file=_known_file(cplan, f, known))
    if fmt in ("jsonl", "csv") and gz:
        assert cplan.spill_root is not None
        folder = cplan.spill_root / f"{len(cplan.known):06d}"
        return [_with(task, spill_to=str(folder), piece_bytes=every)]
    if fmt == "parquet":
        ranges = parquet_ranges(f, containers.RANGE_ROWS) or [(0, None, 0)]
        # rows stand for byte offsets in the range bookkeeping (merge_ranges joins them up)
        return [_with(task, first_line=row, groups=groups, start=row, expect=n,
                      end=row + n if i < len(ranges) - 1 else None)
                for i, (row, groups, n) in enumerate(ranges)]
    cuts = even_cuts(sc.size, every) if fmt == "warc" and gz else sc.splits
    cuts = tuple((off, n) for off, n in cuts if off > start)
    starts = [(start, first), *cuts]
    ends = [off for off, _ in cuts] + [None]
    counts = _counts(sc, starts, fmt)
    return [_with(task, start=s, first_line=n if s != start else first, end=e, expect=c)
            for (s, n), e, c in zip(starts, ends, counts, strict=True)]


def _known_file(cplan: ContainerPlan, f: str, known: dict[str, str]) -> str:
    assert cplan.spill_root is not None
    name = cplan.known_files.setdefault(f, str(cplan.spill_root / f"known-{len(cplan.known_files):06d}.npy"))
    return write_known(known, Path(name))


def _counts(sc: Scan, starts: list, fmt: str) -> list[int]:
    """Records expected in each range (lines for JSONL, rows for CSV), for progress; 0
    where the cuts carry no count (WARC) or the range began after an append."""
    if fmt not in ("jsonl", "csv") or not sc.records:
        return [0] * len(starts)
    base = 1 if fmt == "jsonl" else 0
    idx = [n for _, n in starts]
    if idx[0] is None:
        idx[0] = base
    ends = idx[1:] + [sc.records + base]
    return [max(0, b - a) for a, b in zip(idx, ends, strict=True)]


def _with(task: InputTask, **changes) -> InputTask:
    values = {f: getattr(task, f) for f in task.__dataclass_fields__}
    values.update(changes)
    return InputTask(**values)


def piece_tasks(done: ContainerDone, cplan: ContainerPlan, opts: ReadOptions) -> list[InputTask]:
    """A range task for each piece of an inflated gzip stream: read from the piece, named as
    the original (its path, its lines or rows), with its place in the inflated stream (after
    the byte offset the stream was inflated from) so the reads join up as ranges do."""
    out = []
    last = done.next_line if done.fmt == "jsonl" else None
    for piece, after in zip(done.pieces, [*done.pieces[1:], None], strict=False):
        expect = (after.first if after is not None else (last or piece.first)) - piece.first
        file = cplan.known_files.get(done.path)
        out.append(InputTask(done.path, done.fmt, opts, known={} if file else cplan.known.get(done.path, {}),
                             known_file=file,
                             start=done.start + piece.start, first_line=piece.first,
                             end=None if piece.end is None else done.start + piece.end, read_from=piece.path,
                             expect=max(0, expect)))
    return out


def merge_ranges(read: list[ContainerDone]) -> list[ContainerDone]:
    """One ContainerDone per container from those of its ranges: read from `start` to the
    end when its ranges join up, complete when each was. A spill's own entry (it hands out
    pieces, reads no record) counts only for its damage and its last line."""
    by_path: dict[str, list[ContainerDone]] = {}
    for c in read:
        by_path.setdefault(c.path, []).append(c)
    out = []
    for path, parts in by_path.items():
        spills = [c for c in parts if c.spilled]
        ranges = sorted((c for c in parts if not c.spilled), key=lambda c: c.start) or spills
        joined = all(a.end == b.start for a, b in zip(ranges, ranges[1:], strict=False)) and ranges[-1].end is None
        seen = [aid for c in ranges for aid in c.seen]
        complete = joined and all(c.complete for c in parts) and not any(c.changing for c in parts)
        next_line = spills[-1].next_line if spills else ranges[-1].next_line
        out.append(ContainerDone(path, ranges[0].fmt, ranges[0].start, ranges[-1].end, complete, seen, next_line,
                                 sum(c.records for c in ranges if not c.spilled),
                                 sum(c.unchanged for c in ranges), any(c.changing for c in parts)))
    return out
