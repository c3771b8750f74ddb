"""A warm process pool for the pipeline's CPU work: an object whose owner decides its lifetime.

Why not Prefect's ProcessPoolTaskRunner (measured, 3,000 articles on 2 cores): each of its
workers imports Prefect and runs the task engine (about 230 MiB per worker against 110 MiB
here, and API calls from every worker), and it starts workers only when the flow submits
its first task, after the API server is up. This pool's workers import only newsnorm's
pipeline, and the CLI starts them at once, so they load while Prefect's server boots.

Who owns it: `newsnorm run` creates one before Prefect starts and shuts it down at the end;
the flow finds it through the run's RunContext (orchestrate/context.py) and otherwise
creates its own (a deployment's run). Prefect still runs one task per batch (a thread task
in the flow's process: retries, states, the UI); the task hands its batch to the pool and
waits. This module imports nothing heavy: pool workers unpickle functions next to it.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import TypeVar

from newsnorm.orchestrate.launch import worker_init

T = TypeVar("T")


class PoolStopped(RuntimeError):
    """The run was interrupted and its workers killed: a batch is neither computed nor retried."""


def _new_executor(workers: int) -> ProcessPoolExecutor:
    # spawn, not fork: the flow's process runs Prefect's threads and event loops
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=worker_init)


def _ready() -> bool:
    return True


@dataclass
class _Ahead:
    """A prefetched call on a chunk of input files, claimable by any caller holding them all."""

    files: tuple[str, ...]
    future: Future


class WorkerPool:
    """`workers` processes, started at once (they import the pipeline in the background)."""

    def __init__(self, workers: int):
        self.workers = workers
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = _new_executor(workers)
        self._ahead: dict[tuple, dict[str, _Ahead]] = {}  # (fn, args) -> input file -> its prefetch
        self._stopping = threading.Event()
        for _ in range(workers):  # the executor spawns a worker per submit while none is idle
            self._executor.submit(_ready)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

    @property
    def open(self) -> bool:
        return self._executor is not None

    def stop_now(self) -> None:
        """The run is interrupted (Ctrl-C, SIGTERM; callable from a signal handler: takes no
        lock). Workers ignore those signals (launch.worker_init), so they are killed here:
        tasks waiting on them fail at once with PoolStopped, are not retried, and do not fall
        back to computing in their threads; the run unwinds in seconds."""
        self._stopping.set()
        executor = self._executor
        for proc in list((getattr(executor, "_processes", None) or {}).values()):
            with contextlib.suppress(Exception):
                proc.kill()

    def prefetch(self, fn: Callable[..., object], chunks: Sequence[Sequence[str]], *args: object) -> None:
        """Start `fn(chunk, *args)` for each chunk of input files now. A later `claim` of the same
        call takes a result for any chunk whose files it holds all of, so the claimer's chunks
        need not be cut the same way. The CLI starts a run's first chunks this way while
        Prefect's server boots (the workers would idle otherwise); a prefetch never claimed is
        cancelled or dropped when the pool shuts down."""
        with self._lock:
            if self._executor is None:
                return
            by_file = self._ahead.setdefault((fn, args), {})
            for chunk in chunks:
                files = tuple(chunk)
                if files and not any(f in by_file for f in files):
                    ahead = _Ahead(files, self._executor.submit(fn, list(files), *args))
                    by_file.update(dict.fromkeys(files, ahead))

    def claim(self, fn: Callable[..., T], files: Sequence[str], *args: object) -> tuple[list[_Ahead], list[str]]:
        """The prefetches of `fn(..., *args)` whose files are all among `files` (taken: nobody
        else gets them), in the order of their first file in `files`; and the files they do not
        cover, in their order."""
        wanted = set(files)
        taken: list[_Ahead] = []
        with self._lock:
            by_file = self._ahead.get((fn, args))
            if by_file:
                for f in files:
                    ahead = by_file.get(f)
                    if ahead is not None and wanted.issuperset(ahead.files):
                        taken.append(ahead)
                        for g in ahead.files:
                            del by_file[g]
        covered = {f for a in taken for f in a.files}
        return taken, [f for f in files if f not in covered]

    def map_files(self, fn: Callable[..., T], files: Sequence[str], cut: Callable[[list[str]], list[list[str]]],
                  *args: object) -> list[T]:
        """`fn(chunk, *args)` for the chunks of `files`: prefetched chunks claimed, the other
        files cut by `cut` and spread over the workers; results in the order of each chunk's
        first file (with the prefetch cut the same way: exactly `[fn(c, *args) for c in cut(files)]`)."""
        self._check_stopping()
        taken, rest = self.claim(fn, files, *args)
        with self._lock:
            executor = self._executor
        chunks = cut(rest)
        if executor is None:
            pieces = [(a.files[0], a.future) for a in taken]
            done = {id(f): f.result() for _, f in pieces}
            computed = [(c[0], fn(c, *args)) for c in chunks]
            ordered = [(first, done[id(f)]) for first, f in pieces] + computed
        else:
            futures = [(a.files[0], a.future) for a in taken] + [(c[0], executor.submit(fn, c, *args)) for c in chunks]
            results = self._gather([f for _, f in futures], executor)
            ordered = [(first, r) for (first, _), r in zip(futures, results, strict=True)]
        position = {f: i for i, f in enumerate(files)}
        return [r for _, r in sorted(ordered, key=lambda fr: position[fr[0]])]

    def run_each(self, fn: Callable[..., T], items: list, *args: object) -> list[T]:
        """`[fn(item, *args) for item in items]`, spread over the workers (computed here, in
        order, once the pool is shut down).

        One Prefect task can so keep every worker busy: tasks stay few (each costs the API
        server and the flow's process tens of milliseconds) without idle cores at a run's end.
        """
        self._check_stopping()
        with self._lock:
            executor = self._executor
        if executor is None:
            return [fn(item, *args) for item in items]
        return self._gather([executor.submit(fn, item, *args) for item in items], executor)

    def _gather(self, futures: list[Future], executor: ProcessPoolExecutor) -> list:
        """The futures' results, in order. A dead worker breaks the whole executor: it is replaced
        here, and the error is raised so that the task's retry policy decides (BrokenProcessPool
        counts as transient)."""
        try:
            return [f.result() for f in futures]
        except BrokenProcessPool:
            self._check_stopping()
            self._replace(executor)
            raise
        finally:
            for f in futures:
                f.cancel()

    def _check_stopping(self) -> None:
        if self._stopping.is_set():
            raise PoolStopped("the run is stopping")

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is not broken:
                return  # shut down meanwhile, or already replaced by another task
            self._executor = _new_executor(self.workers)
            self._ahead.clear()  # started on the broken executor: they would fail too
        broken.shutdown(wait=False, cancel_futures=True)

    def shutdown(self) -> None:
        """Stop the workers (idempotent); prefetches never claimed are cancelled. A run calls this
        once its last batch is in: its last writes (the final flush, the stories table) then do
        not share the machine's memory with idle workers (~100 MiB each at 100,000 articles)."""
        with self._lock:
            executor, self._executor = self._executor, None
            for by_file in self._ahead.values():
                for ahead in by_file.values():
                    ahead.future.cancel()
            self._ahead.clear()
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
