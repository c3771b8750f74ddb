"""Plain data a reader hands on: one record of a container, and what a page's markup says.

A record is one article as delivered: a line of a JSONL file, a WARC response, a row of
a Parquet or CSV file, or a whole `.txt`/`.html` file. `PageEvidence` is what an HTML
page states about itself (its <title>, og:title, JSON-LD, canonical link, ...); the steps
read it as extra evidence beside the text, never as the only one.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class PageEvidence:
    """What the markup of one page says about it; every field may be missing or wrong."""

    title: str | None = None  # <title>
    og_title: str | None = None
    h1s: list[str] = field(default_factory=list)
    headline: str | None = None  # JSON-LD *Article headline
    site_name: str | None = None  # og:site_name, else JSON-LD publisher name
    authors: list[str] = field(default_factory=list)  # JSON-LD author, meta author, rel=author
    published: str | None = None  # as written: JSON-LD datePublished, article:published_time
    modified: str | None = None
    canonical_url: str | None = None  # <link rel=canonical>, else og:url
    lang: str | None = None  # <html lang>
    description: str | None = None
    jsonld_type: str | None = None  # e.g. NewsArticle
    encoding: str | None = None  # the codec the bytes were read with
    encoding_rule: str | None = None  # code: how it was chosen (charset.RULES)


@dataclass(slots=True)
class LineHint:
    """Markup around one line of a page's flattened text (the line at the same index)."""

    tag: str  # the block element holding the line: p, li, h2, figcaption, td, ...
    zone: str | None = None  # code of the innermost page region it sits in (html_patterns), or None
    zone_id: int = -1  # which element that region is (ids in document order)
    link_share: float = 0.0  # share of the line's characters inside <a>
    # The article marks (<article>, itemprop=articleBody, class=article-body, ...) the line is
    # inside, as ids in document order (outermost first); empty when none.
    marks: tuple[int, ...] = ()


@dataclass(slots=True)
class Page:
    """An HTML page cut into lines (one per block), with the markup hints and evidence."""

    text: str
    hints: list[LineHint]
    evidence: PageEvidence
    has_article_mark: bool = False  # the page marks an article somewhere


@dataclass(slots=True)
class Record:
    """One article out of a source file, before decoding its text or HTML.

    `position` is where it sits in the file (JSONL line, WARC byte offset, table row; None
    for a one-article file); `sha256` is of the record's own content, so a record that did
    not change is recognised inside a container that did.
    """

    position: int | None
    sha256: str
    text: str | None = None
    html: bytes | None = None
    http_charset: str | None = None  # from a WARC record's HTTP Content-Type
    record_id: str | None = None
    url: str | None = None
    fetched_at: str | None = None
    title: str | None = None
    published: str | None = None
    site_name: str | None = None
    lang: str | None = None
    size: int = 0


@dataclass(slots=True)
class BadRecord:
    """A record that could not be read: where it is, and a reason code with its details."""

    position: int | None
    code: str
    detail: str = ""
    sha256: str = ""
    size: int = 0
