"""The newsnorm Prefect flow: map the pipeline over batches of files, write the warehouse.

The flow holds no logic of its own: planning, processing and writing are newsnorm.run's
plain functions. Tasks compute; only the flow's own process writes the warehouse.
"""

from __future__ import annotations

from collections.abc import Iterator

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact

from newsnorm.ingest import DEFAULT_MAX_BYTES
from newsnorm.pipeline import BatchResult, process_batch
from newsnorm.report import markdown_report
from newsnorm.run import Progress, RunConfig, RunSummary, execute, make_translator
from newsnorm.translation_cache import cache_path

_progress: Progress | None = None


def set_progress(callback: Progress | None) -> None:
    """Let the CLI draw a progress bar for the flow running in its process."""
    global _progress
    _progress = callback


@task(name="process-batch", task_run_name="batch of {n} files")
def process_batch_task(paths: list[str], n: int, packages_dir: str | None, max_bytes: int,
                       translation_cache: str | None = None) -> BatchResult:
    return process_batch(paths, make_translator(packages_dir), max_bytes, translation_cache)


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
) -> RunSummary:
    cfg = RunConfig(inputs=inputs, warehouse=warehouse, batch_size=batch_size, max_bytes=max_bytes,
                    packages_dir=packages_dir, lock_timeout=lock_timeout, strict=strict,
                    prune_missing=prune_missing)

    def map_batches(batches: list[list[str]]) -> Iterator[BatchResult]:
        cache = str(cache_path(warehouse))  # workers read it; execute() (this process) writes it
        futures = [process_batch_task.submit(b, len(b), packages_dir, max_bytes, cache) for b in batches]
        for fut in futures:
            yield fut.result()

    summary: RunSummary = execute(cfg, map_batches, _progress)
    logger = get_run_logger()
    logger.info("newsnorm run %s: %d files seen, %d articles written, %d unchanged, %d quarantined",
                summary.run_id, summary.files_seen, summary.articles_written, summary.files_unchanged,
                summary.files_quarantined)
    create_markdown_artifact(key="run-report", markdown=markdown_report(summary),
                             description=f"newsnorm run {summary.run_id}")
    return summary
