"""orchestrate/pool.py: the warm worker pool the flow's tasks hand their batches to."""

from __future__ import annotations

import multiprocessing
import os
import signal
from concurrent.futures.process import BrokenProcessPool

import pytest

from newsnorm.orchestrate.pool import WorkerPool
from newsnorm.runner.batching import batches_of


def _pid(_: object = None) -> int:
    return os.getpid()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_pool_runs_work_in_worker_processes_and_its_owner_ends_them():
    with WorkerPool(2) as pool:
        pids = set(pool.run_each(_pid, list(range(6))))
        assert pool.open
    assert os.getpid() not in pids and 1 <= len(pids) <= 2
    assert not pool.open and not any(_alive(w) for w in pids)
    assert pool.run_each(_pid, [0]) == [os.getpid()]  # shut down: computed here, in order


def test_shutdown_ends_the_workers_at_once_and_twice_is_harmless():
    pool = WorkerPool(2)
    workers = set(pool.run_each(_pid, list(range(4))))
    pool.shutdown()  # what the flow does once its last batch is in
    assert not any(_alive(w) for w in workers)
    pool.shutdown()  # the owner's own shutdown later: nothing left to do
    assert pool.run_each(_pid, [0]) == [os.getpid()]


def test_two_pools_are_independent():
    with WorkerPool(1) as a, WorkerPool(1) as b:
        pa, pb = a.run_each(_pid, [0])[0], b.run_each(_pid, [0])[0]
        a.shutdown()
        assert pa != pb and not _alive(pa) and b.run_each(_pid, [0]) == [pb]


def test_a_killed_worker_fails_its_call_and_the_pool_is_replaced():
    with WorkerPool(1) as pool:
        victim = pool.run_each(_pid, [0])[0]
        with pytest.raises(BrokenProcessPool):
            pool.run_each(os.kill, [victim], signal.SIGKILL)
        assert pool.run_each(_pid, [0])[0] not in (victim, os.getpid())  # the retry gets a fresh worker


def test_run_each_spreads_items_over_the_workers_and_keeps_their_order():
    items = list(range(12))
    with WorkerPool(2) as pool, multiprocessing.Manager() as manager:
        assert pool.run_each(divmod, items, 5) == [divmod(i, 5) for i in items]
        both = manager.Barrier(2, timeout=60)  # passes only if two workers hold an item at once
        pids = set(pool.run_each(_pid_at_barrier, [both, both]))
    assert os.getpid() not in pids and len(pids) == 2


def _pid_at_barrier(barrier) -> int:
    barrier.wait()
    return os.getpid()


def _cut2(files: list[str]) -> list[list[str]]:
    return batches_of(files, 2)


def test_prefetched_work_is_taken_not_done_again_and_unclaimed_work_is_dropped(tmp_path):
    log = tmp_path / "calls"
    with WorkerPool(2) as pool:
        pool.prefetch(_logged_join, [["a", "b"], ["c", "d"], ["e", "f"]], str(log))
        assert pool.map_files(_logged_join, ["a", "b", "c", "d", "g", "h"], _cut2, str(log)) == ["ab", "cd", "gh"]
        assert set(pool._ahead[(_logged_join, (str(log),))]) == {"e", "f"}  # never asked for: still waiting
    assert not pool._ahead  # dropped with the pool
    calls = log.read_text().split()
    assert sorted(calls) in (["ab", "cd", "gh"], ["ab", "cd", "ef", "gh"])  # each computed at most once


def test_a_prefetch_is_claimed_by_whoever_holds_all_its_files_whatever_the_cut(tmp_path):
    log = tmp_path / "calls"
    with WorkerPool(2) as pool:
        pool.prefetch(_logged_join, [["c", "d"], ["e", "f"]], str(log))
        # a caller cutting three at a time: [c, d] lies inside its files, [e, f] straddles two callers
        out = pool.map_files(_logged_join, ["a", "b", "c", "d"], lambda fs: batches_of(fs, 3), str(log))
        assert out == ["ab", "cd"]  # in the order of each piece's first file
        assert pool.map_files(_logged_join, ["e"], _cut2, str(log)) == ["e"]  # holds only half of [e, f]
        assert pool.map_files(_logged_join, ["f", "e", "x"], _cut2, str(log)) == ["ef", "x"]
        assert pool.map_files(_logged_join, ["c", "d"], _cut2, str(log)) == ["cd"]  # claimed once: computed now
        other = pool.map_files(_logged_join, ["c", "d"], _cut2, "other-args")  # another call's prefetch: never
        assert other == ["cd"]
    calls = sorted(log.read_text().split())
    assert calls == sorted(["ab", "cd", "ef", "e", "x", "cd"])


def _logged_join(files: list[str], log: str) -> str:
    if log != "other-args":
        with open(log, "a") as fh:
            fh.write("".join(files) + "\n")
    return "".join(files)
