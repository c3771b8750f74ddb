"""The story index's inverted index over fingerprint features."""

from __future__ import annotations

import numpy as np

from newsnorm.stories.postings import POSTING_CAP, Postings


def test_postings_rebuilt_in_slices_equal_a_plain_inverted_index(monkeypatch):
    """The rebuild sorts the key space a slice at a time (memory): the lists must be each
    key's live docs in order, and lists longer than POSTING_CAP dropped (key kept)."""
    rng = np.random.default_rng(5)
    vocabulary = rng.integers(0, 2**32, 5000, dtype=np.uint64).astype(np.uint32)
    common = np.uint32(2**31 + 7)  # in almost every doc: over the cap
    rows = [np.unique(np.append(rng.choice(vocabulary, n), common)) if n else np.empty(0, np.uint32)
            for n in rng.integers(0, 40, 3000)]
    keys = np.concatenate(rows).astype(np.uint32)
    lengths = np.array([r.size for r in rows])
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    alive = rng.random(lengths.size) > 0.1
    expected: dict[int, list[int]] = {}
    for d in np.flatnonzero(alive).tolist():
        for k in keys[offsets[d]:offsets[d + 1]].tolist():
            expected.setdefault(k, []).append(d)
    for slice_size in (1 << 19, 1000):
        monkeypatch.setattr(Postings, "SLICE", slice_size)
        p = Postings()
        p.rebuild(keys, offsets, alive)
        got = {k: p.docs[p.ptr[i]:p.ptr[i + 1]].tolist() for i, k in enumerate(p.keys.tolist())}
        assert got == {k: (v if len(v) <= POSTING_CAP else []) for k, v in expected.items()}
    assert len(expected[int(common)]) > POSTING_CAP and got[int(common)] == []

