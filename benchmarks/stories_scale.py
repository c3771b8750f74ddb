"""The story index at archive scale: time per new article and peak memory at 10k, 100k, 1M indexed articles.

    python benchmarks/stories_scale.py                      # checkpoints 10,000 and 100,000
    python benchmarks/stories_scale.py --sizes 10000,100000,1000000

No pipeline: synthetic fingerprints go straight into StoryIndex.add (synced every --batch
articles, as a run does), or with --disk FILE into the on-disk index (stories/disk/: an
SQLite file, committed every --batch articles). They are made like news: stories of a few to a few hundred
articles (a long tail), each a set of names and figures of its own (rare keys) over words
rarer than Zipf 4 (the commoner ones are no feature), drawn by a Zipf law and keyed by
rarity class as fingerprint.feature_key does; syndicated copies that share most MinHash
slots; single articles. Deterministic for a --seed. At each checkpoint: the mean time of
the last --window additions (ms per article, sync included), candidates and pair tests per
article, and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from newsnorm.stories.disk.index import DiskIndex  # noqa: E402
from newsnorm.stories.fingerprint import N_MINHASH, RARITY_BITS, Fingerprint, quantize  # noqa: E402
from newsnorm.stories.index import StoryIndex  # noqa: E402
from newsnorm.stories.rows import Entry  # noqa: E402

VOCABULARY = 300_000
FIRST_RANK = 3_000  # commoner words (Zipf above 4) are no feature unless capitalized (fingerprint.py)
_SHIFT = 32 - RARITY_BITS


class Stream:
    """Synthetic fingerprints, one at a time, from a fixed seed."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        rank = np.arange(FIRST_RANK, FIRST_RANK + VOCABULARY)
        p = 1.0 / rank ** 1.05  # Zipf: a few words in many articles, most in few
        self.cdf = np.cumsum(p / p.sum())
        zipf = 7.7 - 1.05 * np.log10(rank)  # English: "the" 7.7, rank 1,000 about 4.6, 100,000 about 2.4
        cls = np.clip((2 * zipf).astype(np.int64), 0, (1 << RARITY_BITS) - 1)
        low = self.rng.integers(0, 1 << _SHIFT, VOCABULARY, dtype=np.int64)
        self.words = ((cls << _SHIFT) | low).astype(np.uint32)
        self.word_weight = np.clip(5.0 - zipf, 0.5, 5.0).astype(np.float32)  # fingerprint_data.WEIGHTS
        self.story: dict | None = None
        self.left = 0
        self.n = 0

    def _new_story(self) -> None:
        rng = self.rng
        size = int(min(rng.pareto(1.3) * 2 + 1, 400))  # mostly 1-5, a tail into the hundreds
        names = ((rng.integers(0, 3, 12) << _SHIFT) | rng.integers(0, 1 << _SHIFT, 12)).astype(np.uint32)
        words = self._draw(40)
        self.story = {"names": names, "words": words, "minhash": rng.integers(0, 2**32, N_MINHASH, dtype=np.uint64)}
        self.left = size

    def _draw(self, k: int) -> np.ndarray:
        """k word ranks by the Zipf law."""
        return np.minimum(np.searchsorted(self.cdf, self.rng.random(k)), VOCABULARY - 1)

    def next(self) -> Fingerprint:
        rng = self.rng
        if self.left == 0:
            self._new_story()
        self.left -= 1
        st = self.story
        names = st["names"][rng.random(12) < 0.7]
        own = self._draw(int(rng.integers(40, 120)))
        words = np.concatenate([st["words"][rng.random(40) < 0.6], own])
        keys = np.concatenate([names, self.words[words]])
        weights = np.concatenate([np.full(names.size, 4.5, np.float32), self.word_weight[words]])
        order = np.argsort(keys, kind="stable")
        keys, weights = keys[order], weights[order]
        first = np.concatenate([[True], keys[1:] != keys[:-1]])
        mh = st["minhash"].copy() if rng.random() < 0.3 else rng.integers(0, 2**32, N_MINHASH, dtype=np.uint64)
        mh[rng.random(N_MINHASH) < 0.2] = rng.integers(0, 2**32, dtype=np.uint64)
        self.n += 1
        return Fingerprint(keys[first], quantize(weights[first]), mh.astype(np.uint32), int(rng.integers(50, 600)),
                           int(keys.size * 4))


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--window", type=int, default=2000, help="additions timed before each checkpoint")
    ap.add_argument("--batch", type=int, default=1000, help="articles between syncs")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--disk", type=Path, help="index into this SQLite file (must not exist) instead of memory")
    args = ap.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    stream = Stream(args.seed)
    if args.disk:
        if args.disk.exists():
            ap.error(f"{args.disk} exists: the benchmark starts from an empty index")
        index = DiskIndex(args.disk)
        add, sync = lambda aid, fp: index.add(aid, fp), index.commit
    else:
        index = StoryIndex()
        add, sync = lambda aid, fp: index.add(Entry(article_id=aid, content_sha256="", fp=fp)), index.sync
    print(f"{'indexed':>9} {'ms/article':>10} {'CPU ms':>7} {'candidates':>10} {'tests':>6} {'peak RSS MiB':>12}"
          + (f" {'file MiB':>8} {'postings':>8}" if args.disk else ""))
    done = 0
    for size in sizes:
        start = max(done, size - args.window)
        while done < start:
            for _ in range(min(args.batch, start - done)):
                add(f"a{done:08d}", stream.next())
                done += 1
            sync()
        before = dict(index.stats)
        t0, c0 = time.perf_counter(), time.process_time()
        while done < size:
            for _ in range(min(args.batch, size - done)):
                add(f"a{done:08d}", stream.next())
                done += 1
            sync()
        timed = max(size - start, 1)
        ms = 1000 * (time.perf_counter() - t0) / timed
        cpu = 1000 * (time.process_time() - c0) / timed
        cand = (index.stats["candidates"] - before["candidates"]) / timed
        tests = (index.stats["compared"] - before["compared"]) / timed
        size_mib = sum(p.stat().st_size for p in args.disk.parent.glob(args.disk.name + "*")) / 2**20 \
            if args.disk else 0
        read = (index.stats.get("postings", 0) - before.get("postings", 0)) / timed
        print(f"{size:>9,} {ms:>10.3f} {cpu:>7.3f} {cand:>10.1f} {tests:>6.1f} {peak_rss_mib():>12.0f}"
              + (f" {size_mib:>8.0f} {read:>8.0f}" if args.disk else ""), flush=True)
    print("(ms/article: wall, CPU ms: this process's; both include making the synthetic fingerprint, about 0.1 ms)")


if __name__ == "__main__":
    main()
