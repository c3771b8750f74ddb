"""Which field of a record holds what: the common names, kept as data.

A record's fields are matched case-insensitively in this order; the first non-empty one
wins. `--text-field`, `--html-field`, `--url-field` and `--id-field` put a name first.
"""

from __future__ import annotations

from dataclasses import dataclass

TEXT = ("text", "content", "maintext", "body", "article", "article_text", "plain_text")
HTML = ("html", "raw_html", "raw_content", "page_html")
URL = ("url", "link", "source_url", "target_uri", "uri")
ID = ("id", "doc_id", "article_id", "uuid", "guid")
TITLE = ("title", "headline")
PUBLISHED = ("date", "published", "date_publish", "published_at", "date_published", "publish_date", "pubdate")
SITE = ("site", "site_name", "source_domain", "domain", "source_name", "publisher")
LANG = ("lang", "language")
FETCHED = ("fetched_at", "date_download", "crawled_at", "crawl_date", "warc_date", "downloaded_at")


@dataclass(frozen=True, slots=True)
class FieldNames:
    """The names looked for, most preferred first (user's names before the common ones)."""

    text: tuple[str, ...] = TEXT
    html: tuple[str, ...] = HTML
    url: tuple[str, ...] = URL
    id: tuple[str, ...] = ID

    @classmethod
    def with_overrides(cls, text: str | None = None, html: str | None = None, url: str | None = None,
                       id: str | None = None) -> FieldNames:
        def first(name: str | None, names: tuple[str, ...]) -> tuple[str, ...]:
            return names if not name else (name, *[n for n in names if n != name.lower()])

        return cls(first(text, TEXT), first(html, HTML), first(url, URL), first(id, ID))


def pick(row: dict, names: tuple[str, ...]) -> object | None:
    """The first present, non-empty value among `names` (exact key first, then any case)."""
    lower: dict[str, str] | None = None
    for name in names:
        value = row.get(name)
        if value is None:
            if lower is None:
                lower = {k.lower(): k for k in row if isinstance(k, str)}
            key = lower.get(name.lower())
            value = row.get(key) if key is not None else None
        if value is not None and value != "":
            return value
    return None
