"""Input files: walk folders recursively, regular files only, no hidden or temporary files.

Symlinks are followed, but every directory is visited once (by device and inode), so a
symlink cycle cannot loop. Output order is sorted, so runs are reproducible.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

_TEMP_SUFFIXES = ("~", ".tmp", ".temp", ".part", ".partial", ".swp", ".swx", ".crdownload", ".lock")


def is_skipped_name(name: str) -> bool:
    return name.startswith((".", "~$", "#")) or name.endswith(_TEMP_SUFFIXES)


def discover(inputs: list[str | Path], exclude: Path | None = None) -> tuple[list[str], list[str]]:
    """Return (files, problems). `exclude` (the warehouse) is never read as input."""
    files: set[str] = set()
    problems: list[str] = []
    seen_dirs: set[tuple[int, int]] = set()
    excluded = exclude.resolve() if exclude else None
    for item in inputs:
        p = Path(item).expanduser()
        try:
            st = p.stat()
        except OSError as exc:
            problems.append(f"{p}: {exc.strerror or exc}")
            continue
        if stat.S_ISREG(st.st_mode):
            files.add(str(p.resolve()))
        elif stat.S_ISDIR(st.st_mode):
            _walk(p.resolve(), files, problems, seen_dirs, excluded)
        else:
            problems.append(f"{p}: not a regular file or folder")
    return sorted(files), problems


def _walk(root: Path, files: set[str], problems: list[str], seen: set[tuple[int, int]],
          excluded: Path | None) -> None:
    stack = [root]
    while stack:
        d = stack.pop()
        try:
            st = d.stat()
        except OSError as exc:
            problems.append(f"{d}: {exc.strerror or exc}")
            continue
        key = (st.st_dev, st.st_ino)
        if key in seen or (excluded is not None and d == excluded):
            continue
        seen.add(key)
        try:
            entries = list(os.scandir(d))
        except OSError as exc:
            problems.append(f"{d}: {exc.strerror or exc}")
            continue
        for e in entries:
            if is_skipped_name(e.name):
                continue
            try:
                # `d` is resolved: an entry that is no link is its own resolved path
                link = e.is_symlink()
                if e.is_dir(follow_symlinks=True):
                    stack.append(Path(e.path).resolve() if link else Path(e.path))
                elif e.is_file(follow_symlinks=True):
                    files.add(str(Path(e.path).resolve()) if link else e.path)
                elif link and not os.path.exists(e.path):
                    problems.append(f"{e.path}: broken symbolic link")
            except OSError as exc:
                problems.append(f"{e.path}: {exc.strerror or exc}")
