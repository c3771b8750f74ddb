"""Build a large read-only table in a short-lived child process, take it back as bytes, cache it.

Parsing a big data file (langdetect's JSON profiles, wordfreq's word list) makes millions
of temporary objects; the few that survive pin the heap around the freed ones, and a
long-lived process keeps that memory (measured: 33 MiB kept for 14 MiB of langdetect
data). Built in a child, the table arrives as one bytes object, and what this process
makes from it is compact.

The bytes are also cached on disk (NEWSNORM_CACHE_DIR, else $XDG_CACHE_HOME/newsnorm, else
~/.cache/newsnorm), named by what they are built from: the Python version, the package's
version and the source files' names, sizes and modification times. A run's workers then
load them in milliseconds instead of a second of CPU each while Prefect boots. A cache
that cannot be read or written is only slower: the table is built again.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from newsnorm.atomic import atomic_write_bytes

T = TypeVar("T")

# The child dies with the process that asked (PR_SET_PDEATHSIG, Linux; then a check that this
# parent is still the one): a run killed with -9 during start-up leaves no builder behind.
_CODE = """
import importlib, os, signal, sys
from newsnorm.perf.process import die_with_parent
die_with_parent(signal.SIGKILL)
if os.getppid() != int(sys.argv[1]):
    sys.exit(1)
fn = getattr(importlib.import_module(sys.argv[2]), sys.argv[3])
sys.stdout.buffer.write(fn(*sys.argv[4:]))
"""


def built_in_child(module: str, function: str, *args: str, timeout: float = 120.0) -> bytes | None:
    """`module.function(*args)` (which returns bytes) run in a child Python; None if that failed
    (the caller then builds the table itself)."""
    env = dict(os.environ)  # this package importable there however it is here
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(Path(__file__).resolve().parents[1]),
                                                      env.get("PYTHONPATH")]))
    try:
        done = subprocess.run([sys.executable, "-c", _CODE, str(os.getpid()), module, function, *args],
                              capture_output=True, timeout=timeout, env=env, check=False, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 and done.stdout else None


def cache_dir() -> Path:
    configured = os.environ.get("NEWSNORM_CACHE_DIR")
    if configured:
        return Path(configured)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "newsnorm"


def source_key(*parts: object, files: Sequence[Path] = ()) -> str:
    """A name for what a table is built from: these values, the Python version, and each
    source file's name, size and modification time."""
    h = hashlib.sha256(repr((sys.version_info[:2], parts)).encode())
    for f in sorted(files):
        st = f.stat()
        h.update(f"{f}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:24]


def cached_build(name: str, key: str, parse: Callable[[bytes], T], build: Callable[..., bytes],
                 *args: str) -> T:
    """`parse` of the table's bytes: from the cache at (name, key), else built by `build(*args)` in a
    child (in this process if the child fails) and cached. A cached file that does not parse is
    built again."""
    path = cache_dir() / f"{name}-{key}.bin"
    with contextlib.suppress(OSError):
        blob = path.read_bytes()
        with contextlib.suppress(Exception):  # a damaged or foreign file: build it again
            return parse(blob)
    blob = built_in_child(build.__module__, build.__name__, *args) or build(*args)
    table = parse(blob)
    with contextlib.suppress(OSError):  # workers building at once write the same bytes: either wins
        atomic_write_bytes(path, blob, durable=False)
    return table
