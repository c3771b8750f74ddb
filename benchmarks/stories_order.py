"""Story partitions of one corpus ingested in two orders, two batch sizes, and grown in two runs.

    python benchmarks/stories_order.py                 # 12,000 seed-like articles
    python benchmarks/stories_order.py --articles 3000 --keep /tmp/order

The corpus (benchmarks/corpus.py: article i is a variant of seed i % 5) is written once and
copied under shuffled file names, so only the names (hence the order files are read in, and
the article ids) differ. Warehouses, all with the real run (execute, no Prefect):
  A  the corpus in name order, default batch and flush sizes;
  B  the shuffled copy, small batches and flushes (the story index synced more often);
  C  the shuffled copy grown in two runs: half of its files, then all (the index saved and reloaded).
Articles are matched across warehouses by content_sha256. Printed: stories per warehouse,
groups that differ from A, and whether A is the gold file's four stories (000 and 001 one).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import SEEDS, generate  # noqa: E402
from newsnorm.runner.execute import RunConfig, execute  # noqa: E402

GOLD = ROOT / "tests" / "data" / "seeds.gold.json"


def partition(warehouse: Path) -> set[frozenset[str]]:
    """Stories as sets of content hashes, read with DuckDB from the articles table."""
    rows = duckdb.sql(f"select story_id, list(content_sha256 order by content_sha256) from "
                      f"read_parquet('{warehouse}/articles/**/*.parquet', hive_partitioning=true) "
                      f"group by story_id").fetchall()
    return {frozenset(members) for _, members in rows}


def run(inputs: list[Path], warehouse: Path, **settings) -> float:
    t0 = time.perf_counter()
    execute(RunConfig(inputs=[str(p) for p in inputs], warehouse=str(warehouse), **settings))
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=12_000)
    ap.add_argument("--seed", type=int, default=1, help="shuffles the copy's file names")
    ap.add_argument("--keep", type=Path, help="work here and keep the warehouses (default: a temp folder)")
    args = ap.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="stories_order_"))
    try:
        paths = generate(work / "corpus_a", args.articles, seed=0)
        names = list(range(len(paths)))
        random.Random(args.seed).shuffle(names)
        copy_b = work / "corpus_b"
        for i, p in enumerate(paths):
            dest = copy_b / f"{names[i] // 1000:03d}" / f"item_{names[i]:06d}.txt"
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(p, dest)
        shuffled = sorted(copy_b.rglob("*.txt"))
        grown = work / "corpus_c"

        def copy_into_c(files: list[Path]) -> None:
            for p in files:
                dest = grown / p.relative_to(copy_b)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(p, dest)

        times = {"A": run([work / "corpus_a"], work / "wh_a")}
        times["B"] = run([copy_b], work / "wh_b", batch_size=7, flush_every=300)
        copy_into_c(shuffled[: len(shuffled) // 2])
        times["C"] = run([grown], work / "wh_c")
        copy_into_c(shuffled[len(shuffled) // 2:])
        times["C"] += run([grown], work / "wh_c")
        parts = {k: partition(work / f"wh_{k.lower()}") for k in times}
        for k, p in parts.items():
            diff = len(p ^ parts["A"])
            print(f"{k}: {len(p)} stories, {diff} groups differ from A, {times[k]:.0f} s")
        gold = json.loads(GOLD.read_text(encoding="utf-8"))["articles"]
        seeds = sorted(p.name for p in SEEDS.glob("*.txt"))
        by_group: dict[str, set[str]] = {}
        for i, p in enumerate(paths):
            sha = hashlib.sha256(p.read_bytes()).hexdigest()
            by_group.setdefault(gold[seeds[i % len(seeds)]]["story_group"], set()).add(sha)
        expected = {frozenset(g) for g in by_group.values()}
        print(f"identical partitions: {all(p == parts['A'] for p in parts.values())}; "
              f"A is the gold file's {len(expected)} stories: {parts['A'] == expected}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
