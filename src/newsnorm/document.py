"""Plain data flowing between the steps; no behaviour beyond small helpers."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

from newsnorm.reasons import Reason


@dataclass(slots=True)
class RawArticle:
    path: str
    sha256: str
    text: str
    size: int = 0
    # A record inside a container (JSONL line, WARC offset, table row), else None: see readers/.
    source_record: int | None = None
    record_key: str | None = None  # what the article id is made from besides the path (identity rule)
    url: str | None = None
    fetched_at: datetime | None = None
    # From an HTML page: the page's own statements (readers.records.PageEvidence) and one
    # readers.records.LineHint per line of `text`; None for plain text.
    page: Any = None
    hints: list | None = None
    has_article_mark: bool = False
    # Fields a record carried besides its text (title, published, site_name, lang), as given.
    fields: dict | None = None
    record_sha256: str | None = None  # of the record's content and fields: what the next run compares


@dataclass(slots=True)
class Segment:
    seq: int
    line_start: int
    text: str
    lang: str = "und"
    lang_prob: float = 0.0
    role: str = "body"
    reason: Reason | None = None  # why it has its role (a code); rendered when rows are written
    text_en: str | None = None
    translation_source: str | None = None
    translation_status: str = "not_needed"
    pair_seq: int | None = None

    def __reduce__(self) -> tuple:
        """Pickled as its field values: every segment crosses from a pool worker to the
        writer, and the default for slotted classes (a state dict per object) loads 3x slower."""
        return (Segment, tuple(getattr(self, name) for name in _SEGMENT_FIELDS))


_SEGMENT_FIELDS = tuple(f.name for f in fields(Segment))


@dataclass(slots=True)
class Article:
    article_id: str
    source_path: str
    content_sha256: str
    segments: list[Segment]
    title: str | None = None
    site_name: str | None = None
    author: str | None = None
    published: date | None = None
    dateline: str | None = None
    primary_lang: str = "und"
    langs: list[str] = field(default_factory=list)
    text_en: str = ""
    story_id: str | None = None
    flags: list[str] = field(default_factory=list)
    # Story features computed where the article is processed (a worker), so the one process
    # that writes the warehouse only looks them up in the index: (fingerprint, spun?). Not stored.
    story_features: tuple | None = None
    source_record: int | None = None
    url: str | None = None
    fetched_at: datetime | None = None
    record_sha256: str | None = None  # a container record's content and fields (readers.containers.record_hash)
    # What the page's markup says (readers.records.PageEvidence), for the metadata step; not stored.
    page: Any = None
    fields: dict | None = None  # a record's own title/published/site_name/lang, as given; not stored


@dataclass(slots=True)
class Quarantined:
    """An input that could not be processed, with the reason a person can act on."""

    source_path: str
    sha256: str
    size: int
    error: str
    source_record: int | None = None  # where in a container (line, offset, row); None for the whole file
