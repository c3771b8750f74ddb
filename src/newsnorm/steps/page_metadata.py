"""Metadata a page or record states about itself, used where the text gave none.

The metadata step reads title, site, author and date off the text; this step only fills
the gaps it left, from the record's own fields (a JSONL `title`, `published`, `site`)
and then the page's markup (og:title, JSON-LD headline/author/datePublished,
og:site_name, article:published_time). What the text says is never overwritten.
"""

from __future__ import annotations

import re
from datetime import date

from newsnorm.document import Article

_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")
MAX_AUTHORS = 3


def parse_iso_date(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    m = _ISO_DATE.match(value)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def fill_from_page(article: Article) -> None:
    fields = article.fields or {}
    page = article.page
    if article.title is None:
        article.title = fields.get("title") or (page and (page.headline or page.og_title or page.title)) or None
        if article.title is not None and "no_title" in article.flags:
            article.flags = [f for f in article.flags if f != "no_title"]
    if article.site_name is None:
        article.site_name = fields.get("site_name") or (page and page.site_name) or None
    if article.author is None and page is not None and page.authors:
        article.author = " and ".join(page.authors[:MAX_AUTHORS])
    if article.published is None:
        article.published = parse_iso_date(fields.get("published")) or (
            parse_iso_date(page.published) if page is not None else None)
