"""How a run's files are cut into units of work (light: the CLI reads these before Prefect loads).

A batch is one Prefect task; a task costs the API server and the flow's process ~35 ms,
about 1 % of a batch of settings.BATCH_FILES. The warm pool (orchestrate/pool.py) spreads a
batch's chunks over the workers, so few tasks still keep every core busy to the end of a
run. A chunk is what one worker analyses and translates together: fixed, so that
translation batches (and so the results) never depend on the number of workers.
"""

from __future__ import annotations

CHUNK_FILES = 50


def batches_of(items: list, size: int) -> list[list]:
    """Consecutive items up to `size` in weight each: a text file weighs 1, a container (or
    a range of one: runner.containers.InputTask.weight) a whole chunk, so the records of
    one batch stay few whatever the containers hold."""
    size = max(1, size)
    out: list[list] = []
    current: list = []
    weight = 0
    for item in items:
        w = getattr(item, "weight", 1)
        if current and weight + w > size:
            out.append(current)
            current, weight = [], 0
        current.append(item)
        weight += w
    if current:
        out.append(current)
    return out


def chunks_of(batch: list) -> list[list]:
    """A batch's chunks, the same for the flow's tasks, the sequential path and the CLI's
    prefetch: a fixed cut keeps translation batches, and so results, the same (a prefetched
    chunk is claimed by its files, so the pool itself needs no agreement on the cut). A
    container is a chunk of its own, so the ranges of one spread over the workers."""
    return batches_of(batch, CHUNK_FILES)


def batches_ahead(flush_every: int, batch_size: int) -> int:
    """Batches a run keeps submitted ahead of the writer: two (each keeps every worker busy)
    plus enough to cover a flush, so the workers go on while the flow's process writes."""
    return 2 + -(-flush_every // max(1, batch_size))


class Feed:
    """The batches of a run, as an iterator that can grow while it is consumed: the pieces
    of a gzip stream (runner/container_plan.py) become work only once a worker has inflated
    it. `next()` raises StopIteration while nothing is queued, and gives batches again once
    more are `add`ed: the run adds them as soon as the result that names them arrives, before
    it asks for the next result, so a consumer that pulls only between results (the flow's
    `map_batches`, the sequential mapper) never stops early."""

    def __init__(self, items: list, size: int):
        self.size = size
        self.queue: list[list] = batches_of(items, size)[::-1]

    def add(self, items: list) -> None:
        self.queue[:0] = batches_of(items, self.size)[::-1]  # after those queued (popped from the end)

    def __iter__(self) -> Feed:
        return self

    def __next__(self) -> list:
        if not self.queue:
            raise StopIteration
        return self.queue.pop()
