"""What the process that starts a flow run lends the run, and only that process: a RunContext.

A flow's parameters are serialised (Prefect records them, and a deployment's run gets them
from the API), so a terminal progress bar or a process pool cannot be parameters. The
caller opens a RunContext in the flow's own process and passes its id, a plain string, as
the flow's `run_context` parameter; the flow and its thread tasks look it up by that id.
Where the id is unknown (a deployment's run, a Dask worker) the lookup gives None and the
flow does without: no progress shown, and a pool of its own or none.
"""

from __future__ import annotations

import contextlib
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsnorm.orchestrate.pool import WorkerPool

Progress = Callable[[int, int], None]

_lock = threading.Lock()
_open: dict[str, RunContext] = {}


@dataclass
class RunContext:
    """The caller's progress callback (files done, files to do) and worker pool, for one run."""

    progress: Progress | None = None
    pool: WorkerPool | None = None
    id: str = field(default_factory=lambda: uuid.uuid4().hex)


@contextlib.contextmanager
def opened(ctx: RunContext) -> Iterator[str]:
    """Make `ctx` findable by its id in this process while the block runs; yield the id."""
    with _lock:
        _open[ctx.id] = ctx
    try:
        yield ctx.id
    finally:
        with _lock:
            _open.pop(ctx.id, None)


def lookup(context_id: str | None) -> RunContext | None:
    """The open RunContext with this id in this process, else None."""
    if context_id is None:
        return None
    with _lock:
        return _open.get(context_id)
