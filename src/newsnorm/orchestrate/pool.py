"""A warm process pool for the pipeline's CPU work, owned by one run.

Why not Prefect's ProcessPoolTaskRunner (measured, 3,000 articles on 2 cores): each of its
workers imports Prefect and runs the task engine (about 230 MiB per worker against 110 MiB
here, and API calls from every worker), and it starts workers only when the flow submits
its first task, after the API server is up. This pool's workers import only newsnorm's
pipeline, and the CLI starts them at once, so they load while Prefect's server boots.

Prefect still runs one task per batch (a thread task in the flow's process: retries,
states, the UI); the task hands its batch to this pool and waits. Where no pool is open in
the process running the task (a Dask worker, `--runner thread`), the batch is computed
right there. This module imports nothing heavy: pool workers unpickle `_call` from it.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from newsnorm.orchestrate.launch import worker_init

T = TypeVar("T")

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_size = 0
_sessions = 0
_ahead: dict[tuple, Future] = {}  # work started before the flow asked for it (see `prefetch`)


def _new_pool(workers: int) -> ProcessPoolExecutor:
    # spawn, not fork: the flow's process runs Prefect's threads and event loops
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=worker_init)


def _ready() -> bool:
    return True


def start(workers: int) -> None:
    """Start `workers` processes now; they import the pipeline in the background."""
    global _pool, _size
    with _lock:
        if _pool is not None and _size == workers:
            return
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
            _ahead.clear()
        _pool, _size = _new_pool(workers), workers
        for _ in range(workers):  # the executor spawns a worker per submit while none is idle
            _pool.submit(_ready)


def prefetch(fn: Callable[..., object], items: list, *args: object) -> None:
    """Start `fn(item, *args)` for each item now, before any session: a later `run_each` with
    the same call takes the result instead of computing it again. The CLI starts a run's
    first chunks this way while Prefect's server boots (the workers would idle otherwise);
    a call never asked for is cancelled or dropped when the pool shuts down."""
    with _lock:
        if _pool is None:
            return
        for item in items:
            key = (fn, tuple(item), args)
            if key not in _ahead:
                _ahead[key] = _pool.submit(fn, item, *args)


def _take(fn: Callable[..., T], item: list, args: tuple) -> Future | None:
    with _lock:
        return _ahead.pop((fn, tuple(item), args), None) if _ahead else None


def shutdown() -> None:
    global _pool, _size
    with _lock:
        pool, _pool, _size = _pool, None, 0
        for f in _ahead.values():
            f.cancel()
        _ahead.clear()
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


def finished() -> None:
    """The calling session has all its results: shut the pool down now unless another session
    uses it. A run's last writes (the final flush, the stories table) then do not share the
    machine's memory with idle workers (measured at 100,000 articles: ~100 MiB each)."""
    with _lock:
        last = _sessions == 1
    if last:
        shutdown()


@contextlib.contextmanager
def session(workers: int) -> Iterator[None]:
    """A flow's use of the pool: started unless the CLI already did, shut down at the end."""
    global _sessions
    start(workers)
    with _lock:
        _sessions += 1
    try:
        yield
    finally:
        with _lock:
            _sessions -= 1
            last = _sessions == 0
        if last:
            shutdown()


def run_each(fn: Callable[..., T], items: list, *args: object) -> list[T]:
    """`[fn(item, *args) for item in items]`, spread over the pool's workers when a session is
    open in this process (else computed in this thread, in order).

    One Prefect task can so keep every worker busy: tasks stay few (each costs the API
    server and the flow's process tens of milliseconds) without idle cores at a run's end.
    A dead worker breaks the whole executor: it is replaced here, and the error is raised
    so that the task's retry policy decides (BrokenProcessPool counts as transient).
    """
    with _lock:
        pool = _pool if _sessions else None
    if pool is None:
        return [fn(item, *args) for item in items]
    futures = [_take(fn, item, args) or pool.submit(fn, item, *args) for item in items]
    try:
        return [f.result() for f in futures]
    except BrokenProcessPool:
        _replace(pool)
        raise
    finally:
        for f in futures:
            f.cancel()


def _replace(broken: ProcessPoolExecutor) -> None:
    global _pool
    with _lock:
        if _pool is broken:
            _pool = _new_pool(_size)
            _ahead.clear()  # started on the broken pool: they would fail too
    broken.shutdown(wait=False, cancel_futures=True)
