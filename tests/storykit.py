"""Synthetic fingerprints for the story-index tests (shared by the in-memory and on-disk tests)."""

from __future__ import annotations

import random

import numpy as np

from newsnorm.stories.fingerprint import N_MINHASH, RARITY_BITS, Fingerprint, quantize


def near_threshold_fingerprints(rng: random.Random, n: int) -> list[Fingerprint]:
    """Stories whose shared keys sort last (common classes) under rare keys of each doc's own:
    what a story shares sits at the end of the key order, where the prefix cut is, and pairs
    land near the thresholds. Long posting lists; MinHash slots from a few values."""
    shift = 32 - RARITY_BITS
    vocab = [(rng.randint(12, 15) << shift) | rng.randrange(1 << shift) for _ in range(300)]
    stories = [rng.sample(vocab, 30) for _ in range(12)]
    out = []
    for _ in range(n):
        own = [(rng.randint(0, 3) << shift) | rng.randrange(1 << shift) for _ in range(rng.randint(0, 25))]
        keys = sorted(set(rng.sample(rng.choice(stories), rng.randint(5, 30)) + own + rng.sample(vocab, 5)))
        weights = quantize(np.array([rng.choice([0.5, 1.0, 2.0, 3.5, 5.0]) for _ in keys], np.float32))
        mh = np.array([rng.choice([1, 2, 3, rng.randrange(1 << 32)]) for _ in range(N_MINHASH)], np.uint32)
        out.append(Fingerprint(np.array(keys, np.uint32), weights, mh, rng.choice([5, 30, 200]), len(keys) * 5))
    return out
