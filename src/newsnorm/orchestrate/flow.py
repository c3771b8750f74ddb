"""The newsnorm Prefect flow: map the pipeline over batches of files, write the warehouse.

No `from __future__ import annotations` here: deployments load this module by entrypoint
and Prefect must resolve the `Annotated` parameter types when it validates parameters.

The flow holds no logic of its own: planning, processing and writing are newsnorm.run's
plain functions. Tasks compute; only the flow's own process writes the warehouse.
"""


import contextlib
import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from typing import Annotated

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.context import FlowRunContext
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.tasks import exponential_backoff
from pydantic import Field

from newsnorm.orchestrate import pool
from newsnorm.readers.ingest import DEFAULT_MAX_BYTES
from newsnorm.runner.batching import BATCH_FILES, batches_ahead, chunks_of
from newsnorm.runner.execute import FLUSH_ARTICLES, RunConfig, RunSummary, execute
from newsnorm.runner.report import markdown_report
from newsnorm.runner.work import BatchResult, merge_results, process_paths
from newsnorm.translation.cache import cache_path


def _transient(task, task_run, state) -> bool:
    """Retry a batch only for infrastructure trouble (I/O, network), never for a bug."""
    try:
        state.result()
    except (OSError, ConnectionError, TimeoutError, BrokenProcessPool):
        return True
    except Exception:
        return False
    return False


@task(name="process-batch", task_run_name="batch of {n} files", retries=2,
      retry_delay_seconds=exponential_backoff(backoff_factor=2), retry_condition_fn=_transient)
def process_batch_task(paths: list[str], n: int, packages_dir: str | None, max_bytes: int,
                       translation_cache: str | None = None) -> BatchResult:
    chunks = chunks_of(paths)
    return merge_results(pool.run_each(process_paths, chunks, packages_dir, max_bytes, translation_cache))


@flow(name="newsnorm", log_prints=False, validate_parameters=True, task_runner=ThreadPoolTaskRunner())
def newsnorm_flow(
    inputs: Annotated[list[str], Field(min_length=1)],
    warehouse: str = "warehouse",
    batch_size: Annotated[int, Field(ge=1, le=100_000)] = BATCH_FILES,
    max_bytes: Annotated[int, Field(ge=1)] = DEFAULT_MAX_BYTES,
    packages_dir: str | None = None,
    lock_timeout: Annotated[float, Field(ge=0)] = 60.0,
    strict: bool = False,
    prune_missing: bool = False,
    flush_every: Annotated[int, Field(ge=1)] = FLUSH_ARTICLES,
    max_inflight: Annotated[int | None, Field(ge=1)] = None,
    processes: Annotated[int | None, Field(ge=0)] = None,
) -> RunSummary:
    """Process new and changed files under `inputs` into the Parquet warehouse at `warehouse`.

    Tasks run in threads of this process and hand their batch to a pool of `processes`
    worker processes (default: one per core; 0: compute in the task's thread), see
    flows/pool.py. With another task runner (Dask, chosen by `flows.launch.run_flow` with
    `with_options`) each task computes where that runner puts it.
    """
    cfg = RunConfig(inputs=inputs, warehouse=warehouse, batch_size=batch_size, max_bytes=max_bytes,
                    packages_dir=packages_dir, lock_timeout=lock_timeout, strict=strict,
                    prune_missing=prune_missing, flush_every=flush_every)

    logger = get_run_logger()

    def map_batches(batches: list[list[str]]) -> Iterator[BatchResult]:
        """At most `window` batches submitted ahead: memory stays flat in corpus size.

        Each batch keeps every worker busy (its chunks are spread over the pool); the
        default window (batching.batches_ahead) also covers a flush.
        """
        cache = str(cache_path(warehouse))  # workers read it; execute() (this process) writes it
        pending: deque = deque()
        todo = iter(batches)
        while True:
            while len(pending) < window:
                batch = next(todo, None)
                if batch is None:
                    break
                pending.append((batch, process_batch_task.submit(batch, len(batch), packages_dir, max_bytes, cache)))
            if not pending:
                if local:
                    pool.finished()
                return
            batch, future = pending.popleft()
            try:
                yield future.result()
            except Exception as exc:  # a crashed worker loses its batch, never the others' results
                logger.warning("batch of %d files failed: %s", len(batch), exc)
                yield BatchResult(failed=list(batch), errors=[f"batch failed: {type(exc).__name__}: {exc}"])

    local = isinstance(FlowRunContext.get().task_runner, ThreadPoolTaskRunner)
    workers = (os.cpu_count() or 1) if processes is None else processes
    window = max_inflight or batches_ahead(flush_every, batch_size)
    with pool.session(workers) if local and workers else contextlib.nullcontext():
        summary: RunSummary = execute(cfg, map_batches)
    logger.info("newsnorm run %s: %d files seen, %d articles written, %d unchanged, %d quarantined",
                summary.run_id, summary.files_seen, summary.articles_written, summary.files_unchanged,
                summary.files_quarantined)
    create_markdown_artifact(key="run-report", markdown=markdown_report(summary),
                             description=f"newsnorm run {summary.run_id}")
    return summary
