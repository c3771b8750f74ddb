"""The committed record of the warehouse's table files: which exist, with what size and SHA-256.

    wh/.manifest.json   {"version": 1, "files": {"articles/part=000000/data.parquet": [state, ...]}}

A table file is only ever replaced whole (newsnorm.atomic). Before the replace, the writer
records the new file's state beside the current one and writes the manifest atomically;
after it, either state is on disk, so a crash between the two leaves a file the manifest
accepts. A state is {"size", "sha256"}, or null for "may not exist yet" (a new part).
Anything else on disk (a part deleted, truncated or replaced by hand, a stray file that
readers would pick up) is damage that a run refuses and `newsnorm repair` fixes.

The file is hidden, outside every `wh/<table>/**` glob. A warehouse written before the
manifest existed gets one built from its files once they are checked (warehouse.check).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from newsnorm.atomic import atomic_write_bytes

MANIFEST_FILE = ".manifest.json"
FORMAT = 1


@dataclass(frozen=True, slots=True)
class FileState:
    size: int
    sha256: str
    mtime_ns: int = field(default=0, compare=False)  # a hint: same size and time -> not hashed again


class ManifestDamaged(ValueError):
    """The manifest itself cannot be read."""


def file_state(path: Path) -> FileState:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
        st = os.fstat(fh.fileno())
    return FileState(st.st_size, h.hexdigest(), st.st_mtime_ns)


def _state(s: dict | None) -> FileState | None:
    return None if s is None else FileState(int(s["size"]), str(s["sha256"]), int(s.get("mtime_ns", 0)))


class Manifest:
    """rel path -> accepted states (the last committed one first; None = may be absent)."""

    def __init__(self, root: Path, files: dict[str, list[FileState | None]] | None = None):
        self.root = Path(root)
        self.files: dict[str, list[FileState | None]] = files or {}

    @property
    def path(self) -> Path:
        return self.root / MANIFEST_FILE

    @classmethod
    def load(cls, root: Path) -> Manifest | None:
        """The manifest, None if there is none; ManifestDamaged if it cannot be read."""
        path = Path(root) / MANIFEST_FILE
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        try:
            doc = json.loads(raw)
            if doc.get("version") != FORMAT:
                raise ValueError(f"format {doc.get('version')!r}")
            files = {rel: [_state(s) for s in states] for rel, states in doc["files"].items()}
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ManifestDamaged(f"{path} is not a readable manifest ({exc})") from exc
        return cls(Path(root), files)

    def save(self, tmp_dir: Path) -> None:
        doc = {"version": FORMAT, "files": {
            rel: [None if s is None else {"size": s.size, "sha256": s.sha256, "mtime_ns": s.mtime_ns} for s in states]
            for rel, states in sorted(self.files.items())}}
        atomic_write_bytes(self.path, json.dumps(doc, indent=0).encode(), tmp_dir)

    def expect(self, rel: str, state: FileState, tmp_dir: Path) -> None:
        """Before `rel` is replaced by a file in `state`: accept both, durably."""
        current = self.files.get(rel, [None])[:1]
        self.files[rel] = [state, *(s for s in current if s != state)]
        self.save(tmp_dir)

    def committed(self, rel: str, state: FileState) -> None:
        """After the replace: only the new state (kept in memory; the next save writes it)."""
        self.files[rel] = [state]

    def accepts(self, rel: str, state: FileState | None) -> bool:
        return state in self.files.get(rel, [])
