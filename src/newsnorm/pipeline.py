"""One file through every step, and a batch of files: plain functions, no Prefect.

The Prefect flow maps `process_batch` over batches; tests and other orchestrators can
call the same functions directly.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from . import langid
from .align import align_pairs
from .compose import compose_text_en
from .data import Article, Quarantined, RawArticle
from .ingest import DEFAULT_MAX_BYTES, IngestError, read_article, sha256_hex
from .metadata import extract_metadata
from .roles import REMOVED_ROLES, assign_roles
from .segment import split_segments
from .translate import NoTranslator, Translator, apply_translations


def article_id_for(path: str) -> str:
    """Stable id from the source path: the same file keeps its id across runs and edits."""
    return hashlib.sha256(path.encode("utf-8")).hexdigest()[:16]


def process_text(raw: RawArticle, translator: Translator | None = None, errors: list[str] | None = None) -> Article:
    segments = split_segments(raw.text)
    primary = langid.detect_segments(segments)
    assign_roles(segments)
    align_pairs(segments)
    article = Article(
        article_id=article_id_for(raw.path),
        source_path=raw.path,
        content_sha256=raw.sha256,
        segments=segments,
        primary_lang=primary,
        langs=sorted({s.lang for s in segments if s.lang != "und"}),
    )
    apply_translations(article, translator or NoTranslator(), errors)
    extract_metadata(article)
    article.text_en = compose_text_en(article)
    return article


@dataclass
class BatchResult:
    articles: list[Article] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # inputs of a batch that crashed; retried next run
    langdetect_calls: int = 0
    lines: int = 0


def process_file(path: Path, translator: Translator | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
                 errors: list[str] | None = None) -> Article | Quarantined:
    """Never raises for bad input: what cannot be processed comes back as Quarantined."""
    try:
        raw = read_article(path, max_bytes)
    except IngestError as exc:
        return _quarantine(path, str(exc))
    except OSError as exc:
        return _quarantine(path, f"unreadable: {exc.strerror or exc}")
    try:
        return process_text(raw, translator, errors)
    except Exception as exc:  # a bug on one odd input must not take the run down
        return Quarantined(raw.path, raw.sha256, raw.size, f"processing failed: {type(exc).__name__}: {exc}")


def _quarantine(path: Path, reason: str) -> Quarantined:
    try:
        data = path.read_bytes() if path.stat().st_size <= DEFAULT_MAX_BYTES * 10 else b""
        sha = sha256_hex(data) if data else _sha256_file(path)
        size = path.stat().st_size
    except OSError:
        sha, size = "", 0
    return Quarantined(str(path), sha, size, reason)


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def process_batch(paths: list[str], translator: Translator | None = None,
                  max_bytes: int = DEFAULT_MAX_BYTES) -> BatchResult:
    result = BatchResult()
    calls0, lines0 = langid.STATS.langdetect_calls, langid.STATS.lines
    for p in paths:
        out = process_file(Path(p), translator, max_bytes, result.errors)
        if isinstance(out, Quarantined):
            result.quarantined.append(out)
        else:
            result.articles.append(out)
    result.langdetect_calls = langid.STATS.langdetect_calls - calls0
    result.lines = langid.STATS.lines - lines0
    return result


def kept(article: Article) -> int:
    return sum(1 for s in article.segments if s.role not in REMOVED_ROLES)
