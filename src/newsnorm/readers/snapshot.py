"""One consistent read of a file that a scraper may be rewriting while we read it.

What is recorded about an input (its SHA-256 and size, in articles or quarantine) must be
of the very bytes that were read: a hash taken by reading the file again can belong to
another version, and an input recorded with the hash of a version never processed is
skipped as unchanged for good. A read is kept only when the file's size and modification
time are the same before and after it; otherwise it is read again a few times, and then
left for the next run.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path

ATTEMPTS = 4


@dataclass(frozen=True, slots=True)
class Snapshot:
    data: bytes | None  # None: larger than the limit, only hashed
    size: int  # bytes read
    sha256: str  # of the bytes read


class Changing(OSError):
    """The file kept changing while it was read."""


def _stamp(st: os.stat_result) -> tuple[int, int, int]:
    return st.st_size, st.st_mtime_ns, st.st_ino


def stamp_of(path: str | Path) -> tuple[int, int, int]:
    """(size, modification time, inode): a container's version, checked by each of its
    ranges before and after the read (a container is too large to hold in memory)."""
    return _stamp(os.stat(path))


def read_snapshot(path: Path, max_bytes: int) -> Snapshot:
    """The bytes of one unchanging version of `path` (only hashed when over `max_bytes`)."""
    for attempt in range(ATTEMPTS):
        with open(path, "rb") as fh:
            before = _stamp(os.fstat(fh.fileno()))
            if before[0] > max_bytes:
                h, size = hashlib.sha256(), 0
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
                    size += len(chunk)
                snap = Snapshot(None, size, h.hexdigest())
            else:
                data = fh.read()
                snap = Snapshot(data, len(data), hashlib.sha256(data).hexdigest())
            after = _stamp(os.fstat(fh.fileno()))
        if before == after and snap.size == after[0]:
            return snap
        time.sleep(0.05 * 2 ** attempt)
    raise Changing(f"changed while being read ({ATTEMPTS} tries)")
