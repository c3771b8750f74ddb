"""flows/pool.py: the warm worker pool the flow's tasks hand their batches to."""

from __future__ import annotations

import multiprocessing
import os
import signal
from concurrent.futures.process import BrokenProcessPool

import pytest

from newsnorm.orchestrate import pool


def _pid(_: object = None) -> int:
    return os.getpid()


def test_without_a_session_work_runs_in_the_calling_process():
    assert pool.run_each(_pid, [0]) == [os.getpid()]


def test_a_session_runs_work_in_worker_processes_and_ends_them():
    with pool.session(2):
        pids = set(pool.run_each(_pid, list(range(6))))
    assert os.getpid() not in pids and 1 <= len(pids) <= 2
    assert pool.run_each(_pid, [0]) == [os.getpid()]  # closed: back to in-process


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_finished_session_ends_the_workers_before_it_closes_unless_another_uses_them():
    with pool.session(2):
        with pool.session(2):
            workers = set(pool.run_each(_pid, list(range(4))))
            pool.finished()  # the other session still runs: the pool stays
            assert os.getpid() not in set(pool.run_each(_pid, [0]))
        pool.finished()
        assert pool.run_each(_pid, [0]) == [os.getpid()]  # no pool now: computed here
        assert not any(_alive(w) for w in workers)


def test_a_killed_worker_fails_its_call_and_the_pool_is_replaced():
    with pool.session(1):
        victim = pool.run_each(_pid, [0])[0]
        with pytest.raises(BrokenProcessPool):
            pool.run_each(os.kill, [victim], signal.SIGKILL)
        assert pool.run_each(_pid, [0])[0] not in (victim, os.getpid())  # the retry gets a fresh worker


def test_run_each_spreads_items_over_the_workers_and_keeps_their_order():
    items = list(range(12))
    assert pool.run_each(divmod, items, 5) == [divmod(i, 5) for i in items]  # no session: in order, here
    with pool.session(2), multiprocessing.Manager() as manager:
        assert pool.run_each(divmod, items, 5) == [divmod(i, 5) for i in items]
        both = manager.Barrier(2, timeout=60)  # passes only if two workers hold an item at once
        pids = set(pool.run_each(_pid_at_barrier, [both, both]))
    assert os.getpid() not in pids and len(pids) == 2


def _pid_at_barrier(barrier) -> int:
    barrier.wait()
    return os.getpid()


def test_prefetched_work_is_taken_not_done_again_and_unclaimed_work_is_dropped(tmp_path):
    log = tmp_path / "calls"
    pool.start(2)
    try:
        pool.prefetch(_logged_sum, [[1, 2], [3, 4], [5, 6]], str(log))
        with pool.session(2):
            assert pool.run_each(_logged_sum, [[1, 2], [3, 4], [7, 8]], str(log)) == [3, 7, 15]
    finally:
        pool.shutdown()
    calls = sorted(log.read_text().split())
    assert calls.count("3") == 1 and calls.count("7") == 1 and calls.count("15") == 1  # each computed once
    assert not pool._ahead  # [5, 6] was never asked for: dropped with the pool


def _logged_sum(item: list[int], log: str) -> int:
    with open(log, "a") as fh:
        fh.write(f"{sum(item)}\n")
    return sum(item)
