"""The newsnorm Prefect flow: map the pipeline over batches of files, write the warehouse.

No `from __future__ import annotations` here: deployments load this module by entrypoint
and Prefect must resolve the `Annotated` parameter types when it validates parameters.

The flow holds no logic of its own: planning, processing and writing are newsnorm.runner's
plain functions. Tasks compute; only the flow's own process writes the warehouse. Its
parameters' defaults and bounds come from newsnorm.settings (tests/test_settings.py checks).
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

from newsnorm.orchestrate import context
from newsnorm.orchestrate.context import RunContext
from newsnorm.orchestrate.pool import WorkerPool
from newsnorm.runner.batching import batches_ahead, chunks_of
from newsnorm.runner.execute import RunSummary, execute
from newsnorm.runner.report import markdown_report
from newsnorm.runner.work import BatchResult, merge_results, process_paths
from newsnorm.settings import RunSettings, bounds, default
from newsnorm.translation.cache import cache_path


def _transient(task, task_run, state) -> bool:
    """Retry a batch only for infrastructure trouble (I/O, network), never for a bug (nor
    PoolStopped: the run is being interrupted)."""
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
                       translation_cache: str | None = None, run_context: str | None = None) -> BatchResult:
    """A batch's chunks on the run's worker pool (prefetched chunks taken), or right here when
    this process has none (a Dask worker, `--runner thread`)."""
    ctx = context.lookup(run_context)
    pool = ctx.pool if ctx is not None else None
    if pool is None:
        return merge_results([process_paths(c, packages_dir, max_bytes, translation_cache) for c in chunks_of(paths)])
    return merge_results(pool.map_files(process_paths, paths, chunks_of, packages_dir, max_bytes, translation_cache))


@flow(name="newsnorm", log_prints=False, validate_parameters=True, task_runner=ThreadPoolTaskRunner())
def newsnorm_flow(
    inputs: Annotated[list[str], Field(**bounds("inputs"))],
    warehouse: str = default("warehouse"),
    batch_size: Annotated[int, Field(**bounds("batch_size"))] = default("batch_size"),
    max_bytes: Annotated[int, Field(**bounds("max_bytes"))] = default("max_bytes"),
    packages_dir: str | None = default("packages_dir"),
    lock_timeout: Annotated[float, Field(**bounds("lock_timeout"))] = default("lock_timeout"),
    strict: bool = default("strict"),
    prune_missing: bool = default("prune_missing"),
    flush_every: Annotated[int, Field(**bounds("flush_every"))] = default("flush_every"),
    format: str | None = default("format"),
    text_field: str | None = default("text_field"),
    html_field: str | None = default("html_field"),
    url_field: str | None = default("url_field"),
    id_field: str | None = default("id_field"),
    max_inflight: Annotated[int | None, Field(ge=1)] = None,
    processes: Annotated[int | None, Field(ge=0)] = None,
    run_context: str | None = None,
) -> RunSummary:
    """Process new and changed files under `inputs` into the Parquet warehouse at `warehouse`.

    Tasks run in threads of this process and hand their batch to a pool of worker processes:
    the one in the caller's RunContext (`run_context`, the id of one opened in this process,
    see orchestrate/context.py: also its progress callback), else one of `processes` workers
    started here (default: one per core; 0: compute in the task's thread). With another
    task runner (Dask, chosen by `orchestrate.launch.run_flow` with `with_options`) each task
    computes where that runner puts it.
    """
    cfg = RunSettings(inputs=inputs, warehouse=warehouse, batch_size=batch_size, max_bytes=max_bytes,
                      packages_dir=packages_dir, lock_timeout=lock_timeout, strict=strict,
                      prune_missing=prune_missing, flush_every=flush_every, format=format, text_field=text_field,
                      html_field=html_field, url_field=url_field, id_field=id_field)
    logger = get_run_logger()
    local = isinstance(FlowRunContext.get().task_runner, ThreadPoolTaskRunner)
    given = context.lookup(run_context)
    workers = (os.cpu_count() or 1) if processes is None else processes
    with contextlib.ExitStack() as stack:
        pool = given.pool if given is not None and local else None
        progress = given.progress if given is not None else None
        if pool is None and local and workers:  # no caller's pool (a deployment's run): one of the flow's own
            pool = stack.enter_context(WorkerPool(workers))
        if given is None or given.pool is not pool:  # the tasks find this run's pool by the context's id
            run_context = stack.enter_context(context.opened(RunContext(progress=progress, pool=pool)))

        def map_batches(batches: list[list[str]]) -> Iterator[BatchResult]:
            """At most `window` batches submitted ahead: memory stays flat in corpus size.

            Each batch keeps every worker busy (its chunks are spread over the pool); the
            default window (batching.batches_ahead) also covers a flush.
            """
            cache = str(cache_path(warehouse))  # workers read it; execute() (this process) writes it
            window = max_inflight or batches_ahead(flush_every, batch_size)
            pending: deque = deque()
            todo = iter(batches)
            while True:
                while len(pending) < window:
                    batch = next(todo, None)
                    if batch is None:
                        break
                    pending.append((batch, process_batch_task.submit(batch, len(batch), packages_dir, max_bytes,
                                                                     cache, run_context)))
                if not pending:
                    if pool is not None:
                        pool.shutdown()  # every result is in: no idle workers beside the last writes
                    return
                batch, future = pending.popleft()
                try:
                    yield future.result()
                except Exception as exc:  # a crashed worker loses its batch, never the others' results
                    logger.warning("batch of %d files failed: %s", len(batch), exc)
                    yield BatchResult(failed=list(batch), errors=[f"batch failed: {type(exc).__name__}: {exc}"])

        try:
            summary: RunSummary = execute(cfg, map_batches, progress)
        except BaseException as exc:
            if pool is not None and not isinstance(exc, Exception):  # interrupted (Ctrl-C, Prefect's
                pool.stop_now()  # TerminationSignal): queued tasks must not compute the rest of the run
            raise
    logger.info("newsnorm run %s: %d files seen, %d articles written, %d unchanged, %d quarantined",
                summary.run_id, summary.files_seen, summary.articles_written, summary.files_unchanged,
                summary.files_quarantined)
    create_markdown_artifact(key="run-report", markdown=markdown_report(summary),
                             description=f"newsnorm run {summary.run_id}")
    return summary
