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
    splits: tuple[tuple[int, int], ...] = ()  # (offset of a line start, its line number), every `split_every` bytes


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


def scan(path: str, old_size: int | None, split_every: int = 0) -> Scan | None:
    """The file's size and SHA-256, and the SHA-256 of its first `old_size` bytes, in one
    read; with `split_every`, the first line start after every `split_every` bytes and its
    line number (where ranges of an uncompressed JSONL file can begin)."""
    h = hashlib.sha256()
    prefix = None
    done = 0
    last = b""
    lines = 0  # newlines before the current chunk
    target = split_every
    splits: list[tuple[int, int]] = []
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                while split_every and target < done + len(chunk):
                    at = chunk.find(b"\n", max(0, target - done))
                    if at < 0:
                        break  # the next line starts in a later chunk
                    splits.append((done + at + 1, lines + chunk.count(b"\n", 0, at + 1) + 1))
                    target = done + at + 1 + split_every
                if split_every:
                    lines += chunk.count(b"\n")
                if old_size is not None and prefix is None and done + len(chunk) >= old_size:
                    cut = old_size - done
                    h.update(chunk[:cut])
                    prefix = h.copy().hexdigest()
                    h.update(chunk[cut:])
                else:
                    h.update(chunk)
                done += len(chunk)
                last = chunk[-1:]
    except OSError:
        return None
    if old_size is not None and prefix is None and done == old_size:
        prefix = h.hexdigest()
    splits = [(off, line) for off, line in splits if off < done]  # a split at the very end starts nothing
    return Scan(done, h.hexdigest(), prefix, last == b"\n", tuple(splits))
