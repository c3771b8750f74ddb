"""Per-article metadata on real web pages: title, date and author against hand-checked labels.

The pages are the 181 of the boilerplate benchmark (`../shared/eval/boilerplate`, `--data`
or `NEWSNORM_BOILERPLATE`), flattened to text the way a naive scraper would; the labels are
`benchmarks/data/metadata_labels.jsonl` (see `benchmarks/data/README.md`: how they were
made). newsnorm reads the text alone (the segments and roles, no HTML).

Title: right when its token F1 against the label is >= 0.8 (lower-cased word tokens); a
page with no title is counted apart (a wrong title is worse than none). Date: precision
(predicted dates that equal the label; a date where the label has none is wrong) and
recall (labelled dates found). Author: the same, a name matching on token F1 >= 0.8 with
the label or with its first name (`A, B and C` -> `A`); a page whose byline names only an
organisation counts neither way unless that organisation is given.

Anchors on the same pages: the page's first line; the HTML `<title>` cut at its site
suffix (`Headline - Site`, `Headline | Site`); trafilatura's metadata from the HTML (the
`benchmark` extra; skipped when it is not installed).

Split: ids starting 0-7 are `dev` (look at these while changing rules), 8-f `test`.

    python benchmarks/metadata_eval.py [--worst 10] [--check]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from newsnorm.document import Article, RawArticle
from newsnorm.runner.work import analyse_text, finish_article

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "eval" / "boilerplate"
LABELS = ROOT / "benchmarks" / "data" / "metadata_labels.jsonl"
TITLE_TARGET = 0.90
MATCH_F1 = 0.8
_TOKEN = re.compile(r"\w+", re.UNICODE)
_TITLE_SUFFIX = re.compile(r"\s+[|\-–—:»·]\s+[^|\-–—»·]{2,60}$")
_HTML_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_NAME_SPLIT = re.compile(r",\s*|\s+and\s+|\s*&\s*")


@dataclass
class Label:
    id: str
    title: str | None
    published: date | None
    author: str | None
    author_org: str | None

    @property
    def split(self) -> str:
        return "dev" if self.id[0] in "01234567" else "test"


@dataclass
class Guess:
    title: str | None = None
    published: date | None = None
    author: str | None = None


def token_f1(a: str | None, b: str | None) -> float:
    ta, tb = Counter(_TOKEN.findall((a or "").lower())), Counter(_TOKEN.findall((b or "").lower()))
    common = sum((ta & tb).values())
    if not common:
        return 0.0
    p, r = common / sum(ta.values()), common / sum(tb.values())
    return 2 * p * r / (p + r)


def author_matches(guess: str, label: Label) -> bool:
    names = [label.author] if label.author else []
    if label.author:
        names.append(_NAME_SPLIT.split(label.author)[0])
    if label.author_org:
        names.append(label.author_org)
    return any(token_f1(guess, n) >= MATCH_F1 for n in names)


def load_labels(path: Path = LABELS) -> list[Label]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        published = date.fromisoformat(row["published"]) if row["published"] else None
        out.append(Label(row["id"], row["title"], published, row["author"], row.get("author_org")))
    return out


def newsnorm_guess(raw: str, page_id: str) -> Guess:
    article: Article = analyse_text(RawArticle(path=f"boilerplate/{page_id}.raw.txt", sha256=page_id, text=raw))
    finish_article(article)
    return Guess(article.title, article.published, article.author)


def first_line_guess(raw: str) -> Guess:
    return Guess(title=next((line for line in raw.split("\n") if line.strip()), None))


def html_title_guess(html: str) -> Guess:
    m = _HTML_TITLE.search(html)
    if not m:
        return Guess()
    import html as html_lib

    title = " ".join(html_lib.unescape(m.group(1)).split())
    return Guess(title=_TITLE_SUFFIX.sub("", title) or None)


def trafilatura_guess(html: str) -> Guess:
    from trafilatura.metadata import extract_metadata

    meta = extract_metadata(html)
    if meta is None:
        return Guess()
    published = None
    if meta.date:
        try:
            published = date.fromisoformat(meta.date[:10])
        except ValueError:
            published = None
    return Guess(meta.title, published, meta.author)


@dataclass
class Tally:
    pages: int = 0
    title_right: int = 0
    title_none: int = 0
    title_wrong: int = 0
    date_guessed: int = 0
    date_right: int = 0
    date_labelled: int = 0
    author_guessed: int = 0
    author_right: int = 0
    author_labelled: int = 0
    author_found: int = 0

    def add(self, guess: Guess, label: Label) -> None:
        self.pages += 1
        if guess.title is None:
            self.title_none += 1
        elif token_f1(guess.title, label.title) >= MATCH_F1:
            self.title_right += 1
        else:
            self.title_wrong += 1
        self.date_labelled += label.published is not None
        if guess.published is not None:
            self.date_guessed += 1
            self.date_right += guess.published == label.published
        self.author_labelled += label.author is not None
        if guess.author:
            if label.author is None and label.author_org is not None and not author_matches(guess.author, label):
                return  # an organisation's byline: a person's name there is neither right nor wrong
            self.author_guessed += 1
            right = author_matches(guess.author, label)
            self.author_right += right
            self.author_found += right and label.author is not None

    def row(self) -> str:
        def share(a: int, b: int) -> str:
            return f"{a / b:.3f}" if b else "  -  "

        return (f"title {share(self.title_right, self.pages)} (none {share(self.title_none, self.pages)}, "
                f"wrong {share(self.title_wrong, self.pages)})  date P {share(self.date_right, self.date_guessed)} "
                f"R {share(self.date_right, self.date_labelled)}  author P "
                f"{share(self.author_right, self.author_guessed)} R {share(self.author_found, self.author_labelled)}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", help=f"benchmark folder (default $NEWSNORM_BOILERPLATE or {DEFAULT_DATA})")
    ap.add_argument("--labels", default=str(LABELS))
    ap.add_argument("--worst", type=int, default=10, help="list this many dev pages with a wrong or no title")
    ap.add_argument("--check", action="store_true", help=f"exit 1 when title accuracy < {TITLE_TARGET} on a split")
    args = ap.parse_args(argv)
    root = Path(args.data or os.environ.get("NEWSNORM_BOILERPLATE") or DEFAULT_DATA)
    if not (root / "index.tsv").is_file():
        print(f"no boilerplate benchmark at {root}", file=sys.stderr)
        return 2
    labels = load_labels(Path(args.labels))
    systems: dict[str, Callable[[str, str, str], Guess]] = {
        "newsnorm (text)": lambda raw, html, pid: newsnorm_guess(raw, pid),
        "first line": lambda raw, html, pid: first_line_guess(raw),
        "<title> cut": lambda raw, html, pid: html_title_guess(html),
    }
    try:
        import trafilatura  # noqa: F401

        systems["trafilatura (HTML)"] = lambda raw, html, pid: trafilatura_guess(html)
    except ImportError:
        print("trafilatura not installed (pip install '.[benchmark]'): its anchor is skipped")
    tallies = {(name, split): Tally() for name in systems for split in ("dev", "test")}
    misses: list[tuple[Label, str | None]] = []
    t0 = time.perf_counter()
    for label in labels:
        raw = (root / f"{label.id}.raw.txt").read_text(encoding="utf-8")
        html = gzip.decompress((root / "html" / f"{label.id}.html.gz").read_bytes()).decode("utf-8", "replace")
        for name, system in systems.items():
            guess = system(raw, html, label.id)
            tallies[name, label.split].add(guess, label)
            if name.startswith("newsnorm") and label.split == "dev" and token_f1(guess.title, label.title) < MATCH_F1:
                misses.append((label, guess.title))
    print(f"metadata benchmark: {len(labels)} labelled pages at {root}; {time.perf_counter() - t0:.1f} s")
    ok = True
    for split in ("dev", "test"):
        n = tallies[next(iter(systems)), split].pages
        print(f"\n{split} ({'tuning' if split == 'dev' else 'held out'}), {n} pages:")
        for name in systems:
            print(f"  {name:<20}{tallies[name, split].row()}")
        t = tallies[next(iter(systems)), split]
        ok = ok and t.pages > 0 and t.title_right / t.pages >= TITLE_TARGET
    if args.worst:
        print(f"\ndev pages where newsnorm's title is wrong or missing (first {args.worst}):")
        for label, title in misses[: args.worst]:
            print(f"  {label.id[:8]} got {title!r:.70}\n           want {label.title!r:.70}")
    print(f"\ntarget: title right on >= {TITLE_TARGET:.2f} of pages on dev and test from text alone: "
          f"{'met' if ok else 'MISSED'}")
    return 1 if args.check and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
