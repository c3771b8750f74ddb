"""What the last run read of each container: size, SHA-256 and where it stopped.

Derived state in `<warehouse>/.inputs/containers.json` (never a table): a container whose
size and hash are unchanged is not opened; one whose old bytes are an unchanged prefix
(appends) is read from where the last run stopped. Lost or damaged, it costs one full
read of each container (the per-record hashes still skip unchanged records).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from newsnorm.atomic import atomic_write_bytes
from newsnorm.readers.snapshot import stamp_of

STATE_DIR = ".inputs"
STATE_FILE = "containers.json"
APPENDABLE = frozenset({"jsonl", "warc"})


@dataclass(frozen=True, slots=True)
class ContainerState:
    size: int
    sha256: str
    next_line: int = 1  # JSONL: the line number after the last line read
    ends_clean: bool = True  # the bytes end at a record boundary (a newline; a whole gzip member)
    version: str = ""  # the pipeline version that read it


@dataclass(frozen=True, slots=True)
class Scan:
    size: int
    sha256: str
    prefix_sha256: str | None  # of the first `old size` bytes, when the file grew
    ends_newline: bool
    splits: tuple[tuple[int, int], ...] = ()  # (offset of a record start, its index): readers/ranges.py
    records: int = 0  # records counted while cutting (0: not counted)
    stamp: tuple[int, int, int] | None = None  # (size, mtime, inode) of the version read
    changing: bool = False  # the file changed while it was read: nothing here is of one version


def state_path(root: Path) -> Path:
    return Path(root) / STATE_DIR / STATE_FILE


def load(root: Path) -> dict[str, ContainerState]:
    try:
        raw = json.loads(state_path(root).read_text(encoding="utf-8"))
        return {p: ContainerState(**v) for p, v in raw.items()}
    except (OSError, ValueError, TypeError):
        return {}  # missing or damaged: every container is read whole once


def save(root: Path, states: dict[str, ContainerState]) -> None:
    path = state_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps({p: asdict(s) for p, s in sorted(states.items())}, separators=(",", ":")).encode()
    atomic_write_bytes(path, data, path.parent)


def scan(path: str, old_size: int | None, cuts=None) -> Scan | None:
    """The file's size and SHA-256, and the SHA-256 of its first `old_size` bytes, in one
    read; `cuts` (readers.ranges: JsonlCuts, CsvCuts, WarcCuts) is fed the bytes on the way
    and finds where ranges of the file can begin. The file's stamp before the read goes with
    the result; `changing` when it differs after."""
    h = hashlib.sha256()
    prefix = None
    done = 0
    last = b""
    try:
        with open(path, "rb") as fh:
            before = stamp_of(path)
            while chunk := fh.read(1 << 20):
                if cuts is not None:
                    cuts.feed(chunk)
                if old_size is not None and prefix is None and done + len(chunk) >= old_size:
                    cut = old_size - done
                    h.update(chunk[:cut])
                    prefix = h.copy().hexdigest()
                    h.update(chunk[cut:])
                else:
                    h.update(chunk)
                done += len(chunk)
                last = chunk[-1:]
            after = stamp_of(path)
    except OSError:
        return None
    if old_size is not None and prefix is None and done == old_size:
        prefix = h.hexdigest()
    return Scan(done, h.hexdigest(), prefix, last == b"\n", cuts.result() if cuts is not None else (),
                cuts.records if cuts is not None else 0, before, before != after or done != before[0])
