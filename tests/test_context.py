"""orchestrate/context.py: what a flow run's caller lends the run, found by id in this process only."""

from __future__ import annotations

import pickle

from newsnorm.orchestrate import context
from newsnorm.orchestrate.context import RunContext


def test_an_opened_context_is_found_by_its_id_until_the_block_ends():
    seen: list[tuple[int, int]] = []
    ctx = RunContext(progress=lambda done, total: seen.append((done, total)))
    with context.opened(ctx) as run_id:
        assert isinstance(run_id, str) and pickle.loads(pickle.dumps(run_id)) == run_id  # travels as a plain str
        found = context.lookup(run_id)
        assert found is ctx
        found.progress(1, 2)
    assert seen == [(1, 2)]
    assert context.lookup(run_id) is None  # closed: a later run cannot reach this caller's bar


def test_unknown_or_missing_ids_find_nothing():
    assert context.lookup(None) is None
    assert context.lookup("no-such-run") is None


def test_two_runs_keep_their_own_contexts():
    a, b = RunContext(), RunContext()
    with context.opened(a) as ia, context.opened(b) as ib:
        assert ia != ib and context.lookup(ia) is a and context.lookup(ib) is b
