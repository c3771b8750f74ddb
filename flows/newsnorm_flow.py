"""The newsnorm Prefect flow: map the pipeline over batches of files, write the warehouse.

The flow holds no logic of its own: planning, processing and writing are newsnorm.run's
plain functions. Tasks compute; only the flow's own process writes the warehouse.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact

from newsnorm.ingest import DEFAULT_MAX_BYTES
from newsnorm.pipeline import BatchResult, process_batch
from newsnorm.report import markdown_report
from newsnorm.run import FLUSH_ARTICLES, RunConfig, RunSummary, execute, make_translator


@task(name="process-batch", task_run_name="batch of {n} files")
def process_batch_task(paths: list[str], n: int, packages_dir: str | None, max_bytes: int) -> BatchResult:
    return process_batch(paths, make_translator(packages_dir), max_bytes)


@flow(name="newsnorm", log_prints=False, validate_parameters=True)
def newsnorm_flow(
    inputs: list[str],
    warehouse: str = "warehouse",
    batch_size: int = 50,
    max_bytes: int = DEFAULT_MAX_BYTES,
    packages_dir: str | None = None,
    lock_timeout: float = 60.0,
    strict: bool = False,
    prune_missing: bool = False,
    flush_every: int = FLUSH_ARTICLES,
    max_inflight: int = 4,
) -> RunSummary:
    cfg = RunConfig(inputs=inputs, warehouse=warehouse, batch_size=batch_size, max_bytes=max_bytes,
                    packages_dir=packages_dir, lock_timeout=lock_timeout, strict=strict,
                    prune_missing=prune_missing, flush_every=flush_every)

    logger = get_run_logger()

    def map_batches(batches: list[list[str]]) -> Iterator[BatchResult]:
        """At most `max_inflight` batches submitted ahead: memory stays flat in corpus size."""
        pending: deque = deque()
        todo = iter(batches)
        while True:
            while len(pending) < max(1, max_inflight):
                batch = next(todo, None)
                if batch is None:
                    break
                pending.append((batch, process_batch_task.submit(batch, len(batch), packages_dir, max_bytes)))
            if not pending:
                return
            batch, future = pending.popleft()
            try:
                yield future.result()
            except Exception as exc:  # a crashed worker loses its batch, never the others' results
                logger.warning("batch of %d files failed: %s", len(batch), exc)
                yield BatchResult(failed=list(batch), errors=[f"batch failed: {type(exc).__name__}: {exc}"])

    summary: RunSummary = execute(cfg, map_batches)
    logger.info("newsnorm run %s: %d files seen, %d articles written, %d unchanged, %d quarantined",
                summary.run_id, summary.files_seen, summary.articles_written, summary.files_unchanged,
                summary.files_quarantined)
    create_markdown_artifact(key="run-report", markdown=markdown_report(summary),
                             description=f"newsnorm run {summary.run_id}")
    return summary
