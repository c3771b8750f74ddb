"""The plain data the story index takes in and hands out: one article (`Entry`), what the
articles table should hold for one (`StoryState`), saved rows (`Columns`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

import numpy as np

from newsnorm.document import Article
from newsnorm.stories.features import story_features
from newsnorm.stories.fingerprint import Fingerprint
from newsnorm.stories.params import STORY_FLAGS


@dataclass(slots=True)
class Entry:
    """One article as the index takes it in (`add`) and hands it out (`entry`).

    The index itself keeps these fields column-wise (columns.py): an object per
    article cost about 4 KB, most of a 100,000-article run's memory.
    """

    article_id: str
    content_sha256: str
    fp: Fingerprint
    site_name: str | None = None
    title: str | None = None
    published: date | None = None
    first_seen: datetime | None = None
    flags: list[str] = field(default_factory=list)  # the article's own flags, spun_text included
    outlet: str | None = None  # who published it: the url's host, else the site name (see `outlet_of`)
    links: list[int] = field(default_factory=list)  # same-story neighbours (doc numbers), when handed out
    alive: bool = True


@dataclass(slots=True)
class StoryState:
    """What the articles table should hold for one article."""

    story_id: str
    flags: frozenset[str]  # the subset of STORY_FLAGS that applies


@dataclass(slots=True)
class Columns:
    """Saved rows handed to `StoryIndex.from_columns` (row i becomes doc i)."""

    article_id: list[str]
    content_sha256: list[str]
    site_name: list[str | None]
    title: list[str | None]
    published: list[date | None]
    first_seen: list[datetime | None]
    flags: list[list[str]]
    outlet: list[str | None]
    n_words: np.ndarray
    n_shingles: np.ndarray
    key_offsets: np.ndarray  # rows + 1, into keys and steps
    keys: np.ndarray         # uint32
    steps: np.ndarray        # uint8: weights in steps of 1/WEIGHT_SCALE
    minhash: np.ndarray      # (rows, N_MINHASH) uint32


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
NO_TIME = -(2**63)


def micros(t: datetime | None) -> int:
    """Microseconds since the epoch (UTC; naive times are UTC), NO_TIME for none."""
    if t is None:
        return NO_TIME
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    return (t - EPOCH) // timedelta(microseconds=1)


def outlet_of(url: str | None, site_name: str | None) -> str | None:
    """The outlet that published an article: its url's host without `www.` (the same for every
    page of a site, whatever name a page prints), else its site name."""
    host = urlsplit(url).hostname if url else None
    if host:
        return host.removeprefix("www.")
    return site_name or None


def entry_for(art: Article, now: datetime) -> Entry:
    fp, spun = art.story_features or story_features(art.text_en)
    flags = [f for f in art.flags if f not in STORY_FLAGS]
    if spun:
        flags.append("spun_text")
    return Entry(
        article_id=art.article_id, content_sha256=art.content_sha256, fp=fp,
        site_name=art.site_name, title=art.title, published=art.published, first_seen=now, flags=sorted(flags),
        outlet=outlet_of(art.url, art.site_name),
    )


# The articles columns the index is rebuilt from when it lacks stored articles.
STORED_COLUMNS = ["article_id", "content_sha256", "title", "site_name", "url", "published", "text_en", "flags",
                  "ingested_at"]


def stored_entries(rows: list[dict]) -> list[Entry]:
    """Entries for stored articles rows (STORED_COLUMNS), in article_id order: first seen when ingested."""
    out = []
    for r in sorted(rows, key=lambda r: r["article_id"]):
        art = Article(article_id=r["article_id"], source_path="", content_sha256=r["content_sha256"], segments=[],
                      title=r["title"], site_name=r["site_name"], url=r["url"], published=r["published"],
                      text_en=r["text_en"] or "", flags=list(r["flags"] or []))
        out.append(entry_for(art, r["ingested_at"] or datetime.now(UTC)))
    return out
