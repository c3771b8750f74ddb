"""Same event, different outlets: pairwise precision and recall of story ids on real news grouped by event.

    python benchmarks/stories_events_eval.py                          # ../shared/eval/stories
    python benchmarks/stories_events_eval.py --dir DIR --sweep        # also the threshold scan on dev

DIR holds `articles/<id>.txt` and `groups.tsv` (id, story_group, topic), as in the shared eval
folder. Topics are split in two halves by their sorted position (dev: 1st, 3rd, ...; held-out:
2nd, 4th, ...): parameters are chosen on dev only, and held-out is scored once with them.

Every article goes through the real pipeline (process_text) and StoryIndex.assign in a shuffled
order; pairs count as in ../shared/tools/score_stories.py (an article is in the story of its
story_id; pairwise precision = same predicted and same gold / same predicted). `--sweep` scans
the pair threshold on dev (single linkage over the pair test, as the index does) to show where
the fixed parameters sit (dev only: held-out is never scanned); it never changes them.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from newsnorm.document import RawArticle  # noqa: E402
from newsnorm.runner.work import process_text  # noqa: E402
from newsnorm.stories.fingerprint import shared_mass, similarity  # noqa: E402
from newsnorm.stories.index import StoryIndex  # noqa: E402
from newsnorm.stories.params import MIN_SHARED, SAME_STORY  # noqa: E402

DEFAULT_DIR = ROOT.parent / "shared" / "eval" / "stories"


def load(folder: Path) -> tuple[dict[str, str], dict[str, str]]:
    gold, topic = {}, {}
    for line in (folder / "groups.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        cols = line.split("\t")
        gold[cols[0]], topic[cols[0]] = cols[1], cols[2] if len(cols) > 2 else cols[1]
    return gold, topic


def pairwise(pred: dict[str, str], gold: dict[str, str], ids: list[str]) -> tuple[float, float]:
    """Pairwise precision and recall of `pred` (id -> story) against `gold` over `ids`."""
    def pairs(c: Counter) -> int:
        return sum(n * (n - 1) // 2 for n in c.values())

    tp = pairs(Counter((gold[i], pred[i]) for i in ids))
    pp, gp = pairs(Counter(pred[i] for i in ids)), pairs(Counter(gold[i] for i in ids))
    return (tp / pp if pp else 1.0), (tp / gp if gp else 1.0)


def components(n: int, edges: np.ndarray) -> list[int]:
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in zip(*np.nonzero(edges), strict=True):
        parent[find(int(a))] = find(int(b))
    return [find(x) for x in range(n)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    ap.add_argument("--seed", type=int, default=0, help="shuffles the ingestion order")
    ap.add_argument("--sweep", action="store_true", help="scan the pair threshold on dev (single linkage)")
    args = ap.parse_args()

    gold, topic = load(args.dir)
    ids = sorted(gold)
    topics = sorted(set(topic.values()))
    halves = {"dev": set(topics[0::2]), "held-out": set(topics[1::2])}
    t0 = time.perf_counter()
    articles = []
    for i in ids:
        path = args.dir / "articles" / f"{i}.txt"
        data = path.read_bytes()
        articles.append(process_text(RawArticle(path=str(path), sha256=hashlib.sha256(data).hexdigest(),
                                                text=data.decode("utf-8"))))
    t1 = time.perf_counter()
    order = list(range(len(articles)))
    random.Random(args.seed).shuffle(order)
    index = StoryIndex()
    index.assign([articles[k] for k in order])
    t2 = time.perf_counter()
    pred = {}
    for i, art in zip(ids, articles, strict=True):
        state = index.pending.get(art.article_id)
        pred[i] = state.story_id if state else art.story_id
    print(f"{len(ids)} articles, {len(topics)} topics; pipeline {1000 * (t1 - t0) / len(ids):.1f} ms/article, "
          f"index {1000 * (t2 - t1) / len(ids):.2f} ms/article")
    print(f"parameters: SAME_STORY {SAME_STORY}, MIN_SHARED {MIN_SHARED}")
    for name, chosen in halves.items():
        sel = [i for i in ids if topic[i] in chosen]
        p, r = pairwise(pred, gold, sel)
        print(f"{name:9s} ({len(chosen)} topics, {len(sel)} articles): pairwise P {p:.3f} R {r:.3f}")
    p, r = pairwise(pred, gold, ids)
    print(f"all       ({len(topics)} topics, {len(ids)} articles): pairwise P {p:.3f} R {r:.3f}")

    if args.sweep:
        fps = [a.story_features[0] for a in articles]
        n = len(fps)
        sim, shared = np.zeros((n, n)), np.zeros((n, n))
        for a in range(n):
            for b in range(a + 1, n):
                sim[a, b], shared[a, b] = similarity(fps[a], fps[b]), shared_mass(fps[a], fps[b])
        print("dev sweep (single linkage over sim >= t and shared >= MIN_SHARED; copies not counted):")
        for t in np.arange(0.25, 0.60, 0.05):
            lab = components(n, (sim >= t) & (shared >= MIN_SHARED))
            got = {i: str(lab[k]) for k, i in enumerate(ids)}
            p, r = pairwise(got, gold, [i for i in ids if topic[i] in halves["dev"]])
            print(f"  t {t:.2f}  dev P {p:.3f} R {r:.3f}")


if __name__ == "__main__":
    main()
