"""Publisher pairs and foreign passages on bilingual test articles (benchmarks/bilingual_corpus.py).

For each article newsnorm's steps before translation run (segments, languages, roles,
publisher pairs) and the pairs found are compared with the truth:

- found: true pairs (a foreign paragraph and the publisher's English of it) that were paired;
- false pairs: pairs newsnorm made that are not true, as a share of the pairs it made, and
  the share of adjacent unrelated foreign/English paragraphs that were paired;
- caption pairs found (a caption with its credit in both languages);
- foreign passages kept: foreign paragraphs with a content role (or paired with their English),
  in the `unrelated` articles placed before, inside and after the text block.

Targets: found >= 0.98, false pairs <= 0.01, captions 1.00, foreign passages kept >= 0.98, on
dev and on test.

    python benchmarks/pairs_eval.py [--shared ../shared/eval] [--show 5] [--check]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

from benchmarks.bilingual_corpus import DEFAULT_SHARED, Case, build
from newsnorm.document import RawArticle
from newsnorm.runner.work import analyse_text

CONTENT = {"title", "heading", "body", "caption"}
TARGETS = {"found": 0.98, "false_share": 0.01, "captions": 1.0, "kept": 0.98}


def predicted(case: Case) -> tuple[set[tuple[int, int]], dict[int, str]]:
    article = analyse_text(RawArticle(path=f"bilingual/{case.kind}.txt", sha256="0", text=case.text))
    by_seq = {s.seq: s for s in article.segments}
    pairs = set()
    roles: dict[int, str] = {}
    for seg in article.segments:
        roles[seg.line_start] = "paired" if seg.pair_seq is not None and seg.role in CONTENT else seg.role
        if seg.pair_seq is not None and seg.lang != "en":
            pairs.add((seg.line_start, by_seq[seg.pair_seq].line_start))
    return pairs, roles


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", default=os.environ.get("NEWSNORM_SHARED_EVAL", str(DEFAULT_SHARED)))
    ap.add_argument("--show", type=int, default=5, help="print this many misses and false pairs (dev only)")
    ap.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = ap.parse_args(argv)
    shared = Path(args.shared)
    if not (shared / "parallel").is_dir():
        print(f"no parallel corpus under {shared}", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    cases = build(shared)
    tally: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    shown: list[str] = []
    for case in cases:
        pred, roles = predicted(case)
        for key in ((case.split, case.lang), (case.split, "all")):
            t = tally[key]
            t["pairs"] += len(case.pairs)
            t["found"] += len(pred & case.pairs)
            t["made"] += len(pred)
            t["false"] += len(pred - case.pairs)
            t["negatives"] += len(case.negatives)
            t["false_on_negatives"] += len(pred & case.negatives)
            t["captions"] += len(case.captions)
            t["captions_found"] += len(pred & case.captions)
            t["foreign"] += len(case.foreign_content)
            t["kept"] += sum(roles.get(i) in CONTENT | {"paired"} for i in case.foreign_content)
        if case.split == "dev" and len(shown) < args.show:
            for f, e in sorted(case.pairs - pred)[:1]:
                shown.append(f"missed [{case.kind} {case.lang}] {case.lines[f][:60]!r} -> {case.lines[e][:60]!r}")
            for f, e in sorted(pred - case.pairs)[:1]:
                shown.append(f"FALSE  [{case.kind} {case.lang}] {case.lines[f][:60]!r} -> {case.lines[e][:60]!r}")
    print(f"bilingual corpus: {len(cases)} articles from NTREX and FLORES; {time.perf_counter() - t0:.1f} s")
    ok = True
    for (split, lang), t in sorted(tally.items()):
        found = t["found"] / t["pairs"]
        false_share = t["false"] / t["made"] if t["made"] else 0.0
        captions = t["captions_found"] / t["captions"] if t["captions"] else 1.0
        kept = t["kept"] / t["foreign"]
        print(f"  {split:<5}{lang:<4} pairs found {found:.3f} ({t['found']}/{t['pairs']})  false {false_share:.3f} "
              f"({t['false']}/{t['made']}; {t['false_on_negatives']}/{t['negatives']} unrelated neighbours)  "
              f"captions {captions:.3f}  foreign kept {kept:.3f} ({t['kept']}/{t['foreign']})")
        if lang == "all":
            ok = ok and found >= TARGETS["found"] and false_share <= TARGETS["false_share"] \
                and captions >= TARGETS["captions"] and kept >= TARGETS["kept"]
    for line in shown:
        print("  " + line)
    print(f"\ntargets: found >= {TARGETS['found']}, false <= {TARGETS['false_share']}, captions 1.0, "
          f"foreign kept >= {TARGETS['kept']} on dev and test: {'met' if ok else 'MISSED'}")
    return 1 if args.check and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
