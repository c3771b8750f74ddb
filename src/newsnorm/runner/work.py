"""One file through every step, and a batch of files: plain functions, no Prefect.

The Prefect flow maps `process_batch` over batches; tests and other orchestrators can
call the same functions directly.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from newsnorm.document import Article, Quarantined, RawArticle
from newsnorm.readers.containers import format_of, html_article
from newsnorm.readers.ingest import DEFAULT_MAX_BYTES, IngestError, ingest_bytes
from newsnorm.readers.names import as_text
from newsnorm.readers.snapshot import Changing, read_snapshot
from newsnorm.runner.containers import ContainerDone, InputTask, read_container
from newsnorm.steps import langid, markup
from newsnorm.steps.align import align_pairs
from newsnorm.steps.compose import compose_text_en
from newsnorm.steps.metadata import extract_metadata
from newsnorm.steps.page_metadata import fill_from_page
from newsnorm.steps.roles import assign_roles
from newsnorm.steps.segment import split_segments
from newsnorm.steps.translate import TranslationReport, translate_articles
from newsnorm.stories.features import story_features
from newsnorm.translation.argos import make_translator
from newsnorm.translation.cache import TranslationCache
from newsnorm.translation.protocol import NoTranslator, Translator


def article_id_for(path: str, record_key: str | None = None) -> str:
    """Stable id: from the source path for a one-article file (the same file keeps its id
    across runs and edits); for a record inside a container, from the path and the record's
    key (its id, else its url, else its position: readers.containers.record_key)."""
    key = path if record_key is None else f"{path}\x1f{record_key}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def process_text(raw: RawArticle, translator: Translator | None = None, errors: list[str] | None = None) -> Article:
    article = analyse_text(raw)
    translate_articles([article], translator or NoTranslator(), errors)
    finish_article(article)
    return article


def analyse_text(raw: RawArticle, stats: langid.LangidStats | None = None) -> Article:
    """Every step before translation: segments, languages, roles, publisher pairs (lines
    classified and langdetect calls added to `stats`, when given)."""
    segments = split_segments(raw.text)
    primary = langid.detect_segments(segments, stats)
    page = raw.page
    assign_roles(segments, [t for t in (page.og_title, page.headline, page.title) if t] if page is not None else ())
    if raw.hints:  # an HTML page: believed markup refines the classifier's roles
        markup.apply_markup(segments, raw.hints, raw.page, raw.has_article_mark)
    align_pairs(segments)
    article = Article(
        article_id=article_id_for(raw.path, raw.record_key),
        source_path=raw.path,
        content_sha256=raw.sha256,
        segments=segments,
        primary_lang=primary,
        langs=sorted({s.lang for s in segments if s.lang != "und"}),
        source_record=raw.source_record,
        url=raw.url,
        fetched_at=raw.fetched_at,
        record_sha256=raw.record_sha256,
        page=raw.page,
        fields=raw.fields,
    )
    return article


def finish_article(article: Article) -> None:
    """Every step after translation: metadata and flags, the English text."""
    extract_metadata(article)
    if article.page is not None or article.fields:
        fill_from_page(article)
    article.text_en = compose_text_en(article)
    article.story_features = story_features(article.text_en)


@dataclass
class BatchResult:
    articles: list[Article] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # inputs of a batch that crashed; retried next run
    changing: list[str] = field(default_factory=list)  # inputs rewritten while read; left for the next run
    langdetect_calls: int = 0
    lines: int = 0
    translation: TranslationReport = field(default_factory=TranslationReport)
    containers: list[ContainerDone] = field(default_factory=list)  # containers read, for the writer's state
    records_skipped: Counter = field(default_factory=Counter)  # WARC records that are no article, by kind
    records: int = 0  # records read (one per file; a container's records, skipped ones too): progress


def process_file(path: Path, translator: Translator | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
                 errors: list[str] | None = None) -> Article | Quarantined:
    """Never raises for bad input: what cannot be processed comes back as Quarantined."""
    raw = _read(path, max_bytes)
    if isinstance(raw, Changing):
        return Quarantined(as_text(str(path)), "", 0, f"unreadable: {raw}")
    if isinstance(raw, Quarantined):
        return raw
    try:
        return process_text(raw, translator, errors)
    except Exception as exc:  # a bug on one odd input must not take the run down
        return _failed(raw, exc)


def _read(path: Path, max_bytes: int,
          decode: Callable[[str, bytes], RawArticle] | None = None) -> RawArticle | Quarantined | Changing:
    """One version of the file, read once: what is recorded (hash, size) is what was read.
    A file that keeps changing while read comes back as Changing: left for the next run.
    `decode` turns the bytes into a RawArticle (plain text by default; `_html` for pages)."""
    name = as_text(str(path))
    try:
        snap = read_snapshot(path, max_bytes)
    except Changing as exc:
        return exc
    except OSError as exc:
        return Quarantined(name, "", 0, f"unreadable: {exc.strerror or exc}")
    try:
        if snap.data is None:
            raise IngestError(f"too large: {snap.size} bytes exceeds the limit of {max_bytes} bytes (--max-bytes)")
        return (decode or ingest_bytes)(name, snap.data)
    except IngestError as exc:
        return Quarantined(name, snap.sha256, snap.size, str(exc))


def _html(name: str, data: bytes) -> RawArticle:
    raw = html_article(name, data)
    raw.url = raw.page.canonical_url if raw.page is not None else None
    return raw


def _analyse_file(path: Path, max_bytes: int,
                  stats: langid.LangidStats) -> tuple[RawArticle, Article] | Quarantined | Changing:
    raw = _read(path, max_bytes)
    if isinstance(raw, Quarantined | Changing):
        return raw
    return _analyse_raw(raw, stats)


def _analyse_raw(raw: RawArticle, stats: langid.LangidStats) -> tuple[RawArticle, Article] | Quarantined:
    try:
        # the text is not kept twice: the article has it
        return RawArticle(raw.path, raw.sha256, "", raw.size, raw.source_record), analyse_text(raw, stats)
    except Exception as exc:  # a bug on one odd input must not take the run down
        return _failed(raw, exc)


def _analyse_item(item: str | InputTask, max_bytes: int, result: BatchResult, stats: langid.LangidStats) -> list:
    """Analysed (raw, article) pairs and Quarantined entries of one input."""
    if isinstance(item, str):
        fmt = format_of(item)
        if fmt == "txt":
            return [_analyse_file(Path(item), max_bytes, stats)]
        item = InputTask(item, fmt)
    if item.fmt == "html":
        raw = _read(Path(item.path), max_bytes, _html)
        return [raw if isinstance(raw, Quarantined | Changing) else _analyse_raw(raw, stats)]
    read = read_container(item, article_id_for, max_bytes)
    result.records_skipped.update(read.skipped)
    result.records += read.records + sum(read.skipped.values())
    result.containers.append(ContainerDone(item.path, item.fmt, item.start, item.end, read.complete, read.seen,
                                           read.next_line, read.records, read.unchanged, read.changing,
                                           read.pieces, item.spill_to is not None))
    if read.changing:
        result.changing.append(as_text(item.path))
        return []
    out: list = list(read.quarantined)
    for raw in read.raws:
        out.append(_analyse_raw(raw, stats))
    return out


def _failed(raw: RawArticle, exc: Exception) -> Quarantined:
    return Quarantined(raw.path, raw.sha256, raw.size, f"processing failed: {type(exc).__name__}: {exc}",
                       source_record=raw.source_record)


def file_sha256(path: str | Path) -> str | None:
    """The file's SHA-256, read in 1 MiB pieces (any size); None if it cannot be read."""
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


def process_batch(paths: list[str | InputTask], translator: Translator | None = None,
                  max_bytes: int = DEFAULT_MAX_BYTES, cache_path: str | None = None) -> BatchResult:
    """Analyse every file, translate the whole batch at once (dedup, cache, batched), finish.

    `cache_path` is the warehouse's translation cache: read here, never written (new
    translations travel back in `result.translation.new`; the flow's process stores them).
    """
    result = BatchResult()
    stats = langid.LangidStats()
    analysed: list[tuple[RawArticle, Article]] = []
    for item in paths:
        if isinstance(item, str) or item.fmt == "html":
            result.records += 1
        for out in _analyse_item(item, max_bytes, result, stats):
            if isinstance(out, Changing):
                result.changing.append(as_text(item if isinstance(item, str) else item.path))
            elif isinstance(out, Quarantined):
                result.quarantined.append(out)
            else:
                analysed.append(out)
    result.translation = translate_articles([a for _, a in analysed], translator or NoTranslator(),
                                            result.errors, TranslationCache(cache_path))
    for raw, art in analysed:
        try:
            finish_article(art)
            result.articles.append(art)
        except Exception as exc:  # a bug on one odd input must not take the run down
            result.quarantined.append(_failed(raw, exc))
    result.langdetect_calls, result.lines = stats.langdetect_calls, stats.lines
    return result


def merge_results(results: list[BatchResult]) -> BatchResult:
    """One batch's result from its chunks' results, in order."""
    merged = BatchResult()
    for r in results:
        merged.articles.extend(r.articles)
        merged.quarantined.extend(r.quarantined)
        merged.errors.extend(r.errors)
        merged.failed.extend(r.failed)
        merged.changing.extend(r.changing)
        merged.langdetect_calls += r.langdetect_calls
        merged.lines += r.lines
        merged.translation.merge(r.translation)
        merged.containers.extend(r.containers)
        merged.records_skipped.update(r.records_skipped)
        merged.records += r.records
    return merged


def process_paths(paths: list[str], packages_dir: str | None, max_bytes: int = DEFAULT_MAX_BYTES,
                  cache_path: str | None = None) -> BatchResult:
    """`process_batch` with the translator built where it runs (a pool worker), from plain arguments."""
    return process_batch(paths, make_translator(packages_dir), max_bytes, cache_path)
