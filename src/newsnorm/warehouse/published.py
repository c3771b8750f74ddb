"""The published read snapshot: immutable file versions that readers can use while a run writes.

    wh/.snapshot.json   {"version": 1, "generation": 12, "published_at": 1765150000.0,
                         "files": {"articles/part=000000/data.parquet": "articles.part=000000.g000012.parquet", ...},
                         "retired": [["articles.part=000000.g000011.parquet", 1765149990.5], ...]}
    wh/.versions/       the versions it names; never rewritten, deleted only by `collect`

Table files are replaced in place under their stable names (`wh/articles/part=N/data.parquet`).
Polars and DuckDB open a file once for its footer and again for its data, so a read that
overlaps a replace can fail or mix two versions. A version file is a hard link to the stable
file as it was when published (no copy, no extra write): the writer replaces the stable name
with a new inode, the version keeps the old one. The writer publishes at consistent points
only (after each whole write call: segments and articles of a part both written), so a reader
that takes the snapshot (one open of one atomically replaced file) and reads only the files it
names sees one committed state: no article twice, no segments without their article.

A superseded version is deleted `grace` seconds after it was superseded, and versions no
snapshot ever named (a crash between link and publish) at the next run's start, under the lock.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from newsnorm.atomic import atomic_write_bytes, fsync_dir

SNAPSHOT_FILE = ".snapshot.json"
VERSIONS_DIR = ".versions"
FORMAT = 1
GRACE_SECONDS = 600.0  # a snapshot's files stay readable this long after a newer one replaced it


@dataclass(slots=True)
class Snapshot:
    """What one published snapshot names; `files`: stable rel path -> version file name."""

    root: Path
    generation: int = 0
    published_at: float = 0.0
    files: dict[str, str] = field(default_factory=dict)
    retired: list[tuple[str, float]] = field(default_factory=list)

    @property
    def versions(self) -> Path:
        return self.root / VERSIONS_DIR

    def paths(self, table: str) -> list[Path]:
        """The files of one table in this snapshot, in the stable names' order."""
        return [self.versions / name for rel, name in sorted(self.files.items()) if rel.split("/")[0] == table]

    def to_json(self) -> bytes:
        return json.dumps({"version": FORMAT, "generation": self.generation, "published_at": self.published_at,
                           "files": dict(sorted(self.files.items())),
                           "retired": [list(r) for r in self.retired]}, indent=0).encode()


def load(root: Path | str) -> Snapshot | None:
    """The published snapshot (one read of one file), or None when there is none or it is unreadable."""
    root = Path(root)
    try:
        doc = json.loads((root / SNAPSHOT_FILE).read_bytes())
        if doc.get("version") != FORMAT:
            return None
        return Snapshot(root, int(doc["generation"]), float(doc["published_at"]),
                        {str(k): str(v) for k, v in doc["files"].items()},
                        [(str(n), float(t)) for n, t in doc.get("retired", [])])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _same(a: os.stat_result, b: os.stat_result) -> bool:
    """One file, or (no hard links here: a copy) the same size and modification time."""
    return (a.st_ino, a.st_dev) == (b.st_ino, b.st_dev) or (a.st_size, a.st_mtime_ns) == (b.st_size, b.st_mtime_ns)


def _link(src: Path, dest: Path) -> None:
    dest.unlink(missing_ok=True)  # an unpublished leftover of a crash: no reader can hold it
    try:
        os.link(src, dest)
    except OSError:  # a file system without hard links: a copy (same mtime, so `_same` knows it)
        shutil.copy2(src, dest)


class Publisher:
    """The writer's side (store.Warehouse owns one, under the lock)."""

    def __init__(self, root: Path, grace: float = GRACE_SECONDS):
        self.root = Path(root)
        self.grace = grace
        self.current = load(self.root) or Snapshot(self.root)
        self.dirty: set[str] = set()  # stable rel paths written since the last publish

    def publish(self, table_files: list[str] | None = None) -> None:
        """Link each changed table file to a new version and name them all in a new snapshot.
        `table_files`: every stable table file (a full check, at a run's start); otherwise
        only the files written since the last publish are linked."""
        cur = self.current
        versions = cur.versions
        versions.mkdir(exist_ok=True)
        files = dict(cur.files)
        changed = set(self.dirty)
        if table_files is not None:
            for rel in [r for r in files if r not in table_files]:
                del files[rel]
            for rel in table_files:
                name = files.get(rel)
                try:
                    if name is None or not _same(os.stat(versions / name), os.stat(self.root / rel)):
                        changed.add(rel)
                except FileNotFoundError:
                    changed.add(rel)
        changed = {rel for rel in changed if (self.root / rel).exists()}
        if not changed and table_files is None:
            self.dirty.clear()
            return
        gen = cur.generation + 1
        now = time.time()
        retired = list(cur.retired)
        for rel in sorted(changed):
            name = f"{rel.replace('/data.parquet', '').replace('/', '.')}.g{gen:08d}.parquet"
            if rel.count("/") == 1:  # runs/runs.parquet -> runs.gN.parquet
                name = f"{rel.split('/')[0]}.g{gen:08d}.parquet"
            _link(self.root / rel, versions / name)
            if (old := files.get(rel)) is not None:
                retired.append((old, now))
            files[rel] = name
        fsync_dir(versions)
        snap = Snapshot(self.root, gen, now, files, retired)
        snap.retired = self._collect(snap, now)
        atomic_write_bytes(self.root / SNAPSHOT_FILE, snap.to_json(), self.root / ".tmp")
        self.current = snap
        self.dirty.clear()

    def _collect(self, snap: Snapshot, now: float) -> list[tuple[str, float]]:
        """Delete versions superseded more than `grace` seconds ago; returns the rest."""
        named = set(snap.files.values())
        kept = []
        for name, since in snap.retired:
            if name in named:
                continue
            if now - since >= self.grace:
                (snap.versions / name).unlink(missing_ok=True)
            else:
                kept.append((name, since))
        return kept

    def drop_unpublished(self) -> int:
        """Versions that no snapshot names (a crash between link and publish): no reader can
        hold them. Called at a run's start, under the lock. Returns files deleted."""
        versions = self.current.versions
        if not versions.is_dir():
            return 0
        known = set(self.current.files.values()) | {n for n, _ in self.current.retired}
        n = 0
        for entry in os.scandir(versions):
            if entry.name not in known:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
                    n += 1
        return n
