"""Boilerplate removal from the pages' HTML: newsnorm's HTML route beside trafilatura.

The same 181 pages as `boilerplate_eval.py` (Zyte/Scrapinghub article-extraction
benchmark), but read from their HTML (`html/<id>.html.gz`): decoded and cut into lines by
newsnorm's HTML reader, the markup's hints and the page's evidence handed to the steps.
The gold `articleBody` never holds the headline (0 of 181 pages), while `text_en` holds
the title by contract (DESIGN: title, headings, body, captions). So the headline figure is
the body: `text_en` without the segment the pipeline itself called the title (a body line
it mistook for the title costs recall), scored with the same bag-of-words P/R/F1; the whole
`text_en` is printed beside it. trafilatura's `extract` (which leaves the title out too) runs
on the same HTML in the same run (an optional benchmark
dependency: `pip install -e .[bench]`). Pages per second are printed for both.

Title: right (token F1 >= 0.8 against the hand-checked label in
`benchmarks/data/metadata_labels.jsonl`, as metadata_eval.py counts it), none, or wrong.

Tuning split: ids starting 0-7 are dev (tune on these), 8-f test (held out).

    python benchmarks/html_eval.py [--split all|dev|test] [--lang en] [--worst 10] [--no-trafilatura] [--check]
"""

from __future__ import annotations

import argparse
import gzip
import sys
import time
from dataclasses import dataclass

from benchmarks.boilerplate_eval import (
    IdentityTranslator,
    Page,
    Score,
    data_dir,
    load_pages,
    mean,
    score,
)
from benchmarks.metadata_eval import MATCH_F1, load_labels, token_f1
from newsnorm.readers.containers import html_article
from newsnorm.runner.work import process_text
from newsnorm.steps.compose import compose_text_en
from newsnorm.steps.roles_data import CONTENT_ROLES

TARGET_F1 = 0.95
BODY_ROLES = CONTENT_ROLES - {"title"}


@dataclass
class HtmlResult:
    page: Page
    ours: Score
    whole: Score
    trafilatura: Score | None
    title: str | None
    label: str | None


def read_html(root, page: Page) -> bytes:
    return gzip.decompress((root / "html" / f"{page.id}.html.gz").read_bytes())


def ours(data: bytes, page: Page):
    raw = html_article(f"boilerplate/{page.id}.html", data)
    return process_text(raw, IdentityTranslator())


def run(root, pages: list[Page], with_trafilatura: bool) -> tuple[list[HtmlResult], float, float | None]:
    htmls = [read_html(root, p) for p in pages]
    t0 = time.perf_counter()
    articles = [ours(h, p) for h, p in zip(htmls, pages, strict=True)]
    ours_s = time.perf_counter() - t0
    traf: list[str | None] = [None] * len(pages)
    traf_s = None
    if with_trafilatura:
        import trafilatura

        t0 = time.perf_counter()
        traf = [trafilatura.extract(h.decode("utf-8", "replace")) or "" for h in htmls]
        traf_s = time.perf_counter() - t0
    labels = {lab.id: lab.title for lab in load_labels()}
    results = [HtmlResult(p, score(compose_text_en(a, BODY_ROLES), p.gold), score(a.text_en, p.gold),
                          score(t, p.gold) if t is not None else None, a.title, labels.get(p.id))
               for p, a, t in zip(pages, articles, traf, strict=True)]
    return results, ours_s, traf_s


def print_summary(name: str, results: list[HtmlResult]) -> float:
    def avg(who: str, what: str) -> float:
        return mean([getattr(getattr(r, who), what) for r in results if getattr(r, who) is not None])

    print(f"\n{name}: {len(results)} pages (token P / R / F1 averaged over pages)")
    for who, label in (("ours", "newsnorm HTML route"), ("whole", "  (whole text_en)"),
                       ("trafilatura", "trafilatura.extract")):
        if any(getattr(r, who) is not None for r in results):
            print(f"  {label:<24}{avg(who, 'precision'):.3f} / {avg(who, 'recall'):.3f} / {avg(who, 'f1'):.3f}")
    labelled = [r for r in results if r.label]
    right = [r.title is not None and token_f1(r.title, r.label) >= MATCH_F1 for r in labelled]
    none = [r.title is None for r in labelled]
    print(f"  title right {mean(right):.1%} of {len(labelled)} labelled pages (none {mean(none):.1%},"
          f" wrong {1 - mean(right) - mean(none):.1%})")
    return avg("ours", "f1")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data")
    ap.add_argument("--split", default="all", choices=["all", "dev", "test"])
    ap.add_argument("--lang")
    ap.add_argument("--worst", type=int, default=10)
    ap.add_argument("--no-trafilatura", action="store_true")
    ap.add_argument("--check", action="store_true", help=f"exit 1 when mean F1 < {TARGET_F1}")
    args = ap.parse_args(argv)
    root = data_dir(args.data)
    if not (root / "index.tsv").is_file():
        print(f"no boilerplate benchmark at {root}", file=sys.stderr)
        return 2
    pages = [p for p in load_pages(root) if (args.split == "all" or p.split == args.split)
             and (args.lang is None or p.lang.lower().startswith(args.lang))]
    with_traf = not args.no_trafilatura
    if with_traf:
        try:
            import trafilatura  # noqa: F401
        except ImportError:
            print("trafilatura not installed (pip install -e .[bench]); newsnorm only", file=sys.stderr)
            with_traf = False
    results, ours_s, traf_s = run(root, pages, with_traf)
    print(f"HTML of {len(pages)} pages at {root}")
    print(f"speed: newsnorm HTML route (whole pipeline, identity translator) {len(pages) / ours_s:.1f} pages/s"
          + (f"; trafilatura.extract {len(pages) / traf_s:.1f} pages/s" if traf_s else ""))
    for name in ("dev", "test"):
        part = [r for r in results if r.page.split == name]
        if part:
            print_summary(f"{name} pages ({'tuning' if name == 'dev' else 'held out'})", part)
    f1 = print_summary("all pages", results)
    print(f"\nworst {args.worst} pages by newsnorm F1 (ours P / R / F1, trafilatura F1, url):")
    for r in sorted(results, key=lambda r: (r.ours.f1, r.page.id))[: args.worst]:
        t = f"{r.trafilatura.f1:.2f}" if r.trafilatura else "-"
        print(f"  {r.page.id[:12]} [{r.page.split}] {r.ours.precision:.2f} / {r.ours.recall:.2f} / {r.ours.f1:.2f}"
              f"  traf {t}  {r.page.url[:80]}")
    ok = f1 >= TARGET_F1
    print(f"\ntarget: mean F1 >= {TARGET_F1}: {'met' if ok else 'MISSED'} ({f1:.3f})")
    return 1 if args.check and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
