"""Boilerplate removal on real web pages: newsnorm's `text_en` against a human-made body.

The pages are the Zyte/Scrapinghub article-extraction benchmark, flattened to text the way
a naive scraper would (`../shared/eval/boilerplate`, see its README; `--data` or
`NEWSNORM_BOILERPLATE` to point elsewhere). Each page goes through the pipeline
(`pipeline.process_text`) and its `text_en` is scored against the gold `articleBody` with
bag-of-words token precision, recall and F1 (lower-cased word tokens), averaged over pages.

Translation is not what is measured: an identity translator stands in, so a Russian or
Korean page is scored on which of its lines the role classifier keeps (with no translator
its `text_en` would hold only its English lines). `--lang en` scores the pages whose HTML
says English.

Baselines on the same tokens: every line of the page (what `naive_text.py` gives), and
only lines of 80+ characters.

Title: the benchmark has no title ground truth. What is reported, and labelled
unverified, is (a) the share of pages where newsnorm finds a title, and (b) the share where
that title agrees (token F1 >= 0.8) with one of the page's own unchecked HTML titles
(`og:title`, JSON-LD headline, `<title>`), which are weak labels, not gold.

Tuning split: pages whose id starts with 0-7 are `dev` (look at these while changing rules),
8-f are `test` (held out); both are printed, and the whole set.

    python benchmarks/boilerplate_eval.py [--split all|dev|test] [--lang en] [--worst 10] [--check]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from newsnorm.document import RawArticle
from newsnorm.runner.work import process_text

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "eval" / "boilerplate"
TARGET_F1 = 0.90
_TOKEN = re.compile(r"\w+", re.UNICODE)


class _Everything(set):
    def __contains__(self, item: object) -> bool:
        return True


class IdentityTranslator:
    """Stands in for Argos: every language 'translates' to itself, so kept lines are scored."""

    packages: list[str] = []
    calls = 0

    def model_id(self, lang: str) -> str | None:
        return None

    def route(self, lang: str) -> list[str]:
        return [lang, "en"]

    def languages(self) -> set[str]:
        return _Everything()

    def translate(self, texts: list[str], lang: str) -> list[str]:
        return list(texts)


@dataclass
class Page:
    id: str
    url: str
    lang: str
    raw: str
    gold: str
    meta: dict

    @property
    def split(self) -> str:
        return "dev" if self.id[0] in "01234567" else "test"


@dataclass
class Score:
    precision: float
    recall: float
    f1: float


@dataclass
class PageResult:
    page: Page
    ours: Score
    naive: Score
    long_lines: Score
    title: str | None
    title_agrees: bool


def data_dir(arg: str | None) -> Path:
    return Path(arg or os.environ.get("NEWSNORM_BOILERPLATE") or DEFAULT_DATA)


def load_pages(root: Path) -> list[Page]:
    pages = []
    with (root / "index.tsv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            gold = json.loads((root / f"{row['id']}.gold.json").read_text(encoding="utf-8"))
            raw = (root / f"{row['id']}.raw.txt").read_text(encoding="utf-8")
            pages.append(Page(row["id"], row["url"], row["html_lang_attr"] or "", raw, gold["articleBody"],
                              gold.get("html_meta_unverified") or {}))
    return pages


def tokens(text: str) -> Counter:
    return Counter(_TOKEN.findall(text.lower()))


def score(predicted: str, gold: str) -> Score:
    """Bag-of-words overlap, as the benchmark scores its extractors."""
    p, g = tokens(predicted), tokens(gold)
    common = sum((p & g).values())
    precision = common / sum(p.values()) if p else 0.0
    recall = common / sum(g.values()) if g else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1)


def long_lines(raw: str, min_chars: int = 80) -> str:
    return "\n".join(line for line in raw.split("\n") if len(line) >= min_chars)


def _weak_titles(meta: dict) -> list[str]:
    jsonld = meta.get("jsonld") or {}
    return [t for t in (meta.get("og_title"), jsonld.get("headline"), meta.get("html_title")) if t]


def title_agrees(title: str | None, meta: dict) -> bool:
    return bool(title) and any(score(title, t).f1 >= 0.8 for t in _weak_titles(meta))


def evaluate_page(page: Page) -> PageResult:
    raw = RawArticle(path=f"boilerplate/{page.id}.raw.txt", sha256=hashlib.sha256(page.raw.encode()).hexdigest(),
                     text=page.raw, size=len(page.raw))
    article = process_text(raw, IdentityTranslator())
    return PageResult(page, score(article.text_en, page.gold), score(page.raw, page.gold),
                      score(long_lines(page.raw), page.gold), article.title, title_agrees(article.title, page.meta))


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else float("nan")


def summary(results: list[PageResult]) -> dict[str, float]:
    def avg(who: str, what: str) -> float:
        return mean([getattr(getattr(r, who), what) for r in results])

    out = {f"{who}_{what}": avg(who, what) for who in ("ours", "naive", "long_lines")
           for what in ("precision", "recall", "f1")}
    out["title_found"] = mean([r.title is not None for r in results])
    out["title_agrees_unverified"] = mean([r.title_agrees for r in results])
    out["pages"] = len(results)
    return out


def print_summary(name: str, s: dict[str, float]) -> None:
    print(f"\n{name}: {s['pages']} pages (token P / R / F1 averaged over pages)")
    for who, label in (("ours", "newsnorm text_en"), ("naive", "naive: every line"),
                       ("long_lines", "naive: lines of 80+ chars")):
        print(f"  {label:<28}{s[who + '_precision']:.3f} / {s[who + '_recall']:.3f} / {s[who + '_f1']:.3f}")
    print(f"  title found {s['title_found']:.1%}; agrees with the page's own unverified HTML title "
          f"{s['title_agrees_unverified']:.1%} (weak label, not ground truth)")


def print_worst(results: list[PageResult], n: int) -> None:
    print(f"\nworst {n} pages by newsnorm F1 (P / R / F1, naive F1, url):")
    for r in sorted(results, key=lambda r: (r.ours.f1, r.page.id))[:n]:
        print(f"  {r.page.id[:12]} [{r.page.split}] {r.ours.precision:.2f} / {r.ours.recall:.2f} / {r.ours.f1:.2f}"
              f"  naive {r.naive.f1:.2f}  {r.page.url[:90]}")


def run(root: Path, split: str = "all", lang: str | None = None) -> list[PageResult]:
    pages = [p for p in load_pages(root) if (split == "all" or p.split == split)
             and (lang is None or p.lang.lower().startswith(lang))]
    return [evaluate_page(p) for p in pages]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", help=f"benchmark folder (default $NEWSNORM_BOILERPLATE or {DEFAULT_DATA})")
    ap.add_argument("--split", default="all", choices=["all", "dev", "test"])
    ap.add_argument("--lang", help="only pages whose <html lang> starts with this, e.g. en")
    ap.add_argument("--worst", type=int, default=10)
    ap.add_argument("--check", action="store_true", help=f"exit 1 when mean F1 < {TARGET_F1}")
    args = ap.parse_args(argv)
    root = data_dir(args.data)
    if not (root / "index.tsv").is_file():
        print(f"no boilerplate benchmark at {root}", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    results = run(root, args.split, args.lang)
    print(f"boilerplate benchmark at {root}; {time.perf_counter() - t0:.1f} s")
    for name in ("dev", "test"):
        part = [r for r in results if r.page.split == name]
        if part:
            print_summary(f"{name} pages ({'tuning' if name == 'dev' else 'held out'})", summary(part))
    overall = summary(results)
    print_summary("all pages", overall)
    print_worst(results, args.worst)
    ok = overall["ours_f1"] >= TARGET_F1
    print(f"\ntarget (issue 4): mean F1 >= {TARGET_F1}: {'met' if ok else 'MISSED'} ({overall['ours_f1']:.3f})")
    return 1 if args.check and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
