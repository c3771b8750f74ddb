"""One way to write a file so a reader or a crash sees the old file or the new one, never half.

Every file newsnorm writes goes through `atomic_write`: a temp file in `tmp_dir` (outside
every table glob, never named *.parquet), fsync, `os.replace` onto the destination, fsync
of the folder. The writer callback gets the temp path and writes it however it likes
(Parquet in slices, bytes, text).
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable
from pathlib import Path


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(dest: Path, write: Callable[[Path], None], tmp_dir: Path | None = None,
                 durable: bool = True) -> None:
    """`write(tmp)` then rename onto `dest`. `tmp_dir` defaults to `dest`'s own folder (the temp
    name starts with a dot and ends in .tmp). `durable=False` skips the fsyncs, for caches whose
    loss only costs a rebuild."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tmp_dir) if tmp_dir is not None else dest.parent
    folder.mkdir(parents=True, exist_ok=True)
    where = f"{dest.parent.parent.name}-{dest.parent.name}-{dest.name}"
    tmp = folder / f".{where}-{os.getpid()}-{threading.get_ident()}.tmp"
    try:
        write(tmp)
        if durable:
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    if durable:
        fsync_dir(dest.parent)


def atomic_write_bytes(dest: Path, data: bytes, tmp_dir: Path | None = None, durable: bool = True) -> None:
    atomic_write(dest, lambda tmp: tmp.write_bytes(data), tmp_dir, durable)
